"""A plugin that never harms its host: migrations, CSRF, hooks and SQLite of a docs-style host."""
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


# 7. Fit the host -----------------------------------------------------------------------------

@pytest.mark.parametrize("login", [
    pytest.param({"view": "login_page"}, id="login_view"),
    pytest.param({"config": {"FORUM_LOGIN_URL": "https://accounts.example/sign-in"}},
                 id="FORUM_LOGIN_URL")])
def test_visitors_are_sent_to_the_host_login_with_next(database_url, login):
    app, _, user, _ = host_with_tables(database_url, config=login.get("config"))
    app.add_url_rule("/sign-in", "login_page", lambda: "host login")
    app.login_manager.login_view = login.get("view")
    with app.test_request_context():
        thread_id = threads.start_thread(
            actor_for_user(user), "How do you end a session on time?").id
    visitor = app.test_client()
    base = login.get("config", {}).get("FORUM_LOGIN_URL", "/sign-in")
    new = visitor.get("/community/new")
    assert new.status_code == 302
    assert new.headers["Location"].startswith(base) and "next=%2Fcommunity%2Fnew" in new.headers[
        "Location"]
    page = visitor.get(f"/community/threads/{thread_id}", follow_redirects=True).text
    assert re.search(rf'<a href="{re.escape(base)}\?next=[^"]+">Log in</a> to contribute', page)
    assert re.search(rf'<a href="{re.escape(base)}\?next=[^"]+">Log in</a> to rate', page)
    dispose(app)


def test_without_a_login_page_visitors_get_a_401_page(database_url):
    app, _, _, _ = host_with_tables(database_url)
    response = app.test_client().get("/community/new")
    assert response.status_code == 401 and "Please log in" in response.text
    dispose(app)


def test_create_token_refuses_a_user_the_host_cannot_load(database_url):
    app, _, user, _ = host_with_tables(database_url)
    for name in ("999999", "ana"):
        result = app.test_cli_runner().invoke(args=["forum", "create-token", name])
        assert result.exit_code == 1
        assert result.stderr.strip().splitlines() == [
            f"Error: the app's user loader finds no user with id {name!r} (no token was created)"]
    made = app.test_cli_runner().invoke(args=["forum", "create-token", str(user.id)])
    assert made.exit_code == 0 and made.output.startswith("fct_")
    dispose(app)


def test_create_user_says_built_in_accounts_are_off(tmp_path):
    app, _, _, _ = create_docs_host(f"sqlite:///{tmp_path}/h.sqlite3")
    result = app.test_cli_runner().invoke(args=["forum", "create-user", "ana", "--password-stdin"],
                                          input="long enough password\n")
    assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1
    assert "built-in accounts, which are off" in result.stderr


@pytest.mark.parametrize("rate_limits", [False, True])
@pytest.mark.parametrize("host_limiter", [False, True])
def test_flask_help_lists_one_forum_group_and_no_group_the_host_did_not_ask_for(
        tmp_path, host_limiter, rate_limits):
    from click.testing import CliRunner
    from flask.cli import FlaskGroup
    from flask_limiter import Limiter
    from flask_limiter.util import get_remote_address

    def create_app():
        app, _, _, _ = create_docs_host(f"sqlite:///{tmp_path}/h.sqlite3", forum=False)
        if host_limiter:
            Limiter(get_remote_address, app=app, storage_uri="memory://")
        from forum import Forum
        app.config["FORUM_RATELIMIT_ENABLED"] = rate_limits
        Forum(app, url_prefix="/community")
        return app

    result = CliRunner().invoke(FlaskGroup(create_app=create_app), ["--help"])
    listed = result.output.split("Commands:")[1].splitlines()
    commands = [line.split()[0] for line in listed if line.strip()]
    assert commands.count("forum") == 1
    assert ("limiter" in commands) is host_limiter


# 5. Names ------------------------------------------------------------------------------------

def test_forum_mounted_under_another_name_beside_a_host_forum_blueprint(database_url):
    from flask import Blueprint

    host_forum = Blueprint("forum", __name__)
    host_forum.add_url_rule("/", "index", lambda: "the host's own forum page")
    app, _, _, _ = create_docs_host(database_url, forum=False)
    app.register_blueprint(host_forum, url_prefix="/board")
    from forum import Forum
    Forum(app, name="community", url_prefix="/community")
    app.test_client_class = FlaskLoginClient
    client = app.test_client()
    assert client.get("/board/").text == "the host's own forum page"
    page = client.get("/community/")
    assert page.status_code == 200
    assert 'href="/community/static/forum.css"' in page.text
    assert 'href="/board' not in page.text and 'href="/community/search"' in page.text
    with client.get("/community/static/forum.css") as stylesheet:
        assert stylesheet.status_code == 200
    assert client.get("/community/api/threads").status_code == 200
    endpoints = {rule.endpoint.split(".")[0] for rule in app.url_map.iter_rules()}
    assert {"forum", "community", "community_api"} <= endpoints
    dispose(app)


def bare_host(tmp_path, **flask_options):
    """The smallest host: SQLAlchemy, LoginManager and nothing else."""
    from flask import Flask
    from flask_login import LoginManager
    from flask_sqlalchemy import SQLAlchemy

    app = Flask("bare_host", **flask_options)
    app.config.update(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/h.sqlite3", SECRET_KEY="k",
                      TESTING=True, FORUM_RATELIMIT_ENABLED=False)
    SQLAlchemy(app)
    LoginManager(app)
    return app


def test_forum_at_the_root_beside_a_host_static_folder(tmp_path):
    from forum import Forum

    clash = (r"The forum's route /static/<path:filename> \(forum.static\) clashes with the "
             r"host's route /static/<path:filename> \(static\)\. Mount the forum under another")
    with pytest.raises(RuntimeError, match=clash):
        Forum(bare_host(tmp_path), url_prefix="/")
    app = bare_host(tmp_path)
    Forum(app, url_prefix="/", static_url_path="/forum-files")
    client = app.test_client()
    with client.get("/forum-files/forum.css") as stylesheet:
        assert stylesheet.status_code == 200
    assert client.get("/static/forum.css").status_code == 404  # the host's folder has no such file


@pytest.mark.parametrize("host_route_first", [True, False])
def test_a_root_mounted_forum_never_silently_shadows_a_host_route(tmp_path, host_route_first):
    from forum import Forum

    app = bare_host(tmp_path, static_folder=None)

    def add_host_home():
        app.add_url_rule("/", "home", lambda: "host home")

    if host_route_first:
        add_host_home()
    clash = r"The forum's route / \(forum.index\) clashes with the host's route / \(home\)"
    with pytest.raises(RuntimeError, match=clash):
        Forum(app, url_prefix="/")
        add_host_home()
        app.test_client().get("/")  # the forum's route answers first: it raises


# 7. Layout and CSP ---------------------------------------------------------------------------

HOST_LAYOUT = """<!doctype html><html><head><title>{% block title %}{% endblock %}</title>
{% block head %}<link rel="stylesheet" href="/host.css">
<script nonce="{{ csp_nonce() }}">window.hostReady = true;</script>{% endblock %}</head>
<body><nav>HOST NAV</nav>
{% for message in get_flashed_messages() %}<p class="host-flash">{{ message }}</p>{% endfor %}
<main>{% block content %}{% endblock %}</main></body></html>"""
MEGA_TUTORIAL_LAYOUT = "<html><body><nav>HOST NAV</nav>{% block content %}{% endblock %}</body></html>"


def layout_host(tmp_path, database_url, layout, **config):
    """A host whose FORUM_BASE_TEMPLATE is its own layout."""
    (tmp_path / "templates").mkdir(exist_ok=True)
    (tmp_path / "templates" / "host_base.html").write_text(layout)
    app, db, user, _ = host_with_tables(database_url, config={
        "FORUM_BASE_TEMPLATE": "host_base.html", "WTF_CSRF_ENABLED": False, **config})
    app.jinja_loader.searchpath.insert(0, str(tmp_path / "templates"))
    return app, user


def test_forum_pages_sit_inside_a_host_layout(tmp_path, database_url):
    app, user = layout_host(tmp_path, database_url, HOST_LAYOUT)
    client = app.test_client(user=user)
    created = client.post("/community/new", data={"title": "How do you open a session?"},
                          follow_redirects=True)
    page = created.text
    assert created.status_code == 200 and "HOST NAV" in page
    head = page.split("</head>")[0]
    assert 'href="/host.css"' in head and "/community/static/forum.css" in head  # both kept
    assert page.count("<main") == 1
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Saved your draft")]
    flashed = client.get("/community/").text
    assert flashed.count("Saved your draft") == 1 and '<p class="host-flash">Saved' in flashed
    nonce = re.search(r'<script nonce="([^"]+)">', page).group(1)
    policy = created.headers["Content-Security-Policy"]
    assert f"script-src 'self' 'nonce-{nonce}'" in policy
    assert client.get("/community/").headers["Content-Security-Policy"] != policy
    dispose(app)


def test_a_content_only_host_layout_still_gets_the_forum_styles(tmp_path, database_url):
    app, user = layout_host(tmp_path, database_url, MEGA_TUTORIAL_LAYOUT, FORUM_HEADER=False)
    page = app.test_client(user=user).get("/community/").text
    assert page.count("/community/static/forum.css") == 1 and "HOST NAV" in page
    assert 'class="forum-header"' not in page and "Practice questions" in page
    dispose(app)


def test_host_extends_or_turns_off_the_policy(database_url):
    app, _, _, _ = host_with_tables(database_url, config={"FORUM_CSP_SOURCES": {
        "script-src": ["https://cdn.example"], "connect-src": "https://api.example"}})
    policy = app.test_client().get("/community/").headers["Content-Security-Policy"]
    assert "script-src 'self' https://cdn.example;" in policy
    assert policy.endswith("connect-src https://api.example")
    dispose(app)
    app, _, _, _ = host_with_tables(database_url,
                                    config={"FORUM_CONTENT_SECURITY_POLICY": ""})
    assert "Content-Security-Policy" not in app.test_client().get("/community/").headers
    dispose(app)


# 7. Users ------------------------------------------------------------------------------------

def add_user(app, name):
    """Another host user, as a detached object a test client can log in."""
    with app.app_context():
        db = app.extensions["sqlalchemy"]
        model = type(db.session.scalar(select(db.Model.registry._class_registry["User"])))
        user = model(name=name)
        db.session.add(user)
        db.session.commit()
        return db.session.get(model, user.id)


def test_display_names_follow_the_host_on_the_next_request(database_url):
    app, db, user, _ = host_with_tables(database_url, config={"WTF_CSRF_ENABLED": False})
    member = app.test_client(user=user)
    thread_url = member.post("/community/new", data={"title": "What do you say first?"}
                             ).headers["Location"]
    with app.app_context():
        db.session.get(type(user), user.id).name = "Ana Maria"  # changed in the host's profile
        db.session.commit()
    visitor = app.test_client()
    assert re.search(r"asked by Ana\s", visitor.get("/community/").text)
    member.get("/community/search")  # the member's next request, any forum page
    assert "Ana Maria" in visitor.get(thread_url, follow_redirects=True).text
    dispose(app)


def test_admins_ban_a_host_user_and_the_host_is_told(database_url):
    told = []
    app, db, ana, _ = host_with_tables(
        database_url, config={"WTF_CSRF_ENABLED": False},
        is_admin=lambda user: user.name == "Ada Admin",
        on_member_ban=lambda *args: told.append(args))
    ada = add_user(app, "Ada Admin")
    member, admin = app.test_client(user=ana), app.test_client(user=ada)
    assert member.post("/community/new", data={"title": "What helps a first call?"}
                       ).status_code == 302
    page = admin.get("/community/members")
    member_id = re.search(r'<tr id="member-(\d+)">\s*<td>Ana</td>', page.text).group(1)
    refused = admin.post(f"/community/members/host/{member_id}/ban", data={"reason": " "})
    assert refused.status_code == 422 and told == []
    banned = admin.post(f"/community/members/host/{member_id}/ban",
                        data={"reason": "Shared a client's notes"})
    assert banned.status_code == 302 and told == [(str(ana.id), True, "Shared a client's notes")]
    assert member.get("/community/").status_code == 200  # still reads
    blocked = member.post("/community/new", data={"title": "What helps a second call?"})
    assert blocked.status_code == 403 and "banned from the forum" in blocked.text
    assert "member.ban" in admin.get("/community/moderation/log").text
    assert admin.post(f"/community/members/host/{member_id}/unban").status_code == 302
    assert told[-1] == (str(ana.id), False, "")
    assert member.post("/community/new", data={"title": "What helps a third call?"}
                       ).status_code == 302
    dispose(app)


def test_cli_bans_a_host_user_by_id(database_url):
    app, _, user, _ = host_with_tables(database_url, config={"WTF_CSRF_ENABLED": False})
    runner = app.test_cli_runner()
    done = runner.invoke(args=["forum", "ban", str(user.id), "--reason", "spam"])
    assert done.exit_code == 0 and done.output == "Banned 'Ana'.\n", done.output
    assert app.test_client(user=user).post(
        "/community/new", data={"title": "Can I still post here?"}).status_code == 403
    assert runner.invoke(args=["forum", "ban", str(user.id), "--undo"]).exit_code == 0
    unknown = runner.invoke(args=["forum", "ban", "nobody"])
    assert unknown.exit_code == 1 and len(unknown.stderr.strip().splitlines()) == 1
    dispose(app)


def test_the_stylesheet_never_reaches_outside_the_forum_root():
    from pathlib import Path

    css = (Path(__file__).parent.parent / "forum" / "static" / "forum.css").read_text()
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    preludes = re.findall(r"([^{}]+)\{[^{}]*\}", re.sub(r"@[^{]+\{", "", css))
    selectors = [s.strip() for prelude in preludes for s in prelude.split(",")]
    assert len(selectors) > 100
    outside = [s for s in selectors if not re.match(r"\.forum(-page)?(\s|$|[.:\[])", s)]
    assert outside == []  # no bare body, a, h1, nav, :root ...


def test_a_host_overrides_one_part_of_the_thread_page(tmp_path, database_url):
    override = tmp_path / "templates" / "forum"
    override.mkdir(parents=True)
    (override / "thread.html").write_text(
        '{% extends "forum/thread_page.html" %}'
        '{% block reply_form %}<p>Replies open on the coaching platform app.</p>{% endblock %}')
    app, _, user, _ = host_with_tables(database_url)
    app.jinja_loader.searchpath.insert(0, str(tmp_path / "templates"))
    with app.test_request_context():
        thread_id = threads.start_thread(actor_for_user(user), "What do you ask last?").id
    page = app.test_client(user=user).get(f"/community/threads/{thread_id}",
                                          follow_redirects=True).text
    assert "Replies open on the coaching platform app." in page
    assert "What do you ask last?" in page and "contributions-title" in page
    assert "Post contribution" not in page
    dispose(app)
