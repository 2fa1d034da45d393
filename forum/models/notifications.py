"""Notices to members and their delivery by email: in-app notices, email settings, deliveries."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.models.base import Base, Timestamp, utcnow
from forum.models.members import Member
from forum.models.threads import Reply, Thread


class Notification(Base):
    """One in-app notice to one member about one event (a contribution or a thread).

    event_key ("reply:12", "thread:3") makes an event notify a member at most once; group_key
    ("thread:3") groups notices on the page and, later, batches emails; deliveries by other
    channels (email) get their own table keyed by (notification, channel).
    """

    __tablename__ = "forum_notification"
    __table_args__ = (
        UniqueConstraint("recipient_id", "event_key", name="uq_forum_notification_event"),
        Index("ix_forum_notification_recipient_id", "recipient_id", "id"),
        Index("ix_forum_notification_unread", "recipient_id", "read_at", "thread_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("forum_member.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    thread_id: Mapped[int] = mapped_column(
        ForeignKey("forum_thread.id", ondelete="CASCADE"), index=True
    )
    reply_id: Mapped[int | None] = mapped_column(
        ForeignKey("forum_reply.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("forum_member.id", ondelete="SET NULL")
    )
    event_key: Mapped[str] = mapped_column(String(40))
    group_key: Mapped[str] = mapped_column(String(40))
    # How many events one unread notice stands for ("3 new ratings"); 1 for most kinds.
    count: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # A short text the event carries: a moderator's reason, a reading's title, a flag outcome.
    detail: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(Timestamp)

    thread: Mapped[Thread] = relationship(lazy="raise")
    reply: Mapped[Reply | None] = relationship(lazy="raise")
    actor: Mapped[Member | None] = relationship(foreign_keys=[actor_id], lazy="raise")

    # Set by the listing from the visibility rule when shown: whether the recipient may see the
    # thread's title and the contribution's text now (a notice about a hidden item shows neither).
    shows_thread = True
    shows_reply = True



EMAIL_MODES = ("immediately", "digest", "off")

DIGEST_EVERY = ("daily", "weekly", "off")

CHANNELS = ("email", "digest")



class EmailSetting(Base):
    """How one member gets one kind of notice by email: immediately, in the digest, or off;
    no row means the kind's default."""

    __tablename__ = "forum_email_setting"
    __table_args__ = (
        CheckConstraint("mode IN ('immediately', 'digest', 'off')", name="mode"),
    )

    member_id: Mapped[int] = mapped_column(
        ForeignKey("forum_member.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    mode: Mapped[str] = mapped_column(String(12))



class EmailPreference(Base):
    """A member's digest choice (daily, weekly or off) and when their last digest went out."""

    __tablename__ = "forum_email_preference"
    __table_args__ = (CheckConstraint("digest IN ('daily', 'weekly', 'off')", name="digest"),)

    member_id: Mapped[int] = mapped_column(
        ForeignKey("forum_member.id", ondelete="CASCADE"), primary_key=True
    )
    digest: Mapped[str] = mapped_column(String(10), default="weekly")
    digest_sent_at: Mapped[datetime | None] = mapped_column(Timestamp)



class Delivery(Base):
    """One notice delivered (or being delivered) by one channel: the idempotency key.

    The row is written and committed before the email is sent, so no other worker sends it
    too; sent_at is set after. A claim left unmarked past FORUM_EMAIL_CLAIM_MINUTES (its
    worker died mid-send) is taken over by the next sweep (services/email_delivery.py).
    batch_key ("thread:3") and recipient_id let batching find the member's last email about
    a thread without joining the notices.
    """

    __tablename__ = "forum_delivery"
    __table_args__ = (
        UniqueConstraint("notification_id", "channel", name="uq_forum_delivery_key"),
        CheckConstraint("channel IN ('email', 'digest')", name="channel"),
        CheckConstraint("status IN ('claimed', 'sent', 'skipped')", name="status"),
        Index("ix_forum_delivery_batch", "recipient_id", "batch_key", "claimed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(
        ForeignKey("forum_notification.id", ondelete="CASCADE")
    )
    recipient_id: Mapped[int] = mapped_column(ForeignKey("forum_member.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(10))
    batch_key: Mapped[str] = mapped_column(String(40))
    # claimed (being sent, or its worker died), sent, skipped (no address)
    status: Mapped[str] = mapped_column(String(10), default="claimed")
    claimed_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(Timestamp)

