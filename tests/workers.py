"""Under pytest-xdist each worker gets its own PostgreSQL database and Redis db number, so
workers never empty or read each other's tables and keys (`make test` runs two workers)."""
import os
from urllib.parse import urlsplit

from sqlalchemy import create_engine, make_url, text

WORKER = os.environ.get("PYTEST_XDIST_WORKER")  # "gw0", "gw1", ... inside an xdist worker


def isolate():
    """Point FORUM_TEST_POSTGRES_URL and FORUM_TEST_REDIS_URL at this worker's own database."""
    if not WORKER:
        return
    number = int(WORKER.removeprefix("gw"))
    if os.environ.get("FORUM_TEST_POSTGRES_URL"):
        os.environ["FORUM_TEST_POSTGRES_URL"] = _own_postgres(
            os.environ["FORUM_TEST_POSTGRES_URL"])
    if os.environ.get("FORUM_TEST_REDIS_URL"):  # redis://host:port/N: N is the db number
        parts = urlsplit(os.environ["FORUM_TEST_REDIS_URL"])
        base = int(parts.path.strip("/") or 0)
        os.environ["FORUM_TEST_REDIS_URL"] = parts._replace(path=f"/{base + number}").geturl()


def _own_postgres(url):
    """The worker's database beside the named one (test -> test_gw1), created when missing."""
    shared = make_url(url)
    own = shared.set(database=f"{shared.database}_{WORKER}")
    engine = create_engine(shared, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                   {"name": own.database})
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{own.database}"'))
    engine.dispose()
    return own.render_as_string(hide_password=False)
