"""Unfinished contributions and questions, kept on the server so they follow a member anywhere."""
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from forum.models.base import Base, Timestamp, utcnow


class Draft(Base):
    """A member's unfinished contribution to a thread, or question ("new"), kept on the server
    so it comes back on any device; the form's fields as JSON, discarded on posting."""

    __tablename__ = "forum_draft"
    __table_args__ = (UniqueConstraint("member_id", "scope", name="uq_forum_draft_member_scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("forum_member.id", ondelete="CASCADE"))
    # "new" (a question not yet asked) or "thread:<id>" (a contribution to that thread)
    scope: Mapped[str] = mapped_column(String(30))
    thread_id: Mapped[int | None] = mapped_column(
        ForeignKey("forum_thread.id", ondelete="CASCADE"), index=True
    )
    fields: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

