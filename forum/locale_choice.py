"""Which language and time zone the forum speaks: the host's selector, the member's setting, the
browser's Accept-Language, in that order, on the forum's own pages and API only.

The forum uses the host's Flask-Babel when there is one (set up before or after Forum(app)) and
sets one up otherwise. It never replaces a host's selector: where the host has one, its answer
wins and the forum only fills in when it answers None on a forum page.
"""
from flask import current_app, has_request_context, request
from flask_babel import Babel, refresh

from forum import i18n
from forum.request_actor import current_actor
from forum.services.preferences import preference_of


def on_forum_request():
    """Whether this is a request to one of the forum's blueprints (pages or API)."""
    if not has_request_context():
        return False
    state = current_app.extensions.get("forum")
    return state is not None and request.blueprint in state.blueprint_names


def _preference():
    """The member's stored preference, looked up once per request."""
    if "forum.preference" not in request.environ:
        request.environ["forum.preference"] = preference_of(current_actor())
    return request.environ["forum.preference"]


def forum_locale():
    """On a forum request: the member's language, else the best of Accept-Language; else None."""
    if not on_forum_request():
        return None
    preference = _preference()
    if preference is not None and preference.language:
        return preference.language
    return request.accept_languages.best_match(i18n.shipped_locales())


def forum_timezone():
    """While writing to a member: theirs; on a forum request: the member's time zone; else None
    (Flask-Babel's default, UTC)."""
    writing_to = i18n.recipient.get()
    if writing_to is not None:
        return writing_to[1]
    if not on_forum_request():
        return None
    preference = _preference()
    return preference.time_zone if preference is not None else None


def _chain(host_selector, forum_selector):
    """The host's selector first; the forum's answer only where the host's is None."""
    if host_selector is None:
        return forum_selector

    def select():
        if i18n.recipient.get() is not None:  # an email to a member: theirs, not the sender's
            return forum_selector()
        return host_selector() or forum_selector()

    select.forum_chained = True
    return select


def fit_babel(app):
    """Set up Flask-Babel if the host has not; give empty selectors the forum's answers and
    route the forum templates' gettext through the forum's domain. Safe to run repeatedly."""
    config = app.extensions.get("babel")
    if config is None:
        Babel(app, locale_selector=forum_locale, timezone_selector=forum_timezone)
        config = app.extensions["babel"]
    if config.locale_selector is not forum_locale and \
            not getattr(config.locale_selector, "forum_chained", False):
        config.locale_selector = _chain(config.locale_selector, forum_locale)
    if config.timezone_selector is not forum_timezone and \
            not getattr(config.timezone_selector, "forum_chained", False):
        config.timezone_selector = _chain(config.timezone_selector, forum_timezone)
    i18n.fit_jinja(app.jinja_env)


def fresh_locale():
    """before_request of the forum's blueprints: choose the locale anew for this request (an
    app context, and Flask-Babel's cache on it, can outlive one request)."""
    refresh()
    request.environ.pop("forum.preference", None)


def register(app, blueprint_names):
    """Fit Babel now and run fresh_locale first on every request of the forum's blueprints."""
    fit_babel(app)
    for name in blueprint_names:
        app.before_request_funcs.setdefault(name, []).insert(0, fresh_locale)
