"""Following: a member's watch level per thread and the tags they follow."""
from sqlalchemy import delete, select

from forum.database import atomic, dialect_insert, session
from forum.errors import Unauthorized, ValidationError
from forum.models import WATCH_LEVELS, Tag, TagFollow, Thread, ThreadWatch, utcnow
from forum.services.tags import tag_for_listing
from forum.services.visibility import visible_thread, visible_threads
from forum.i18n import gettext as _

DEFAULT_LEVEL = "normal"
FOLLOWING_MAX = 500  # threads listed on the Following page, most recently active first


def _signed_in(actor):
    """401 for visitors; a member row is not created (reads never write)."""
    if not actor.is_authenticated:
        raise Unauthorized(_('Please log in first.'))


def get_thread(actor, thread_id):
    """The thread if the actor may see it, else NotFound."""
    return visible_thread(actor, session().get(Thread, thread_id))


def watch_by_default(member_id, thread_id):
    """Asking or contributing makes the member watch the thread, unless they chose a level
    already (a muted thread stays muted); inside the caller's transaction."""
    session().execute(dialect_insert(ThreadWatch).values(
        member_id=member_id, thread_id=thread_id, level="watching", updated_at=utcnow())
        .on_conflict_do_nothing(index_elements=[ThreadWatch.member_id, ThreadWatch.thread_id]))


def watch_level_query(member_id, thread_id):
    """SQL: the member's level on the thread (NULL means normal), as a scalar subquery."""
    return (select(ThreadWatch.level)
            .where(ThreadWatch.member_id == member_id, ThreadWatch.thread_id == thread_id)
            .scalar_subquery())


def watch_level(actor, thread_id):
    """The member's watch level on a thread they can see (NotFound otherwise)."""
    _signed_in(actor)
    get_thread(actor, thread_id)
    if actor.member_id is None:  # reading never creates the member row
        return DEFAULT_LEVEL
    return session().scalar(select(watch_level_query(actor.member_id, thread_id))) or DEFAULT_LEVEL


def set_watch_level(actor, thread_id, level):
    """Set the member's watch level on a thread they can see; returns the level."""
    member = actor.require_member()
    if level not in WATCH_LEVELS:
        raise ValidationError(_('Choose one of %(join)s.', join=', '.join(WATCH_LEVELS)), field="level")
    with atomic() as db_session:
        get_thread(actor, thread_id)
        db_session.execute(dialect_insert(ThreadWatch).values(
            member_id=member.id, thread_id=thread_id, level=level, updated_at=utcnow())
            .on_conflict_do_update(
                index_elements=[ThreadWatch.member_id, ThreadWatch.thread_id],
                set_={"level": level, "updated_at": utcnow()}))
    return level


def follows(actor, tag):
    """Whether the member follows this (canonical) tag."""
    _signed_in(actor)
    member_id = actor.member_id
    return member_id is not None and session().get(TagFollow, (member_id, tag.id)) is not None


def follow_tag(actor, slug, follow=True):
    """Follow (or stop following) a tag the member can see; returns the canonical tag."""
    member = actor.require_member()
    with atomic() as db_session:
        tag = tag_for_listing(actor, slug)
        if follow:
            db_session.execute(dialect_insert(TagFollow).values(
                member_id=member.id, tag_id=tag.id, created_at=utcnow())
                .on_conflict_do_nothing(index_elements=[TagFollow.member_id, TagFollow.tag_id]))
        else:
            db_session.execute(delete(TagFollow).where(
                TagFollow.member_id == member.id, TagFollow.tag_id == tag.id))
    return tag


def following(actor):
    """(threads with a level other than normal as (thread, level), followed tags) for the
    Following page: two queries; threads the member can no longer see are left out."""
    _signed_in(actor)
    member = actor.existing_member()
    if member is None:
        return [], []
    query = (select(Thread, ThreadWatch.level)
             .join(ThreadWatch, ThreadWatch.thread_id == Thread.id)
             .where(ThreadWatch.member_id == member.id, ThreadWatch.level != DEFAULT_LEVEL)
             .order_by(ThreadWatch.level, Thread.last_activity_at.desc(), Thread.id.desc())
             .limit(FOLLOWING_MAX))
    threads = session().execute(visible_threads(actor, query)).all()
    tags = session().scalars(select(Tag).join(TagFollow, TagFollow.tag_id == Tag.id)
                             .where(TagFollow.member_id == member.id).order_by(Tag.slug)).all()
    return threads, tags
