"""Rate limits with Flask-Limiter: views declare named limits, `@limit("posting")`, set per app.

A view marked with `limit(name)` gets Flask-Limiter's shared limit for that name when the forum
is mounted on an app with FORUM_RATELIMIT_ENABLED; the rate comes from FORUM_RATELIMITS, so a
host changes it without touching code. Every endpoint using one name shares one bucket per key.
"""
import time

from flask import current_app, g, request
from flask_limiter import Limiter
from limits import parse as parse_rate

from forum import limit_storage  # noqa: F401  (registers forum-sqlite:// with limits)
from forum.request_actor import bearer_token, current_actor
from forum.services.builtin_accounts import name_key

WRITES = ("POST", "PUT", "PATCH", "DELETE")

# name: (default rate, what is counted per, which methods count; None = every method)
LIMITS = {
    "login_account": ("10 per minute; 50 per hour", "login_pair", WRITES),
    "login_address": ("30 per minute; 300 per hour", "address", WRITES),
    "register": ("10 per hour", "address", WRITES),
    "password": ("10 per hour", "member", WRITES),
    "posting": ("10 per minute; 100 per hour", "member", WRITES),
    "rating": ("60 per minute", "member", WRITES),
    "flagging": ("20 per hour", "member", WRITES),
    "confidentiality_check": ("60 per minute", "member", WRITES),
    "composing": ("60 per minute", "member", WRITES),  # previews and draft saves
    "api": ("300 per minute", "client", None),
}
DEFAULT_LIMITS = {name: rate for name, (rate, _, _) in LIMITS.items()}
# Limits on writes a member makes: only successful ones count (a form sent back with errors,
# 4xx, costs nothing), so a coach fixing eight mistakes is not locked out.
SUCCESSFUL_WRITES_ONLY = frozenset({"posting", "rating", "flagging"})


def address_key():
    """The client's address (behind a proxy, wrap the app in werkzeug's ProxyFix)."""
    return request.remote_addr or "unknown"


def member_key():
    """The signed-in member, or the address for anonymous requests."""
    user_key = current_actor().user_key
    return f"member:{user_key}" if user_key else f"address:{address_key()}"


def login_name_key():
    """The account name being tried (any case), whether or not such an account exists."""
    return "name:" + name_key(str(request.form.get("name", "")))[:80]


def login_pair_key():
    """The account name being tried from this address: a stranger's failures lock out the
    stranger's own address, never the coach trying from elsewhere."""
    return f"{login_name_key()}|{address_key()}"


def client_key():
    """API callers: their bearer token's id (however the header is spelled), else their
    address (an invalid token too, so made-up tokens share their sender's bucket)."""
    token = bearer_token()
    return f"token:{token.id}" if token is not None else f"address:{address_key()}"


def _succeeded(response):
    """Whether a write went through (counted), rather than being refused with an error or
    being a step that posts nothing (a preview, a saved draft: g.forum_nothing_posted)."""
    return response.status_code < 400 and not g.get("forum_nothing_posted")


KEYS = {"address": address_key, "member": member_key, "login_name": login_name_key,
        "login_pair": login_pair_key, "client": client_key}

# An account with this many failed logins from anywhere is under attack: every login to it,
# the right password from a new address too, then waits LOGIN_SLOWDOWN_S first (slowed down,
# never refused: refusing would let a stranger lock the coach out).
FAILED_LOGINS = parse_rate("20 per 15 minutes")
LOGIN_SLOWDOWN_S = 1.0


def _failed_logins(action):
    """test or hit the account's failed-login counter; True (as if unlimited) when limits are
    off or the storage fails, which is logged: logging in never breaks on the counters."""
    limiter = current_app.extensions.get("forum_limiter")
    if limiter is None:
        return True
    try:
        return getattr(limiter.limiter, action)(FAILED_LOGINS, "failed_login", login_name_key())
    except Exception:  # noqa: BLE001  (as Flask-Limiter's swallow_errors does for the limits)
        current_app.logger.exception("Failed-login counter unavailable")
        return True


def slow_down_login():
    """Wait LOGIN_SLOWDOWN_S before checking a password for an account under attack."""
    if not _failed_logins("test"):
        time.sleep(LOGIN_SLOWDOWN_S)


def note_failed_login():
    """Count a wrong name or password against the account tried, whatever the address."""
    _failed_logins("hit")


MEMORY_WARNING = (
    "Forum rate limits count in memory (FORUM_RATELIMIT_STORAGE_URI=memory://): each worker "
    "process counts apart, so with N workers N times the login and posting limits get "
    "through. Set FORUM_RATELIMIT_STORAGE_URI to redis://host:6379/0 (several machines) or "
    "forum-sqlite:///absolute/path/rate-limits.sqlite3 (several workers on one machine).")


def limit(*names, key=None):
    """Mark a view or a whole blueprint with named rate limits, e.g. `@limit("posting")`."""
    for name in names:
        if name not in LIMITS:
            raise ValueError(f"Unknown rate limit {name!r}; add it to forum.limits.LIMITS.")
    if key is not None and key not in KEYS:
        raise ValueError(f"Unknown rate limit key {key!r}; use one of {', '.join(KEYS)}.")

    def mark(view):
        view.forum_limits = getattr(view, "forum_limits", ()) + tuple((n, key) for n in names)
        return view
    return mark


def rate_for(name):
    """A callable giving the current rate for a limit name (read from the app's settings)."""
    return lambda: current_app.config["FORUM_RATELIMITS"].get(name) or ""


def init_app(app):
    """Merge FORUM_RATELIMITS with the defaults; when enabled, apply limits to marked views."""
    configured = dict(app.config["FORUM_RATELIMITS"] or {})
    unknown = sorted(set(configured) - set(LIMITS))
    if unknown:
        raise RuntimeError(
            f"Unknown rate limit name(s) {', '.join(unknown)} in FORUM_RATELIMITS; "
            f"the names are {', '.join(LIMITS)}.")
    app.config["FORUM_RATELIMITS"] = {**DEFAULT_LIMITS, **configured}
    if not app.extensions.get("limiter"):
        _hide_limiter_commands()
    if not app.config["FORUM_RATELIMIT_ENABLED"]:
        return None
    if app.config["FORUM_RATELIMIT_STORAGE_URI"].startswith("memory:"):
        app.logger.warning(MEMORY_WARNING)
    limiter = Limiter(
        address_key, storage_uri=app.config["FORUM_RATELIMIT_STORAGE_URI"],
        headers_enabled=True, key_prefix="forum", swallow_errors=True,
    )
    limiter.init_app(app)
    for blueprint in app.blueprints.values():
        for name, key in getattr(blueprint, "forum_limits", ()):
            _shared_limit(limiter, name, key)(blueprint)
    for endpoint, view in list(app.view_functions.items()):
        wrapped = view
        for name, key in getattr(view, "forum_limits", ()):
            wrapped = _shared_limit(limiter, name, key)(wrapped)
        app.view_functions[endpoint] = wrapped
    app.extensions["forum_limiter"] = limiter
    return limiter


def _hide_limiter_commands():
    """Flask-Limiter's `flask limiter` group (a plugin entry point) is not the host's: hide it.

    When the `flask` command loads the app, its FlaskGroup has already added plugin groups.
    """
    import click
    from flask.cli import FlaskGroup

    context = click.get_current_context(silent=True)
    while context is not None:
        if isinstance(context.command, FlaskGroup):
            context.command.commands.pop("limiter", None)
        context = context.parent


def _shared_limit(limiter, name, key):
    """Flask-Limiter's limit for a name: one bucket per key across every endpoint using it."""
    _, default_key, methods = LIMITS[name]
    # override_defaults=False: a view's own limits add to its blueprint's, never replace them.
    return limiter.shared_limit(
        rate_for(name), scope=name, key_func=KEYS[key or default_key],
        methods=list(methods) if methods else None, override_defaults=False,
        deduct_when=_succeeded if name in SUCCESSFUL_WRITES_ONLY else None)
