"""Members' "I'll try this" on a contribution and their later report of how it went."""
from datetime import datetime

from sqlalchemy import (
    Boolean, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint, text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.models.base import Base, Timestamp, utcnow
from forum.models.members import Member


class Outcome(Base):
    """A member's "I'll try this" on one contribution, and later their report of how it went
    (-2 much worse .. +2 much better than expected) with an optional short note."""

    __tablename__ = "forum_outcome"
    __table_args__ = (
        CheckConstraint("outcome BETWEEN -2 AND 2", name="outcome_range"),
        UniqueConstraint("member_id", "reply_id", name="uq_forum_outcome_member_reply"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("forum_member.id", ondelete="CASCADE"))
    reply_id: Mapped[int] = mapped_column(
        ForeignKey("forum_reply.id", ondelete="CASCADE"), index=True
    )
    outcome: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(String(500), default="", server_default="")
    note_html: Mapped[str] = mapped_column(Text, default="", server_default="")
    show_name: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    trying_since: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    # when to ask "How did it go?" (None: never, or asked already: reminded_at says when)
    remind_at: Mapped[datetime | None] = mapped_column(Timestamp, index=True)
    reminded_at: Mapped[datetime | None] = mapped_column(Timestamp)
    reported_at: Mapped[datetime | None] = mapped_column(Timestamp)

    member: Mapped[Member] = relationship(lazy="raise")

