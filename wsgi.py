"""The standalone coaching forum: a host app like any other, SQLite by default."""
import json
import os
import secrets
from pathlib import Path

from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from forum import Forum
from forum.web.blueprint import http_error

SUPPORTED_DATABASES = ("sqlite", "postgresql")


def database_url(instance_path):
    """DATABASE_URL from the environment (postgres:// spelled for psycopg 3), or a SQLite file."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{Path(instance_path) / 'forum.sqlite3'}"
    for old in ("postgres://", "postgresql://"):
        if url.startswith(old):
            return "postgresql+psycopg://" + url[len(old):]
    return url


def check_database_url(url):
    """Stop with one clear line when DATABASE_URL names an unsupported or malformed database."""
    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError:
        backend = None
    if backend not in SUPPORTED_DATABASES:
        raise SystemExit(
            f"Error: DATABASE_URL {url.split('://')[0]!r} is not supported; use "
            "sqlite:///path/to/forum.sqlite3 or postgresql+psycopg://user@host/dbname")


def secret_key(instance_path):
    """SECRET_KEY from the environment, else a random key kept in the instance folder."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = Path(instance_path) / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def forum_settings_from_env():
    """Every FORUM_* environment variable, JSON-decoded where it parses (true, 20, ...)."""
    settings = {}
    for key, raw in os.environ.items():
        if key.startswith("FORUM_") and not key.startswith("FORUM_TEST_"):
            try:
                settings[key] = json.loads(raw)
            except ValueError:
                settings[key] = raw
    return settings


def check_database_reachable(db, url):
    """Stop with one clear line when the database cannot be reached."""
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        reason = str(error.orig if getattr(error, "orig", None) else error).strip().splitlines()
        shown = make_url(url).render_as_string(hide_password=True)
        raise SystemExit(f"Error: cannot reach the database {shown}: "
                         f"{reason[0] if reason else error}")


def create_app(config=None):
    """Build the standalone site: forum at the root, built-in accounts, settings from env."""
    app = Flask(__name__, instance_relative_config=True, static_folder=None)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(
        SQLALCHEMY_DATABASE_URI=database_url(app.instance_path),
        SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True},
        FORUM_URL_PREFIX="/",
        FORUM_BUILTIN_ACCOUNTS=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
    )
    app.config.update(forum_settings_from_env())
    app.config.update(config or {})
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secret_key(app.instance_path)
    check_database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    db = SQLAlchemy(app)
    Forum(app)
    for status in (404, 405):  # addresses no route matches get the forum-styled page too
        app.register_error_handler(status, http_error)
    if not app.config.get("TESTING"):
        with app.app_context():
            check_database_reachable(db, app.config["SQLALCHEMY_DATABASE_URI"])
    return app


def __getattr__(name):
    """Build `app` on first access, so `gunicorn wsgi:app` works and importing stays cheap."""
    if name == "app":
        globals()["app"] = create_app()
        return globals()["app"]
    raise AttributeError(name)
