"""A fresh benchmark database: reset, migrate, bulk-generate, and a writer account."""
import time
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.data import SEED, generate

# Data is loaded at the last revision before the search index and its per-row triggers; the
# upgrade to head then indexes everything in one set-based statement (as the search migration
# does for an existing forum) and builds later indexes once, on full tables.
LOAD_REVISION = "0001"
WRITER_NAME = "bench writer"
WRITER_PASSWORD = "bench writer password"


def reset_database(url):
    """Remove every table: delete the SQLite file, or recreate PostgreSQL's public schema."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database)
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def site_app(url):
    """The standalone site bound to url with benchmark settings (no rate limits)."""
    import wsgi

    return wsgi.create_app({"SQLALCHEMY_DATABASE_URI": url, "FORUM_RATELIMIT_ENABLED": False,
                            "SECRET_KEY": "bench-prepare"})


def analyze(engine):
    """Planner statistics (and PostgreSQL's visibility map) as a settled database has them."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql(
            "VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE")


def prepare(url, scale, seed=SEED, log=print):
    """Build the benchmark forum on url; returns the generator's summary (with timings)."""
    from forum import migrate
    from forum.services import builtin_accounts

    started = time.perf_counter()
    reset_database(url)
    app = site_app(url)
    with app.app_context():
        migrate.upgrade(LOAD_REVISION)
        engine = app.extensions["sqlalchemy"].engine
        with engine.begin() as connection:
            generated = generate(connection, scale, seed=seed, log=log)
        indexing = time.perf_counter()
        migrate.upgrade()
        generated.seconds_upgrade = time.perf_counter() - indexing
        builtin_accounts.create_account(WRITER_NAME, WRITER_PASSWORD)
        analyze(engine)
        app.extensions["sqlalchemy"].session.remove()
        engine.dispose()
    generated.seconds_total = time.perf_counter() - started
    return generated


def upgrade(url):
    """Bring an earlier run's database to the current migrations (new indexes) and analyze it."""
    from forum import migrate

    app = site_app(url)
    with app.app_context():
        migrate.upgrade()
        engine = app.extensions["sqlalchemy"].engine
        analyze(engine)
        engine.dispose()


def writer_token(url):
    """A fresh API token for the writer account (earlier benchmark tokens are revoked)."""
    from forum.services import builtin_accounts
    from forum.services import tokens
    from forum.services.actors import Actor

    app = site_app(url)
    with app.app_context():
        account = builtin_accounts.find_account(WRITER_NAME)
        actor = Actor(user_key=f"account:{account.id}", display_name=account.name)
        for token in tokens.list_tokens(actor):
            if token.revoked_at is None:
                tokens.revoke_token(actor, token.id)
        _token, raw = tokens.create_token(actor, "benchmark")
        app.extensions["sqlalchemy"].session.remove()
        app.extensions["sqlalchemy"].engine.dispose()
    return raw
