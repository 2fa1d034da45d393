"""Background jobs on Huey: a registry of tasks and periodic tasks, one queue per app.

Services declare jobs with `@jobs.task()` and enqueue them with `jobs.later(function, *args)`
(after their transaction commits, see database.on_commit); other features add a periodic job
with `@jobs.periodic(crontab(...))`. Each app gets its own Huey, built on first use from the
registry: SQLite storage in the instance folder by default, Redis for a redis:// FORUM_JOBS_URL,
and Huey's immediate mode (run at once, in memory) in tests or when FORUM_JOBS_IMMEDIATE says
so. Every job runs inside an app context of the app that queued it.
"""
import logging
from pathlib import Path

from flask import current_app, has_app_context
from huey import RedisHuey, SqliteHuey, crontab
from huey.api import MemoryHuey

log = logging.getLogger("forum.jobs")
__all__ = ["crontab", "drain", "later", "periodic", "queue", "task"]

TASKS = {}  # name: (function, options)
PERIODIC = {}  # name: (function, schedule)


def _name(function):
    """A job's stable name: module and function."""
    return f"{function.__module__}.{function.__qualname__}"


def task(retries=0, retry_delay=0, retry_backoff=0):
    """Register a function as a job (unchanged when called directly); when it raises it is
    retried `retries` times after retry_delay seconds (times retry_backoff per attempt)."""
    def register(function):
        TASKS[_name(function)] = (function, {"retries": retries, "retry_delay": retry_delay,
                                             "retry_backoff": retry_backoff})
        return function
    return register


def periodic(schedule):
    """Register a function the worker runs on schedule (a huey.crontab), e.g. the digest."""
    def register(function):
        PERIODIC[_name(function)] = (function, schedule)
        return function
    return register


def is_immediate(config):
    """Whether jobs run at once in the caller: FORUM_JOBS_IMMEDIATE, else when TESTING."""
    setting = config["FORUM_JOBS_IMMEDIATE"]
    return bool(config.get("TESTING")) if setting is None else bool(setting)


def _storage(app):
    """A Huey of the kind FORUM_JOBS_URL names (SQLite file by default, or Redis)."""
    url = app.config["FORUM_JOBS_URL"]
    if is_immediate(app.config):  # results=False: nobody waits for a job's return value
        return MemoryHuey("forum", immediate=True, results=False)
    if url and url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey("forum", url=url, results=False)
    if url and not url.startswith("sqlite:///"):
        raise RuntimeError(f"FORUM_JOBS_URL={url!r}: use redis://host:port/db or "
                           "sqlite:///absolute/path/jobs.sqlite3 (or leave it unset).")
    path = url[len("sqlite:///"):] if url else str(Path(app.instance_path) / "forum-jobs.sqlite3")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("forum", filename=path, results=False)


def _in_app(app, function):
    """The function run inside an app context of app (the caller's, when it is that app)."""
    def run(*args):
        if has_app_context() and current_app._get_current_object() is app:
            return function(*args)
        with app.app_context():
            return function(*args)
    run.__name__ = function.__name__
    return run


def build(app):
    """The app's Huey with every registered job and periodic job on it."""
    huey = _storage(app)
    wrappers = {}
    for name, (function, options) in TASKS.items():
        wrappers[name] = huey.task(name=name, **options)(_in_app(app, function))
    for name, (function, schedule) in PERIODIC.items():
        huey.periodic_task(schedule, name=name)(_in_app(app, function))
    return huey, wrappers


def queue(app=None):
    """(huey, {job name: task wrapper}) of the app (the current one by default), built once."""
    app = app or current_app._get_current_object()
    state = app.extensions["forum"]
    if state.jobs is None:
        state.jobs = build(app)
    return state.jobs


def later(function, *args):
    """Queue a registered job with these arguments (run at once in immediate mode)."""
    _huey, wrappers = queue()
    return wrappers[_name(function)](*args)


def drain(app=None):
    """Run queued jobs in this process until the queue is empty (what a consumer does, once);
    returns how many ran. `flask forum worker --drain` and tests use it."""
    huey, _wrappers = queue(app)
    ran = 0
    while True:
        job = huey.dequeue()
        if job is None:
            return ran
        huey.execute(job)
        ran += 1
