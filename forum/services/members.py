"""Admins manage built-in accounts: list them, change roles, ban and unban (all logged)."""
from sqlalchemy import select

from forum.database import atomic, get_or_not_found, session
from forum.errors import Conflict, Forbidden, ValidationError
from forum.models import ROLES, Account
from forum.services.builtin_accounts import end_sessions
from forum.services.audit import log_action
from forum.services.moderation import clean_reason


def require_admin(actor):
    """The admin's Member row; 401 for anonymous users, 403 for everyone else."""
    member = actor.require_member()
    if not actor.is_admin:
        raise Forbidden("Only administrators can manage members.")
    return member


def list_accounts(actor):
    """Every built-in account, by name."""
    require_admin(actor)
    return session().scalars(select(Account).order_by(Account.name_key)).all()


def _other_account(actor, account_id, doing):
    """The account to change, refusing a missing one and the admin's own account."""
    account = get_or_not_found(Account, account_id, "That account does not exist.")
    if actor.user_key == f"account:{account.id}":
        raise Conflict(f"You cannot {doing} your own account; ask another administrator.")
    return account


def change_role(actor, account_id, role, reason=""):
    """Make an account a member, moderator or admin; returns the account. Logged."""
    member = require_admin(actor)
    if role not in ROLES:
        raise ValidationError(f"Role must be one of {', '.join(ROLES)}.", field="role")
    reason = clean_reason(reason)
    with atomic():
        account = _other_account(actor, account_id, "change the role of")
        if account.role == role:
            raise Conflict(f"{account.name} is already a {role}.", field="role")
        before = account.role
        account.role = role
        log_action(member, "account.role", "account", account.id, reason,
                   before={"role": before}, after={"role": role})
    return account


def set_banned(actor, account_id, banned, reason=""):
    """Ban an account (ending all its sessions) or lift the ban; returns the account. Logged."""
    member = require_admin(actor)
    reason = clean_reason(reason, required=banned)
    with atomic():
        account = _other_account(actor, account_id, "ban" if banned else "unban")
        if account.is_banned == banned:
            raise Conflict(f"{account.name} is {'already' if banned else 'not'} banned.")
        account.is_banned = banned
        log_action(member, "account.ban" if banned else "account.unban", "account", account.id,
                   reason, before={"is_banned": not banned}, after={"is_banned": banned})
        if banned:
            end_sessions(account.id)  # commits the ban, the log entry and the new generation
    return account


def ban_account(actor, account_id, reason=""):
    """Ban an account: it can no longer log in and its sessions end now."""
    return set_banned(actor, account_id, True, reason)


def unban_account(actor, account_id, reason=""):
    """Lift a ban: the account can log in again."""
    return set_banned(actor, account_id, False, reason)
