"""Credentials members declare ("ICF PCC"), with an optional URL that proves them; moderators
mark them verified (logged), and verified ones become badges on the member's cards."""
from urllib.parse import urlsplit

from sqlalchemy import func, select

from forum import markup
from forum.database import atomic, get_or_not_found, session
from forum.errors import Conflict, Forbidden, NotFound, ValidationError
from forum.models import Credential, Member, utcnow
from forum.services.audit import log_action
from forum.services.moderation import clean_reason
from forum.services.permissions import can_verify_credentials
from forum.i18n import gettext as _

NAME_MIN, NAME_MAX, URL_MAX, PER_MEMBER_MAX = 2, 80, 500, 10


def list_credentials(member_id):
    """The member's declared credentials, verified ones first, then by name."""
    return session().scalars(
        select(Credential).where(Credential.member_id == member_id)
        .order_by(Credential.verified_at.is_(None), Credential.name_key)).all()


def clean_url(url):
    """An http(s) URL with a host, or None for an empty one; else a ValidationError on "url"."""
    url = markup.clean_line(url or "")
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValidationError(_('A verification link starts with http:// or https:// and names a site, like https://coachingfederation.org/...'), field="url")
    if len(url) > URL_MAX:
        raise ValidationError(_('A verification link has at most %(url_max)s characters.', url_max=URL_MAX),
                              field="url")
    return url


def clean_name(name):
    """The credential's name, cleaned, or a ValidationError on "credential"."""
    name = markup.clean_line(name or "")
    if not NAME_MIN <= len(name) <= NAME_MAX:
        raise ValidationError(_('A credential\'s name has %(name_min)s to %(name_max)s characters, like "ICF PCC".', name_min=NAME_MIN, name_max=NAME_MAX), field="credential")
    return name


def declare(actor, name, url=""):
    """Add a credential to the actor's profile (unverified); returns it."""
    member = actor.require_member()
    cleaned, errors = {}, {}
    for key, check, value in (("credential", clean_name, name), ("url", clean_url, url)):
        try:
            cleaned[key] = check(value)
        except ValidationError as error:
            errors[key] = error.message
    if errors:
        error = ValidationError(" ".join(errors.values()), field=next(iter(errors)))
        error.errors = errors  # every field's error, so a form shows them all at once
        raise error
    with atomic() as db_session:
        key = cleaned["credential"].casefold()
        mine = db_session.scalars(select(Credential.name_key).where(
            Credential.member_id == member.id)).all()
        if key in mine:
            raise Conflict(_('You have declared this credential already.'), field="credential")
        if len(mine) >= PER_MEMBER_MAX:
            raise Conflict(_('Declare at most %(per_member_max)s credentials.', per_member_max=PER_MEMBER_MAX), field="credential")
        credential = Credential(member_id=member.id, name=cleaned["credential"], name_key=key,
                                url=cleaned["url"])
        db_session.add(credential)
    return credential


def withdraw(actor, credential_id):
    """Remove one of the actor's own credentials (a verified one's badge goes too)."""
    member = actor.require_member()
    with atomic() as db_session:
        credential = db_session.get(Credential, credential_id)
        if credential is None or credential.member_id != member.id:
            raise NotFound(_('That credential is not on your profile.'))
        db_session.delete(credential)
        db_session.flush()
        refresh_badges(member)


def set_verified(actor, credential_id, verified, reason="", member_id=None):
    """Mark a member's credential verified, or take that back (moderators; logged). Returns it.
    member_id, when given, must be the credential's member (a page's URL names both)."""
    moderator = actor.require_member()
    if not can_verify_credentials(actor):
        raise Forbidden(_('Only moderators can verify credentials.'))
    reason = clean_reason(reason)
    with atomic():
        credential = get_or_not_found(Credential, credential_id, _("That credential does not exist."))
        if member_id is not None and credential.member_id != member_id:
            raise NotFound(_('That credential does not exist.'))
        if credential.member_id == moderator.id:
            raise Conflict(_('You cannot verify your own credential; ask another moderator.'))
        if (credential.verified_at is not None) == verified:
            raise Conflict(_('This credential is already verified.') if verified else _('This credential is not verified.'))
        credential.verified_at = utcnow() if verified else None
        credential.verified_by_id = moderator.id if verified else None
        log_action(moderator, "credential.verify" if verified else "credential.unverify",
                   "credential", credential.id, reason,
                   before={"member": credential.member_id, "name": credential.name,
                           "verified": not verified},
                   after={"verified": verified, "url": credential.url})
        session().flush()
        refresh_badges(session().get(Member, credential.member_id))
    return credential


def refresh_badges(member):
    """Copy the member's verified credential names onto their row (cards read them with no
    query) and move their profile version on when they changed."""
    names = session().scalars(
        select(Credential.name).where(Credential.member_id == member.id,
                                      Credential.verified_at.is_not(None))
        .order_by(func.lower(Credential.name))).all()
    text = "\n".join(names)
    if (member.verified_credentials or "") != text:
        member.verified_credentials = text
        member.profile_version = (member.profile_version or 0) + 1
