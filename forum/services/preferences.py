"""A member's language and time zone: read once per request, changed on their profile page."""
import pytz
from sqlalchemy import select

from forum import markup
from forum.database import atomic, session
from forum.errors import ValidationError
from forum.i18n import gettext as _
from forum.i18n import shipped_locales
from forum.models import Member, MemberPreference, utcnow

TIME_ZONES = pytz.common_timezones  # the ones worth offering; any IANA name is accepted


def preference_of(actor):
    """The actor's language and time zone, or None (visitors, members who never chose)."""
    if not actor.is_authenticated:
        return None
    return actor.preference()


def preference_for(member_id):
    """(language, time zone) a member chose, for writing to them (None, None: not chosen)."""
    row = session().get(MemberPreference, member_id)
    return (row.language, row.time_zone) if row is not None else (None, None)


def preference_of_key(user_key):
    """(language, time zone) of the member with this user key (None, None: not chosen)."""
    row = session().scalar(select(MemberPreference).join(
        Member, Member.id == MemberPreference.member_id).where(Member.user_key == user_key))
    return (row.language, row.time_zone) if row is not None else (None, None)


def clean_preferences(language, time_zone):
    """(language or None, time zone or None), or one ValidationError listing every bad field."""
    language = markup.clean_line(language or "")
    time_zone = markup.clean_line(time_zone or "")
    errors = {}
    if language and language not in shipped_locales():
        errors["language"] = _("Choose one of the languages in the list.")
    if time_zone and time_zone not in pytz.all_timezones_set:
        errors["time_zone"] = _("Choose a time zone from the list, like Europe/Berlin.")
    if errors:
        error = ValidationError(" ".join(errors.values()), field=next(iter(errors)))
        error.details = {"fields": errors}
        raise error
    return language or None, time_zone or None


def save_preferences(actor, language, time_zone):
    """Store the member's language and time zone (empty: the browser's language, UTC)."""
    member = actor.require_member()
    language, time_zone = clean_preferences(language, time_zone)
    with atomic() as db_session:
        row = db_session.get(MemberPreference, member.id)
        if row is None:
            row = MemberPreference(member_id=member.id)
            db_session.add(row)
        row.language, row.time_zone, row.updated_at = language, time_zone, utcnow()
    actor.remember_preference(row)
    return row
