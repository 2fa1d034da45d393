"""The forum's blueprint: templates, static files, CSRF on every mutation, error pages."""
import math
import time

from flask import Blueprint, current_app, render_template, request, send_from_directory
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

from forum import security
from forum.errors import HTTP_MESSAGES, ForumError
from forum.request_actor import forget_actor
from forum.resources import PACKAGE_DIR, resource_dir
from forum.route_clashes import check_routes_once
from forum.services import health
from forum.urls import url_for
from forum.web.pages import refuse_impossible_ids
from forum.i18n import gettext as _
from forum.i18n import lazy_gettext as _lazy
from forum.i18n import ngettext

bp = Blueprint("forum", __name__, template_folder=str(resource_dir("templates")))
STATIC_DIR = PACKAGE_DIR / "static"

bp.add_app_template_global(url_for, "forum_url_for")  # for macros imported without context
# The forum's own requests only (never a host page): clashes, fresh actor, size, CSRF, headers.
bp.before_request(check_routes_once)
bp.before_request(forget_actor)
security.protect(bp)
bp.url_value_preprocessor(refuse_impossible_ids)


@bp.record
def add_static_route(state):
    """The forum's static files at <prefix><FORUM_STATIC_URL_PATH>, endpoint <name>.static."""
    path = "/" + state.options["static_url_path"].strip("/")
    state.add_url_rule(f"{path}/<path:filename>", endpoint="static", view_func=send_static)


def send_static(filename):
    """A file of the forum's static folder, cached as Flask caches the app's static files."""
    return send_from_directory(STATIC_DIR, filename,
                               max_age=current_app.get_send_file_max_age(filename))


def render_error(status, message, **details):
    """The forum-styled error page (the outage page if the database fails while making it)."""
    try:
        return render_template("forum/error.html", status=status, message=message,
                               **details), status
    except DBAPIError as error:
        if not health.database_unreachable(error):
            raise
        return outage_page(error)


# Text fields a refused form gives back (never passwords or tokens), with their labels.
KEPT_FIELDS = {"title": _lazy("Question"), "lead": _lazy("Lead"), "prompts": _lazy("Prompts"),
               "call_to_action": _lazy("Call to action"), "body": _lazy("Your contribution"),
               "tags": _lazy("Tags"), "reason": _lazy("Reason"), "text": _lazy("Details")}


def _wait_text():
    """When the limit that refused this request lets it through again, in words, or None."""
    limiter = current_app.extensions.get("forum_limiter")
    breached = limiter.current_limit if limiter is not None else None
    if breached is None:
        return None
    seconds = max(1, int(breached.reset_at - time.time()))  # as its Retry-After header
    if seconds < 90:
        return ngettext("%(num)s second", "%(num)s seconds", seconds)
    return ngettext("%(num)s minute", "%(num)s minutes", math.ceil(seconds / 60))


def too_many_requests():
    """The 429 page: when to try again, and the text the refused form carried."""
    kept = [(label, request.form[name].strip()) for name, label in KEPT_FIELDS.items()
            if request.form.get(name, "").strip()]
    return render_error(429, _('Too many requests in a short time. Nothing was saved.'),
                        wait=_wait_text(), kept=kept)


@bp.errorhandler(ForumError)
def forum_error(error):
    """Service errors that no view caught become a styled page with their status."""
    return render_error(error.status, error.message)


@bp.errorhandler(DBAPIError)
def database_error(error):
    """While the database is away, a friendly 503; other database errors stay 500s."""
    if not health.database_unreachable(error):
        raise error
    return outage_page(error)


def outage_page(error):
    """The 503 page, rendered without touching the database; the pool's pre-ping reconnects
    by itself once the database is back."""
    current_app.logger.warning("forum: database unreachable: %s", str(error).splitlines()[0])
    health.forget_failed_transaction()
    page = current_app.jinja_env.get_template("forum/unavailable.html")  # no context
    response = current_app.response_class(  # processors: they would ask who is logged in
        page.render(retry_after=health.OUTAGE_RETRY_AFTER), status=503)
    response.headers["Retry-After"] = str(health.OUTAGE_RETRY_AFTER)
    return response


@bp.errorhandler(HTTPException)
def http_error(error):
    """404, 403, 400 (including a bad CSRF token) and friends in the forum's style."""
    if error.code == 429:
        return too_many_requests()
    return render_error(error.code, str(HTTP_MESSAGES.get(error.code, error.description)))
