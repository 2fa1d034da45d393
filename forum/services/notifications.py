"""In-app notifications: fan-out when something is posted, listing, unread counts, marking read.

Fan-out is a background job queued when the posting transaction commits (forum.jobs), and one
INSERT ... SELECT: the database picks the recipients (the question's author, the thread's
watchers, the followers of its tags), so posting costs the same whatever their number. Each
notice is checked against the visibility rule again when it is shown or emailed: a contribution
hidden or deleted after the fact never appears.

A queue may lose a job (Redis drops one whose worker dies holding it), so posting marks the new
thread or contribution fan_out_pending in its INSERT and the fan-out clears the mark in the
transaction that writes the notices; each minute the worker's catch-up redoes the fan-outs still
pending FAN_OUT_GRACE after posting. A rerun adds nobody twice: event_key is unique per
recipient, and the INSERT skips a notice already there (even one a concurrent run just wrote).
"""
import logging
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from markupsafe import Markup
from sqlalchemy import (
    Integer, String, and_, bindparam, case, func, inspect, literal, select, union, union_all,
    update,
)
from sqlalchemy.orm import contains_eager, joinedload

from forum import jobs, markup
from forum.database import atomic, dialect_insert, on_commit, session, write_after_reading
from forum.errors import ValidationError
from forum.models import (
    Member, MemberFollow, Notification, Reply, ReplyTag, TagFollow, Thread, ThreadTag,
    ThreadWatch, Timestamp, utcnow,
)
from forum.services import notification_kinds, thread_visits
from forum.services.notification_kinds import notices_written
from forum.services.actors import with_preference
from forum.services.following import DEFAULT_LEVEL, watch_by_default, watch_level_query
from forum.services.paging import slice_before
from forum.services.visibility import (
    live_reply, live_thread, mark_shown_content, rule_key, visible_notices,
)
from forum.i18n import gettext as _
from forum.i18n import lazy_gettext as _lazy

# Fan-out kinds, most specific first: a member named by several rules gets the first one's
# kind; then the kinds sent to one member (services/notification_kinds.py; outcome_reminder:
# services/outcomes.py).
KINDS = ("mention", "question_reply", "watched_thread", "tag_reply", "member_thread",
         "tag_thread", "rating", "moderation", "related_added", "flag_resolved",
         "outcome_reminder")
KIND_TEXT = {  # %(name)s: who did it
    "mention": _lazy("%(name)s mentioned you"),
    "question_reply": _lazy("%(name)s contributed to your question"),
    "watched_thread": _lazy("%(name)s contributed to a thread you watch"),
    "tag_reply": _lazy("%(name)s contributed with a tag you follow"),
    "member_thread": _lazy("%(name)s asked a new question"),
    "tag_thread": _lazy("%(name)s asked a question with a tag you follow"),
    "outcome_reminder": _lazy("%(name)s shared advice you said you would try. How did it go?"),
}
POSTED = _lazy("%(name)s posted")
IDS_MAX = 500
MENTIONS_MAX = 10  # members one contribution can notify by @name
EXCERPT = 160  # characters of a contribution's text a notice shows
# A queued fan-out runs within seconds (its retries within 90): one still pending this long
# after posting lost its job, and the catch-up redoes it (at most CATCH_UP_BATCH a kind a run).
FAN_OUT_GRACE = timedelta(minutes=2)
CATCH_UP_BATCH = 100
log = logging.getLogger("forum.notifications")

def _fan_out(candidates, thread_id, reply_id, author_id, event_key, now):
    """INSERT ... SELECT one notice per candidate member (rank -> kind, best rank wins), leaving
    out the author, members who muted the thread and members already told of this event."""
    pool = union_all(*candidates).subquery()
    rank = func.min(pool.c.rank)
    muted = select(ThreadWatch.member_id).where(
        ThreadWatch.thread_id == thread_id, ThreadWatch.level == "muted")
    told = select(Notification.recipient_id).where(Notification.event_key == event_key)
    rows = (
        select(pool.c.member_id,
               case({number: kind for number, kind in enumerate(KINDS)}, value=rank),
               literal(thread_id, Integer), literal(reply_id, Integer),
               literal(author_id, Integer), literal(event_key, String),
               literal(f"thread:{thread_id}", String), literal(now, Timestamp))
        .where(pool.c.member_id.is_not(None), pool.c.member_id != author_id,
               pool.c.member_id.not_in(muted), pool.c.member_id.not_in(told))
        .group_by(pool.c.member_id)
    )
    session().execute(dialect_insert(Notification).from_select(
        ["recipient_id", "kind", "thread_id", "reply_id", "actor_id", "event_key", "group_key",
         "created_at"], rows).on_conflict_do_nothing(
        index_elements=[Notification.recipient_id, Notification.event_key]))


def _fanned_out(model, item_id):
    """Clear the thread's or contribution's fan_out_pending mark (in the fan-out's transaction)."""
    session().execute(update(model).where(model.id == item_id, model.fan_out_pending.is_(True))
                      .values(fan_out_pending=False)
                      .execution_options(synchronize_session=False))


def _ranked(column, kind):
    """A candidate SELECT: member ids from column, ranked by the kind they would get."""
    return select(column.label("member_id"), literal(KINDS.index(kind), Integer).label("rank"))


def contribution_posted(reply):
    """After a contribution is added (same transaction): its author watches the thread, and
    the fan-out to everyone else is queued for when the transaction commits."""
    watch_by_default(reply.author_id, reply.thread_id)
    on_commit(lambda: jobs.later(fan_out_reply, reply.id))


@jobs.task(retries=3, retry_delay=30)
def fan_out_reply(reply_id):
    """Notify the members a contribution mentions (@name, at most 10), the question's author,
    the thread's watchers and its tags' followers (once each, the best kind)."""
    reply = session().get(Reply, reply_id)
    if reply is None:
        return
    tags = union(select(ReplyTag.tag_id).where(ReplyTag.reply_id == reply.id),
                 select(ThreadTag.tag_id).where(ThreadTag.thread_id == reply.thread_id))
    with atomic():
        _fan_out([
            _mentioned(reply),
            _ranked(Thread.author_id, "question_reply").where(Thread.id == reply.thread_id),
            _ranked(ThreadWatch.member_id, "watched_thread").where(
                ThreadWatch.thread_id == reply.thread_id, ThreadWatch.level == "watching"),
            _ranked(TagFollow.member_id, "tag_reply").where(TagFollow.tag_id.in_(tags)),
        ], reply.thread_id, reply.id, reply.author_id, f"reply:{reply.id}", reply.created_at)
        _fanned_out(Reply, reply.id)
        notices_written()


def _mentioned(reply):
    """A candidate SELECT: the members the contribution's text names (@name, the first ten)."""
    names = [name.casefold() for name in markup.mentions(reply.body)[:MENTIONS_MAX]]
    return _ranked(Member.id, "mention").where(func.lower(Member.display_name).in_(names or [""]))


def contribution_edited(reply):
    """After a contribution's text changed (same transaction): the members it now mentions
    are told once it commits, unless this contribution told them already."""
    on_commit(lambda: jobs.later(fan_out_edit, reply.id))


@jobs.task(retries=3, retry_delay=30)
def fan_out_edit(reply_id):
    """Notify the members an edited contribution mentions who were not told of it yet (a
    corrected @name reaches its member; nobody hears of the same contribution twice)."""
    reply = session().get(Reply, reply_id)
    if reply is None:
        return
    with atomic():
        _fan_out([_mentioned(reply)], reply.thread_id, reply.id, reply.author_id,
                 f"reply:{reply.id}", utcnow())
        notices_written()


def thread_started(thread):
    """After a thread is started (same transaction): its author watches it, and the fan-out
    to the author's followers and its tags' followers is queued for when it commits."""
    watch_by_default(thread.author_id, thread.id)
    on_commit(lambda: jobs.later(fan_out_thread, thread.id))


@jobs.task(retries=3, retry_delay=30)
def fan_out_thread(thread_id):
    """Notify the followers of a new thread's author and of its tags."""
    thread = session().get(Thread, thread_id)
    if thread is None:
        return
    with atomic():
        _fan_out([
            _ranked(MemberFollow.follower_id, "member_thread").where(
                MemberFollow.member_id == thread.author_id),
            _ranked(TagFollow.member_id, "tag_thread").where(TagFollow.tag_id.in_(
                select(ThreadTag.tag_id).where(ThreadTag.thread_id == thread.id))),
        ], thread.id, None, thread.author_id, f"thread:{thread.id}", thread.created_at)
        _fanned_out(Thread, thread.id)
        notices_written()


def catch_up_fan_outs(now=None, batch=CATCH_UP_BATCH):
    """Redo the fan-outs still pending FAN_OUT_GRACE after posting (their queued job was lost),
    oldest first, at most `batch` threads and `batch` contributions; an item hidden or deleted
    since is marked done unannounced. Returns how many fan-outs ran."""
    cutoff = (now or utcnow()) - FAN_OUT_GRACE
    pending = [
        (Thread, fan_out_thread, select(Thread.id, live_thread()).where(
            Thread.fan_out_pending.is_(True), Thread.created_at < cutoff).order_by(Thread.id)),
        (Reply, fan_out_reply, select(Reply.id, and_(live_reply(), live_thread())).join(
            Thread, Reply.thread_id == Thread.id).where(
            Reply.fan_out_pending.is_(True), Reply.created_at < cutoff).order_by(Reply.id)),
    ]
    ran = 0
    for model, fan_out, query in pending:
        rows = session().execute(query.limit(batch)).all()
        write_after_reading()  # each fan-out below is a transaction of its own
        for item_id, live in rows:
            try:
                if live:
                    fan_out(item_id)
                    ran += 1
                else:
                    with atomic():
                        _fanned_out(model, item_id)
            except Exception:  # one bad item must not stall the others; the next run retries
                session().rollback()
                log.exception("fan-out catch-up of %s %s failed", model.__name__, item_id)
    if ran:
        log.warning("fan-out catch-up: ran %s fan-out(s) still pending %s after posting", ran,
                    FAN_OUT_GRACE)
    return ran


@jobs.periodic(jobs.crontab(minute="*"))
def catch_up_fan_outs_minutely():
    """Each minute, in `flask forum worker`: redo the fan-outs whose queued job was lost."""
    catch_up_fan_outs()


def _shown(actor, query, recipient_id=None):
    """The query over notices restricted to the recipient's (the actor's own by default, found
    by user key in the same query: reading never creates a member row), with thread and
    contribution joined and checked against the visibility rule now."""
    if recipient_id is None:
        recipient_id = select(Member.id).where(Member.user_key == actor.user_key).scalar_subquery()
    query = (query.join(Thread, Notification.thread_id == Thread.id)
             .outerjoin(Reply, Notification.reply_id == Reply.id)
             .where(Notification.recipient_id == recipient_id))
    return visible_notices(actor, query)


def list_notifications(actor, unread=False, before=None, per_page=None):
    """A keyset Slice of the member's notices, newest first, with thread, contribution and who
    did it; one query. unread=True leaves out those already read."""
    per_page = per_page or current_app.config["FORUM_THREADS_PER_PAGE"]
    query = _shown(actor, select(Notification)).options(
        contains_eager(Notification.thread),
        contains_eager(Notification.reply).joinedload(Reply.prompt),
        joinedload(Notification.actor))
    if unread:
        query = query.where(Notification.read_at.is_(None))
    page = slice_before(query, Notification.id, before, per_page)
    mark_shown_content(actor, page.items)
    return page


def unread_count(actor):
    """How many unread notices the member has that they may see now (one query)."""
    query = _shown(actor, select(func.count(Notification.id))).where(
        Notification.read_at.is_(None))
    return session().scalar(query)


@dataclass
class ThreadVisit:
    """What a member's visit to a thread page needs: their watch level on it, the unread
    notices about it, the unread count once those are read, and whether the thread moved
    since their last visit (so the visit is recorded for "N new" on the lists)."""

    thread_id: int
    level: str
    here: int
    unread: int
    moved: bool = False


def visit_thread(actor, thread_id, last_activity_at=None):
    """The member's ThreadVisit for a thread page, in ONE query that also finds their Member
    row (as the page's ratings query does), so a member's page costs one query more."""
    row = session().execute(_visit_query(actor),
                            {"user_key": actor.user_key, "thread_id": thread_id}).first()
    actor.remember_member(*(row[:2] if row else (None, None)))  # and the page's language
    if row is None:  # a member who never acted has no notices yet
        return ThreadVisit(thread_id, DEFAULT_LEVEL, 0, 0)
    _member, _preference, total_unread, here_unread, level, seen_at = row
    moved = seen_at is None or (last_activity_at is not None and last_activity_at > seen_at)
    return ThreadVisit(thread_id, level or DEFAULT_LEVEL, here_unread, total_unread - here_unread,
                       moved)


def _visit_query(actor):
    """visit_thread's statement for this actor's visibility rule, built once per rule (building
    it cost more than running it); the member's key and the thread are bound per call."""
    key = rule_key(actor)
    if key not in _VISIT_QUERIES:
        unread = Notification.read_at.is_(None)
        thread_id = bindparam("thread_id")
        total = _shown(actor, select(func.count(Notification.id)), Member.id).where(unread)
        here = total.where(Notification.thread_id == thread_id)
        _VISIT_QUERIES[key] = with_preference(
            total.scalar_subquery(), here.scalar_subquery(),
            watch_level_query(Member.id, thread_id),
            thread_visits.seen_at_query(Member.id, thread_id),
        ).where(Member.user_key == bindparam("user_key"))
    return _VISIT_QUERIES[key]


_VISIT_QUERIES = {}  # visibility rule key -> visit_thread's statement


def finish_visit(actor, visit):
    """Mark the visited thread's notices read and record the visit: one transaction, only when
    there were unread notices or the thread moved since the last visit (call it after the page
    is rendered: the commit expires the objects the page reads)."""
    if visit.here or visit.moved:
        write_after_reading()
        with atomic() as db_session:
            member_id = actor.require_member().id
            if visit.here:
                db_session.execute(update(Notification).where(
                    Notification.recipient_id == member_id,
                    Notification.thread_id == visit.thread_id,
                    Notification.read_at.is_(None)).values(read_at=utcnow()))
            thread_visits.record_visit(member_id, visit.thread_id)


def mark_read(actor, ids=None, everything=False):
    """Mark the member's notices read (those ids, or all); returns how many changed."""
    member = actor.require_member()
    if not everything:
        ids = list(ids or [])
        if not ids or len(ids) > IDS_MAX or not all(
                isinstance(item, int) and not isinstance(item, bool) for item in ids):
            raise ValidationError(_('Send 1 to %(ids_max)s notification ids, or all: true.', ids_max=IDS_MAX),
                                  field="ids")
    query = update(Notification).where(Notification.recipient_id == member.id,
                                       Notification.read_at.is_(None))
    write_after_reading()
    if not everything:
        query = query.where(Notification.id.in_(ids))
    with atomic() as db_session:
        return db_session.execute(query.values(read_at=utcnow())).rowcount


def describe(notice):
    """One line saying what happened: "Ana contributed to the prompt “Boundaries” of your
    question"."""
    who = notice.actor.display_name if notice.actor is not None else _("Someone")
    own = notification_kinds.describe(notice, who)
    if own is not None:
        return own
    prompt = _prompt(notice)
    if notice.kind == "question_reply" and prompt is not None:
        return _("%(name)s contributed to the prompt “%(prompt)s” of your question", name=who,
                 prompt=prompt.label)
    return str(KIND_TEXT.get(notice.kind, POSTED)) % {"name": who}


def _prompt(notice):
    """The prompt the notice's contribution answers, when the listing loaded it and the
    recipient may see the contribution; else None."""
    reply = notice.reply
    if reply is None or not notice.shows_reply or "prompt" in inspect(reply).unloaded:
        return None
    return reply.prompt


def excerpt(notice):
    """The start of the contribution's text as plain text (None for a new thread, and for a
    contribution the recipient may no longer see)."""
    if notice.reply is None or not notice.shows_reply:
        return None
    return reply_excerpt(notice.reply)


def reply_excerpt(reply):
    """The start of a contribution's text as plain text (notices, emails, digests)."""
    text = Markup(reply.html).striptags()
    return text if len(text) <= EXCERPT else text[:EXCERPT].rsplit(" ", 1)[0] + "…"
