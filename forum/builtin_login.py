"""Built-in accounts wired into Flask-Login, for sites with no user system of their own."""
from flask import g
from flask_login import LoginManager, UserMixin

from forum.services import builtin_accounts as account_service


class AccountUser(UserMixin):
    """A Flask-Login user backed by a forum Account; its id embeds the session generation."""

    def __init__(self, account):
        self.account_id = account.id
        self.name = account.name
        self.role = account.role
        self.generation = account.session_generation

    def get_id(self):
        """Session id "<account>:<generation>": bumping the generation voids copied cookies."""
        return f"{self.account_id}:{self.generation}"

    @property
    def forum_member_key(self):
        """Stable key for the forum's Member row, independent of the session generation."""
        return f"account:{self.account_id}"


def load_user(session_id):
    """Flask-Login user loader: only the current generation of a non-banned account is valid."""
    try:
        account_id, generation = (int(part) for part in str(session_id).split(":"))
    except ValueError:
        return None
    account = account_service.get_account(account_id)
    if account is None or account.is_banned or account.session_generation != generation:
        return None
    return AccountUser(account)


def harden_cookies(config):
    """HttpOnly + SameSite=Lax session and remember-me cookies, Secure with FORUM_SECURE_COOKIES."""
    for prefix in ("SESSION_COOKIE", "REMEMBER_COOKIE"):
        config[f"{prefix}_HTTPONLY"] = True
        if not config.get(f"{prefix}_SAMESITE"):
            config[f"{prefix}_SAMESITE"] = "Lax"
        if config["FORUM_SECURE_COOKIES"]:
            config[f"{prefix}_SECURE"] = True


def forget_loaded_user():
    """Load the user afresh on every request, even when requests share one app context (tests)."""
    g.pop("_login_user", None)


def init_builtin_accounts(app, name="forum"):
    """Give the app a LoginManager that loads forum accounts (creating one if needed)."""
    harden_cookies(app.config)
    app.before_request(forget_loaded_user)
    manager = getattr(app, "login_manager", None)
    if manager is None:
        manager = LoginManager(app)
    manager.user_loader(load_user)
    manager.login_view = f"{name}.login"
    manager.login_message = "Please log in to continue."


def display_name(user):
    """Display name of a built-in account."""
    return user.name


def is_moderator(user):
    """Moderators and admins moderate."""
    return user.role in ("moderator", "admin")


def is_admin(user):
    """Admins manage members' roles."""
    return user.role == "admin"
