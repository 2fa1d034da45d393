"""The reply form kept rendered while no content changes, for every member whose form holds
nothing of their own: of a member's thread page, the form was the biggest part a visitor's
lacks after the cards (a sixth of it, with its fields' macros).

Kept per thread, language and mount point until the next write (web.list_cache), with a slot
where each request puts its member's CSRF token. A form holds something of its member's when
it has data, errors, a reply-to, or any attribute a fresh form lacks (a restored draft, a
preview, the confidentiality panel); such a form, and any form outside a GET, renders afresh.
"""
from flask import current_app, request
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from forum.web.composer import LazyForm
from forum.web.list_cache import until_next_write
from forum.web.routes import Routes

routes = Routes()

TOKEN_SLOT = "forum-csrf-token-slot-5c1e"
_FRESH_KEYS = {}  # form class -> the instance attributes of a fresh one


@routes.template_global("forum_kept_form")
def kept_form(form, thread, replying=None, caller=None):
    """What the call block renders for this form, kept when the form is fresh."""
    if replying is not None or request.method != "GET" or not _fresh(form):
        return caller()
    token = generate_csrf() if current_app.config.get("WTF_CSRF_ENABLED", True) else None

    def render():
        html = str(caller())
        return html.replace(token, TOKEN_SLOT) if token else html
    html = until_next_write(("reply_form", thread.id, request.script_root, str(get_locale())),
                            render)
    return Markup(html.replace(TOKEN_SLOT, token) if token else html)


def _fresh(form):
    """Whether the form holds nothing but what a fresh one does (its CSRF token aside)."""
    if isinstance(form, LazyForm):
        if form.made is None:
            return True
        form = form.made
    kind = type(form)
    keys = _FRESH_KEYS.get(kind)
    if keys is None:
        keys = _FRESH_KEYS[kind] = frozenset(vars(kind()))
    return (vars(form).keys() <= keys and not form.errors
            and not any(field.data for field in form if field.name != "csrf_token"))
