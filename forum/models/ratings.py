"""Star ratings of threads and replies, and the site-wide totals their triggers keep."""
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from forum.models.base import Base, Timestamp, utcnow


class StarCounts:
    """How many ratings gave 1..5 stars, for a rated thread or reply: kept by the same SQL
    arithmetic as its count and sum, so a card draws its star distribution without a query.
    Listed after the item's own columns in create_all's DDL (sort_order); migration 0015_profiles
    added them to the tables, and column order changes nothing the forum reads."""

    stars_1: Mapped[int] = mapped_column(Integer, default=0, server_default="0", sort_order=1)
    stars_2: Mapped[int] = mapped_column(Integer, default=0, server_default="0", sort_order=2)
    stars_3: Mapped[int] = mapped_column(Integer, default=0, server_default="0", sort_order=3)
    stars_4: Mapped[int] = mapped_column(Integer, default=0, server_default="0", sort_order=4)
    stars_5: Mapped[int] = mapped_column(Integer, default=0, server_default="0", sort_order=5)

    @property
    def star_counts(self):
        """[(stars, how many ratings gave them)] from 5 down to 1."""
        return [(n, getattr(self, f"stars_{n}") or 0) for n in range(5, 0, -1)]


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

