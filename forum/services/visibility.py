"""Who sees which content: the one rule for visible threads and replies.

Members see threads that are not hidden, and replies that are neither hidden nor deleted in
threads they can see; moderators also see hidden content (deleted replies only where a page
asks for its restore placeholders). Every query of content a member can reach takes its
condition from here, as a SQL clause, a query filter, a raw-SQL fragment (search) or a check
of one loaded object (tests/test_visibility.py holds the list).
"""
from sqlalchemy import and_, or_

from forum.errors import NotFound
from forum.i18n import lazy_gettext as _lazy
from forum.models import Notification, Reply, Thread

THREAD_GONE = _lazy("That thread does not exist or was removed.")
REPLY_GONE = _lazy("That contribution does not exist or was removed.")
# Notices about what was done to an item (a moderator hid your contribution, your flag was
# resolved) stay listed while the item is hidden from their recipient, but without its text.
ABOUT_ITEM_KINDS = ("moderation", "flag_resolved")


def live_thread(thread=Thread):
    """SQL: the thread (the model or an alias of it) is not hidden."""
    return thread.is_hidden.is_(False)


def live_reply(reply=Reply):
    """SQL: the reply (the model or an alias of it) is neither hidden nor deleted."""
    return and_(reply.is_hidden.is_(False), reply.is_deleted.is_(False))


def live_thread_sql(alias):
    """The live_thread condition for a raw SQL query, on table alias `alias` (binds :false)."""
    return f"{alias}.is_hidden = :false"


def live_reply_sql(alias):
    """The live_reply condition for a raw SQL query, on table alias `alias` (binds :false)."""
    return f"{alias}.is_hidden = :false AND {alias}.is_deleted = :false"


def rule_key(actor):
    """What the rules below depend on about the actor: a statement built with them once can be
    kept under this key and reused for every actor with the same one."""
    return actor.can_moderate


def visible_threads(actor, query, thread=Thread):
    """The query restricted to threads the actor may see (moderators see hidden ones too)."""
    return query if actor.can_moderate else query.where(live_thread(thread))


def visible_replies(actor, query, reply=Reply, include_deleted=False):
    """The query restricted to replies the actor may see: live ones for members; for
    moderators hidden ones too, and deleted ones when include_deleted (restore placeholders)."""
    rule = _reply_rule(actor, reply, include_deleted)
    return query if rule is None else query.where(rule)


def _reply_rule(actor, reply, include_deleted=False):
    """SQL: which replies the actor may see (None: all of them)."""
    if not actor.can_moderate:
        return live_reply(reply)
    return None if include_deleted else reply.is_deleted.is_(False)


def visible_notices(actor, query, thread=Thread, reply=Reply):
    """The query (notices with their thread joined and contribution outer-joined) restricted to
    those whose thread and contribution, if any, the actor may see now, at display time; a
    notice about what was done to an item (ABOUT_ITEM_KINDS) stays, and shows_content() keeps
    its text out."""
    rules = [] if actor.can_moderate else [live_thread(thread)]
    reply_rule = _reply_rule(actor, reply)
    if reply_rule is not None:
        rules.append(or_(reply.id.is_(None), reply_rule))
    if not rules:
        return query
    return query.where(or_(Notification.kind.in_(ABOUT_ITEM_KINDS), and_(*rules)))


def mark_shown_content(actor, notices):
    """Set each loaded notice's shows_thread / shows_reply: whether the actor may see its
    thread's title and its contribution's text now (the notice itself may be about hiding)."""
    for notice in notices:
        notice.shows_thread = can_see(actor, notice.thread)
        notice.shows_reply = notice.reply is not None and notice.shows_thread and can_see(
            actor, notice.reply)
    return notices


def is_live(item):
    """Whether a loaded Thread or Reply is shown to members (not hidden, not deleted)."""
    return not (item.is_hidden or getattr(item, "is_deleted", False))


def can_see(actor, item):
    """Whether the actor may see this loaded Thread or Reply (its thread checked apart)."""
    return item is not None and (actor.can_moderate or is_live(item))


def visible_thread(actor, thread):
    """The thread if the actor may see it, else NotFound (missing, or hidden from members)."""
    if thread is None or not (actor.can_moderate or not thread.is_hidden):
        raise NotFound(THREAD_GONE)
    return thread
