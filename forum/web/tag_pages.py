"""Tag pages: threads and contributions with a tag, suggestions as you type, merging (moderators)."""
from flask import flash, jsonify, redirect, render_template, request

from forum.errors import ForumError
from forum.services import replies as reply_service
from forum.services import tags as tag_service
from forum.services import threads as thread_service
from forum.urls import url_for
from forum.web.byte_pages import render_page
from forum.web.context import current_actor
from forum.web.discussion_common import login_required, query_args
from forum.web.discussion_forms import MergeTagForm
from forum.web.forms import attach_error
from forum.web.pages import id_arg, page_arg
from forum.web.routes import Routes
from forum.web.thread_page import page_ratings
from forum.i18n import gettext as _

routes = Routes()


def render_tag(tag, merge_form=None, status=200):
    """The tag page: its threads (?page=, keyset ?after= from the pager's links) and its
    contributions across threads, older ones from ?replies_before=<contribution id> on."""
    actor = current_actor()
    threads = thread_service.list_threads(actor, tag=tag, page=page_arg(), counted=False,
                                          after=request.args.get("after"))
    replies = reply_service.list_tagged_replies(
        actor, tag, before=id_arg("replies_before"))
    page_ratings().preload_replies(replies.items)  # the viewer's stars on them: one query
    return render_page(
        "forum/tag.html", tag=tag, threads=threads, replies=replies,
        last_by=thread_service.last_contributors(threads.items),
        synonyms=tag_service.synonyms(tag) if actor.can_moderate else [],
        merge_form=merge_form or (MergeTagForm() if actor.can_moderate else None)), status


@routes.get("/tags")
def tags():
    """Every tag of live content with its counts of questions and contributions."""
    return render_template("forum/tags.html", tags=tag_service.list_tags())


@routes.get("/tags/suggest")
def tag_suggestions():
    """JSON tag suggestions for what is being typed: ?q=prefix -> {"tags": [{name, slug, uses}]}."""
    response = jsonify({"tags": tag_service.suggest_tags(request.args.get("q", "")[:80])})
    response.headers["Cache-Control"] = "public, max-age=60"
    return response


@routes.get("/tags/<slug>")
def tag(slug):
    """Threads and contributions carrying a tag (a synonym redirects to its canonical tag)."""
    tag = thread_service.tag_for_listing(current_actor(), slug)
    if tag.slug != slug:
        return redirect(url_for("forum.tag", slug=tag.slug, **query_args("slug")), 301)
    return render_tag(tag)


@routes.post("/tags/<slug>/merge")
@login_required(back=lambda slug: url_for("forum.tag", slug=slug))
def merge_tag(slug):
    """Merge this tag into another one (moderators); the old name keeps resolving."""
    actor = current_actor()
    form = MergeTagForm()
    try:
        target = tag_service.merge_tags(actor, slug, form.into.data, reason=form.reason.data)
    except ForumError as error:
        if error.field != "into":
            raise
        tag = thread_service.tag_for_listing(actor, slug)
        return render_tag(tag, form, status=attach_error(form, error))
    flash(_('#%(slug)s is merged into #%(name)s.', slug=slug, name=target.name), "success")
    return redirect(url_for("forum.tag", slug=target.slug))
