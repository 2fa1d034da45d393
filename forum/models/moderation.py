"""Moderation records: members' and the system's flags, and the append-only moderation log."""
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.models.base import Base, Timestamp, utcnow
from forum.models.members import Member


FLAG_REASONS = ("spam", "off-topic", "inappropriate", "client-info", "other")



class Flag(Base):
    """A member's report of a thread or reply (one open flag per member and item), or one the
    system raised (no reporter): an item posted after the confidentiality warning."""

    __tablename__ = "forum_flag"
    __table_args__ = (
        CheckConstraint("(thread_id IS NULL) <> (reply_id IS NULL)", name="one_target"),
        Index("ix_forum_flag_status_created", "status", "created_at"),
        Index(
            "uq_forum_flag_open_thread", "reporter_id", "thread_id", unique=True,
            sqlite_where=text("status = 'open' AND thread_id IS NOT NULL"),
            postgresql_where=text("status = 'open' AND thread_id IS NOT NULL"),
        ),
        Index(
            "uq_forum_flag_open_reply", "reporter_id", "reply_id", unique=True,
            sqlite_where=text("status = 'open' AND reply_id IS NOT NULL"),
            postgresql_where=text("status = 'open' AND reply_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int | None] = mapped_column(
        ForeignKey("forum_member.id", ondelete="SET NULL")
    )
    thread_id: Mapped[int | None] = mapped_column(
        ForeignKey("forum_thread.id", ondelete="CASCADE"), index=True
    )
    reply_id: Mapped[int | None] = mapped_column(
        ForeignKey("forum_reply.id", ondelete="CASCADE"), index=True
    )
    raised_by_system: Mapped[bool] = mapped_column(Boolean, default=False,
                                                   server_default=text("false"))
    reason: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(String(1000), default="")
    status: Mapped[str] = mapped_column(String(20), default="open", server_default="open")
    resolution: Mapped[str | None] = mapped_column(String(40))
    resolver_id: Mapped[int | None] = mapped_column(
        ForeignKey("forum_member.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(Timestamp)

    reporter: Mapped[Member | None] = relationship(foreign_keys=[reporter_id], lazy="raise")



class ModerationLog(Base):
    """An append-only record of one moderator action: who, what, target, reason, when."""

    __tablename__ = "forum_moderation_log"
    __table_args__ = (
        Index("ix_forum_moderation_log_created_at", "created_at"),
        Index("ix_forum_moderation_log_action", "action", "created_at"),
        Index("ix_forum_moderation_log_actor", "actor_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("forum_member.id", ondelete="SET NULL")
    )
    action: Mapped[str] = mapped_column(String(40))
    target_type: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(1000), default="")
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    actor: Mapped[Member | None] = relationship(lazy="raise")

