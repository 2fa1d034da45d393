"""Pages for following and notifications: the list, mark read, the Following page, the watch
and follow controls, and the unread count in the header (members only: visitors run nothing)."""
from flask import flash, g, redirect, render_template, request, url_for

from forum.services import following as following_service
from forum.services import member_follows
from forum.services import notifications as notification_service
from forum.web.context import current_actor
from forum.web.discussion_common import login_required, thread_url
from forum.web.routes import Routes
from forum.i18n import gettext as _
from forum.i18n import ngettext

routes = Routes()


@routes.hook("before_request")
def forget_previous_visit():
    """Never reuse a count, watch level or write flag of an earlier request."""
    for name in ("forum_visit", "forum_unread", "forum_writes"):
        g.pop(name, None)


def visiting(thread, render):
    """A thread page as render() makes it; for a member it shows their watch level and unread
    count, then marks the thread's notices read (one query; one more only when there were)."""
    actor = current_actor()
    if not actor.is_authenticated:
        return render()
    g.forum_visit = notification_service.visit_thread(actor, thread.id, thread.last_activity_at)
    g.forum_unread = g.forum_visit.unread
    response = render()
    notification_service.finish_visit(actor, g.forum_visit)
    return response


@routes.template_global("forum_unread_count")
def unread_count():
    """The member's unread count for the header (one query per page, none for visitors)."""
    actor = current_actor()
    if not actor.is_authenticated:
        return 0
    if "forum_unread" not in g:
        g.forum_unread = notification_service.unread_count(actor)
    return g.forum_unread


@routes.template_global("forum_watch_level")
def watch_level(thread):
    """The member's watch level on a thread (from the visit when the page made one)."""
    visit = g.get("forum_visit")
    if visit is not None and visit.thread_id == thread.id:
        return visit.level
    return following_service.watch_level(current_actor(), thread.id)


@routes.template_global("forum_follows_tag")
def follows_tag(tag):
    """Whether the member follows this tag (one query, for its tag page's control)."""
    return following_service.follows(current_actor(), tag)


@routes.template_global("forum_watch_levels")
def watch_levels():
    """The levels the watch control offers."""
    return following_service.WATCH_LEVELS


def by_thread(notices):
    """[(thread, [notices])] in the order of each thread's newest notice."""
    groups = {}
    for notice in notices:
        groups.setdefault(notice.thread_id, (notice.thread, []))[1].append(notice)
    return list(groups.values())


@routes.get("/notifications")
@login_required
def notifications():
    """The member's notices, newest first, grouped by thread; showing them marks them read."""
    actor = current_actor()
    unread_only = request.args.get("unread") == "1"
    page = notification_service.list_notifications(
        actor, unread=unread_only, before=request.args.get("before", type=int))
    fresh = [notice.id for notice in page.items if notice.read_at is None]
    html = render_template("forum/notifications.html", page=page, groups=by_thread(page.items),
                           unread_only=unread_only, excerpt=notification_service.excerpt,
                           describe=notification_service.describe)
    if fresh:
        notification_service.mark_read(actor, fresh)
    return html


@routes.post("/notifications/read")
@login_required(back=lambda: url_for("forum.notifications"))
def mark_all_read():
    """Mark every notice read."""
    count = notification_service.mark_read(current_actor(), everything=True)
    flash(ngettext('%(num)s notification marked read.', '%(num)s notifications marked read.', count), "success")
    return redirect(url_for("forum.notifications"))


@routes.get("/following")
@login_required
def following():
    """The threads the member watches or muted, the members and tags they follow, each
    editable."""
    actor = current_actor()
    threads, tags = following_service.following(actor)
    return render_template("forum/following.html", threads=threads, tags=tags,
                           members=member_follows.followed_members(actor))


def _back(default):
    """Where a control's form returns: the Following page when it says so, else default."""
    return url_for("forum.following") if request.form.get("back") == "following" else default


@routes.post("/threads/<int:thread_id>/watch")
@login_required(back=thread_url)
def watch_thread(thread_id):
    """Set the member's watch level on a thread (watching, normal, muted)."""
    level = following_service.set_watch_level(current_actor(), thread_id,
                                              request.form.get("level", ""))
    flash({"watching": _("You are now watching this thread."),
           "muted": _("This thread is now muted for you."),
           }.get(level, _("This thread is now normal for you.")), "success")
    return redirect(_back(thread_url(thread_id)))


@routes.post("/tags/<slug>/follow")
@login_required(back=lambda slug: url_for("forum.tag", slug=slug))
def follow_tag(slug):
    """Follow a tag (follow=1) or stop following it (follow=0)."""
    follow = request.form.get("follow") != "0"
    tag = following_service.follow_tag(current_actor(), slug, follow=follow)
    flash((_('You now follow #%(tag)s.', tag=tag.name) if follow
           else _('You no longer follow #%(tag)s.', tag=tag.name)), "success")
    return redirect(_back(url_for("forum.tag", slug=tag.slug)))
