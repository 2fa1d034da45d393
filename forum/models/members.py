"""Who acts: host users as the forum knows them, built-in accounts and roles, API tokens."""
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.models.base import Base, Timestamp, utcnow


ROLES = ("member", "moderator", "admin")



class Member(Base):
    """A host user as the forum knows them: the Flask-Login id and a display-name snapshot."""

    __tablename__ = "forum_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_key: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    # A forum ban of a host user (built-in accounts are banned on Account): reads only.
    is_banned: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    # The public profile: a name the member chose keeps the host's name from overwriting it.
    name_chosen: Mapped[bool] = mapped_column(Boolean, default=False,
                                              server_default=text("false"))
    bio: Mapped[str] = mapped_column(String(1000), default="", server_default="")
    coaching_focus: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # Verified credential names, one per line: contribution cards show them with no query.
    verified_credentials: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Moves on with every change to what cards show of the member (name, verified credentials):
    # a cache of rendered cards keys on it.
    profile_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    @property
    def badges(self):
        """The member's verified credentials, as contribution cards show them."""
        return [line for line in (self.verified_credentials or "").splitlines() if line]



class Account(Base):
    """A built-in login for sites with no user system of their own (the standalone site)."""

    __tablename__ = "forum_account"
    __table_args__ = (CheckConstraint("role IN ('member', 'moderator', 'admin')", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    name_key: Mapped[str] = mapped_column(String(40), unique=True)
    # services.confusables.skeleton(name): look-alike names share it (NFKC can lengthen a name)
    name_skeleton: Mapped[str | None] = mapped_column(String(160), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default="member", server_default="member")
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    is_banned: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    # Optional address for notification emails; nothing is sent before it is verified.
    email: Mapped[str | None] = mapped_column(String(254))
    email_verified_at: Mapped[datetime | None] = mapped_column(Timestamp)



class ApiToken(Base):
    """A personal API token, stored only as a SHA-256 hash, revocable."""

    __tablename__ = "forum_api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(
        ForeignKey("forum_member.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(Timestamp)
    revoked_at: Mapped[datetime | None] = mapped_column(Timestamp)

    member: Mapped[Member] = relationship(lazy="raise")

