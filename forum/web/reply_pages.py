"""Pages for changing contributions: edit, delete, restore, edit history, and item tags."""
from flask import flash, redirect, render_template, request, url_for

from forum.errors import ForumError
from forum.limits import limit
from forum.services import replies as reply_service
from forum.services import threads as thread_service
from forum.web.context import current_actor
from forum.web.discussion_common import login_needed, prompt_choices, reply_url
from forum.web.discussion_forms import EditReplyForm, ReasonForm, TagsForm
from forum.web.forms import attach_error, form_status
from forum.web.routes import Routes

routes = Routes()


def _signed_in_actor():
    """The actor, or None when a log-in is needed first."""
    actor = current_actor()
    return actor if actor.is_authenticated else None


def _thread_url(thread_id):
    """A thread's canonical URL (after an action on one of its replies)."""
    thread = thread_service.get_thread(current_actor(), thread_id)
    return url_for("forum.thread", thread_id=thread.id, slug=thread.slug)


@routes.route("/replies/<int:reply_id>/edit", methods=["GET", "POST"])
@limit("posting")
def edit_reply(reply_id):
    """Edit one's own contribution (moderators: any); the old text is kept as a revision."""
    actor = _signed_in_actor()
    if actor is None:
        return login_needed(request.full_path)
    reply = reply_service.reply_for_editing(actor, reply_id)
    form = prompt_choices(EditReplyForm(), reply.thread.prompts)
    status = form_status(form)
    if request.method == "GET":
        form.body.data = reply.body
        form.prompt.data = str(reply.prompt.position) if reply.prompt else ""
        form.tags.data = ", ".join(tag.name for tag in reply.tags)
    elif form.validate_on_submit():
        try:
            reply = reply_service.edit_reply(actor, reply_id, form.body.data,
                                             form.prompt.data or None, form.tags.data,
                                             reason=form.reason.data)
        except ForumError as error:
            status = attach_error(form, error)
        else:
            flash("Your changes are saved.", "success")
            return redirect(reply_url(actor, reply))
    return render_template("forum/edit_reply.html", form=form, reply=reply), status


@routes.route("/replies/<int:reply_id>/delete", methods=["GET", "POST"])
def delete_reply(reply_id):
    """Confirm (GET) and soft-delete (POST) a contribution: its author or a moderator."""
    actor = _signed_in_actor()
    if actor is None:
        return login_needed(request.full_path)
    form = ReasonForm()
    if request.method == "POST":
        reply = reply_service.delete_reply(actor, reply_id, reason=form.reason.data)
        flash("The contribution is deleted.", "info")
        return redirect(_thread_url(reply.thread_id))
    reply = reply_service.reply_for_editing(actor, reply_id)
    return render_template("forum/confirm_reply.html", form=form, reply=reply, action="delete")


@routes.post("/replies/<int:reply_id>/restore")
def restore_reply(reply_id):
    """Restore a deleted contribution (moderators)."""
    actor = _signed_in_actor()
    if actor is None:
        return login_needed(url_for("forum.index"))
    form = ReasonForm()
    reply = reply_service.restore_reply(actor, reply_id, reason=form.reason.data)
    flash("The contribution is restored.", "success")
    return redirect(reply_url(actor, reply))


@routes.get("/replies/<int:reply_id>/history")
def reply_history(reply_id):
    """A contribution's earlier versions: who changed it and when (moderators)."""
    actor = _signed_in_actor()
    if actor is None:
        return login_needed(request.full_path)
    reply, revisions = reply_service.reply_history(actor, reply_id)
    return render_template("forum/reply_history.html", reply=reply, revisions=revisions)


def _tags_page(title, load, save, back):
    """GET shows the tags form filled in; POST replaces the tags, errors beside the field."""
    actor = _signed_in_actor()
    if actor is None:
        return login_needed(request.full_path)
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
            flash("Tags saved.", "success")
            return redirect(back(actor, current))
    return render_template("forum/edit_tags.html", form=form, title=title, item=current), status


@routes.route("/replies/<int:reply_id>/tags", methods=["GET", "POST"])
def reply_tags(reply_id):
    """Change a contribution's tags: its author or a moderator (logged)."""
    return _tags_page(
        "Tags of a contribution",
        lambda actor: reply_service.reply_for_editing(actor, reply_id),
        lambda actor, tags, reason: reply_service.set_reply_tags(actor, reply_id, tags, reason),
        reply_url)


@routes.route("/threads/<int:thread_id>/tags", methods=["GET", "POST"])
def thread_tags(thread_id):
    """Change a thread's tags: its author or a moderator (logged)."""
    return _tags_page(
        "Tags of the question",
        lambda actor: thread_service.thread_for_tagging(actor, thread_id),
        lambda actor, tags, reason: thread_service.set_thread_tags(actor, thread_id, tags,
                                                                   reason),
        lambda actor, thread: url_for("forum.thread", thread_id=thread.id, slug=thread.slug))
