"""Tags and which threads and replies carry them (merged tags point at their canonical tag)."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from forum.models.base import Base, Timestamp, utcnow


class Tag(Base):
    """A tag by canonical name and slug; a merged tag points at its canonical tag."""

    __tablename__ = "forum_tag"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    canonical_id: Mapped[int | None] = mapped_column(
        ForeignKey("forum_tag.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)



class ThreadTag(Base):
    """A tag on a thread."""

    __tablename__ = "forum_thread_tag"

    thread_id: Mapped[int] = mapped_column(
        ForeignKey("forum_thread.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(
        ForeignKey("forum_tag.id", ondelete="CASCADE"), primary_key=True, index=True
    )



class ReplyTag(Base):
    """A tag on a reply (chosen, or from a hashtag in the text)."""

    __tablename__ = "forum_reply_tag"
    # A tag's contributions, newest first, are read backwards off this index (keyset paging).
    __table_args__ = (Index("ix_forum_reply_tag_tag_reply", "tag_id", "reply_id"),)

    reply_id: Mapped[int] = mapped_column(
        ForeignKey("forum_reply.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(
        ForeignKey("forum_tag.id", ondelete="CASCADE"), primary_key=True
    )

