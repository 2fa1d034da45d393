"""Pages for reading and writing threads: the list, a thread, a new thread, a reply."""
from flask import current_app, redirect, render_template, request

from forum.errors import ForumError
from forum.limits import limit
from forum.services import replies as reply_service
from forum.services import threads as thread_service
from forum.urls import url_for
from forum.web.composer import composer_step, refresh_draft, restore_draft
from forum.web.confidentiality import replace_step
from forum.web.context import current_actor
from forum.web.discussion_common import login_required, query_args, reply_url, thread_url
from forum.web.forms import ReplyForm, ThreadForm, attach_error, form_status
from forum.web.list_cache import kept_thread
from forum.web.notification_pages import visiting
from forum.web.pages import page_arg
from forum.web.routes import Routes
from forum.web.thread_page import render_thread
from forum.i18n import format_number
from forum.i18n import gettext as _

routes = Routes()


@routes.get("/")
def index():
    """The thread list, sorted (?sort=) and filtered by tag (?tag=) from the query string."""
    sort = request.args.get("sort", "latest")
    if sort not in thread_service.THREAD_SORTS:
        sort = "latest"
    tag = None
    if request.args.get("tag"):
        tag = thread_service.tag_for_listing(current_actor(), request.args["tag"])
    threads = thread_service.list_threads(current_actor(), sort=sort, tag=tag, page=page_arg(),
                                          counted=False, after=request.args.get("after"))
    return render_template("forum/index.html", threads=threads, sort=sort, tag=tag,
                           sorts=thread_service.THREAD_SORTS,
                           last_by=thread_service.last_contributors(threads.items))


@routes.template_global("forum_list_rating")
def list_rating(thread):
    """A thread card's rating: "4.2 from 12", or "needs more ratings" below the minimum."""
    count = thread.rating_count or 0
    if count < current_app.config["FORUM_RATING_MIN_COUNT"]:
        return _("needs more ratings")
    return _("★ %(mean)s from %(count)s", mean=format_number(thread.rating_sum / count, 1),
             count=format_number(count))


@routes.route("/new", methods=["GET", "POST"])
@limit("posting")
@login_required
def new_thread():
    """Form to start a thread; on error it keeps what was typed."""
    actor = current_actor()
    form = ThreadForm()
    status = form_status(form)
    if request.method == "GET":
        restore_draft(form)
    elif form.validate_on_submit() and replace_step(form):
        refresh_draft(form)
    elif form.validate_on_submit() and not composer_step(form):
        try:
            thread = thread_service.start_thread(
                actor, form.title.data, form.lead.data, form.prompts.data,
                form.call_to_action.data, form.tags.data,
                confirm_confidential=form.confirm_confidential.data)
        except ForumError as error:
            status = attach_error(form, error)
        else:
            return redirect(url_for("forum.thread", thread_id=thread.id, slug=thread.slug))
    return render_template("forum/new_thread.html", form=form), status


@routes.get("/threads/<int:thread_id>")
@routes.get("/threads/<int:thread_id>/<slug>")
def thread(thread_id, slug=None):
    """A thread page (?view=prompts groups replies by prompt); redirects to the slug URL."""
    thread = kept_thread(current_actor(), thread_id)
    if slug != thread.slug:
        return redirect(url_for("forum.thread", thread_id=thread_id, slug=thread.slug,
                                **query_args("thread_id", "slug")), 301)
    return visiting(thread, lambda: render_thread(thread))


@routes.post("/threads/<int:thread_id>/replies")
@limit("posting")
@login_required(back=thread_url)
def reply(thread_id):
    """Add a contribution; errors re-show the thread with the text kept."""
    actor = current_actor()
    form = ReplyForm()
    if form.validate_on_submit() and replace_step(form):
        refresh_draft(form, thread_id)
        return render_thread(thread_id, form)
    if form.validate_on_submit() and composer_step(form, thread_id):
        return render_thread(thread_id, form)
    try:
        new_reply = reply_service.add_reply(
            actor, thread_id, form.body.data, form.prompt.data or None, form.tags.data,
            confirm_confidential=form.confirm_confidential.data,
            reply_to=form.reply_to.data or None)
    except ForumError as error:
        try:
            thread = thread_service.get_thread(actor, thread_id)
        except ForumError:
            return render_template("forum/reply_lost.html", message=error.message,
                                   body=form.body.data), error.status
        return render_thread(thread, form, status=attach_error(form, error))
    return redirect(reply_url(actor, new_reply))
