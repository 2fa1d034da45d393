"""What /healthz reports: the database answers, its forum tables are at the newest migration,
and the shared Redis (FORUM_CACHE_URL) answers when one is named."""
from functools import lru_cache

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError

from forum.database import session
from forum.migrate import VERSION_TABLE
from forum.resources import resource_dir
from forum.redis_store import redis_store


OUTAGE_RETRY_AFTER = 30  # seconds a client is asked to wait while the database is away


# SQLSTATEs of a lost or refused link: class 08 (connection exception), and the server
# shutting down or starting up (57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now)
_OUTAGE_STATES = ("08", "57P01", "57P02", "57P03")


def database_unreachable(error):
    """True for errors that mean the database did not answer (down, restarting, link lost).

    Other operational errors (a full or broken disk, a lock timeout) are not an outage: they
    stay 500s, so they are logged as faults and never hidden behind "try again shortly"."""
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    state = getattr(error.orig, "sqlstate", None)
    if state:
        return state.startswith(_OUTAGE_STATES)
    # psycopg raises OperationalError without a SQLSTATE when it cannot connect at all
    return isinstance(error, OperationalError) and type(error.orig).__module__.startswith("psycopg")


def forget_failed_transaction():
    """Roll the request's session back after an outage (quietly: the link may be gone)."""
    try:
        session().rollback()
    except SQLAlchemyError:
        pass


@lru_cache(maxsize=1)
def migration_heads():
    """The newest revision(s) of the forum's migrations (read once: they change with a deploy)."""
    from alembic.script import ScriptDirectory

    return frozenset(ScriptDirectory(str(resource_dir("migrations"))).get_heads())


def _database():
    """(database answers, its forum revisions) from one query."""
    try:
        rows = session().execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars()
        revisions = frozenset(rows)
    except SQLAlchemyError:
        session().rollback()
        return False, frozenset()
    return True, revisions


def check():
    """(healthy, report): report maps each check to "ok" or what is wrong with it."""
    reachable, revisions = _database()
    heads = migration_heads()
    report = {"database": "ok" if reachable else "unreachable"}
    if reachable:
        report["migrations"] = "ok" if revisions == heads else (
            f"at {', '.join(sorted(revisions)) or 'nothing'}; newest is {', '.join(sorted(heads))}"
            " (run `flask forum upgrade`)")
    store = redis_store()
    if store is not None:
        report["redis"] = "ok" if store.ping() else "unreachable"
    healthy = all(value == "ok" for value in report.values())
    return healthy, report
