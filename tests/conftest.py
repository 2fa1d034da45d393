"""Fixtures: a host app on SQLite and PostgreSQL, members, logged-in clients, a query counter."""
import os
import shutil
from contextlib import contextmanager

import pytest
from flask import g
from flask_login import FlaskLoginClient
from sqlalchemy import create_engine, event, text

from forum import migrate
from forum.models import Base
from forum.web.context import actor_for_user
from tests import speedups, workers
from tests.host import create_host_app

workers.isolate()  # before anything reads the test database and Redis URLs

pytest_plugins = [  # fixtures shared by several test files
    "tests.discussion_fixtures",
    "tests.moderation_fixtures",
    "tests.site_logins",
    "tests.mail_server",
]

POSTGRES_URL = os.environ.get("FORUM_TEST_POSTGRES_URL")
SKIP_POSTGRES = "PostgreSQL tests skipped: set FORUM_TEST_POSTGRES_URL to run them"


def pytest_configure(config):
    """In CI (FORUM_TEST_REQUIRE_POSTGRES=1) a missing PostgreSQL is a failure, not a skip; every
    test's new app reuses the templates and URL builders earlier apps compiled, and passwords
    are hashed at argon2's smallest cost (production_password_hashing restores the real one);
    temporary files live in memory."""
    if os.environ.get("FORUM_TEST_REQUIRE_POSTGRES") == "1" and not POSTGRES_URL:
        raise pytest.UsageError("FORUM_TEST_REQUIRE_POSTGRES=1 but FORUM_TEST_POSTGRES_URL is unset")
    speedups.temporary_files_in_memory()
    speedups.share_template_bytecode()
    speedups.memoize_route_builders()
    config.production_password_hashing = speedups.cheap_password_hashing()


@pytest.fixture
def production_password_hashing(request, monkeypatch):
    """The production argon2 parameters for this test (the suite otherwise hashes cheaply)."""
    from forum.services import builtin_accounts

    hasher, dummy_hash = request.config.production_password_hashing
    monkeypatch.setattr(builtin_accounts, "HASHER", hasher)
    monkeypatch.setattr(builtin_accounts, "_DUMMY_HASH", dummy_hash)
    return hasher


# Files whose tests run long (processes, servers, browsers; `--durations` on 2026-11-30),
# collected first, so `--dist loadfile` hands them out while other files can still fill the
# other worker: last in alphabetical order, one of them kept a worker busy for two minutes
# after the other had finished.
LONG_FILES = ("test_ratings_concurrency.py", "test_scale_out.py", "test_openapi.py",
              "test_outcomes_concurrency.py", "test_worker_processes.py", "test_reliability.py",
              "test_security_secret_key.py", "test_wsgi.py", "test_visibility.py",
              "test_limits.py", "test_jobs.py")


def pytest_collection_modifyitems(session, config, items):
    """The long files first, longest first, each file's tests in their own order (a stable
    sort)."""
    rank = {name: number for number, name in enumerate(LONG_FILES)}
    items.sort(key=lambda item: rank.get(item.path.name, len(LONG_FILES)))


def pytest_collection_finish(session):
    """The heap imports and collection built stays for the whole run: keep it out of every
    garbage collection."""
    speedups.freeze_long_lived_heap()


def pytest_report_header(config):
    """Say which databases the suite runs against."""
    return f"forum databases: sqlite{', postgresql' if POSTGRES_URL else ' only (' + SKIP_POSTGRES + ')'}"


MIGRATION_SEEDS = [
    "INSERT INTO forum_rating_total (id, rating_count, rating_sum) VALUES (1, 0, 0)",
    "INSERT INTO forum_content_version (id, version) VALUES (1, 0)",
]


def _forum_tables():
    return [table.name for table in reversed(Base.metadata.sorted_tables)]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """A SQLite file with the forum's migrations applied once; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "forum.sqlite3"
    app, db, _ = create_host_app(f"sqlite:///{path}")
    with app.app_context():
        migrate.upgrade()
        db.create_all()
        db.engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_ready():
    """The PostgreSQL test database with a fresh public schema, migrated once per session."""
    if not POSTGRES_URL:
        pytest.skip(SKIP_POSTGRES)
    engine = create_engine(POSTGRES_URL)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
        # a test database need not wait for the disk at each commit (new sessions only)
        database = engine.url.database
        connection.execute(text(f'ALTER DATABASE "{database}" SET synchronous_commit = off'))
    engine.dispose()
    app, db, _ = create_host_app(POSTGRES_URL)
    with app.app_context():
        migrate.upgrade()
        db.create_all()
        db.engine.dispose()
    return POSTGRES_URL


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    """Each test runs on SQLite and on PostgreSQL (skipped with a reason when unavailable)."""
    if request.param == "sqlite":
        path = tmp_path / "forum.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgres_ready")
    _empty_postgres(url)
    return url


def _empty_postgres(url):
    """Every table empty and every used sequence back at 1, as a new database has.

    DELETE with triggers (and so foreign keys) off, not TRUNCATE: TRUNCATE makes new files for
    some 50 tables and their indexes at every commit (0.3 s a test on this machine; this: 0.04 s)."""
    tables = _forum_tables() + ["host_user"]
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        connection.execute(text("; ".join(f"DELETE FROM {table}" for table in tables)))
        used = connection.execute(text(  # the emptied tables' own sequences (not other hosts')
            "SELECT sequence.relname FROM pg_class sequence"
            " JOIN pg_depend owner ON owner.objid = sequence.oid AND owner.deptype IN ('a', 'i')"
            " JOIN pg_class owning ON owning.oid = owner.refobjid"
            " JOIN pg_sequences used ON used.sequencename = sequence.relname"
            " WHERE sequence.relkind = 'S' AND owning.relname = ANY(:tables)"
            " AND used.last_value IS NOT NULL"), {"tables": tables}).scalars().all()
        for sequence in used:
            connection.execute(text(f"ALTER SEQUENCE {sequence} RESTART"))
        connection.execute(text("SET LOCAL session_replication_role = DEFAULT"))
        for statement in MIGRATION_SEEDS:  # the rows migrations create, as a new database has
            connection.execute(text(statement))
    engine.dispose()


@pytest.fixture
def app(database_url):
    """The host app with the forum under /community (used by pytest-flask's client)."""
    app, db, _ = create_host_app(database_url)
    app.test_client_class = FlaskLoginClient
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def db(app):
    """The host's SQLAlchemy instance (shared with the forum)."""
    return app.host_db


@pytest.fixture
def make_user(app, db):
    """Create a host user: make_user("Ana"), make_user("Mo", staff=True)."""
    def make(name, staff=False):
        user = app.host_user_model(name=name, is_staff=staff)
        db.session.add(user)
        db.session.commit()
        return user
    return make


@pytest.fixture
def client_for(app):
    """A test client logged in as a host user (one identity per client)."""
    def make(user):
        return app.test_client(user=user)
    return make


@pytest.fixture
def actor_for(app):
    """The service-layer Actor for a host user, as a request would build it."""
    def make(user):
        g.pop("forum_actor", None)
        return actor_for_user(user)
    return make


@pytest.fixture
def count_queries(db):
    """Context manager that counts SQL statements: `with count_queries() as n: ...; n[0]`."""
    @contextmanager
    def counter():
        count = [0]

        def before(*_args):
            count[0] += 1

        event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield count
        finally:
            event.remove(db.engine, "before_cursor_execute", before)
    return counter


SITE_TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "site-test-secret",
    "WTF_CSRF_ENABLED": False,
    "FORUM_RATELIMIT_ENABLED": False,
}


@pytest.fixture
def site(database_url):
    """The standalone site from wsgi.py (built-in accounts, forum at the root)."""
    import wsgi

    app = wsgi.create_app(dict(SITE_TEST_CONFIG, SQLALCHEMY_DATABASE_URI=database_url))
    with app.app_context():
        yield app
        app.extensions["sqlalchemy"].session.remove()
        app.extensions["sqlalchemy"].engine.dispose()


@pytest.fixture
def site_client(site):
    """A fresh anonymous client of the standalone site."""
    return site.test_client()


@pytest.fixture
def make_account(site):
    """Create a built-in account: make_account("Ana", role="moderator")."""
    from forum.services import builtin_accounts

    def make(name, password="correct horse battery", role="member"):
        return builtin_accounts.create_account(name, password, role=role)
    return make


@pytest.fixture
def login_site(site, make_account):
    """A client of the standalone site logged in through the real login form."""
    def login(name, role="member", password="correct horse battery"):
        make_account(name, password=password, role=role)
        client = site.test_client()
        response = client.post("/login", data={"name": name, "password": password})
        assert response.status_code == 302, response.text
        return client
    return login
