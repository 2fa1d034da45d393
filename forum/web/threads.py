"""Pages for reading and writing threads: the list, a thread, a new thread, a reply."""
from itertools import groupby

from flask import redirect, render_template, request, url_for

from forum.errors import ForumError
from forum.limits import limit
from forum.services import replies as reply_service
from forum.services import threads as thread_service
from forum.web import reply_pages, tag_pages  # noqa: F401  (they register their routes on bp)
from forum.web.blueprint import bp
from forum.web.context import current_actor
from forum.web.discussion_common import login_needed, prompt_choices, query_args, reply_url
from forum.web.forms import ReplyForm, ThreadForm, attach_error, form_status
from forum.web.pages import page_arg
from forum.web.ratings import page_ratings

THREAD_VIEWS = ("order", "prompts")


@bp.get("/")
def index():
    """The thread list, sorted (?sort=) and filtered by tag (?tag=) from the query string."""
    sort = request.args.get("sort", "latest")
    if sort not in thread_service.THREAD_SORTS:
        sort = "latest"
    tag = None
    if request.args.get("tag"):
        tag = thread_service.tag_for_listing(request.args["tag"])
    threads = thread_service.list_threads(current_actor(), sort=sort, tag=tag, page=page_arg(),
                                          counted=False)
    return render_template("forum/index.html", threads=threads, sort=sort, tag=tag,
                           sorts=thread_service.THREAD_SORTS)


@bp.route("/new", methods=["GET", "POST"])
@limit("posting")
def new_thread():
    """Form to start a thread; on error it keeps what was typed."""
    actor = current_actor()
    if not actor.is_authenticated:
        return login_needed(request.full_path)
    form = ThreadForm()
    status = form_status(form)
    if form.validate_on_submit():
        try:
            thread = thread_service.start_thread(
                actor, form.title.data, form.lead.data, form.prompts.data,
                form.call_to_action.data, form.tags.data)
        except ForumError as error:
            status = attach_error(form, error)
        else:
            return redirect(url_for("forum.thread", thread_id=thread.id, slug=thread.slug))
    return render_template("forum/new_thread.html", form=form), status


def render_thread(thread, form=None, status=200):
    """Render a thread page (a Thread or its id), also to re-show it with a form's errors."""
    actor = current_actor()
    if isinstance(thread, int):
        thread = thread_service.get_thread(actor, thread)
    view = request.args.get("view")
    view = view if view in THREAD_VIEWS else "order"
    sort = reply_service.reply_sort(thread, request.args.get("sort"))
    replies = reply_service.list_replies(actor, thread, page=page_arg(), sort=sort,
                                         by_prompt=view == "prompts", include_deleted=True)
    page_ratings().preload(thread)  # the viewer's ratings on the whole page: one query
    groups = [(group[0].prompt, group) for group in (
        list(items) for _, items in groupby(replies.items, key=lambda r: r.prompt_id))]
    return render_template("forum/thread.html", thread=thread, replies=replies, view=view,
                           groups=groups, reply_sort=sort,
                           reply_form=_reply_form(actor, form, thread)), status


def _reply_form(actor, form, thread):
    """The reply form for members (or the one that failed); None for visitors, because making
    a form makes its CSRF token, which would start a session for every visitor."""
    if form is None and not actor.is_authenticated:
        return None
    return prompt_choices(form or ReplyForm(), thread.prompts)


@bp.get("/threads/<int:thread_id>")
@bp.get("/threads/<int:thread_id>/<slug>")
def thread(thread_id, slug=None):
    """A thread page (?view=prompts groups replies by prompt); redirects to the slug URL."""
    thread = thread_service.get_thread(current_actor(), thread_id)
    if slug != thread.slug:
        return redirect(url_for("forum.thread", thread_id=thread_id, slug=thread.slug,
                                **query_args("thread_id", "slug")), 301)
    return render_thread(thread)


@bp.post("/threads/<int:thread_id>/replies")
@limit("posting")
def reply(thread_id):
    """Add a contribution; errors re-show the thread with the text kept."""
    actor = current_actor()
    if not actor.is_authenticated:
        return login_needed(url_for("forum.thread", thread_id=thread_id))
    form = ReplyForm()
    try:
        new_reply = reply_service.add_reply(
            actor, thread_id, form.body.data, form.prompt.data or None, form.tags.data)
    except ForumError as error:
        try:
            thread = thread_service.get_thread(actor, thread_id)
        except ForumError:
            return render_template("forum/reply_lost.html", message=error.message,
                                   body=form.body.data), error.status
        return render_thread(thread, form, status=attach_error(form, error))
    return redirect(reply_url(actor, new_reply))
