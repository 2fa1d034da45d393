"""The discussion itself: threads, their prompts and related reading, replies and their edits."""
from datetime import datetime

from sqlalchemy import (
    Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text,
)
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from forum.models.base import Base, Timestamp, utcnow
from forum.models.members import Member
from forum.models.ratings import StarCounts


class Thread(StarCounts, Base):
    """A practice question: title, lead, prompts, call to action, and denormalized counters."""

    __tablename__ = "forum_thread"
    __table_args__ = (
        Index("ix_forum_thread_listing", "is_hidden", "is_pinned", "last_activity_at", "id"),
        Index("ix_forum_thread_created_at", "created_at"),
        Index("ix_forum_thread_reply_count", "reply_count"),
        Index("ix_forum_thread_title_key", "title_key"),
        Index("ix_forum_thread_field_tested", "field_tested_best"),
        Index("ix_forum_thread_language", "language"),
        Index("ix_forum_thread_fan_out_pending", "created_at",
              sqlite_where=text("fan_out_pending"), postgresql_where=text("fan_out_pending")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    title_key: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(80))
    lead: Mapped[str] = mapped_column(Text, default="")
    lead_html: Mapped[str] = mapped_column(Text, default="")
    call_to_action: Mapped[str] = mapped_column(String(500), default="")
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("forum_member.id", ondelete="SET NULL"), index=True
    )
    is_pinned: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    is_locked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    is_hidden: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    hidden_reason: Mapped[str | None] = mapped_column(String(500))
    reply_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    rating_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    rating_sum: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # the best field-tested score of its live contributions (services.outcomes keeps it)
    field_tested_best: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    # ISO 639-1 code (detected on posting, changeable), None when unknown: picks the search
    # configuration of the thread and its replies (services/languages.py).
    language: Mapped[str | None] = mapped_column(String(16))
    # True from posting until its notification fan-out commits (services/notifications.py):
    # the worker's catch-up redoes a fan-out whose queued job was lost. Imports: False.
    fan_out_pending: Mapped[bool] = mapped_column(Boolean, default=False,
                                                  server_default=text("false"))

    author: Mapped[Member | None] = relationship(lazy="raise")
    prompts: Mapped[list["Prompt"]] = relationship(
        order_by="Prompt.position", cascade="all, delete-orphan", lazy="raise",
        back_populates="thread",
    )
    tags: Mapped[list["Tag"]] = relationship(
        secondary="forum_thread_tag", order_by="Tag.slug", lazy="raise"
    )
    related_links: Mapped[list["RelatedLink"]] = relationship(
        foreign_keys="RelatedLink.thread_id", order_by="(RelatedLink.position, RelatedLink.id)",
        lazy="raise", viewonly=True,
    )



class Prompt(Base):
    """One "Label: text" prompt of a thread, in display order."""

    __tablename__ = "forum_prompt"
    __table_args__ = (UniqueConstraint("thread_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("forum_thread.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(String(500))

    thread: Mapped[Thread] = relationship(back_populates="prompts", lazy="raise")



class Reply(StarCounts, Base):
    """A contribution to a thread: Markdown source plus HTML rendered once, at write time."""

    __tablename__ = "forum_reply"
    __table_args__ = (
        Index("ix_forum_reply_thread_created", "thread_id", "created_at"),
        Index("ix_forum_reply_fan_out_pending", "created_at",
              sqlite_where=text("fan_out_pending"), postgresql_where=text("fan_out_pending")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("forum_thread.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("forum_member.id", ondelete="SET NULL"), index=True
    )
    prompt_id: Mapped[int | None] = mapped_column(
        ForeignKey("forum_prompt.id", ondelete="SET NULL"), index=True
    )
    # The contribution this one answers ("in reply to"); the thread itself stays flat. No
    # foreign key: SQLite can add one only by copying the table, which would drop its search
    # and content-version triggers; replies are only ever removed with their whole thread.
    reply_to_id: Mapped[int | None] = mapped_column(Integer, index=True)
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    is_hidden: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    hidden_reason: Mapped[str | None] = mapped_column(String(500))
    is_deleted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    deleted_at: Mapped[datetime | None] = mapped_column(Timestamp)
    edited_at: Mapped[datetime | None] = mapped_column(Timestamp)
    rating_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    rating_sum: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # outcome figures kept by services.outcomes with SQL arithmetic: members who tried it,
    # reports, reports above and below expectations, and the Wilson lower bound of the share >= 0
    outcome_tried: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    outcome_reported: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    outcome_better: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    outcome_worse: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    field_tested: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    # as on Thread: True from posting until its fan-out commits
    fan_out_pending: Mapped[bool] = mapped_column(Boolean, default=False,
                                                  server_default=text("false"))

    author: Mapped[Member | None] = relationship(lazy="raise")
    prompt: Mapped[Prompt | None] = relationship(lazy="raise")
    thread: Mapped[Thread] = relationship(lazy="raise")
    reply_to: Mapped["Reply | None"] = relationship(
        remote_side=[id], primaryjoin="foreign(Reply.reply_to_id) == Reply.id", lazy="raise")
    # "12,15": ids of the visible contributions answering this one, when a query asks for them
    # (services.replies.list_replies), for the card's "N replies" without a query of its own.
    answer_ids: Mapped[str | None] = query_expression()
    # The display name of the live contribution this one answers ("" if its author is gone,
    # None if it is hidden or deleted), when a query asks for it (services.replies.list_replies):
    # the card's "in reply to" without loading the whole parent row and its author.
    reply_to_name: Mapped[str | None] = query_expression()
    tags: Mapped[list["Tag"]] = relationship(
        secondary="forum_reply_tag", order_by="Tag.slug", lazy="raise"
    )



class ReplyRevision(Base):
    """The text of a reply before one edit: who edited, when, and what it said."""

    __tablename__ = "forum_reply_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    reply_id: Mapped[int] = mapped_column(
        ForeignKey("forum_reply.id", ondelete="CASCADE"), index=True
    )
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("forum_member.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    editor: Mapped[Member | None] = relationship(lazy="raise")



class RelatedLink(Base):
    """A "More relevant reading" entry: category, title, and an internal thread or a URL."""

    __tablename__ = "forum_related_link"
    __table_args__ = (Index("ix_forum_related_link_thread_position", "thread_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("forum_thread.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(2000))
    target_thread_id: Mapped[int | None] = mapped_column(
        ForeignKey("forum_thread.id", ondelete="SET NULL"), index=True
    )
    curator_id: Mapped[int | None] = mapped_column(
        ForeignKey("forum_member.id", ondelete="SET NULL")
    )
    check_status: Mapped[int | None] = mapped_column(Integer)
    check_final_url: Mapped[str | None] = mapped_column(String(2000))
    check_error: Mapped[str | None] = mapped_column(String(200))
    checked_at: Mapped[datetime | None] = mapped_column(Timestamp)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    target_thread: Mapped[Thread | None] = relationship(
        foreign_keys=[target_thread_id], lazy="raise"
    )
    thread: Mapped[Thread] = relationship(foreign_keys=[thread_id], lazy="raise", viewonly=True)

