"""A plugin that fits its host: login, layout, CSP, names, users and CLI of a docs-style host."""
import re

import pytest
from flask_login import FlaskLoginClient
from sqlalchemy import select

from forum.services import threads
from forum.web.context import actor_for_user
from tests.host import create_docs_host
from tests.test_host_fit import dispose, host_with_tables


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
    assert re.search(r"asked by <a [^>]*>Ana</a>", visitor.get("/community/").text)
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
    member_id = re.search(r'<tr id="member-(\d+)">\s*<td><a [^>]*>Ana</a></td>', page.text).group(1)
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


def test_a_host_card_of_its_own_shows_for_every_contribution(tmp_path, database_url):
    """A host's forum/_reply.html with only reply_card (no reply_cards) still gets its own
    card for each contribution: the thread page falls back to one reply_card a card."""
    from forum.services import replies

    override = tmp_path / "templates" / "forum"
    override.mkdir(parents=True)
    (override / "_reply.html").write_text(
        '{% macro reply_card(r, show_prompt=True, show_thread=False) %}'
        '<li class="host-card">{{ r.author.display_name }}: {{ forum_card(r, show_prompt, '
        'show_thread) }}</li>{% endmacro %}')
    app, _, user, _ = host_with_tables(database_url)
    app.jinja_loader.searchpath.insert(0, str(tmp_path / "templates"))
    with app.test_request_context():
        actor = actor_for_user(user)
        thread_id = threads.start_thread(actor, "What do you ask last?").id
        for body in ("First I ask what they want.", "Then I ask what stops them."):
            replies.add_reply(actor, thread_id, body)
    page = app.test_client(user=user).get(f"/community/threads/{thread_id}",
                                          follow_redirects=True).text
    assert page.count('<li class="host-card">') == 2
    assert "First I ask what they want." in page and "Then I ask what stops them." in page
    dispose(app)


def test_login_links_are_made_per_request_and_next_url(app):
    """A page asks for its log-in link several times: made once a request per next URL, never
    carried to another request (whose script root may differ)."""
    from forum.web.context import forum_login_url

    app.config["FORUM_LOGIN_URL"] = next(rule.endpoint for rule in app.url_map.iter_rules()
                                         if rule.rule == "/community/search")
    with app.test_request_context("/community/"):
        first = forum_login_url("/community/a")
        assert forum_login_url("/community/a") == first
        assert first.endswith("next=%2Fcommunity%2Fa")
        assert forum_login_url("/community/b").endswith("next=%2Fcommunity%2Fb")
    with app.test_request_context("/community/", base_url="http://localhost/mounted/"):
        assert forum_login_url("/community/a").startswith("/mounted/community/search?next=")
