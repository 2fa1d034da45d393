"""The forum's tables: declarations and small invariants only (no commits, no rendering)."""
from datetime import datetime, timezone

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.types import TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, query_expression, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ID_MAX = 2_147_483_647  # ids are 32-bit integers on PostgreSQL: larger ones name nothing
ROLES = ("member", "moderator", "admin")
FLAG_REASONS = ("spam", "off-topic", "inappropriate", "client-info", "other")


def utcnow():
    """The current time, timezone-aware UTC, for defaults and timestamps."""
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    """Declarative base on the forum's own metadata, so host migrations never see our tables."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator):
    """A timestamp stored as UTC and always read back timezone-aware, on SQLite too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(timezone.utc)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


Timestamp = UTCDateTime()


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


class Thread(Base):
    """A practice question: title, lead, prompts, call to action, and denormalized counters."""

    __tablename__ = "forum_thread"
    __table_args__ = (
        Index("ix_forum_thread_listing", "is_hidden", "is_pinned", "last_activity_at", "id"),
        Index("ix_forum_thread_created_at", "created_at"),
        Index("ix_forum_thread_reply_count", "reply_count"),
        Index("ix_forum_thread_title_key", "title_key"),
        Index("ix_forum_thread_field_tested", "field_tested_best"),
        Index("ix_forum_thread_language", "language"),
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
    # How many ratings gave 1..5 stars, kept by the same SQL arithmetic as the count and sum.
    stars_1: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    stars_2: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    stars_3: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    stars_4: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    stars_5: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    @property
    def star_counts(self):
        """[(stars, how many ratings gave them)] from 5 down to 1."""
        return [(n, getattr(self, f"stars_{n}") or 0) for n in range(5, 0, -1)]
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    # ISO 639-1 code (detected on posting, changeable), None when unknown: picks the search
    # configuration of the thread and its replies (services/languages.py).
    language: Mapped[str | None] = mapped_column(String(16))

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


class Reply(Base):
    """A contribution to a thread: Markdown source plus HTML rendered once, at write time."""

    __tablename__ = "forum_reply"
    __table_args__ = (Index("ix_forum_reply_thread_created", "thread_id", "created_at"),)

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
    # How many ratings gave 1..5 stars, kept by the same SQL arithmetic as the count and sum.
    stars_1: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    stars_2: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    stars_3: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    stars_4: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    stars_5: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    @property
    def star_counts(self):
        """[(stars, how many ratings gave them)] from 5 down to 1."""
        return [(n, getattr(self, f"stars_{n}") or 0) for n in range(5, 0, -1)]
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

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


class ContentVersion(Base):
    """A number that every write to what pages show moves on (triggers; row id 1): cached
    anonymous pages are stored under it, so none outlives a write."""

    __tablename__ = "forum_content_version"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger)


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


WATCH_LEVELS = ("watching", "normal", "muted")


class ThreadWatch(Base):
    """A member's watch level on one thread: watching (every contribution), normal (only what is
    addressed to them) or muted (nothing); no row means normal."""

    __tablename__ = "forum_thread_watch"
    __table_args__ = (
        CheckConstraint("level IN ('watching', 'normal', 'muted')", name="level"),
        Index("ix_forum_thread_watch_thread_level", "thread_id", "level"),
    )

    member_id: Mapped[int] = mapped_column(
        ForeignKey("forum_member.id", ondelete="CASCADE"), primary_key=True
    )
    thread_id: Mapped[int] = mapped_column(
        ForeignKey("forum_thread.id", ondelete="CASCADE"), primary_key=True
    )
    level: Mapped[str] = mapped_column(String(10))
    updated_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)


class TagFollow(Base):
    """A member follows a tag: new threads and contributions carrying it notify them."""

    __tablename__ = "forum_tag_follow"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("forum_member.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(
        ForeignKey("forum_tag.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    tag: Mapped[Tag] = relationship(lazy="raise")


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


class MemberFollow(Base):
    """A member follows another member: the followed member's new threads notify them."""

    __tablename__ = "forum_member_follow"
    __table_args__ = (CheckConstraint("follower_id <> member_id", name="not_self"),)

    follower_id: Mapped[int] = mapped_column(
        ForeignKey("forum_member.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[int] = mapped_column(
        ForeignKey("forum_member.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    member: Mapped[Member] = relationship(foreign_keys=[member_id], lazy="raise")


class ThreadLastVisit(Base):
    """When a member last opened a thread: the thread lists count "N new" contributions since."""

    __tablename__ = "forum_thread_visit"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("forum_member.id", ondelete="CASCADE"), primary_key=True
    )
    thread_id: Mapped[int] = mapped_column(
        ForeignKey("forum_thread.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    seen_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)


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

    The row is written and committed before the email is sent, so a worker killed between
    sending and marking never sends the notice again (at most once); sent_at is set after.
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
    # claimed (being sent, or the worker died after sending), sent, skipped (no address)
    status: Mapped[str] = mapped_column(String(10), default="claimed")
    claimed_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(Timestamp)


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


class MemberPreference(Base):
    """A member's language and time zone for the forum's pages and emails (None: not chosen)."""

    __tablename__ = "forum_member_preference"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("forum_member.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str | None] = mapped_column(String(16))
    time_zone: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
