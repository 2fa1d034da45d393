"""What every forum template sees: the viewer, the site's settings, and what the viewer may do.

Pages take the request's actor from here too (forum.request_actor builds it, below the pages).
"""
from flask import current_app, get_flashed_messages, request
from flask.globals import request_ctx
from flask_login import login_url
from flask_wtf.csrf import generate_csrf

from forum import security
from forum.request_actor import actor_for_user, current_actor
from forum.services import permissions
from forum.services.members import refresh_display_name
from forum.urls import url_for
from forum.web.routes import Routes

__all__ = ["actor_for_user", "current_actor", "routes"]
routes = Routes()
SYNCED_NAMES_MAX = 10_000


@routes.hook("context_processor")
def forum_globals():
    """Values every forum template can use (on the forum's own pages only)."""
    return {
        "forum_actor": current_actor(),
        "forum_title": current_app.config["FORUM_TITLE"],
        "forum_base_template": current_app.config["FORUM_BASE_TEMPLATE"],
        "forum_builtin_accounts": current_app.config["FORUM_BUILTIN_ACCOUNTS"],
        "forum_header": current_app.config["FORUM_HEADER"],
        "csrf_token": generate_csrf,
        "csp_nonce": security.csp_nonce,
        "forum_login_url": forum_login_url,
        "forum_place_assets": place_assets,
        "forum_pending_flashes": pending_flashes,
        "url_for": url_for,  # forum.* endpoints under the name the forum was mounted with
    }


def forum_login_url(next_url):
    """The host's log-in page (FORUM_LOGIN_URL, else login_manager.login_view) with next=, or None."""
    manager = getattr(current_app, "login_manager", None)
    view = current_app.config["FORUM_LOGIN_URL"] or getattr(manager, "login_view", None)
    return login_url(view, next_url) if view else None


def place_assets():
    """True the first time a page asks: its stylesheet and scripts go there (head, else content)."""
    if getattr(request, "forum_assets_placed", False):
        return False
    request.forum_assets_placed = True
    return True


def pending_flashes():
    """Flashed messages with categories, none if the host's layout already showed them."""
    if request_ctx.flashes is not None:
        return []
    return get_flashed_messages(with_categories=True)


@routes.hook("before_request")
def refresh_member_name():
    """A member's stored display name (unless they chose one) and host-supplied profile follow
    the host's on their next forum page (a query only when they differ from what this app last
    stored)."""
    if request.endpoint.endswith(".static"):
        return  # a stylesheet or script: no member work
    actor = current_actor()
    if not actor.is_authenticated:
        return
    synced = current_app.extensions["forum"].synced_names
    seen = (actor.display_name, sorted((actor.host_profile or {}).items()))
    if synced.get(actor.user_key) != seen and refresh_display_name(actor):
        if len(synced) >= SYNCED_NAMES_MAX:
            synced.clear()
        synced[actor.user_key] = seen


@routes.template_global("forum_can")
def can(action, item=None):
    """Whether the viewer may do `action` to `item` (services/permissions.py decides)."""
    return permissions.can(current_actor(), action, item)
