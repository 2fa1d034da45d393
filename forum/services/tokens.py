"""Personal API tokens: created once in clear, stored as a SHA-256 hash, revocable."""
import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from forum import markup
from forum.database import atomic, session
from forum.errors import NotFound, ValidationError
from forum.models import ApiToken, Member, utcnow
from forum.i18n import gettext as _

TOKEN_PREFIX = "fct_"
NAME_MAX = 80
TOKENS_MAX = 20
LAST_USED_RESOLUTION = timedelta(minutes=5)


def hash_token(raw):
    """The SHA-256 hex digest under which a token is stored (the clear token is never kept)."""
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def validate_name(name):
    """The cleaned token name, or a ValidationError on the name field."""
    name = markup.clean_line(name)
    if not name:
        raise ValidationError(_('Name the token, e.g. after the script that will use it.'),
                              field="name")
    if len(name) > NAME_MAX:
        raise ValidationError(_('A token name has at most %(name_max)s characters.', name_max=NAME_MAX), field="name")
    return name


def create_token(actor, name):
    """Create a token for the acting member; returns (row, clear token) - show it once."""
    name = validate_name(name)
    with atomic() as db_session:
        member = actor.require_member()
        active = db_session.scalars(select(ApiToken.id).where(
            ApiToken.member_id == member.id, ApiToken.revoked_at.is_(None))).all()
        if len(active) >= TOKENS_MAX:
            raise ValidationError(
                _('You have %(tokens_max)s active tokens: revoke one first.', tokens_max=TOKENS_MAX), field="name")
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = ApiToken(member_id=member.id, name=name, token_hash=hash_token(raw))
        db_session.add(token)
    return token, raw


def list_tokens(actor):
    """The acting member's tokens, newest first (active and revoked)."""
    member_id = actor.member_id
    if member_id is None:
        return []
    return session().scalars(
        select(ApiToken).where(ApiToken.member_id == member_id)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())).all()


def revoke_token(actor, token_id):
    """Revoke one of the acting member's tokens; revoking twice is harmless."""
    member = actor.require_member()
    with atomic() as db_session:
        token = db_session.get(ApiToken, token_id)
        if token is None or token.member_id != member.id:
            raise NotFound(_('That token does not exist.'))
        if token.revoked_at is None:
            token.revoked_at = utcnow()
    return token


def revoke_member_tokens(user_key):
    """Revoke every active token of the member with this key, inside the caller's transaction:
    a password change, logging out everywhere and a ban end the tokens with the sessions."""
    member_id = select(Member.id).where(Member.user_key == user_key).scalar_subquery()
    session().execute(update(ApiToken).where(ApiToken.member_id == member_id,
                                             ApiToken.revoked_at.is_(None))
                      .values(revoked_at=utcnow()))


def find_token(raw):
    """The active token (member loaded) for a clear token, or None."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = session().scalar(
        select(ApiToken).where(ApiToken.token_hash == hash_token(raw))
        .options(selectinload(ApiToken.member)))
    if token is None or token.revoked_at is not None:
        return None
    return token


def note_use(token):
    """Record that a token was used (at most every few minutes); returns its member."""
    member = session().get(Member, token.member_id)  # loaded with the token, or again if expired
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        with atomic() as db_session:
            db_session.execute(update(ApiToken).where(ApiToken.id == token.id)
                               .values(last_used_at=now))
    return member
