"""The Flask extension: settings, host hooks, blueprint registration and the CLI group."""
from dataclasses import dataclass, field
from typing import Callable

from flask import Flask, appcontext_pushed

from forum.settings import DEFAULTS, number_problems


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
    display_name: Callable
    is_moderator: Callable
    is_admin: Callable
    name: str = "forum"  # the pages' blueprint; the API's is name + "_api"
    on_member_ban: Callable | None = None  # told (user_key, banned, reason) after a forum ban
    member_profile: Callable | None = None  # user -> {"bio", "coaching_focus"} the host supplies
    synced_names: dict = field(default_factory=dict)  # user_key: display name last stored
    page_cache: object = None  # web.page_cache.PageCache, made on first use
    card_cache: object = None  # web.card_cache.CardCache, made on first use
    list_cache: object = None  # web.list_cache's VersionCache of thread pages' rows
    redis: object = None  # redis_store.RedisStore for FORUM_CACHE_URL, made on first use
    fitted: set = field(default_factory=set)  # host extensions already fitted (late_fit)
    user_email: Callable | None = None  # host hook: user -> email address (or None)
    jobs: object = None  # (huey, task wrappers) of forum.jobs, built on first use

    @property
    def blueprint_names(self):
        """The names the forum's blueprints are registered under."""
        return (self.name, f"{self.name}_api")


class Forum:
    """Mounts the forum into a Flask app that already has Flask-SQLAlchemy and Flask-Login."""

    def __init__(self, app: Flask | None = None, url_prefix=None, display_name=None,
                 is_moderator=None, is_admin=None, name="forum", on_member_ban=None,
                 user_email=None, member_profile=None, **settings):
        self.name = name
        self.on_member_ban = on_member_ban
        self.user_email = user_email
        self.member_profile = member_profile
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
        # Like Flask-SQLAlchemy: the host's app.config wins over constructor values and defaults.
        for key, value in self.settings.items():
            app.config.setdefault(key, value)
        if self.url_prefix is not None:
            app.config.setdefault("FORUM_URL_PREFIX", self.url_prefix)
        for key, value in DEFAULTS.items():
            app.config.setdefault(key, value)
        problems = number_problems(app.config)
        if problems:
            raise RuntimeError("; ".join(problems) + " (the settings: docs/operations.md).")

        from forum import builtin_login

        if app.config["FORUM_BUILTIN_ACCOUNTS"]:
            builtin_login.init_builtin_accounts(app, self.name)
        elif not hasattr(app, "login_manager"):
            raise RuntimeError(
                "The forum uses the host's Flask-Login users. Create LoginManager(app) before "
                "Forum(app), or set FORUM_BUILTIN_ACCOUNTS=True to use the forum's own accounts."
            )

        builtin = app.config["FORUM_BUILTIN_ACCOUNTS"]
        app.extensions["forum"] = ForumState(
            forum=self,
            db=db,
            name=self.name,
            on_member_ban=self.on_member_ban,
            user_email=self.user_email,
            member_profile=self.member_profile,
            display_name=self.display_name or (
                builtin_login.display_name if builtin else _default_display_name),
            is_moderator=self.is_moderator or (
                builtin_login.is_moderator if builtin else _default_is_moderator),
            is_admin=self.is_admin or (builtin_login.is_admin if builtin else (lambda user: False)),
        )

        from forum import database, late_fit, limits, locale_choice, mail
        from forum.api import register_api
        from forum.cli import forum_cli
        from forum.route_clashes import check_route_clashes
        from forum.services import digest, email_delivery, outcomes  # noqa: F401 (their jobs)
        from forum.web import register_pages

        register_pages(app, self.name)
        register_api(app, app.extensions.get("csrf"), f"{self.name}_api")
        locale_choice.register(app, app.extensions["forum"].blueprint_names)
        limits.init_app(app)
        mail.init_app(app)
        app.cli.add_command(forum_cli)
        with app.app_context():
            database.tune_sqlite(db.engine, app.config["FORUM_SQLITE_BUSY_TIMEOUT"],
                                 app.config["FORUM_SQLITE_TUNE_ENGINE"])
        check_route_clashes(app)
        late_fit.fit_host_extensions(app)
        appcontext_pushed.connect(late_fit.on_app_context, app)

    def create_tables(self, app: Flask | None = None):
        """Create or upgrade the forum's tables in one call (e.g. in a host's test setup)."""
        from flask import current_app

        from forum import migrate

        with (app or current_app).app_context():
            migrate.upgrade()
