"""Where a member's emails go: a built-in account's verified address, or the host's hook.

Built-in accounts may add an address on their profile (or when registering); a signed link
verifies it, and nothing is sent to an address before that. A host gives `user_email=` to
Forum(...): a function user -> address, called with the host user its Flask-Login user loader
returns for the member's key; host addresses count as verified.
"""
import logging
import re

from flask import current_app
from sqlalchemy import select

from forum import jobs
from forum.database import atomic, on_commit, session
from forum.errors import ValidationError
from forum.models import Account, utcnow
from forum.services import email_links, mailer
from forum.i18n import gettext as _
from forum.i18n import speaking_to
from forum.services.preferences import preference_of_key

log = logging.getLogger("forum.email")
ACCOUNT_PREFIX = "account:"
EMAIL_MAX = 254
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


def _account_id(user_key):
    """The built-in account id behind a member key ("account:12"), else None."""
    if user_key and user_key.startswith(ACCOUNT_PREFIX):
        number = user_key[len(ACCOUNT_PREFIX):]
        return int(number) if number.isdigit() else None
    return None


def _host_address(user_key):
    """The host hook's address for the user its user loader finds, else None."""
    hook = current_app.extensions["forum"].user_email
    manager = getattr(current_app, "login_manager", None)
    loader = getattr(manager, "_user_callback", None)
    if hook is None or loader is None:
        return None
    try:
        user = loader(user_key)
        return (hook(user) or None) if user is not None else None
    except Exception:  # a host hook's failure must not stop everyone else's email
        log.exception("user_email hook failed for member key %s", user_key)
        return None


def address_of(member):
    """The address to email member at, or None (no address, or not verified yet)."""
    account_id = _account_id(member.user_key)
    if account_id is None:
        return _host_address(member.user_key)
    account = session().get(Account, account_id)
    if account is None or account.is_banned or account.email_verified_at is None:
        return None
    return account.email


def validate_email(value):
    """The cleaned address ('' to remove it), or a ValidationError on the email field."""
    value = (value or "").strip()
    if value and (len(value) > EMAIL_MAX or not EMAIL_RE.match(value)):
        raise ValidationError(_('Enter an email address like name@example.org, or leave it empty.'), field="email")
    return value


def account_email(actor):
    """(address, verified) of the actor's built-in account ('' when none)."""
    account = session().get(Account, _account_id(actor.user_key) or 0)
    if account is None or not account.email:
        return "", False
    return account.email, account.email_verified_at is not None


def set_account_email(account_id, value):
    """Store a built-in account's new address (unverified) and send it a verification link;
    the same address again changes nothing. Returns the cleaned address."""
    value = validate_email(value)
    with atomic():
        account = session().get(Account, account_id)
        if account is None or (account.email or "") == value:
            return value
        account.email, account.email_verified_at = value or None, None
        if value:
            on_commit(lambda: jobs.later(send_verification, account_id))
    return value


@jobs.task(retries=5, retry_delay=60)
def send_verification(account_id):
    """Email the account's unverified address a signed link that verifies it."""
    account = session().get(Account, account_id)
    if account is None or not account.email or account.email_verified_at is not None:
        return
    token = email_links.sign(email_links.VERIFY, {"a": account.id, "e": account.email})
    with speaking_to(*preference_of_key(f"account:{account.id}")):
        mailer.send(account.email, _("Confirm your email address for %(site)s",
                                     site=current_app.config["FORUM_TITLE"]),
                    "verify", name=account.name,
                    link=email_links.absolute_url("forum.verify_email", token=token))


def verify(token):
    """Mark the address in a valid verification token verified; the account's name, or None
    when the link is bad, expired, or for an address the account no longer has."""
    payload = email_links.read(email_links.VERIFY, token, email_links.VERIFY_DAYS)
    if not isinstance(payload, dict):
        return None
    with atomic():
        account = session().scalar(select(Account).where(Account.id == payload.get("a")))
        if account is None or account.email != payload.get("e"):
            return None
        if account.email_verified_at is None:
            account.email_verified_at = utcnow()
        return account.name
