"""A tiny host app, as a coaching platform would have: its own SQLAlchemy, User and LoginManager."""
from pathlib import Path

from flask import Flask, g
from flask_login import LoginManager, UserMixin
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import Mapped, mapped_column

from forum import Forum

HOST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "host-test-secret",
    "WTF_CSRF_ENABLED": False,
    "FORUM_RATELIMIT_ENABLED": False,
}


def create_host_app(database_url, url_prefix="/community", config=None, root_path=None,
                    **forum_options):
    """The host app with the forum mounted under url_prefix; returns (app, db, User)."""
    app = Flask("host_app", root_path=str(root_path or Path(__file__).parent / "host_site"))
    app.config.update(HOST_CONFIG, SQLALCHEMY_DATABASE_URI=database_url)
    app.config.update(config or {})
    db = SQLAlchemy(app)
    login = LoginManager(app)

    class User(UserMixin, db.Model):
        """The host's own user table."""

        __tablename__ = "host_user"
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(db.String(80))
        is_staff: Mapped[bool] = mapped_column(default=False)

    @app.before_request
    def forget_login_user():
        # Flask 3.1 + pytest-flask keep one app context per test: do not leak the user.
        g.pop("_login_user", None)

    @login.user_loader
    def load_user(user_id):
        return db.session.get(User, int(user_id))

    Forum(app, url_prefix=url_prefix, display_name=lambda u: u.name,
          is_moderator=lambda u: u.is_staff, **forum_options)
    app.host_db = db
    app.host_user_model = User
    return app, db, User


# The forum's template globals are all named forum_* (inert for host pages; the forum's templates
# and a host's overrides call them); the host's page lists every other name it can see. The
# gettext callables are Flask-Babel's, which the forum sets up when the host has not.
FORUM_GLOBAL_PREFIX = "forum_"
BABEL_GLOBALS = {"_", "gettext", "ngettext", "pgettext", "npgettext"}


def create_docs_host(database_url, *, forum=True, forum_first=True, csrf=False,
                     migrations=None, config=None, **forum_options):
    """A host written the way the Flask docs teach: its own User and pages, optionally
    CSRFProtect and Flask-Migrate (migrations: its folder), the forum mounted before or after
    them (or not at all). Returns (app, db, User, forum or None)."""
    from flask import jsonify, render_template_string, request
    from flask_login import current_user
    from flask_migrate import Migrate
    from flask_wtf.csrf import CSRFProtect
    from sqlalchemy import text

    app = Flask("docs_host", root_path=str(Path(__file__).parent / "host_site"))
    app.config.update(TESTING=True, SECRET_KEY="docs-host-secret",
                      SQLALCHEMY_DATABASE_URI=database_url, FORUM_RATELIMIT_ENABLED=False)
    app.config.update(config or {})
    db = SQLAlchemy(app)
    login = LoginManager(app)

    class User(UserMixin, db.Model):
        """The host's users."""

        __tablename__ = "docs_user"
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(db.String(80))

    class Note(db.Model):
        """Something the host's own pages write."""

        __tablename__ = "docs_note"
        id: Mapped[int] = mapped_column(primary_key=True)
        text: Mapped[str] = mapped_column(db.String(200))

    @login.user_loader
    def load_user(user_id):
        return db.session.get(User, int(user_id))

    @app.before_request
    def forget_login_user():
        g.pop("_login_user", None)  # one app context per test (pytest-flask)

    @app.route("/")
    def home():
        who = current_user.name if current_user.is_authenticated else "guest"
        return render_template_string("<p>{{ who }}</p>{{ names|join(',') }}", who=who,
                                      names=sorted(name for name in globals_seen()
                                                   if not name.startswith(FORUM_GLOBAL_PREFIX)
                                                   and name not in BABEL_GLOBALS))

    def globals_seen():
        """Names a host template sees: Jinja globals and context processors' values."""
        context = {}
        app.update_template_context(context)
        return set(app.jinja_env.globals) | set(context)

    @app.route("/notes", methods=["POST"])
    def add_note():
        db.session.add(Note(text=request.form.get("text", "")))
        db.session.commit()
        return "noted", 201

    @app.route("/sqlite")
    def sqlite_state():
        """The host's view of its own SQLite connection."""
        raw = db.session.connection().connection.dbapi_connection
        pragmas = {name: db.session.execute(text(f"PRAGMA {name}")).scalar()
                   for name in ("foreign_keys", "journal_mode", "busy_timeout", "synchronous")}
        return jsonify(dict(pragmas, isolation_level=raw.isolation_level))

    extensions = []
    if csrf:
        extensions.append(lambda: CSRFProtect(app))
    if migrations is not None:
        extensions.append(lambda: Migrate(app, db, directory=str(migrations)))
    mounted = [None]

    def mount():
        mounted[0] = Forum(app, **{"url_prefix": "/community", **forum_options})

    if forum:
        extensions.insert(0 if forum_first else len(extensions), mount)
    for add in extensions:
        add()
    return app, db, User, mounted[0]
