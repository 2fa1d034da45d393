"""Form posts for "I'll try this" and outcome reports on a contribution (POST + CSRF, no script
needed): success redirects back to the card with a message, an error re-shows the thread page
with the typed report kept."""
from flask import flash, redirect, request

from forum.errors import ForumError, NotFound
from forum.limits import limit
from forum.services import outcomes as outcome_service
from forum.services import replies as reply_service
from forum.web.context import current_actor
from forum.web.discussion_common import login_required, thread_url
from forum.web.outcome_widgets import page_outcomes
from forum.web.routes import Routes
from forum.web.thread_page import render_thread
from forum.i18n import gettext as _
from forum.web.outcome_widgets import in_days

routes = Routes()


def _back(reply_id):
    """The thread page a card's form is on (for logging in first)."""
    return thread_url(reply_service.get_reply(reply_id).thread_id, f"reply-{reply_id}")


def _respond(reply_id, change):
    """Run change() -> message; redirect to the card, or re-show the page with the error."""
    reply = reply_service.get_reply(reply_id)
    try:
        message = change()
    except ForumError as error:
        if isinstance(error, NotFound):
            raise
        page_outcomes().error = error
        flash(error.message, "error")
        return render_thread(reply.thread_id, status=error.status)
    flash(message, "success")
    return redirect(thread_url(reply.thread_id, f"reply-{reply_id}"), 303)


@routes.post("/replies/<int:reply_id>/trying")
@limit("rating")
@login_required(back=_back)
def trying(reply_id):
    """Say "I'll try this" with a reminder delay, or take it back (remove=1)."""
    actor = current_actor()

    def change():
        if request.form.get("remove"):
            outcome_service.unmark_trying(actor, reply_id)
            return _("You are no longer trying this contribution.")
        days = outcome_service.parse_remind_days(request.form.get("remind_in_days"))
        outcome_service.mark_trying(actor, reply_id, days)
        if not days:
            return _("Noted: you are trying this. No reminder will be sent.")
        return _("Noted: you are trying this. We will ask how it went %(when)s.",
                 when=in_days(days))
    return _respond(reply_id, change)


@routes.post("/replies/<int:reply_id>/outcome")
@limit("rating")
@login_required(back=_back)
def report_outcome(reply_id):
    """Report (or change) how it went, with an optional note, or remove the report (remove=1)."""
    actor = current_actor()
    form = request.form

    def change():
        if form.get("remove"):
            outcome_service.withdraw_report(actor, reply_id)
            return _("Your outcome report was removed.")
        outcome = outcome_service.parse_outcome(form.get("outcome"))
        outcome_service.report(actor, reply_id, outcome, form.get("note", ""),
                               show_name=bool(form.get("show_name")),
                               confirm_confidential=bool(form.get("confirm_confidential")))
        return _('Thank you: you reported "%(outcome)s". Other members see how it went.',
                 outcome=outcome_service.OUTCOME_LABELS[outcome])
    return _respond(reply_id, change)
