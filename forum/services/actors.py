"""Who is acting: a host user seen through the forum's hooks, mapped to a Member row."""
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from forum.database import session
from forum.errors import Forbidden, Unauthorized
from forum.models import Member, MemberPreference
from forum.i18n import gettext as _


class Preference(NamedTuple):
    """A member's chosen language and time zone (None: not chosen), kept for one request."""

    language: str | None
    time_zone: str | None


@dataclass
class Actor:
    """The person behind a request; anonymous when user_key is None."""

    user_key: str | None = None
    display_name: str = ""
    is_moderator: bool = False
    is_admin: bool = False
    host_profile: dict | None = None  # what the host's member_profile hook supplies
    _member: Member | None = field(default=None, repr=False)
    _looked_up: bool = field(default=False, repr=False)
    _preference: Preference | None = field(default=None, repr=False)
    _preference_known: bool = field(default=False, repr=False)
    _member_id: int | None = field(default=None, repr=False, compare=False)  # member_id, kept

    @property
    def is_authenticated(self):
        """Whether a signed-in user is behind this actor."""
        return self.user_key is not None

    @property
    def can_moderate(self):
        """Moderators and admins may moderate."""
        return self.is_moderator or self.is_admin

    @property
    def member_known(self):
        """Whether this request looked the Member row up already (then queries need not)."""
        return self._looked_up and self._preference_known

    def existing_member(self):
        """The Member row if it exists already (one query per request at most), else None."""
        if not self._looked_up and self.user_key is not None:
            self._look_up()
        return self._member

    def preference(self):
        """The member's Preference, or None: read by the query that finds their Member row."""
        if not self._preference_known and self.user_key is not None:
            self._look_up()
        return self._preference

    def _look_up(self):
        """Member row and preference row in one query."""
        row = session().execute(with_preference().where(Member.user_key == self.user_key)).first()
        self.remember_member(*(row if row is not None else (None, None)))

    def remember_member(self, member, preference=...):
        """Keep the Member row (or None), and its MemberPreference row if the query brought it."""
        self._member, self._looked_up, self._member_id = member, True, None
        if member is None or preference is not ...:
            self.remember_preference(preference if member is not None else None)

    def remember_preference(self, row):
        """Keep the language and time zone of a MemberPreference row (None: never chose)."""
        self._preference = Preference(row.language, row.time_zone) if row is not None else None
        self._preference_known = True

    @property
    def member_id(self):
        """The Member id, or None for anonymous users and members who never acted (kept once
        known: a page asks it several times a contribution)."""
        if self._member_id is None:
            member = self.existing_member()
            self._member_id = member.id if member else None
        return self._member_id

    def require_member(self):
        """The Member row for a signed-in user, created on first use; 401 for anonymous."""
        if self.user_key is None:
            raise Unauthorized(_('Please log in first.'))
        member = self.existing_member()
        if member is None:
            member = create_member(self.user_key, self.display_name)
            self._member, self._member_id = member, None
        elif self.display_name and not member.name_chosen:
            rename_member(member, self.display_name)
        if member.is_banned:
            raise Forbidden(_('You are banned from the forum: you can read, but not post, rate or flag.'))
        return member

    def require_moderator(self):
        """The Member row of a moderator; 401 for anonymous users, 403 for members."""
        member = self.require_member()
        if not self.can_moderate:
            raise Forbidden(_('Only moderators can do this.'))
        return member


ANONYMOUS = Actor()


def with_preference(*columns):
    """select(Member, MemberPreference, *columns): a query on Member that also brings the
    member's preference row (None when they never chose); give both to Actor.remember_member."""
    return (select(Member, MemberPreference, *columns).select_from(Member)
            .outerjoin(MemberPreference, MemberPreference.member_id == Member.id))


def create_member(user_key, display_name):
    """Insert a Member row inside the caller's transaction, tolerating a concurrent insert."""
    db_session = session()
    try:
        with db_session.begin_nested():
            member = Member(user_key=user_key, display_name=(display_name or user_key)[:80])
            db_session.add(member)
    except IntegrityError:
        member = db_session.scalar(select(Member).where(Member.user_key == user_key))
    return member


def rename_member(member, name, chosen=None):
    """Set the member's display name (chosen: whether the member picked it, so the host's name
    no longer overwrites it); the profile version moves on when the name changes."""
    name = name[:80]
    if chosen is not None:
        member.name_chosen = chosen
    if member.display_name != name:
        member.display_name = name
        member.profile_version = (member.profile_version or 0) + 1
