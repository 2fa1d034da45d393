"""Curating "More relevant reading" under a thread, and the moderators' broken-links list."""
from flask import flash, g, redirect, render_template, request

from forum.errors import ForumError
from forum.services import linkcheck
from forum.services import related as related_service
from forum.services import threads as thread_service
from forum.web.context import current_actor
from forum.web.discussion_common import thread_url
from forum.web.routes import Routes
from forum.web.thread_page import render_thread
from forum.i18n import gettext as _

routes = Routes()

FIELDS = ("category", "title", "url", "target_thread_id")


def _values():
    """What the moderator typed into an entry form."""
    return {name: request.form.get(name, "") for name in FIELDS + ("position",)}


def _show_error(thread_id, form_key, error, values):
    """Re-show the thread page with the failed reading form open, its input kept."""
    if error.status not in (409, 422):
        raise error
    g.forum_related_failure = {"form": form_key, "error": error, "input": values}
    return render_thread(thread_service.get_thread(current_actor(), thread_id),
                         status=error.status)


@routes.template_global("forum_related")
def related_view(thread):
    """What the reading list needs: entries, and for moderators suggestions and categories."""
    actor = current_actor()
    links = related_service.list_links(actor, thread)
    view = {"links": links, "moderator": actor.can_moderate, "suggestions": [],
            "categories": [], "broken": set(), "failure": g.get("forum_related_failure")}
    if actor.can_moderate:
        view["suggestions"] = related_service.suggestions(actor, thread, links)
        view["categories"] = related_service.categories()
        view["broken"] = {link.id for link in links if linkcheck.is_broken(link)}
        view["find"] = request.args.get("related_q", "")
        view["found"] = related_service.find_threads(actor, thread, view["find"])
    return view


@routes.post("/threads/<int:thread_id>/related")
def add_related(thread_id):
    """Add an entry to a thread's reading list (moderators only)."""
    values = _values()
    position = values["position"].strip()
    try:
        related_service.add_link(
            current_actor(), thread_id, values["category"], values["title"], values["url"],
            values["target_thread_id"], position=int(position) - 1 if position.isdigit()
            else (position or None))
    except ForumError as error:
        return _show_error(thread_id, "new", error, values)
    flash(_('Reading entry added.'), "success")
    return redirect(thread_url(thread_id, "related-reading"))


@routes.post("/related/<int:link_id>/edit")
def edit_related(link_id):
    """Change an entry's category, title or destination (moderators only)."""
    values = _values()
    actor = current_actor()
    try:
        link = related_service.update_link(actor, link_id, values["category"], values["title"],
                                           values["url"], values["target_thread_id"])
    except ForumError as error:
        actor.require_moderator()
        return _show_error(related_service.get_link(link_id).thread_id, link_id, error, values)
    flash(_('Reading entry updated.'), "success")
    return redirect(thread_url(link.thread_id, "related-reading"))


@routes.post("/related/<int:link_id>/move")
def move_related(link_id):
    """Move an entry up, down, or to a position counted from 1 (moderators only)."""
    actor = current_actor()
    direction = request.form.get("direction", "")
    position = request.form.get("position", "").strip()
    try:
        if direction in ("up", "down"):
            link = related_service.move_link_by(actor, link_id, -1 if direction == "up" else 1)
        else:
            link = related_service.move_link(
                actor, link_id, int(position) - 1 if position.lstrip("-").isdigit()
                else position)
    except ForumError as error:
        actor.require_moderator()
        return _show_error(related_service.get_link(link_id).thread_id, link_id, error,
                           dict(_values(), position=position))
    return redirect(thread_url(link.thread_id, "related-reading"))


@routes.post("/related/<int:link_id>/delete")
def delete_related(link_id):
    """Remove an entry from a reading list (moderators only)."""
    link = related_service.delete_link(current_actor(), link_id)
    flash(_('Removed "%(title)s" from the reading list.', title=link.title), "success")
    return redirect(thread_url(link.thread_id, "related-reading"))


@routes.get("/moderation/links")
def broken_links():
    """Reading entries whose web address failed its last check (moderators only)."""
    links = linkcheck.broken_links(current_actor())
    return render_template("forum/broken_links.html", links=links)
