"""The Flask extension: settings, host hooks, blueprint registration and the CLI group."""
import sqlite3
import time
from dataclasses import dataclass
from typing import Callable

from flask import Flask, has_request_context, request
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import event
from sqlalchemy.engine import Engine

from forum.settings import DEFAULTS


def _default_display_name(user):
    """Best-effort display name for a host user object."""
    for attr in ("display_name", "name", "username"):
        value = getattr(user, attr, None)
        if value:
            return str(value)
    return f"Member {user.get_id()}"


def _default_is_moderator(user):
    """Hosts that say nothing have no moderators, except users flagged as such."""
    return bool(getattr(user, "is_forum_moderator", False))


@dataclass
class ForumState:
    """Per-app state kept in app.extensions['forum']."""

    forum: "Forum"
    db: object
    csrf: CSRFProtect
    display_name: Callable
    is_moderator: Callable
    is_admin: Callable
    page_cache: object = None  # web.page_cache.PageCache, made on first use


class Forum:
    """Mounts the forum into a Flask app that already has Flask-SQLAlchemy and Flask-Login."""

    def __init__(self, app: Flask | None = None, url_prefix=None, display_name=None,
                 is_moderator=None, is_admin=None, **settings):
        self.url_prefix = url_prefix
        self.display_name = display_name
        self.is_moderator = is_moderator
        self.is_admin = is_admin
        self.settings = {f"FORUM_{k.upper()}": v for k, v in settings.items()}
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask):
        """Register settings, blueprint, CLI and hooks on app; fails loudly on a bad setup."""
        if "forum" in app.extensions:
            raise RuntimeError(
                "The forum is already registered on this app. Call Forum(app) or "
                "forum.init_app(app) once per app."
            )
        db = app.extensions.get("sqlalchemy")
        if db is None:
            raise RuntimeError(
                "The forum needs Flask-SQLAlchemy. Create SQLAlchemy(app) or call "
                "db.init_app(app) before Forum(app)."
            )
        unknown = [k for k in self.settings if k not in DEFAULTS]
        if unknown:
            raise RuntimeError(
                f"Unknown forum setting(s) {', '.join(sorted(unknown))}; "
                f"the settings are listed in forum/settings.py and docs/operations.md."
            )
        for key, value in self.settings.items():
            app.config[key] = value
        if self.url_prefix is not None:
            app.config["FORUM_URL_PREFIX"] = self.url_prefix
        for key, value in DEFAULTS.items():
            app.config.setdefault(key, value)

        from forum import builtin_login

        if app.config["FORUM_BUILTIN_ACCOUNTS"]:
            builtin_login.init_builtin_accounts(app)
        elif not hasattr(app, "login_manager"):
            raise RuntimeError(
                "The forum uses the host's Flask-Login users. Create LoginManager(app) before "
                "Forum(app), or set FORUM_BUILTIN_ACCOUNTS=True to use the forum's own accounts."
            )

        csrf = app.extensions.get("csrf")
        if csrf is None:
            csrf = CSRFProtect()
            app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)
            csrf.init_app(app)

        builtin = app.config["FORUM_BUILTIN_ACCOUNTS"]
        app.extensions["forum"] = ForumState(
            forum=self,
            db=db,
            csrf=csrf,
            display_name=self.display_name or (
                builtin_login.display_name if builtin else _default_display_name),
            is_moderator=self.is_moderator or (
                builtin_login.is_moderator if builtin else _default_is_moderator),
            is_admin=self.is_admin or (builtin_login.is_admin if builtin else (lambda user: False)),
        )

        from forum import limits, security
        from forum.api import register_api
        from forum.cli import forum_cli
        from forum.web import register_pages

        register_pages(app)
        register_api(app, csrf)
        security.init_app(app)
        limits.init_app(app)
        app.cli.add_command(forum_cli)
        with app.app_context():
            _configure_engine(db.engine, app.config["FORUM_SQLITE_BUSY_TIMEOUT"])


def _reads_only():
    """Whether this transaction belongs to a GET/HEAD/OPTIONS request (which does not write)."""
    return has_request_context() and request.method in ("GET", "HEAD", "OPTIONS")


WRITE_LOCK_POLL_S = 0.001


def _begin_immediate(cursor, busy_timeout_ms):
    """BEGIN IMMEDIATE, tried again every millisecond while another connection writes.

    SQLite's own busy handler sleeps 1, 2, 5, 10 ... then 100 ms between tries, so a writer
    often slept far longer than the lock was held, and a busy worker took the lock again
    before a sleeping one woke (p99 of a POSTed reply: 607 ms with 2 workers). Gives up, as
    the busy timeout would, after busy_timeout_ms.
    """
    cursor.execute("PRAGMA busy_timeout = 0")
    deadline = time.monotonic() + busy_timeout_ms / 1000
    try:
        while True:
            try:
                cursor.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() >= deadline:
                    raise
            time.sleep(WRITE_LOCK_POLL_S)
    finally:
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")


def _configure_engine(engine: Engine, busy_timeout_ms: int):
    """Turn on WAL, a busy timeout and foreign keys for every SQLite connection.

    Transactions that may write start with BEGIN IMMEDIATE: they take the write lock first,
    waiting up to the busy timeout, instead of pysqlite's deferred BEGIN, which upgrades a read
    transaction to a write one and fails at once ("database is locked") under WAL when another
    connection wrote in between.
    """
    if engine.dialect.name != "sqlite" or getattr(engine, "_forum_configured", False):
        return
    engine._forum_configured = True

    @event.listens_for(engine, "begin")
    def _sqlite_begin(connection):
        # On the DBAPI cursor, so query counters see the same statements as on PostgreSQL.
        cursor = connection.connection.dbapi_connection.cursor()
        if _reads_only():
            cursor.execute("BEGIN")
        else:
            _begin_immediate(cursor, busy_timeout_ms)
        cursor.close()

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (above)
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    engine.dispose()
