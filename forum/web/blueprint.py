"""The forum's blueprint: templates, static files, CSRF on every mutation, error pages."""
from flask import Blueprint, current_app, render_template, request
from werkzeug.exceptions import HTTPException

from forum.errors import ForumError
from forum.resources import PACKAGE_DIR, resource_dir
from forum.request_actor import forget_actor

bp = Blueprint(
    "forum", __name__, template_folder=str(resource_dir("templates")),
    static_folder=str(PACKAGE_DIR / "static"), static_url_path="/static",
)


@bp.before_app_request
def forget_previous_actor():
    """Never reuse an Actor computed for an earlier request that shared this app context."""
    forget_actor()


@bp.before_request
def protect_mutations():
    """Every POST/PUT/PATCH/DELETE on a forum page must carry a valid CSRF token."""
    if request.method not in ("GET", "HEAD", "OPTIONS") and current_app.config.get(
            "WTF_CSRF_ENABLED", True):
        current_app.extensions["forum"].csrf.protect()


def render_error(status, message):
    """The forum-styled error page."""
    return render_template("forum/error.html", status=status, message=message), status


@bp.errorhandler(ForumError)
def forum_error(error):
    """Service errors that no view caught become a styled page with their status."""
    return render_error(error.status, error.message)


@bp.errorhandler(HTTPException)
def http_error(error):
    """404, 403, 400 (including a bad CSRF token) and friends in the forum's style."""
    messages = {
        400: "The request could not be understood. If you sent a form, reload the page and "
             "try again.",
        403: "You do not have permission to do that.",
        404: "That page does not exist, or it was removed.",
        405: "That address does not accept this kind of request.",
        413: "That was too large to accept.",
        429: "Too many requests in a short time. Please wait a little and try again.",
        500: "Something went wrong on our side, and nothing was saved. Please try again.",
    }
    return render_error(error.code, messages.get(error.code, error.description))
