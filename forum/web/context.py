"""What every forum template sees: the viewer, the site's settings, and what the viewer may do.

Pages take the request's actor from here too (forum.request_actor builds it, below the pages).
"""
from flask import current_app, get_flashed_messages, has_request_context, request
from flask.globals import request_ctx
from flask_login import login_url
from flask_wtf.csrf import generate_csrf

from forum import i18n, security
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
        "forum_lang": i18n.locale_tag(),
        "forum_dir": i18n.text_direction(),
    }


def forum_login_url(next_url):
    """The host's log-in page (FORUM_LOGIN_URL, else login_manager.login_view) with next=, or None:
    made once a request per next URL (a visitor's thread page asks six times, 40 µs each)."""
    if not has_request_context():
        return _login_url(next_url)
    made = getattr(request, "forum_login_urls", None)
    if made is None:
        made = request.forum_login_urls = {}
    if next_url not in made:
        made[next_url] = _login_url(next_url)
    return made[next_url]


def _login_url(next_url):
    """forum_login_url's answer, made."""
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


@routes.template_global("forum_when")
def when(moment):
    """A date and time in the reader's language and time zone (macros call it without context)."""
    return i18n.format_when(moment)


@routes.template_global("forum_arrow")
def arrow(way):
    """"←" back and "→" forward, mirrored in right-to-left pages."""
    back = i18n.text_direction() == "rtl"
    return "→" if (way == "back") == back else "←"


@routes.template_global("forum_date")
def date(day):
    """A date in the reader's language ("5 Mar 2026", "05.03.2026")."""
    return i18n.format_date(day)


@routes.template_global("forum_number")
def number(value, digits=None):
    """A number in the reader's language: digit grouping and decimal sign."""
    return i18n.format_number(value, digits)


@routes.template_global("forum_js_messages")
def js_messages():
    """The sentences the forum's scripts show, in the reader's language (read from the page):
    the same on every page in a language, so made once per catalogue."""
    translations = i18n.forum_domain.get_translations()
    made = translations.__dict__.get("forum_js_messages")
    if made is None:
        made = translations.__dict__["forum_js_messages"] = _js_messages()
    return dict(made)


def _js_messages():
    """js_messages' sentences, translated."""
    return {
        "confidential_title": i18n.gettext(
            "This may identify a client (you can replace it when you post):"),
        "session_expired": i18n.gettext(
            "Your session may have expired: reload the page and try again."),
        "rating_failed": i18n.gettext("Could not save your rating (error %(status)s).",
                                      status="{status}"),
        "not_saved": i18n.gettext("Could not save."),
        "mention_list": i18n.gettext("Members to mention"),
        "preview_empty": i18n.gettext("Nothing to preview yet."),
        "no_preview": i18n.gettext("No preview."),
        "in_reply_to": i18n.gettext("In reply to %(contribution)s.", contribution="{contribution}"),
        "someones_contribution": i18n.gettext("%(name)s’s contribution", name="{name}"),
        "dont_reply": i18n.gettext("Don’t reply to it"),
        "draft_saved_at": i18n.gettext("Draft saved at %(time)s.", time="{time}"),
        "draft_empty": i18n.gettext("The form is empty, so no draft is kept."),
        "draft_failed": i18n.gettext(
            "The draft could not be saved just now; try again in a moment."),
        "no_title_match": i18n.gettext("No thread title contains “%(words)s”.", words="{words}"),
        "mention_one": i18n.gettext(
            "%(num)s member to mention: arrow keys to choose, Enter to insert.", num="{count}"),
        "mention_many": i18n.gettext(
            "%(num)s members to mention: arrow keys to choose, Enter to insert.", num="{count}"),
    }


@routes.template_global("forum_can")
def can(action, item=None):
    """Whether the viewer may do `action` to `item` (services/permissions.py decides)."""
    return permissions.can(current_actor(), action, item)
