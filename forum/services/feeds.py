"""What the Atom feeds list: the newest visible threads (and a tag's newest contributions), and
a thread's newest visible replies."""
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, selectinload

from forum.database import session
from forum.models import Reply, ReplyTag, Thread, ThreadTag
from forum.services.actors import ANONYMOUS
from forum.services.threads import get_thread, tag_for_listing
from forum.services.visibility import visible_replies, visible_threads

FEED_SIZE = 30


def newest_threads(tag_slug=None, limit=FEED_SIZE):
    """(tag or None, newest visible threads) for the forum-wide or a tag's feed."""
    tag = tag_for_listing(ANONYMOUS, tag_slug) if tag_slug is not None else None
    query = visible_threads(ANONYMOUS, select(Thread))
    if tag is not None:
        query = query.where(Thread.id.in_(
            select(ThreadTag.thread_id).where(ThreadTag.tag_id == tag.id)))
    threads = session().scalars(
        query.options(selectinload(Thread.author), selectinload(Thread.prompts))
        .order_by(Thread.created_at.desc(), Thread.id.desc()).limit(limit)).all()
    return tag, threads


def newest_tagged_replies(tag, limit=FEED_SIZE):
    """The newest visible contributions, in visible threads, carrying the tag (a tag's feed
    lists them beside its threads)."""
    query = (select(Reply).join(ReplyTag, (ReplyTag.reply_id == Reply.id)
                                & (ReplyTag.tag_id == tag.id))
             .join(Thread, Thread.id == Reply.thread_id)
             .options(contains_eager(Reply.thread), selectinload(Reply.author)))
    query = visible_threads(ANONYMOUS, visible_replies(ANONYMOUS, query))
    return session().scalars(
        query.order_by(Reply.created_at.desc(), Reply.id.desc()).limit(limit)).all()


def newest_replies(thread_id, limit=FEED_SIZE):
    """(thread, its newest visible replies) for a thread's feed; NotFound for hidden threads."""
    thread = get_thread(ANONYMOUS, thread_id)
    replies = session().scalars(
        visible_replies(ANONYMOUS, select(Reply).where(Reply.thread_id == thread.id))
        .options(selectinload(Reply.author))
        .order_by(Reply.created_at.desc(), Reply.id.desc()).limit(limit)).all()
    return thread, replies
