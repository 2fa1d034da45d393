"""Notices to one member about what happened to their own items: ratings (grouped), moderation,
related reading added to their question, their flag resolved. Each is written inside the
transaction of the event, like the fan-out in services/notifications.py, and is checked against
the visibility rule again when shown. A member who muted the thread hears nothing of ratings or
reading added there; what a moderator did to their item, or to what they flagged, still reaches
them.
"""
from sqlalchemy import delete, select, update

from forum import jobs
from forum.database import dialect_insert, on_commit, session
from forum.i18n import gettext as _
from forum.i18n import lazy_gettext as _lazy
from forum.i18n import ngettext
from forum.models import Notification, Thread, ThreadWatch, utcnow

# Moderator actions that tell the item's author, and how each reads.
MODERATION_TEXT = {
    "thread.hide": _lazy("A moderator hid your question"),
    "thread.restore": _lazy("A moderator restored your question"),
    "thread.lock": _lazy("A moderator locked your question"),
    "thread.unlock": _lazy("A moderator unlocked your question"),
    "reply.hide": _lazy("A moderator hid your contribution"),
    "reply.restore": _lazy("A moderator restored your contribution"),
}
MODERATION_OTHER = _lazy("A moderator acted on your item")
FLAG_OUTCOMES = {  # (on a contribution, on a thread)
    "dismiss": (_lazy("Your flag on a contribution was resolved: a moderator looked and left "
                      "it as it is"),
                _lazy("Your flag on a thread was resolved: a moderator looked and left it as "
                      "it is")),
    "hide": (_lazy("Your flag on a contribution was resolved: a moderator hid it"),
             _lazy("Your flag on a thread was resolved: a moderator hid it")),
    "lock": (_lazy("Your flag on a contribution was resolved: a moderator locked the thread"),
             _lazy("Your flag on a thread was resolved: a moderator locked the thread")),
}
FLAG_RESOLVED = (_lazy("Your flag on a contribution was resolved: a moderator resolved it"),
                 _lazy("Your flag on a thread was resolved: a moderator resolved it"))
DETAIL_MAX = 500
# Jobs queued once a transaction that wrote notices commits (email delivery adds its sweep).
NOTICES_WRITTEN = []


def _queue_written_jobs():
    """Queue every job that acts on new notices (the email sweep)."""
    for job in NOTICES_WRITTEN:
        jobs.later(job)


def notices_written():
    """Queue the jobs that act on new notices once this transaction commits (once however
    many notices it wrote)."""
    on_commit(_queue_written_jobs, once=True)


def _muted(member_id, thread_id):
    """Whether the member muted the thread (then ratings and reading added there stay silent)."""
    return session().scalar(select(ThreadWatch.level).where(
        ThreadWatch.member_id == member_id, ThreadWatch.thread_id == thread_id)) == "muted"


def _notify(recipient_id, kind, thread_id, event_key, actor_id=None, reply_id=None,
            detail=None):
    """One notice (at most once per recipient and event_key); nobody is told of their own act.
    The email sweep is queued for when the event's transaction commits."""
    if recipient_id is None or recipient_id == actor_id:
        return
    notices_written()
    session().execute(dialect_insert(Notification).values(
        recipient_id=recipient_id, kind=kind, thread_id=thread_id, reply_id=reply_id,
        actor_id=actor_id, event_key=event_key, group_key=f"thread:{thread_id}",
        detail=(detail or None) and detail[:DETAIL_MAX], count=1, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=[Notification.recipient_id,
                                                Notification.event_key]))


def rating_given(item, thread_id, reply_id, rating_id, rater_id):
    """A new rating of a thread or contribution: its author's unread rating notice for that item
    counts one more, or a new one starts ("3 new ratings on your contribution")."""
    if item.author_id is None or item.author_id == rater_id or _muted(item.author_id, thread_id):
        return
    grouped = session().execute(
        update(Notification).where(
            Notification.recipient_id == item.author_id, Notification.kind == "rating",
            Notification.thread_id == thread_id, Notification.read_at.is_(None),
            Notification.reply_id.is_(None) if reply_id is None
            else Notification.reply_id == reply_id)
        .values(count=Notification.count + 1, created_at=utcnow())
        .execution_options(synchronize_session=False))
    if not grouped.rowcount:
        _notify(item.author_id, "rating", thread_id, f"rating:{rating_id}", reply_id=reply_id)


def item_moderated(moderator, action, item, entry, reason):
    """A moderator hid, restored, locked or unlocked a thread or contribution (entry: its log
    row): the item's author is told, with the reason."""
    if action not in MODERATION_TEXT:
        return
    session().flush()  # the log entry's id keys the event
    reply_id = item.id if action.startswith("reply.") else None
    _notify(item.author_id, "moderation", getattr(item, "thread_id", item.id),
            f"moderation:{entry.id}", actor_id=moderator.id, reply_id=reply_id,
            detail=f"{action}|{reason}")


def reading_added(link, curator):
    """Related reading was added under a question: its author is told the reading's title."""
    author_id = session().get(Thread, link.thread_id).author_id  # loaded by the caller
    if _muted(author_id, link.thread_id):
        return
    _notify(author_id, "related_added", link.thread_id, f"related:{link.id}",
            actor_id=curator.id, detail=link.title)


def reading_removed(link):
    """Related reading was removed: the notices that named it go too (its title no longer shows
    anywhere)."""
    session().execute(delete(Notification).where(
        Notification.kind == "related_added", Notification.event_key == f"related:{link.id}"))


def flags_resolved(flags, action, resolver, thread_id, reply_id):
    """Flags were closed (dismissed or acted on): each member who raised one is told."""
    for flag in flags:
        _notify(flag.reporter_id, "flag_resolved", thread_id, f"flag:{flag.id}",
                actor_id=resolver.id, reply_id=reply_id, detail=action)


def moderation_parts(notice):
    """(what the moderator did, the reason) from a moderation notice's detail."""
    action, _sep, reason = (notice.detail or "").partition("|")
    return str(MODERATION_TEXT.get(action, MODERATION_OTHER)), reason


def describe(notice, who):
    """The line for a kind made here, or None for the fan-out kinds."""
    if notice.kind == "rating":
        if notice.reply_id:
            return ngettext("%(num)s new rating on your contribution",
                            "%(num)s new ratings on your contribution", notice.count)
        return ngettext("%(num)s new rating on your question",
                        "%(num)s new ratings on your question", notice.count)
    if notice.kind == "moderation":
        done, reason = moderation_parts(notice)
        return _("%(done)s: %(reason)s", done=done, reason=reason) if reason else done
    if notice.kind == "related_added":
        return _("%(name)s added related reading to your question: %(title)s", name=who,
                 title=notice.detail)
    if notice.kind == "flag_resolved":
        on_contribution, on_thread = FLAG_OUTCOMES.get(notice.detail, FLAG_RESOLVED)
        return str(on_contribution if notice.reply_id else on_thread)
    return None
