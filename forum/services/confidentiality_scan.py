"""Moderators' scan of content already posted for details that may identify a client: it lists,
changes nothing; a moderator may send an item to the flag queue (logged)."""
from dataclasses import dataclass

from sqlalchemy import select, true
from sqlalchemy.orm import selectinload

from forum.database import atomic, session
from forum.errors import NotFound
from forum.models import Reply, Thread
from forum.services import confidentiality
from forum.services.actors import Actor
from forum.services.audit import log_action
from forum.services.threads import thread_fields
from forum.services.visibility import visible_replies, visible_threads
from forum.i18n import gettext as _

PAGE_SIZE = 100
OPERATOR = Actor(display_name="command line", is_moderator=True)


@dataclass
class ScanHit:
    """One thread or contribution with findings: {field: findings} and where it lives."""

    kind: str  # "thread" or "reply"
    item_id: int
    thread_id: int
    title: str
    texts: dict
    found: dict


def _thread_hit(thread):
    """The thread's findings (title, lead, prompts, call to action), or None."""
    texts = thread_fields(thread.title, thread.lead, thread.prompts, thread.call_to_action)
    found = confidentiality.review(texts)
    return ScanHit("thread", thread.id, thread.id, thread.title, texts, found) if found else None


def _reply_hit(reply, title):
    """The contribution's findings, or None."""
    found = confidentiality.review({"body": reply.body})
    return ScanHit("reply", reply.id, reply.thread_id, title, {"body": reply.body},
                   found) if found else None


def scan(actor, before_id=None, limit=PAGE_SIZE):
    """(hits, next before_id): threads and non-deleted contributions with findings, newest
    first, looking at up to `limit` of each with ids below before_id (None: from the newest).
    Moderators only; nothing is changed."""
    actor.require_moderator()
    return _scan(actor, before_id, limit)


def _scan(actor, before_id, limit):
    """One batch of the scan (see scan): what a moderator sees, deleted contributions left out."""
    threads = session().scalars(visible_threads(actor, select(Thread).where(
        Thread.id < before_id if before_id else true()))
        .options(selectinload(Thread.prompts)).order_by(Thread.id.desc()).limit(limit)).all()
    rows = session().execute(visible_replies(actor, select(Reply, Thread.title).join(
        Thread, Thread.id == Reply.thread_id).where(
        Reply.id < before_id if before_id else true()))
        .order_by(Reply.id.desc()).limit(limit)).all()
    hits = [hit for hit in (_thread_hit(thread) for thread in threads) if hit]
    hits += [hit for hit in (_reply_hit(reply, title) for reply, title in rows) if hit]
    oldest = [thread.id for thread in threads] + [reply.id for reply, _ in rows]
    more = len(threads) == limit or len(rows) == limit
    return hits, (min(oldest) if more and oldest else None)


def scan_all(batch=500):
    """Every hit in the forum, newest first, batch by batch (the operator's command line, who
    sees what moderators see)."""
    before_id = None
    while True:
        hits, before_id = _scan(OPERATOR, before_id, batch)
        yield from hits
        if before_id is None:
            return


def send_to_queue(actor, kind, item_id, reason=""):
    """A moderator sends a scanned item to the flag queue as a client-info flag; logged."""
    moderator = actor.require_moderator()
    model = Thread if kind == "thread" else Reply
    with atomic() as db_session:
        item = db_session.get(model, item_id)
        if item is None:
            raise NotFound(_('That item does not exist.'))
        texts = ({"body": item.body} if kind == "reply" else
                 {"title": item.title, "lead": item.lead})
        found = confidentiality.review(texts) or {"scan": []}
        flag = confidentiality.flag_posted(
            db_session, found, thread_id=item_id if kind == "thread" else None,
            reply_id=item_id if kind == "reply" else None,
            note="Found by a moderator's confidentiality scan")
        log_action(moderator, "confidential.flag", kind, item_id, reason=reason,
                   after={"flag": flag.id if flag else None})
    return flag
