"""The standalone coaching forum: a host app like any other, SQLite by default."""
import difflib
import json
import os
import secrets
import sys
import time
from pathlib import Path

from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from forum import Forum
from forum.limit_storage import storage_uri
from forum.settings import DEFAULTS
from forum.web.blueprint import http_error
from forum.web.context import forum_globals

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


WEAK_KEYS = {"change me", "changeme", "secret", "dev", "development", "test", "password",
             "secret-key", "secret_key", "your-secret-key", "default"}
KEY_MIN = 32
HOW_TO_SET_KEY = (
    "Set a long random SECRET_KEY, the same for every worker and machine, e.g.\n"
    "  export SECRET_KEY=\"$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')\"\n"
    "(or set FORUM_ENV=development for a local trial, which keeps a random key in "
    "instance/secret_key).")


def production_mode(config):
    """FORUM_ENV=production, or unset under gunicorn; never in debug or testing mode."""
    env = str(os.environ.get("FORUM_ENV", "")).strip().lower()
    if config.get("TESTING") or config.get("DEBUG") or env == "development":
        return False
    return env == "production" or "gunicorn" in sys.modules


def weak_key(key):
    """Why a SECRET_KEY is unfit for production (too short, a placeholder, repetitive), or None."""
    if not key:
        return "SECRET_KEY is not set"
    if str(key).strip().lower() in WEAK_KEYS:
        return "SECRET_KEY is a well-known placeholder"
    if len(str(key)) < KEY_MIN:
        return f"SECRET_KEY has fewer than {KEY_MIN} characters"
    if len(set(str(key))) < 10:
        return "SECRET_KEY repeats too few characters to be random"
    return None


def secret_key(instance_path):
    """SECRET_KEY from the environment, else a random key kept in the instance folder."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = Path(instance_path) / "secret_key"
    try:  # O_EXCL: several workers starting at once agree on one key
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    for _ in range(50):  # another worker may be writing it right now
        key = key_file.read_text().strip()
        if key:
            return key
        time.sleep(0.01)
    raise SystemExit(f"Error: {key_file} is empty; delete it and start again.")


def check_secret_key(config):
    """In production mode, stop with the fix when SECRET_KEY is missing or weak."""
    if not production_mode(config):
        return
    problem = weak_key(config.get("SECRET_KEY") or os.environ.get("SECRET_KEY"))
    if problem:
        raise SystemExit(f"Error: the forum runs in production mode (FORUM_ENV=production or "
                         f"under gunicorn) and {problem}.\n{HOW_TO_SET_KEY}")


NOT_SETTINGS = ("FORUM_ENV",)  # read by this module itself
NOT_SETTING_PREFIXES = ("FORUM_TEST_", "FORUM_BENCH_")  # the test suite's and benchmarks' own


def check_forum_variables(environ):
    """Stop with one clear line when a FORUM_* environment variable is no setting (a typo)."""
    unknown = sorted(key for key in environ if key.startswith("FORUM_")
                     and not key.startswith(NOT_SETTING_PREFIXES) and key not in NOT_SETTINGS
                     and key not in DEFAULTS)
    if unknown:
        hints = []
        for key in unknown:
            close = difflib.get_close_matches(key, DEFAULTS, n=1)
            hints.append(f"{key} (did you mean {close[0]}?)" if close else key)
        raise SystemExit(f"Error: unknown forum setting(s) in the environment: {', '.join(hints)}; "
                         "the settings are listed in the README.")


MAIL_TEXT = ("MAIL_SERVER", "MAIL_USERNAME", "MAIL_PASSWORD", "MAIL_DEFAULT_SENDER",
             "MAIL_BACKEND")  # kept as typed (a password of digits stays a string)
MAIL_VALUES = ("MAIL_PORT", "MAIL_USE_TLS", "MAIL_USE_SSL", "MAIL_TIMEOUT")


def forum_settings_from_env():
    """Every FORUM_* setting and Flask-Mailman's MAIL_* settings in the environment,
    JSON-decoded where it parses (true, 20, ...) except the MAIL_* texts."""
    check_forum_variables(os.environ)
    settings = {key: raw for key, raw in os.environ.items() if key in MAIL_TEXT}
    for key, raw in os.environ.items():
        if key in DEFAULTS or key in MAIL_VALUES:
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
        FORUM_SQLITE_TUNE_ENGINE=True,  # the engine is the forum's own: WAL and all
        FORUM_PAGE_CACHE_BYTES=8 * 1024 * 1024,  # its own pages only: nothing host-specific
        # Every worker counts logins and posts in one file: the limits hold with -w 4.
        FORUM_RATELIMIT_STORAGE_URI=storage_uri(Path(app.instance_path) / "rate-limits.sqlite3"),
    )
    app.config.update(forum_settings_from_env())
    app.config.update(config or {})
    if production_mode(app.config):  # served over HTTPS: cookies never travel in clear
        app.config.setdefault("FORUM_SECURE_COOKIES", True)
    check_secret_key(app.config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secret_key(app.instance_path)
    check_database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    db = SQLAlchemy(app)
    Forum(app)
    for status in (404, 405):  # addresses no route matches get the forum-styled page too
        app.register_error_handler(status, http_error)
    app.context_processor(forum_globals)  # which those pages need outside the forum's blueprint
    if not app.config.get("TESTING"):
        with app.app_context():
            check_database_reachable(db, app.config["SQLALCHEMY_DATABASE_URI"])
        return_big_blocks_to_the_os()
    return app


M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter number
MMAP_THRESHOLD_BYTES = 128 * 1024


def return_big_blocks_to_the_os():
    """Keep glibc serving blocks over 128 KiB with mmap, so freeing them returns the memory.

    By default glibc raises that threshold after the first big block is freed, and later big
    blocks come from the heap, which keeps them: each log-in's argon2id working memory (19 MiB)
    then stayed in the worker for good (104 MB after a benchmark run instead of 85 MB). A fixed
    threshold is what MALLOC_MMAP_THRESHOLD_ would set; elsewhere than glibc this does nothing.
    """
    import ctypes
    import platform

    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return
    try:
        ctypes.CDLL("libc.so.6").mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)
    except (OSError, AttributeError):
        pass


def __getattr__(name):
    """Build `app` on first access, so `gunicorn wsgi:app` works and importing stays cheap."""
    if name == "app":
        globals()["app"] = create_app()
        return globals()["app"]
    raise AttributeError(name)
