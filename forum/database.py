"""The host's SQLAlchemy session, the one place transactions are committed, and SQLite tuning.

The forum shares the host's engine. On SQLite its own transactions need foreign keys (cascades),
a busy timeout and BEGIN IMMEDIATE for writers; by default only they get them, and every pragma
is put back when the connection returns to the pool, so the host's sessions behave exactly as
without the forum. FORUM_SQLITE_TUNE_ENGINE=True (the standalone site) tunes every connection
of the engine instead, WAL included.
"""
import sqlite3
import sys
import time
from contextlib import contextmanager
from contextvars import ContextVar

from flask import current_app, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from forum.errors import NotFound

def session():
    """The host's Flask-SQLAlchemy scoped session, which the forum's models share."""
    return current_app.extensions["forum"].db.session


_in_unit_of_work = ContextVar("forum_unit_of_work", default=False)


@contextmanager
def atomic():
    """Run a unit of work: commit if the block finishes, roll everything back if it raises."""
    db_session = session()
    inside = _in_unit_of_work.set(True)  # its transaction is the forum's (see tune_sqlite)
    try:
        yield db_session
        db_session.commit()
    except BaseException:
        db_session.info.pop(ON_COMMIT, None)
        db_session.rollback()
        raise
    finally:
        _in_unit_of_work.reset(inside)
    for callback in db_session.info.pop(ON_COMMIT, ()):
        callback()


ON_COMMIT = "forum_on_commit"


def on_commit(callback, once=False):
    """Call callback() once the current unit of work (atomic()) has committed, never if it
    rolls back: jobs are queued only for rows other connections can already read. once=True:
    not again when the same callback is already waiting for this commit."""
    waiting = session().info.setdefault(ON_COMMIT, [])
    if not (once and callback in waiting):
        waiting.append(callback)


def write_after_reading():
    """End the reading transaction of a GET that must write (marking notices read): the next
    transaction then takes the write lock first (BEGIN IMMEDIATE on SQLite, which waits for
    it), where a read transaction could not take it once another connection wrote."""
    if has_request_context():
        g.forum_writes = True
    session().commit()


def get_or_not_found(model, item_id, message):
    """The row of model with this primary key, or NotFound(message): the one lookup services share."""
    row = session().get(model, item_id)
    if row is None:
        raise NotFound(message)
    return row


def is_forum_request():
    """Whether the current request was routed to one of the forum's blueprints."""
    names = current_app.extensions["forum"].blueprint_names
    return any(name in names for name in request.blueprints or ())


def _reads_only():
    """Whether this transaction belongs to a GET/HEAD/OPTIONS request (which does not write),
    unless the request said it writes after all (write_after_reading)."""
    return (has_request_context() and request.method in ("GET", "HEAD", "OPTIONS")
            and not g.get("forum_writes", False))


def _forum_owns_transaction():
    """A transaction of a request routed to the forum, or else (outside requests routed to a
    view: CLI, migrations, scripts, tests) one begun by forum code or inside atomic()."""
    if has_request_context() and request.url_rule is not None:
        return is_forum_request()
    if _in_unit_of_work.get():
        return True
    frame = sys._getframe(2)  # above this function and the begin listener
    while frame is not None:
        if frame.f_globals.get("__name__", "").startswith("forum."):
            return True
        frame = frame.f_back
    return False


WRITE_LOCK_POLL_S = 0.001


def begin_immediate(cursor, busy_timeout_ms):
    """BEGIN IMMEDIATE, tried again every millisecond while another connection writes.

    SQLite's own busy handler sleeps 1, 2, 5, 10 ... then 100 ms between tries, so a writer
    often slept far longer than the lock was held, and a busy worker took the lock again
    before a sleeping one woke (p99 of a POSTed reply: 607 ms with 2 workers). Gives up, as
    the busy timeout would, after busy_timeout_ms.
    """
    cursor.execute("PRAGMA busy_timeout = 0")
    deadline = time.monotonic() + busy_timeout_ms / 1000
    try:
        while True:
            try:
                cursor.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() >= deadline:
                    raise
            time.sleep(WRITE_LOCK_POLL_S)
    finally:
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")


def _begin(cursor, busy_timeout_ms):
    """BEGIN for a page view (it does not write), else BEGIN IMMEDIATE: take the write lock first.

    pysqlite's deferred BEGIN upgrades a read transaction to a write one and fails at once
    ("database is locked") under WAL when another connection wrote in between.
    """
    if _reads_only():
        cursor.execute("BEGIN")
    else:
        begin_immediate(cursor, busy_timeout_ms)


def tune_sqlite(engine, busy_timeout_ms, whole_engine):
    """Give the forum's transactions on a SQLite engine what they need (see the module docstring)."""
    if engine.dialect.name != "sqlite" or getattr(engine, "_forum_tuned", False):
        return
    engine._forum_tuned = True
    if whole_engine:
        _tune_whole_engine(engine, busy_timeout_ms)
    else:
        _tune_forum_transactions(engine, busy_timeout_ms)


def _tune_whole_engine(engine, busy_timeout_ms):
    """WAL, a busy timeout and foreign keys on every connection; writers begin IMMEDIATE."""

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _sqlite_begin(connection):
        # On the DBAPI cursor, so query counters see the same statements as on PostgreSQL.
        cursor = connection.connection.dbapi_connection.cursor()
        _begin(cursor, busy_timeout_ms)
        cursor.close()

    engine.dispose()


def _tune_forum_transactions(engine, busy_timeout_ms):
    """Foreign keys, busy timeout and BEGIN (IMMEDIATE) for the forum's transactions only."""

    @event.listens_for(engine, "begin")
    def _forum_begin(connection):
        if not _forum_owns_transaction():
            return  # pysqlite's own transaction handling, as without the forum
        dbapi_connection = connection.connection.dbapi_connection
        info = connection.connection.info
        cursor = dbapi_connection.cursor()
        if "forum_saved" not in info:
            info["forum_saved"] = (
                dbapi_connection.isolation_level,
                cursor.execute("PRAGMA foreign_keys").fetchone()[0],
                cursor.execute("PRAGMA busy_timeout").fetchone()[0])
        info["forum_tuned"] = True
        dbapi_connection.isolation_level = None
        cursor.execute("PRAGMA foreign_keys = ON")  # a no-op inside a transaction: before BEGIN
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        _begin(cursor, busy_timeout_ms)
        cursor.close()

    @event.listens_for(engine, "checkin")
    def _restore_host_settings(dbapi_connection, record):
        if dbapi_connection is None or not record.info.pop("forum_tuned", False):
            return
        isolation_level, foreign_keys, busy_timeout = record.info["forum_saved"]
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA foreign_keys = {int(foreign_keys)}")
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout)}")
        cursor.close()
        dbapi_connection.isolation_level = isolation_level


def dialect_insert(model):
    """An INSERT for model that can skip rows already there (ON CONFLICT), on both databases."""
    sqlite = session().get_bind().dialect.name == "sqlite"
    return (sqlite_insert if sqlite else postgresql_insert)(model)
