"""What members say about themselves beyond a name: declared credentials, language and time zone."""
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.models.base import Base, Timestamp, utcnow
from forum.models.members import Member


class Credential(Base):
    """A credential a member declares (e.g. "ICF PCC"), with an optional URL that proves it;
    a moderator may mark it verified."""

    __tablename__ = "forum_credential"
    __table_args__ = (UniqueConstraint("member_id", "name_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("forum_member.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    name_key: Mapped[str] = mapped_column(String(80))
    url: Mapped[str | None] = mapped_column(String(500))
    verified_at: Mapped[datetime | None] = mapped_column(Timestamp)
    verified_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("forum_member.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    member: Mapped[Member] = relationship(foreign_keys=[member_id], lazy="raise")



class MemberPreference(Base):
    """A member's language and time zone for the forum's pages and emails (None: not chosen)."""

    __tablename__ = "forum_member_preference"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("forum_member.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str | None] = mapped_column(String(16))
    time_zone: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

