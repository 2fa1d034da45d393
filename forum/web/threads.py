"""Pages for reading and writing threads: the list, a thread, a new thread, a reply."""
from flask import redirect, render_template, request, url_for

from wtforms.fields.choices import SelectChoice

from forum.errors import ForumError
from forum.services import replies as reply_service
from forum.services import threads as thread_service
from forum.web.blueprint import bp
from forum.web.context import current_actor
from forum.web.forms import ReplyForm, ThreadForm, attach_error, form_status
from forum.web.pages import page_arg


@bp.get("/")
def index():
    """The thread list, sorted and filtered by the query string."""
    sort = request.args.get("sort", "latest")
    if sort not in thread_service.THREAD_SORTS:
        sort = "latest"
    threads = thread_service.list_threads(current_actor(), sort=sort, page=page_arg())
    return render_template("forum/index.html", threads=threads, sort=sort,
                           sorts=thread_service.THREAD_SORTS)


@bp.route("/new", methods=["GET", "POST"])
def new_thread():
    """Form to start a thread; on error it keeps what was typed."""
    actor = current_actor()
    if not actor.is_authenticated:
        return redirect(url_for("forum.login", next=request.full_path))
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


def _reply_form(thread, form=None):
    """The reply form with this thread's prompts as choices."""
    form = form or ReplyForm()
    form.prompt.choices = [SelectChoice("", "No particular prompt")] + [
        SelectChoice(str(p.position), f"{p.position + 1}. {p.label}") for p in thread.prompts]
    return form


def render_thread(thread_id, form=None, status=200):
    """Render a thread page (also used to re-show it with a reply form's errors)."""
    actor = current_actor()
    thread = thread_service.get_thread(actor, thread_id)
    replies = reply_service.list_replies(actor, thread, page=page_arg())
    return render_template("forum/thread.html", thread=thread, replies=replies,
                           reply_form=_reply_form(thread, form)), status


@bp.get("/threads/<int:thread_id>")
@bp.get("/threads/<int:thread_id>/<slug>")
def thread(thread_id, slug=None):
    """A thread page; redirects to the canonical URL with the slug."""
    thread = thread_service.get_thread(current_actor(), thread_id)
    if slug != thread.slug:
        args = {k: v for k, v in request.args.items()}
        return redirect(url_for("forum.thread", thread_id=thread_id, slug=thread.slug, **args),
                        301)
    return render_thread(thread_id)


@bp.post("/threads/<int:thread_id>/replies")
def reply(thread_id):
    """Add a contribution; errors re-show the thread with the text kept."""
    actor = current_actor()
    if not actor.is_authenticated:
        return redirect(url_for("forum.login", next=url_for("forum.thread", thread_id=thread_id)))
    form = ReplyForm()
    try:
        new_reply = reply_service.add_reply(
            actor, thread_id, form.body.data, form.prompt.data or None, form.tags.data)
    except ForumError as error:
        if error.status == 404:
            raise
        return render_thread(thread_id, form, status=attach_error(form, error))
    return redirect(url_for("forum.thread", thread_id=thread_id) + f"#reply-{new_reply.id}")



@bp.get("/tags/<slug>")
def tag(slug):
    """Threads carrying a tag (a synonym redirects to its canonical tag)."""
    tag = thread_service.tag_for_listing(slug)
    if tag.slug != slug:
        return redirect(url_for("forum.tag", slug=tag.slug), 301)
    threads = thread_service.list_threads(current_actor(), tag=tag, page=page_arg())
    return render_template("forum/tag.html", tag=tag, threads=threads)
