"""The forum's tables, one module per job; every name is re-exported here, so importers use
`from forum.models import X` and never need to know which module holds X.

Declarations and small invariants only (no commits, no rendering). A module imports only
SQLAlchemy and modules listed above it here, never services, pages or the API:

    base           Base (the one registry), naming convention, UTCDateTime/Timestamp, utcnow, ID_MAX
    members        Member, Account (ROLES), ApiToken: who acts
    profiles       Credential, MemberPreference: what members say about themselves
    threads        Thread, Prompt, Reply, ReplyRevision, RelatedLink: the discussion
    tags           Tag, ThreadTag, ReplyTag
    ratings        Rating, RatingTotal
    outcomes       Outcome: "I'll try this" and how it went
    moderation     Flag (FLAG_REASONS), ModerationLog
    follows        ThreadWatch (WATCH_LEVELS), TagFollow, MemberFollow, ThreadLastVisit
    notifications  Notification, EmailSetting, EmailPreference, Delivery (EMAIL_MODES, ...)
    drafts         Draft
    site           ContentVersion: site-wide state kept by triggers

Relationships name classes of other modules as strings ("Tag", "RelatedLink"); importing this
package registers every class, so they resolve.
"""
from forum.models.base import (
    ID_MAX,
    NAMING_CONVENTION,
    Base,
    Timestamp,
    UTCDateTime,
    utcnow,
)
from forum.models.members import ROLES, Account, ApiToken, Member
from forum.models.profiles import Credential, MemberPreference
from forum.models.threads import Prompt, RelatedLink, Reply, ReplyRevision, Thread
from forum.models.tags import ReplyTag, Tag, ThreadTag
from forum.models.ratings import Rating, RatingTotal
from forum.models.outcomes import Outcome
from forum.models.moderation import FLAG_REASONS, Flag, ModerationLog
from forum.models.follows import (
    WATCH_LEVELS,
    MemberFollow,
    TagFollow,
    ThreadLastVisit,
    ThreadWatch,
)
from forum.models.notifications import (
    CHANNELS,
    DIGEST_EVERY,
    EMAIL_MODES,
    Delivery,
    EmailPreference,
    EmailSetting,
    Notification,
)
from forum.models.drafts import Draft
from forum.models.site import ContentVersion

# The single forum/models.py this package replaced exposed the names it imported too; they stay
# importable from here so no `from forum.models import ...` written against it breaks.
from datetime import datetime, timezone  # noqa: E402,F401
from sqlalchemy import (  # noqa: E402,F401
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
from sqlalchemy.orm import (  # noqa: E402,F401
    DeclarativeBase,
    Mapped,
    mapped_column,
    query_expression,
    relationship,
)
from sqlalchemy.types import TypeDecorator  # noqa: E402,F401
