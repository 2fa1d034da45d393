"""Pages for changing contributions: edit, delete, restore, edit history, and item tags."""
from flask import flash, redirect, render_template, request

from forum.errors import ForumError
from forum.limits import limit
from forum.services import replies as reply_service
from forum.services import threads as thread_service
from forum.urls import url_for
from forum.web.composer import composer_step
from forum.web.confidentiality import replace_step
from forum.web.context import current_actor
from forum.web.discussion_common import login_required, prompt_choices, reply_url, thread_url
from forum.web.discussion_forms import EditReplyForm, ReasonForm, TagsForm
from forum.web.forms import attach_error, form_status
from forum.web.routes import Routes
from forum.i18n import gettext as _

routes = Routes()


@routes.route("/replies/<int:reply_id>/edit", methods=["GET", "POST"])
@limit("posting")
@login_required
def edit_reply(reply_id):
    """Edit one's own contribution (moderators: any); the old text is kept as a revision."""
    actor = current_actor()
    reply = reply_service.reply_for_editing(actor, reply_id)
    form = prompt_choices(EditReplyForm(), reply.thread.prompts)
    status = form_status(form)
    if request.method == "GET":
        form.body.data = reply.body
        form.prompt.data = str(reply.prompt.position) if reply.prompt else ""
        form.tags.data = ", ".join(tag.name for tag in reply.tags)
    elif form.validate_on_submit() and not replace_step(form) and not composer_step(
            form, drafts=False):
        try:
            reply = reply_service.edit_reply(actor, reply_id, form.body.data,
                                             form.prompt.data or None, form.tags.data,
                                             reason=form.reason.data,
                                             confirm_confidential=form.confirm_confidential.data)
        except ForumError as error:
            status = attach_error(form, error)
        else:
            flash(_('Your changes are saved.'), "success")
            return redirect(reply_url(actor, reply))
    return render_template("forum/edit_reply.html", form=form, reply=reply), status


@routes.get("/replies/<int:reply_id>")
def goto_reply(reply_id):
    """A contribution's short link: on to the page of its thread that shows it."""
    actor = current_actor()
    return redirect(reply_url(actor, reply_service.visible_reply(actor, reply_id)))


@routes.route("/replies/<int:reply_id>/delete", methods=["GET", "POST"])
@login_required
def delete_reply(reply_id):
    """Confirm (GET) and soft-delete (POST) a contribution: its author or a moderator."""
    actor = current_actor()
    form = ReasonForm()
    if request.method == "POST":
        reply = reply_service.delete_reply(actor, reply_id, reason=form.reason.data)
        flash(_('The contribution is deleted.'), "info")
        thread = thread_service.get_thread(actor, reply.thread_id)
        return redirect(thread_url(thread.id, slug=thread.slug))
    reply = reply_service.reply_for_editing(actor, reply_id)
    return render_template("forum/confirm_reply.html", form=form, reply=reply, action="delete")


@routes.post("/replies/<int:reply_id>/restore")
@login_required(back=lambda reply_id: url_for("forum.index"))
def restore_reply(reply_id):
    """Restore a deleted contribution (moderators)."""
    actor = current_actor()
    form = ReasonForm()
    reply = reply_service.restore_reply(actor, reply_id, reason=form.reason.data)
    flash(_('The contribution is restored.'), "success")
    return redirect(reply_url(actor, reply))


@routes.get("/replies/<int:reply_id>/history")
@login_required
def reply_history(reply_id):
    """A contribution's earlier versions: who changed it and when (moderators)."""
    actor = current_actor()
    reply, revisions = reply_service.reply_history(actor, reply_id)
    return render_template("forum/reply_history.html", reply=reply, revisions=revisions)


def _tags_page(title, load, save, back):
    """GET shows the tags form filled in; POST replaces the tags, errors beside the field."""
    actor = current_actor()
    current = load(actor)
    form = TagsForm()
    status = form_status(form)
    if request.method == "GET":
        form.tags.data = ", ".join(tag.name for tag in current.tags)
    elif form.validate_on_submit():
        try:
            save(actor, form.tags.data, form.reason.data)
        except ForumError as error:
            status = attach_error(form, error)
        else:
            flash(_('Tags saved.'), "success")
            return redirect(back(actor, current))
    return render_template("forum/edit_tags.html", form=form, title=title, item=current), status


@routes.route("/replies/<int:reply_id>/tags", methods=["GET", "POST"])
@limit("posting")
@login_required
def reply_tags(reply_id):
    """Change a contribution's tags: its author or a moderator (logged)."""
    return _tags_page(
        _("Tags of a contribution"),
        lambda actor: reply_service.reply_for_editing(actor, reply_id),
        lambda actor, tags, reason: reply_service.set_reply_tags(actor, reply_id, tags, reason),
        reply_url)


@routes.route("/threads/<int:thread_id>/tags", methods=["GET", "POST"])
@limit("posting")
@login_required
def thread_tags(thread_id):
    """Change a thread's tags: its author or a moderator (logged)."""
    return _tags_page(
        _("Tags of the question"),
        lambda actor: thread_service.thread_for_tagging(actor, thread_id),
        lambda actor, tags, reason: thread_service.set_thread_tags(actor, thread_id, tags,
                                                                   reason),
        lambda actor, thread: thread_url(thread.id, slug=thread.slug))
