"""Ratings under concurrency: 50 members at once and one member changing fast, in threads (one app,
SQLite and PostgreSQL) and in processes (one SQLite file in WAL mode); aggregates equal a recount."""
import random
import shutil
import threading
import time

import pytest
from sqlalchemy import func, select, text

from forum.models import Member, Rating, Reply
from forum.services import ratings
from tests.concurrency import clients, make_app, run_processes, run_together
from tests.concurrency import seed as seed_thread

MEMBERS = 50
RAPID_OPS = 40
PROCESS_MEMBERS = 20  # the SQLite test's members, over 5 processes (47 s with 50 in CI, 36 s with 30)


def seed(app, db, user_model, members=MEMBERS):
    """A thread with one contribution and `members` other members; returns their ids."""
    _thread, [reply_id], ids = seed_thread(app, db, user_model,
                                           ["A one-line check-in message midweek."], members,
                                           "Rater {}")
    return reply_id, ids


def post_json(client, url, data):
    """POST a rating form as the script does; the status code."""
    return client.post(url, data=data, headers={"Accept": "application/json"}).status_code


def rapid_ops(seed_value, count=RAPID_OPS // 4):
    """A member's quick sequence of changes and removals (form data for each POST)."""
    rng = random.Random(seed_value)
    return [{"remove": "1"} if rng.random() < 0.3 else {"stars": str(rng.randint(1, 5))}
            for _ in range(count)]


def check_consistent(app, db, reply_id, expected_rows=None):
    """Stored aggregates equal a recount from the rating rows; no member rated twice."""
    with app.app_context():
        stored = tuple(db.session.execute(select(Reply.rating_count, Reply.rating_sum)
                                          .where(Reply.id == reply_id)).one())
        assert stored == ratings.recount("reply", reply_id)
        duplicates = db.session.execute(
            select(Rating.member_id).where(Rating.reply_id == reply_id)
            .group_by(Rating.member_id).having(func.count() > 1)).all()
        assert duplicates == []
        if expected_rows is not None:
            assert stored[0] == expected_rows
        db.session.remove()
        return stored


def test_fifty_members_rate_one_reply_at_once(database_url):
    app, db, user_model = make_app(database_url)
    reply_id, ids = seed(app, db, user_model)
    url = f"/community/replies/{reply_id}/rating"
    raters = clients(app, db, user_model, ids)
    stars = [1 + n % 5 for n in range(MEMBERS)]
    statuses = run_together([
        (lambda c=client, s=s: post_json(c, url, {"stars": str(s)}))
        for client, s in zip(raters, stars)])
    assert statuses == [200] * MEMBERS
    assert check_consistent(app, db, reply_id, expected_rows=MEMBERS) == (MEMBERS, sum(stars))
    # ... and all of them change or remove their rating at once.
    statuses = run_together([
        (lambda c=client, n=n: post_json(c, url, {"remove": "1"} if n % 3 == 0 else {"stars": "5"}))
        for n, client in enumerate(raters)])
    assert statuses == [200] * MEMBERS
    kept = MEMBERS - len(range(0, MEMBERS, 3))
    assert check_consistent(app, db, reply_id, expected_rows=kept) == (kept, 5 * kept)
    with app.app_context():
        db.engine.dispose()


def test_one_member_changing_fast(database_url):
    app, db, user_model = make_app(database_url)
    reply_id, ids = seed(app, db, user_model, members=1)
    url = f"/community/replies/{reply_id}/rating"

    def sequence(client, ops):
        return [post_json(client, url, data) for data in ops]

    results = run_together([(lambda c=c, n=n: sequence(c, rapid_ops(n)))
                            for n, c in enumerate(clients(app, db, user_model, ids[:1] * 4))])
    assert results == [[200] * (RAPID_OPS // 4)] * 4
    count, total = check_consistent(app, db, reply_id)
    assert count in (0, 1) and 0 <= total <= 5
    with app.app_context():
        db.engine.dispose()


def _process_worker(url, reply_id, user_ids, rapid_user_id, barrier, queue):
    """One process of the SQLite test: its members rate at once, the shared member keeps changing."""
    app, db, user_model = make_app(url)
    *raters, rapid = clients(app, db, user_model, [*user_ids, rapid_user_id])
    rating_url = f"/community/replies/{reply_id}/rating"
    barrier.wait()
    jobs = [(lambda c=c, uid=uid: post_json(c, rating_url, {"stars": str(1 + uid % 5)}))
            for c, uid in zip(raters, user_ids)]
    jobs.append(lambda: [post_json(rapid, rating_url, data) for data in rapid_ops(user_ids[0])])
    queue.put(run_together(jobs))
    with app.app_context():
        db.engine.dispose()


@pytest.mark.slow
def test_processes_rate_one_reply_in_one_sqlite_file(sqlite_template, tmp_path):
    path = tmp_path / "shared.sqlite3"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    app, db, user_model = make_app(url)
    reply_id, ids = seed(app, db, user_model, members=PROCESS_MEMBERS + 1)
    rapid_id, ids = ids[-1], ids[:-1]
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        db.session.remove()
    processes = 5
    started = time.monotonic()
    results = run_processes(_process_worker, [(url, reply_id, ids[n::processes], rapid_id)
                                              for n in range(processes)])
    ones = [status for result in results for status in result[:-1]]
    rapid = [status for result in results for status in result[-1]]
    assert ones == [200] * PROCESS_MEMBERS, ones
    assert rapid == [200] * (processes * RAPID_OPS // 4), rapid
    count, total = check_consistent(app, db, reply_id)
    with app.app_context():
        rapid_member = db.session.scalar(select(Member.id).where(Member.user_key == str(rapid_id)))
        rapid_rows = db.session.scalar(select(func.count()).select_from(Rating).where(
            Rating.member_id == rapid_member))
        db.session.remove()
        db.engine.dispose()
    assert rapid_rows in (0, 1)
    assert count == PROCESS_MEMBERS + rapid_rows
    assert time.monotonic() - started < 300


def test_sqlite_writes_wait_for_the_lock_instead_of_failing(sqlite_template, tmp_path):
    """A write transaction that read first must not fail with "database is locked" under WAL."""
    path = tmp_path / "locks.sqlite3"
    shutil.copy(sqlite_template, path)
    app, db, _ = make_app(f"sqlite:///{path}")
    errors = []

    def other_writer():
        try:
            with app.app_context(), db.engine.begin() as connection:
                connection.execute(text(
                    "INSERT INTO forum_member (user_key, display_name, created_at) "
                    "VALUES ('other', 'Other', CURRENT_TIMESTAMP)"))
        except Exception as error:
            errors.append(repr(error))

    with app.test_request_context("/", method="POST"), db.engine.connect() as connection:
        connection.execute(text("SELECT count(*) FROM forum_member")).scalar()  # read first
        writer = threading.Thread(target=other_writer)
        writer.start()
        time.sleep(0.3)  # the other writer commits here under a deferred BEGIN
        connection.execute(text(
            "INSERT INTO forum_member (user_key, display_name, created_at) "
            "VALUES ('mine', 'Mine', CURRENT_TIMESTAMP)"))
        connection.commit()
    writer.join(timeout=30)
    assert errors == []
    with app.app_context():
        keys = db.session.scalars(select(Member.user_key)).all()
        db.session.remove()
        db.engine.dispose()
    assert sorted(keys) == ["mine", "other"]


def test_sqlite_page_views_do_not_take_the_write_lock(sqlite_template, tmp_path):
    """GET requests begin deferred transactions, so a slow page never blocks a writer."""
    path = tmp_path / "reads.sqlite3"
    shutil.copy(sqlite_template, path)
    app, db, _ = make_app(f"sqlite:///{path}")
    with app.test_request_context("/", method="GET"), db.engine.connect() as reader:
        reader.execute(text("SELECT count(*) FROM forum_member")).scalar()
        started = time.monotonic()
        with app.app_context(), db.engine.begin() as writer:
            writer.execute(text(
                "INSERT INTO forum_member (user_key, display_name, created_at) "
                "VALUES ('w', 'W', CURRENT_TIMESTAMP)"))
        assert time.monotonic() - started < 2
    with app.app_context():
        db.engine.dispose()
