"""The plugin contract: settings, init errors, mounting under a prefix, template overrides."""
import pytest
from flask import Flask
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy

from forum import Forum, ForumError, __version__
from forum.settings import DEFAULTS
from tests.host import create_host_app


def test_public_api():
    assert __version__ and Forum and issubclass(ForumError, Exception)


def test_defaults_are_set_without_overriding_host_values(tmp_path):
    app = Flask("h")
    app.config.update(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/x.db", SECRET_KEY="k",
                      FORUM_THREADS_PER_PAGE=7)
    SQLAlchemy(app)
    LoginManager(app)
    forum = Forum(app)
    assert app.extensions["forum"].forum is forum
    assert app.config["FORUM_THREADS_PER_PAGE"] == 7
    for key, value in DEFAULTS.items():
        if key != "FORUM_THREADS_PER_PAGE":
            assert app.config[key] == value


def test_init_app_later_and_options_become_settings(tmp_path):
    app = Flask("h")
    app.config.update(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/x.db", SECRET_KEY="k")
    SQLAlchemy(app)
    LoginManager(app)
    forum = Forum(url_prefix="/talk", title="Coaches' corner")
    forum.init_app(app)
    assert app.config["FORUM_URL_PREFIX"] == "/talk"
    assert app.config["FORUM_TITLE"] == "Coaches' corner"
    assert any(rule.rule == "/talk/" for rule in app.url_map.iter_rules())


def test_double_init_is_refused(tmp_path):
    app = Flask("h")
    app.config.update(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/x.db", SECRET_KEY="k")
    SQLAlchemy(app)
    LoginManager(app)
    Forum(app)
    with pytest.raises(RuntimeError, match="already registered"):
        Forum(app)


def test_missing_sqlalchemy_says_how_to_fix():
    app = Flask("h")
    with pytest.raises(RuntimeError, match=r"db.init_app\(app\) before Forum\(app\)"):
        Forum(app)


def test_missing_login_manager_says_how_to_fix(tmp_path):
    app = Flask("h")
    app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path}/x.db"
    SQLAlchemy(app)
    with pytest.raises(RuntimeError, match="LoginManager"):
        Forum(app)


def test_unknown_setting_is_refused(tmp_path):
    app = Flask("h")
    app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path}/x.db"
    SQLAlchemy(app)
    LoginManager(app)
    with pytest.raises(RuntimeError, match="FORUM_THREADS_PER_PAGES"):
        Forum(app, threads_per_pages=3)


def test_numeric_settings_are_checked_at_start_up(tmp_path):
    """A reminder delay of "3 weeks" or a minimum of 0 reports stops the app at start-up, each
    named with what it needs, instead of failing the first page that reads it."""
    app = Flask("h")
    app.config.update(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/x.db",
                      FORUM_OUTCOME_REMINDER_DAYS="3 weeks", FORUM_LINK_CHECK_TIMEOUT=True)
    SQLAlchemy(app)
    LoginManager(app)
    with pytest.raises(RuntimeError) as refused:
        Forum(app, outcome_min_reports=0)
    message = str(refused.value)
    assert "FORUM_OUTCOME_REMINDER_DAYS must be a whole number >= 0 (e.g. 21), not '3 weeks'" in message
    assert "FORUM_OUTCOME_MIN_REPORTS must be a whole number >= 1 (e.g. 3), not 0" in message
    assert "FORUM_LINK_CHECK_TIMEOUT must be a number >= 0 (e.g. 5.0), not True" in message
    assert "forum" not in app.extensions


def test_mounted_under_prefix_with_host_users(client, make_user, client_for):
    assert client.get("/community/").status_code == 200
    assert client.get("/").status_code == 404
    ana = make_user("Ana Host")
    page = client_for(ana).get("/community/")
    assert "Ana Host" in page.text  # display_name hook reads the host's User.name
    assert 'href="/community/static/forum.css"' in page.text


def test_host_is_moderator_hook_decides(app, make_user, actor_for):
    assert actor_for(make_user("Staff", staff=True)).can_moderate
    assert not actor_for(make_user("Coach")).can_moderate


def test_host_template_overrides_thread_page(tmp_path, database_url, make_user, actor_for):
    from forum.services import threads

    override = tmp_path / "templates" / "forum"
    override.mkdir(parents=True)
    (override / "thread.html").write_text("HOST OVERRIDE {{ thread.title }}")
    app, _, _ = create_host_app(database_url, root_path=tmp_path)
    with app.app_context():
        user = app.host_user_model(name="Ana")
        app.host_db.session.add(user)
        app.host_db.session.commit()
        from forum.web.context import actor_for_user
        thread = threads.start_thread(actor_for_user(user), "How do you open a first session?")
        thread_id = thread.id
        app.host_db.session.remove()
        app.host_db.engine.dispose()
    page = app.test_client().get(f"/community/threads/{thread_id}", follow_redirects=True)
    with app.app_context():
        app.host_db.engine.dispose()
    assert page.text == "HOST OVERRIDE How do you open a first session?"


def test_host_base_template_wraps_forum_pages(tmp_path, database_url):
    layouts = tmp_path / "templates"
    layouts.mkdir()
    (layouts / "host_base.html").write_text(
        "<html><body><nav>HOST NAV</nav>{% block content %}{% endblock %}</body></html>")
    app, _, _ = create_host_app(database_url, config={"FORUM_BASE_TEMPLATE": "host_base.html"},
                                root_path=tmp_path)
    page = app.test_client().get("/community/")
    with app.app_context():
        app.host_db.engine.dispose()
    assert "HOST NAV" in page.text and "Practice questions" in page.text


def test_readme_host_snippet_mounts_the_forum(tmp_path, monkeypatch):
    from pathlib import Path

    readme = (Path(__file__).parent.parent / "README.md").read_text()
    snippet = readme.split("<!-- host-snippet -->\n```python\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": "host_snippet"}
    exec(compile(snippet, "README.md", "exec"), namespace)
    app = namespace["app"]
    assert app.extensions["forum"].forum is namespace["forum"]
    namespace["forum"].create_tables(app)
    assert app.test_client().get("/community/").status_code == 200
    with app.app_context():
        namespace["db"].create_all()
        assert namespace["db"].session.get(namespace["User"], 1) is None  # the host's own table
        namespace["db"].engine.dispose()
