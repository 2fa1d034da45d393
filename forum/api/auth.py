"""Who calls the API: a bearer token, or a logged-in session that sends its CSRF token in a header."""
from flask import current_app, g, request
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError as WTFormsValidationError

from forum.builtin_login import AccountUser
from forum.errors import ForumError, Unauthorized
from forum.request_actor import actor_for_user, bearer, bearer_token, current_actor, use_actor
from forum.services import tokens as token_service
from forum.services.builtin_accounts import get_account

from forum.api.spec import api_bp
from forum.i18n import gettext as _

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
MAX_BODY = 256 * 1024


def _host_user(user_key):
    """The host's user object for a Member key (built-in account or the host's user loader)."""
    app = current_app
    if user_key.startswith("account:") and app.config["FORUM_BUILTIN_ACCOUNTS"]:
        account = get_account(int(user_key.partition(":")[2]))
        if account is None or account.is_banned:
            return None
        return AccountUser(account)
    loader = getattr(getattr(app, "login_manager", None), "_user_callback", None)
    return loader(user_key) if loader else None


def _body_size():
    """The body's length: its Content-Length, or for a chunked body (no length given) what
    reading it at most one byte past MAX_BODY finds (kept for the view)."""
    if request.content_length is not None or request.method in SAFE_METHODS:
        return request.content_length or 0
    request.max_content_length = MAX_BODY + 1
    return len(request.get_data(cache=True))


@api_bp.before_request
def authenticate():
    """Pick the actor for this API call and apply the CSRF rule to session-based mutations."""
    if _body_size() > MAX_BODY:
        raise ForumError(_('The request body is too large.'), status=413, code="too_large")
    if bearer() is not None:
        token = bearer_token()
        member = token_service.note_use(token) if token is not None else None
        user = _host_user(member.user_key) if member is not None else None
        if user is None or not getattr(user, "is_active", True):
            raise Unauthorized(_('The bearer token is invalid or revoked.'))
        use_actor(actor_for_user(user))
        g.forum_api_token = True
        return
    if request.method in SAFE_METHODS or not current_actor().is_authenticated:
        return
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        try:
            validate_csrf(request.headers.get("X-CSRFToken") or request.headers.get("X-CSRF-Token"))
        except (CSRFError, WTFormsValidationError) as error:
            raise ForumError(_("Send the page's CSRF token in the X-CSRFToken header (%(error)s).", error=error),
                             status=400, code="csrf_failed") from None
