"""What each member keeps up with: watched threads, followed tags and members, last visits."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.models.base import Base, Timestamp, utcnow
from forum.models.members import Member
from forum.models.tags import Tag


WATCH_LEVELS = ("watching", "normal", "muted")



class ThreadWatch(Base):
    """A member's watch level on one thread: watching (every contribution), normal (only what is
    addressed to them) or muted (nothing); no row means normal."""

    __tablename__ = "forum_thread_watch"
    __table_args__ = (
        CheckConstraint("level IN ('watching', 'normal', 'muted')", name="level"),
        Index("ix_forum_thread_watch_thread_level", "thread_id", "level"),
    )

    member_id: Mapped[int] = mapped_column(
        ForeignKey("forum_member.id", ondelete="CASCADE"), primary_key=True
    )
    thread_id: Mapped[int] = mapped_column(
        ForeignKey("forum_thread.id", ondelete="CASCADE"), primary_key=True
    )
    level: Mapped[str] = mapped_column(String(10))
    updated_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)



class TagFollow(Base):
    """A member follows a tag: new threads and contributions carrying it notify them."""

    __tablename__ = "forum_tag_follow"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("forum_member.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(
        ForeignKey("forum_tag.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    tag: Mapped[Tag] = relationship(lazy="raise")



class MemberFollow(Base):
    """A member follows another member: the followed member's new threads notify them."""

    __tablename__ = "forum_member_follow"
    __table_args__ = (CheckConstraint("follower_id <> member_id", name="not_self"),)

    follower_id: Mapped[int] = mapped_column(
        ForeignKey("forum_member.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[int] = mapped_column(
        ForeignKey("forum_member.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    member: Mapped[Member] = relationship(foreign_keys=[member_id], lazy="raise")



class ThreadLastVisit(Base):
    """When a member last opened a thread: the thread lists count "N new" contributions since."""

    __tablename__ = "forum_thread_visit"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("forum_member.id", ondelete="CASCADE"), primary_key=True
    )
    thread_id: Mapped[int] = mapped_column(
        ForeignKey("forum_thread.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    seen_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

