"""Star ratings of threads and replies, and the site-wide totals their triggers keep."""
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from forum.models.base import Base, Timestamp, utcnow


class Rating(Base):
    """One member's 1-5 stars for exactly one thread or one reply."""

    __tablename__ = "forum_rating"
    __table_args__ = (
        CheckConstraint("stars BETWEEN 1 AND 5", name="stars_range"),
        CheckConstraint("(thread_id IS NULL) <> (reply_id IS NULL)", name="one_target"),
        UniqueConstraint("member_id", "thread_id", name="uq_forum_rating_member_thread"),
        UniqueConstraint("member_id", "reply_id", name="uq_forum_rating_member_reply"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("forum_member.id", ondelete="CASCADE"))
    thread_id: Mapped[int | None] = mapped_column(
        ForeignKey("forum_thread.id", ondelete="CASCADE"), index=True
    )
    reply_id: Mapped[int | None] = mapped_column(
        ForeignKey("forum_reply.id", ondelete="CASCADE"), index=True
    )
    stars: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)



class RatingTotal(Base):
    """All ratings' count and sum in one row (id 1), kept by database triggers, for the mean m."""

    __tablename__ = "forum_rating_total"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    rating_count: Mapped[int] = mapped_column(BigInteger)
    rating_sum: Mapped[int] = mapped_column(BigInteger)

