"""`make bench` (notifications): what a thread's watchers cost the poster, and the fan-out's
memory with 10,000 followers.

    python -m bench.notifications [--posts N] [--followers N]

On a fresh SQLite site with jobs queued (as in production): posting a contribution in a thread
with 1,000 watchers vs one with none (median of --posts posts each; the ratio is the point: the
fan-out runs in the worker, after the commit), then the worker's job for one contribution to
1,000 watchers, and the fan-out of a new thread to --followers tag followers: its time and the
peak Python memory of the job (tracemalloc), against the same with a tenth of the followers.
"""
import argparse
import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path

from sqlalchemy import func, insert, select

import wsgi
from forum import jobs, migrate
from forum.models import Member, Notification, Tag, TagFollow, ThreadWatch, utcnow
from forum.services import notifications, replies, threads
from forum.services.actors import Actor


def site(folder):
    """The standalone site on a new SQLite file, its jobs queued in another."""
    app = wsgi.create_app({
        "TESTING": True, "SECRET_KEY": "bench-notifications", "FORUM_RATELIMIT_ENABLED": False,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'forum.sqlite3'}",
        "FORUM_JOBS_IMMEDIATE": False, "FORUM_JOBS_URL": f"sqlite:///{folder / 'jobs.sqlite3'}",
        "FORUM_CONFIDENTIALITY": "off"})
    with app.app_context():
        migrate.upgrade()
    return app


def add_members(db_session, first, count):
    """count members with keys first.. in one INSERT; returns their ids."""
    now = utcnow()
    db_session.execute(insert(Member), [
        {"user_key": f"bench:{n}", "display_name": f"Coach {n}", "created_at": now}
        for n in range(first, first + count)])
    db_session.commit()
    return db_session.scalars(select(Member.id).where(
        Member.user_key.in_([f"bench:{n}" for n in range(first, first + count)]))).all()


def timed_posts(actor, thread_id, posts):
    """Median and p95 milliseconds of add_reply (the poster's request) over `posts` posts."""
    timings = []
    for number in range(posts):
        started = time.perf_counter()
        replies.add_reply(actor, thread_id, f"Contribution {number}: one more practical idea.")
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return statistics.median(timings), timings[max(0, int(len(timings) * 0.95) - 1)]


def fan_out_to_followers(app, db_session, author, followers, tag_name):
    """Start a thread with a tag `followers` members follow; (seconds, peak bytes, notices)
    of the worker's fan-out job."""
    thread_id = threads.start_thread(author, f"Who else uses {tag_name} in a first session?",
                                     prompts="Practice: What do you do?", tags=tag_name).id
    jobs.drain()  # the new thread's own fan-out, before anyone follows its tag
    tag_id = db_session.scalar(select(Tag.id).where(Tag.slug == tag_name))
    ids = add_members(db_session, 100_000 * (1 + followers // 1000), followers)
    db_session.execute(insert(TagFollow), [{"member_id": i, "tag_id": tag_id} for i in ids])
    db_session.commit()
    tracemalloc.start()
    started = time.perf_counter()
    notifications.fan_out_thread(thread_id)  # the worker's job, and the email sweep it queues
    jobs.drain()
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    notices = db_session.scalar(select(func.count(Notification.id)).where(
        Notification.thread_id == thread_id))
    return seconds, peak, notices


def main(argv=None):
    """Print posting latency with and without 1,000 watchers (ratio), the job's time, and the
    fan-out's time and peak memory for --followers followers vs a tenth of them."""
    parser = argparse.ArgumentParser(prog="python -m bench.notifications", description=__doc__)
    parser.add_argument("--posts", type=int, default=30)
    parser.add_argument("--followers", type=int, default=10_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        app = site(Path(folder))
        with app.app_context():
            db_session = app.extensions["sqlalchemy"].session
            author, poster = Actor("account:1", "Asker"), Actor("account:2", "Poster")
            quiet = threads.start_thread(author, "A quiet thread?", prompts="One: What?")
            busy = threads.start_thread(author, "A busy thread?", prompts="One: What?")
            watchers = add_members(db_session, 0, 1000)
            db_session.execute(insert(ThreadWatch), [
                {"member_id": i, "thread_id": busy.id, "level": "watching"} for i in watchers])
            db_session.commit()
            jobs.drain()
            none_ms, none_p95 = timed_posts(poster, quiet.id, args.posts)
            busy_ms, busy_p95 = timed_posts(poster, busy.id, args.posts)
            print(f"posting a contribution: no watchers median {none_ms:.1f} ms (p95 "
                  f"{none_p95:.1f}), 1,000 watchers median {busy_ms:.1f} ms (p95 "
                  f"{busy_p95:.1f}): ratio {busy_ms / none_ms:.2f}")
            started = time.perf_counter()
            ran = jobs.drain()
            print(f"worker: {ran} queued jobs (fan-outs of {2 * args.posts} contributions, "
                  f"{args.posts} of them to 1,000 watchers, and their email sweeps) in "
                  f"{time.perf_counter() - started:.2f} s")
            small = fan_out_to_followers(app, db_session, author, args.followers // 10, "small")
            large = fan_out_to_followers(app, db_session, author, args.followers, "large")
            for followers, (seconds, peak, notices) in ((args.followers // 10, small),
                                                        (args.followers, large)):
                print(f"fan-out of a new thread to {followers:,} tag followers: {notices:,} "
                      f"notices in {seconds:.2f} s, peak Python memory {peak / 1024:.0f} KiB")
            print(f"peak memory ratio {args.followers:,} vs {args.followers // 10:,} followers: "
                  f"{large[1] / small[1]:.2f} (bounded: one INSERT ... SELECT, no row in Python)")
            db_session.remove()
            app.extensions["sqlalchemy"].engine.dispose()


if __name__ == "__main__":
    main()
