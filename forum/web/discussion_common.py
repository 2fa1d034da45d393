"""Helpers shared by the discussion pages: log-in redirects, prompt choices, reply URLs."""
from flask import current_app, redirect, request, url_for
from wtforms.fields.choices import SelectChoice

from forum.services import replies as reply_service
from forum.web.blueprint import render_error


def login_needed(next_url):
    """Send anonymous visitors to the log-in page (built-in accounts) or show a 401 page."""
    if current_app.config["FORUM_BUILTIN_ACCOUNTS"]:
        return redirect(url_for("forum.login", next=next_url))
    return render_error(401, "Please log in first.")


def prompt_choices(form, prompts):
    """Offer a thread's prompts in a form's "Answers prompt" select."""
    form.prompt.choices = [SelectChoice("", "No particular prompt")] + [
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
