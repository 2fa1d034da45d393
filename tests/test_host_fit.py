"""A plugin that never harms its host: migrations, CSRF, hooks and SQLite of a docs-style host."""
import logging
import re

import pytest
from flask_login import FlaskLoginClient
from sqlalchemy import event, inspect, select

from forum import migrate
from forum.models import Thread
from forum.services import threads, tokens
from forum.web.context import actor_for_user
from tests.host import create_docs_host
from tests.test_migrations import fresh_database

ORDERS = [pytest.param(True, id="forum-first"), pytest.param(False, id="forum-last")]
KINDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture
def logging_as_it_was():
    """Undo what a host's Flask-Migrate env.py does to this process's logging (fileConfig of
    alembic.ini disables every existing logger, the forum's too, and replaces the root's
    handlers), as the next shell command would start afresh: later tests read the forum's logs."""
    root, loggers = logging.getLogger(), logging.Logger.manager.loggerDict
    before = {name: (logger.disabled, logger.level, logger.handlers[:], logger.propagate)
              for name, logger in loggers.items() if isinstance(logger, logging.Logger)}
    root_before = (root.level, root.handlers[:])
    yield
    for name, logger in list(loggers.items()):
        if isinstance(logger, logging.Logger):
            disabled, level, handlers, propagate = before.get(name, (False, logging.NOTSET, [], True))
            logger.disabled, logger.propagate, logger.handlers[:] = disabled, propagate, handlers
            logger.setLevel(level)
    root.setLevel(root_before[0])
    root.handlers[:] = root_before[1]


def run(app, *args):
    """Invoke a `flask ...` command of app; the result (exit code checked by the caller)."""
    return app.test_cli_runner().invoke(args=list(args), catch_exceptions=False)


def host_with_tables(url, **options):
    """A docs host whose own tables exist (db.create_all) and a member of its users."""
    app, db, user_model, forum = create_docs_host(url, **options)
    app.test_client_class = FlaskLoginClient
    with app.app_context():
        db.create_all()
        user = db.session.scalar(select(user_model).filter_by(name="Ana"))
        if user is None:
            user = user_model(name="Ana")
            db.session.add(user)
            db.session.commit()
            user = db.session.get(user_model, user.id)
    return app, db, user, forum


def dispose(app):
    """Close the app's pooled connections (files stay deletable, PostgreSQL stays clean)."""
    with app.app_context():
        app.extensions["sqlalchemy"].session.remove()
        app.extensions["sqlalchemy"].engine.dispose()


# 1. Migrations -------------------------------------------------------------------------------

@pytest.mark.filterwarnings("ignore:'get_engine' is deprecated")  # Flask-Migrate's env.py
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("forum_first", ORDERS)
@pytest.mark.usefixtures("logging_as_it_was")
def test_host_flask_migrate_never_sees_the_forum_tables(kind, forum_first, tmp_path):
    url = fresh_database(kind, tmp_path)
    folder = tmp_path / "migrations"

    def flask(*args):
        """One `flask ...` run, in a fresh app as each shell command would be."""
        app, db, _, _ = create_docs_host(url, migrations=folder, forum_first=forum_first)
        result = run(app, *args)
        dispose(app)
        assert result.exit_code == 0, result.output
        return app, db

    flask("db", "init")
    flask("db", "migrate", "-m", "host tables")
    flask("db", "upgrade")
    flask("forum", "upgrade")
    revisions = set((folder / "versions").iterdir())
    flask("db", "check")
    flask("db", "migrate", "-m", "nothing")
    assert set((folder / "versions").iterdir()) == revisions  # no new revision proposed
    app, db = flask("db", "upgrade")
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
    assert {"docs_user", "docs_note", "alembic_version", "forum_thread",
            "forum_alembic_version"} <= tables
    dispose(app)


@pytest.mark.parametrize("kind", KINDS)
def test_plain_alembic_host_excludes_the_forum_with_one_import(kind, tmp_path):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from forum.migrate import exclude_forum_tables

    url = fresh_database(kind, tmp_path)
    app, db, _, forum = create_docs_host(url)
    with app.app_context():
        db.create_all()
        forum.create_tables()
        with db.engine.connect() as connection:
            def differences(**options):
                context = MigrationContext.configure(connection, opts=options)
                return compare_metadata(context, db.metadata)
            unfiltered = differences()
            assert differences(include_name=exclude_forum_tables) == []
    assert any(diff[0] == "remove_table" and diff[1].name == "forum_thread" for diff in unfiltered)
    dispose(app)


@pytest.mark.parametrize("kind", KINDS)
def test_create_all_needs_no_forum_and_create_tables_sets_it_up(kind, tmp_path):
    url = fresh_database(kind, tmp_path)
    app, db, _, forum = create_docs_host(url)
    with app.app_context():
        db.create_all()
        assert set(inspect(db.engine).get_table_names()) == {"docs_user", "docs_note"}
    forum.create_tables(app)
    with app.app_context():
        assert "forum_thread" in inspect(db.engine).get_table_names()
        assert migrate.pending_differences() == []
    forum.create_tables(app)  # again: already at head, nothing to do
    dispose(app)


# 2. CSRF -------------------------------------------------------------------------------------

def test_forum_changes_no_host_setting(tmp_path):
    url = f"sqlite:///{tmp_path}/host.sqlite3"
    plain, _, _, _ = create_docs_host(url, forum=False)
    mounted, _, _, _ = create_docs_host(url)
    changed = {key for key in mounted.config
               if key not in plain.config or mounted.config[key] != plain.config[key]}
    assert changed and all(key.startswith("FORUM_") for key in changed), changed
    assert "WTF_CSRF_CHECK_DEFAULT" not in mounted.config


@pytest.mark.parametrize("forum_first", ORDERS)
def test_host_app_wide_csrf_stays_on_in_either_order(database_url, forum_first):
    app, _, _, _ = host_with_tables(database_url, csrf=True, forum_first=forum_first)
    client = app.test_client()
    assert client.post("/notes", data={"text": "no token"}).status_code == 400
    dispose(app)


def form_token(page):
    """The CSRF token of the first form on a page."""
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


HOST_CSRF = {
    "no-csrfprotect": {},
    "csrfprotect-first": {"csrf": True, "forum_first": False},
    "csrfprotect-last": {"csrf": True, "forum_first": True},
    "check-default-off": {"csrf": True, "config": {"WTF_CSRF_CHECK_DEFAULT": False}},
}


@pytest.mark.parametrize("host", HOST_CSRF.values(), ids=HOST_CSRF.keys())
def test_forum_forms_need_a_token_whatever_the_host_does(database_url, host):
    app, db, user, _ = host_with_tables(database_url, **host)
    client = app.test_client(user=user)
    data = {"title": "How do you close a first session well?"}
    refused = client.post("/community/new", data=data)
    assert refused.status_code == 400 and "reload the page" in refused.text
    data["csrf_token"] = form_token(client.get("/community/new").text)
    assert client.post("/community/new", data=data).status_code == 302
    with app.app_context():
        assert db.session.scalars(select(Thread.title)).all() == [data["title"]]
    dispose(app)


@pytest.mark.parametrize("forum_first", ORDERS)
def test_api_bearer_calls_pass_a_host_csrfprotect_in_either_order(database_url, forum_first):
    app, _, user, _ = host_with_tables(database_url, csrf=True, forum_first=forum_first)
    with app.test_request_context():
        _token, raw = tokens.create_token(actor_for_user(user), "script")
    response = app.test_client().post(
        "/community/api/threads", headers={"Authorization": f"Bearer {raw}"},
        json={"title": "What do you send a client before the first session?"})
    assert response.status_code == 201, response.text
    session_post = app.test_client(user=user).post("/community/api/threads", json={"title": "x"})
    assert session_post.status_code == 400 and "X-CSRFToken" in session_post.text
    dispose(app)


# 3. Hooks ------------------------------------------------------------------------------------

def fingerprint(app, response):
    """What a visitor gets: status, headers (the session cookie decoded) and body bytes."""
    serializer = app.session_interface.get_signing_serializer(app)
    headers = []
    for name, value in response.headers.items():
        if name == "Set-Cookie" and value.startswith("session="):
            value = serializer.loads(value.split(";")[0].split("=", 1)[1])
        headers.append((name, value))
    return response.status_code, sorted(headers, key=repr), response.data


def failing_name(user):
    raise RuntimeError("the host's profile service is down")


def test_host_pages_are_byte_identical_with_and_without_the_forum(database_url):
    seen = []
    for mounted in (False, True):
        options = {"display_name": failing_name} if mounted else {}
        app, _, user, _ = host_with_tables(database_url, forum=mounted, **options)
        member, visitor = app.test_client(user=user), app.test_client()
        seen.append([fingerprint(app, client.get(path)) for client in (member, visitor)
                     for path in ("/", "/no-such-page", "/notes", "/community/nope")[:3]]
                    + [fingerprint(app, visitor.post("/notes", data={"text": "hi"}))])
        dispose(app)
    without, with_forum = seen
    assert without[0][0] == 200 and b"<p>Ana</p>" in without[0][2]
    assert without == with_forum


def test_a_failing_display_name_breaks_only_forum_pages(database_url):
    app, _, user, _ = host_with_tables(database_url, display_name=failing_name)
    member = app.test_client(user=user)
    assert member.get("/").status_code == 200
    with pytest.raises(RuntimeError, match="profile service"):
        member.get("/community/")
    dispose(app)


# 4. The host's SQLite engine -----------------------------------------------------------------

def trace_statements(app):
    """Every statement SQLite runs on the app's connections, DBAPI-level ones included."""
    statements = []
    with app.app_context():
        engine = app.extensions["sqlalchemy"].engine
        engine.dispose()
        event.listen(engine, "connect",
                     lambda dbapi_connection, _: dbapi_connection.set_trace_callback(
                         statements.append))
    return statements


def test_host_sqlite_connections_behave_as_without_the_forum(tmp_path):
    url = f"sqlite:///{tmp_path / 'host.sqlite3'}"
    states = []
    for mounted in (False, True):
        app, db, user, forum = host_with_tables(
            url, forum=mounted, config={"WTF_CSRF_ENABLED": False})
        if forum:
            forum.create_tables(app)
        statements = trace_statements(app)
        member = app.test_client(user=user)
        if forum:
            assert member.get("/community/").status_code == 200
            assert member.post("/community/new", data={
                "title": "Which question opens a session best?"}).status_code == 302
            assert "BEGIN IMMEDIATE" in statements and "PRAGMA foreign_keys = ON" in statements
        del statements[:]
        assert member.post("/notes", data={"text": "host write"}).status_code == 201
        states.append(member.get("/sqlite").json)
        assert not any("IMMEDIATE" in s or s.startswith("PRAGMA foreign_keys =") for s in statements)
        dispose(app)
    assert states[0] == states[1]
    assert states[0]["journal_mode"] == "delete" and states[0]["foreign_keys"] == 0


def test_forum_code_outside_requests_gets_foreign_keys_and_the_write_lock(tmp_path):
    app, db, user, forum = host_with_tables(f"sqlite:///{tmp_path / 'host.sqlite3'}")
    forum.create_tables(app)
    statements = trace_statements(app)
    with app.app_context():
        threads.start_thread(actor_for_user(user), "What do you do when a client goes quiet?")
        assert "PRAGMA foreign_keys = ON" in statements and "BEGIN IMMEDIATE" in statements
        del statements[:]
        db.session.execute(select(1))
        db.session.commit()
        assert "BEGIN IMMEDIATE" not in statements and "PRAGMA foreign_keys = ON" not in statements
    dispose(app)


def test_a_host_opts_in_to_tuning_its_whole_engine(tmp_path):
    app, _, user, _ = host_with_tables(f"sqlite:///{tmp_path / 'host.sqlite3'}",
                                       config={"FORUM_SQLITE_TUNE_ENGINE": True})
    state = app.test_client(user=user).get("/sqlite").json
    assert state["journal_mode"] == "wal" and state["foreign_keys"] == 1
    assert state["isolation_level"] is None and state["busy_timeout"] == 5000
    dispose(app)


# 6. Settings precedence ----------------------------------------------------------------------

def test_host_config_wins_over_constructor_values(tmp_path):
    app, _, _, _ = create_docs_host(f"sqlite:///{tmp_path}/h.sqlite3", url_prefix="/talk",
                                    title="From the constructor", threads_per_page=7,
                                    config={"FORUM_TITLE": "From app.config",
                                            "FORUM_URL_PREFIX": "/club"})
    assert app.config["FORUM_TITLE"] == "From app.config"
    assert app.config["FORUM_THREADS_PER_PAGE"] == 7  # the constructor fills what config lacks
    assert any(rule.rule == "/club/" for rule in app.url_map.iter_rules())


def test_standalone_site_stops_on_an_unknown_forum_variable(monkeypatch):
    import wsgi

    monkeypatch.setenv("FORUM_RATELIMIT_STORAGE_URL", "redis://cache:6379")
    with pytest.raises(SystemExit, match="FORUM_RATELIMIT_STORAGE_URL.*FORUM_RATELIMIT_STORAGE_URI"):
        wsgi.create_app({"TESTING": True, "SECRET_KEY": "x"})
