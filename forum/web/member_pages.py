"""Following a member (the control is on their profile page, web/profile_pages.py), "N new" on
the thread lists, and the names suggested when typing @ in a contribution."""
from flask import flash, jsonify, redirect, request

from forum.services import member_follows
from forum.services import mentions as mention_service
from forum.services import thread_visits
from forum.urls import url_for
from forum.web.context import current_actor
from forum.web.discussion_common import login_required
from forum.web.routes import Routes
from forum.i18n import gettext as _

routes = Routes()


@routes.post("/members/<int:member_id>/follow")
@login_required(back=lambda member_id: url_for("forum.member", member_id=member_id))
def follow_member(member_id):
    """Follow a member (follow=1) or stop following them (follow=0)."""
    follow = request.form.get("follow") != "0"
    person = member_follows.follow_member(current_actor(), member_id, follow=follow)
    flash(_("You now follow %(name)s.", name=person.display_name) if follow
          else _("You no longer follow %(name)s.", name=person.display_name), "success")
    if request.form.get("back") == "following":
        return redirect(url_for("forum.following"))
    return redirect(url_for("forum.member", member_id=person.id))


@routes.get("/members/suggest")
def member_suggestions():
    """JSON names for an @mention being typed: ?q=prefix -> {"members": [{"name"}]}; members
    only (visitors post nothing, so they get an empty list)."""
    actor = current_actor()
    names = mention_service.suggest(request.args.get("q", "")) if actor.is_authenticated else []
    response = jsonify({"members": [{"name": name} for name in names]})
    response.headers["Cache-Control"] = "private, max-age=60"
    return response


@routes.template_global("forum_follows_member")
def follows_member(person):
    """Whether the viewer follows this member (one query, for the control)."""
    return member_follows.follows_member(current_actor(), person)


@routes.template_global("forum_new_counts")
def new_counts(threads):
    """{thread id: contributions new since the viewer's last visit} for a thread list (one
    query for members, none for visitors)."""
    return thread_visits.new_counts(current_actor(), threads)
