"""Built-in accounts: registration, password checks (argon2id), roles and session generations."""
import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update

from forum.database import atomic, session
from forum.errors import Conflict, NotFound, ValidationError, collect
from forum.models import ROLES, Account
from forum.services.actors import create_member
from forum.services.audit import log_action
from forum.services.confusables import skeleton
from forum.services.tokens import revoke_member_tokens
from forum.i18n import gettext as _

# OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1 (werkzeug's scrypt default,
# N=2**15, is below OWASP's N=2**17 for scrypt).
HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
_DUMMY_HASH = HASHER.hash("timing equaliser for unknown names")
NAME_RE = re.compile(r"^[\w][\w .'-]*$")
NAME_MIN, NAME_MAX, PASSWORD_MIN, PASSWORD_MAX = 2, 40, 10, 200


def name_key(name):
    """Case-insensitive key that makes 'Ana' and 'ana' the same account name."""
    return " ".join(name.split()).casefold()


def validate_name(name):
    """Return the cleaned account name or raise a ValidationError on the name field."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(_('Choose a name.'), field="name")
    if len(name) < NAME_MIN or len(name) > NAME_MAX:
        raise ValidationError(_('A name has %(name_min)s to %(name_max)s characters.', name_min=NAME_MIN, name_max=NAME_MAX), field="name")
    if not NAME_RE.match(name):
        raise ValidationError(
            _('Use letters, digits, spaces, dots, apostrophes and hyphens.'), field="name")
    return name


def validate_password(password, confirm=None):
    """Raise a ValidationError unless the password is long enough (and matches its confirmation)."""
    if len(password or "") < PASSWORD_MIN:
        raise ValidationError(
            _('A password has at least %(password_min)s characters.', password_min=PASSWORD_MIN), field="password")
    if len(password) > PASSWORD_MAX:
        raise ValidationError(
            _('A password has at most %(password_max)s characters.', password_max=PASSWORD_MAX), field="password")
    if confirm is not None and confirm != password:
        raise ValidationError(_('The two passwords differ.'), field="confirm")


def create_account(name, password, role="member", confirm=None):
    """Create an account; refuses taken names, short passwords and unknown roles (a bad name
    and a bad password are reported together)."""
    name, _password = collect(lambda: validate_name(name), lambda: validate_password(password, confirm))
    if role not in ROLES:
        raise ValidationError(_('Role must be one of %(join)s.', join=', '.join(ROLES)), field="role")
    with atomic() as db_session:
        if db_session.scalar(select(Account.id).where(Account.name_key == name_key(name))):
            raise Conflict(_('That name is taken.'), field="name")
        lookalike = db_session.scalar(select(Account.name).where(
            Account.name_skeleton == skeleton(name)).limit(1))
        if lookalike is not None:
            raise Conflict(_("That name looks like %(lookalike)s, a member's name: choose one that cannot be mistaken for it.", lookalike=repr(lookalike)), field="name")
        account = Account(name=name, name_key=name_key(name), name_skeleton=skeleton(name),
                          password_hash=HASHER.hash(password), role=role)
        db_session.add(account)
        db_session.flush()
        create_member(user_key(account.id), name)  # so @name reaches them from the first day
    return account


def authenticate(name, password):
    """The account for name and password, or None; same work whether or not the name exists."""
    account = session().scalar(select(Account).where(Account.name_key == name_key(name or "")))
    try:
        HASHER.verify(account.password_hash if account else _DUMMY_HASH, password or "")
    except (VerificationError, InvalidHashError):
        return None
    if account is None or account.is_banned:
        return None
    if HASHER.check_needs_rehash(account.password_hash):
        with atomic():
            account.password_hash = HASHER.hash(password)
    return account


def get_account(account_id):
    """The account with this id, or None."""
    return session().get(Account, account_id)


def find_account(name):
    """The account with this name (any case), or NotFound."""
    account = session().scalar(select(Account).where(Account.name_key == name_key(name or "")))
    if account is None:
        raise NotFound(_('No account is named %(name)s.', name=repr(name)))
    return account


def user_key(account_id):
    """The Member key under which an account posts and owns API tokens."""
    return f"account:{account_id}"


def end_sessions(account_id):
    """Invalidate every session, remember-me cookie and API token of the account (logout
    everywhere, password change, ban)."""
    with atomic() as db_session:
        db_session.execute(
            update(Account).where(Account.id == account_id)
            .values(session_generation=Account.session_generation + 1)
        )
        revoke_member_tokens(user_key(account_id))


def check_password(account_id, password, field="password"):
    """Raise a ValidationError on `field` unless password is the account's current one."""
    account = get_account(account_id)
    if account is None:
        raise NotFound(_('That account does not exist.'))
    try:
        HASHER.verify(account.password_hash, password or "")
    except (VerificationError, InvalidHashError):
        raise ValidationError(_('That is not your current password.'), field=field) from None
    return account


def change_password(account_id, current, new, confirm):
    """Set a new password after checking the current one; ends every other session and cookie,
    and revokes the account's API tokens."""
    account = check_password(account_id, current, field="current")
    validate_password(new, confirm)
    if new == current:
        raise ValidationError(_('Choose a password different from the current one.'),
                              field="password")
    with atomic() as db_session:
        db_session.execute(
            update(Account).where(Account.id == account_id)
            .values(password_hash=HASHER.hash(new),
                    session_generation=Account.session_generation + 1)
        )
        revoke_member_tokens(user_key(account_id))
    db_session.refresh(account)
    return account


def set_banned(account, banned, reason=""):
    """Ban or unban an account; a ban also ends all its sessions and remember-me cookies."""
    with atomic() as db_session:
        values = {"is_banned": bool(banned)}
        if banned:
            values["session_generation"] = Account.session_generation + 1
        db_session.execute(update(Account).where(Account.id == account.id).values(**values))
        if banned:
            revoke_member_tokens(user_key(account.id))
        log_action(None, "ban_account" if banned else "unban_account", "account", account.id,
                   reason=reason, before={"is_banned": account.is_banned},
                   after={"is_banned": bool(banned)})
    db_session.refresh(account)
    return account
