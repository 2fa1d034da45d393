"""Following members: a followed member's new threads notify their followers (member_thread)."""
from sqlalchemy import delete, select

from forum.database import atomic, get_or_not_found, dialect_insert, session
from forum.errors import Unauthorized, ValidationError
from forum.models import Member, MemberFollow, Thread, utcnow
from forum.services.visibility import visible_threads
from forum.i18n import gettext as _
from forum.i18n import lazy_gettext as _lazy

FOLLOWED_MAX = 500  # members listed on the Following page
RECENT_THREADS = 20  # a member's newest threads on their page
MEMBER_GONE = _lazy("That member does not exist.")


def get_member(member_id):
    """The member with this id, or NotFound."""
    return get_or_not_found(Member, member_id, str(MEMBER_GONE))


def follows_member(actor, member):
    """Whether the signed-in actor follows this member (False for members who never acted)."""
    if not actor.is_authenticated:
        raise Unauthorized(_('Please log in first.'))
    follower_id = actor.member_id
    return follower_id is not None and session().get(
        MemberFollow, (follower_id, member.id)) is not None


def follow_member(actor, member_id, follow=True):
    """Follow (or stop following) a member; returns the member. Nobody follows themselves."""
    follower = actor.require_member()
    with atomic() as db_session:
        member = get_member(member_id)
        if follow and member.id == follower.id:
            raise ValidationError(_('You cannot follow yourself.'), field="member")
        if follow:
            db_session.execute(dialect_insert(MemberFollow).values(
                follower_id=follower.id, member_id=member.id, created_at=utcnow())
                .on_conflict_do_nothing(
                    index_elements=[MemberFollow.follower_id, MemberFollow.member_id]))
        else:
            db_session.execute(delete(MemberFollow).where(
                MemberFollow.follower_id == follower.id, MemberFollow.member_id == member.id))
    return member


def followed_members(actor):
    """The members the actor follows, by name (one query; none for a member who never acted)."""
    if not actor.is_authenticated:
        raise Unauthorized(_('Please log in first.'))
    follower_id = actor.member_id
    if follower_id is None:
        return []
    return session().scalars(
        select(Member).join(MemberFollow, MemberFollow.member_id == Member.id)
        .where(MemberFollow.follower_id == follower_id)
        .order_by(Member.display_name, Member.id).limit(FOLLOWED_MAX)).all()


def recent_threads(actor, member):
    """The member's newest threads the actor may see (one query)."""
    query = (select(Thread).where(Thread.author_id == member.id)
             .order_by(Thread.created_at.desc(), Thread.id.desc()).limit(RECENT_THREADS))
    return session().scalars(visible_threads(actor, query)).all()
