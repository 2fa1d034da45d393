"""The harness the concurrency tests share (ratings, outcomes): a host app whose clients log a
user in, a seeded thread, jobs started at one moment in threads, and worker processes on one
SQLite file started at one moment."""
import multiprocessing
import threading

from flask_login import FlaskLoginClient

from forum.services import replies, threads
from forum.web.context import actor_for_user
from tests.host import create_host_app

# Under load every writer may queue behind all the others: wait long rather than fail. WAL on
# the whole engine, as the standalone site has it (a host opts in the same way).
CONFIG = {"FORUM_SQLITE_BUSY_TIMEOUT": 60_000, "FORUM_SQLITE_TUNE_ENGINE": True}
TITLE = "How do you keep a client's momentum between sessions?"


def make_app(url):
    """A host app on url whose test clients log a user in."""
    app, db, user_model = create_host_app(url, config=CONFIG)
    app.test_client_class = FlaskLoginClient
    return app, db, user_model


def seed(app, db, user_model, bodies, members, member_name):
    """Ada's thread with Bea's contributions (one per body) and `members` other users named
    member_name.format(n); returns (thread id, contribution ids, member user ids)."""
    with app.app_context():
        def user(name):
            row = user_model(name=name)
            db.session.add(row)
            db.session.commit()
            return row

        author, writer = user("Ada Author"), user("Bea Coach")
        thread = threads.start_thread(actor_for_user(author), TITLE)
        reply_ids = [replies.add_reply(actor_for_user(writer), thread.id, body).id
                     for body in bodies]
        ids = [user(member_name.format(n)).id for n in range(members)]
        result = (thread.id, reply_ids, ids)
        db.session.remove()
    return result


def clients(app, db, user_model, user_ids):
    """One logged-in test client per user id (the same id twice: two clients of one member)."""
    with app.app_context():
        made = [app.test_client(user=db.session.get(user_model, uid)) for uid in user_ids]
        db.session.remove()
    return made


def run_together(jobs):
    """Start every job in its own thread at the same moment; return what each returned."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(index, job):
        barrier.wait()
        try:
            results[index] = job()
        except Exception as error:  # a 500 propagates in TESTING mode: record it, fail below
            results[index] = repr(error)

    workers = [threading.Thread(target=run, args=(n, job)) for n, job in enumerate(jobs)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=300)
    return results


def run_processes(target, args_per_process):
    """Run target(*args, barrier, queue) in one spawned process per args tuple; each waits at
    the shared barrier, then puts one result on the queue. Returns the results (in the order
    they came) once every process exited cleanly."""
    context = multiprocessing.get_context("spawn")
    barrier, queue = context.Barrier(len(args_per_process)), context.Queue()
    workers = [context.Process(target=target, args=(*args, barrier, queue))
               for args in args_per_process]
    for worker in workers:
        worker.start()
    results = [queue.get(timeout=300) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    assert all(worker.exitcode == 0 for worker in workers)
    return results
