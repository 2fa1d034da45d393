"""What every forum template sees: the viewer, the site's settings, and what the viewer may do.

Pages take the request's actor from here too (forum.request_actor builds it, below the pages).
"""
from flask import current_app

from forum.request_actor import actor_for_user, current_actor
from forum.services import permissions
from forum.web.routes import Routes

__all__ = ["actor_for_user", "current_actor", "routes"]
routes = Routes()


@routes.hook("app_context_processor")
def forum_globals():
    """Values every forum template can use."""
    return {
        "forum_actor": current_actor(),
        "forum_title": current_app.config["FORUM_TITLE"],
        "forum_base_template": current_app.config["FORUM_BASE_TEMPLATE"],
        "forum_builtin_accounts": current_app.config["FORUM_BUILTIN_ACCOUNTS"],
    }


@routes.template_global("forum_can")
def can(action, item=None):
    """Whether the viewer may do `action` to `item` (services/permissions.py decides)."""
    return permissions.can(current_actor(), action, item)
