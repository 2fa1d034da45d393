"""When each member last opened each thread, and the "N new" contributions since, for the
thread lists (one query per list, whatever the number of threads)."""
from sqlalchemy import func, select

from forum.database import dialect_insert, session
from forum.models import Member, Reply, ThreadLastVisit, utcnow
from forum.services.visibility import visible_replies


def seen_at_query(member_id, thread_id):
    """SQL: when the member last opened the thread (NULL: never), as a scalar subquery."""
    return (select(ThreadLastVisit.seen_at)
            .where(ThreadLastVisit.member_id == member_id, ThreadLastVisit.thread_id == thread_id)
            .scalar_subquery())


def record_visit(member_id, thread_id):
    """Remember that the member opened the thread now (inside the caller's transaction)."""
    now = utcnow()
    session().execute(dialect_insert(ThreadLastVisit).values(
        member_id=member_id, thread_id=thread_id, seen_at=now)
        .on_conflict_do_update(
            index_elements=[ThreadLastVisit.member_id, ThreadLastVisit.thread_id],
            set_={"seen_at": now}))


def new_counts(actor, threads):
    """{thread id: contributions the actor may see, by others, posted since their last visit}
    for the listed threads they have opened before; one query (none for visitors)."""
    if not actor.is_authenticated or not threads:
        return {}
    member_id = select(Member.id).where(Member.user_key == actor.user_key).scalar_subquery()
    query = (select(Reply.thread_id, func.count(Reply.id))
             .join(ThreadLastVisit, (ThreadLastVisit.thread_id == Reply.thread_id)
                   & (ThreadLastVisit.member_id == member_id))
             .where(Reply.thread_id.in_([thread.id for thread in threads]),
                    Reply.created_at > ThreadLastVisit.seen_at,
                    func.coalesce(Reply.author_id, 0) != member_id)
             .group_by(Reply.thread_id))
    return dict(session().execute(visible_replies(actor, query)).all())
