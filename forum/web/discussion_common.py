"""Helpers shared by the discussion pages: log-in checks, prompt choices, thread and reply URLs."""
import functools

from flask import redirect, request
from wtforms.fields.choices import SelectChoice

from forum.services import replies as reply_service
from forum.urls import url_for
from forum.web.blueprint import render_error
from forum.web.context import current_actor, forum_login_url
from forum.i18n import gettext as _
from forum.i18n import lazy_gettext as _lazy


def login_needed(next_url, message=_lazy("Please log in first.")):
    """Send anonymous visitors to the host's log-in page with next=, or show a 401 page."""
    target = forum_login_url(next_url)
    if target:
        return redirect(target)
    return render_error(401, message)


def login_required(view=None, *, back=None, message=_lazy("Please log in first.")):
    """Decorate a view that needs a signed-in member: visitors are sent to log in first.

    back(**view_args) gives the page to return to after logging in (default: this one; a
    POST-only view names the page its form is on).
    """
    def decorate(view):
        @functools.wraps(view)
        def checked(**view_args):
            if not current_actor().is_authenticated:
                return login_needed(back(**view_args) if back else request.full_path, message)
            return view(**view_args)
        return checked
    return decorate(view) if view is not None else decorate


def thread_url(thread_id, anchor="", slug=None):
    """A thread page's URL (the canonical one when its slug is given), with an optional #anchor."""
    url = url_for("forum.thread", thread_id=thread_id, slug=slug)
    return f"{url}#{anchor}" if anchor else url


def prompt_choices(form, prompts):
    """Offer a thread's prompts in a form's "Answers prompt" select."""
    form.prompt.choices = [SelectChoice("", _("No particular prompt"))] + [
        SelectChoice(str(p.position), f"{p.position + 1}. {p.label}") for p in prompts]
    return form


def reply_url(actor, reply):
    """The canonical URL of a reply: its thread's page that shows it, with its anchor."""
    slug, page = reply_service.reply_location(actor, reply)
    return url_for("forum.thread", thread_id=reply.thread_id, slug=slug,
                   page=page if page > 1 else None) + f"#reply-{reply.id}"


def query_args(*reserved):
    """The request's query arguments to carry over a redirect, minus the route's own names."""
    return {key: value for key, value in request.args.items() if key not in reserved}
