"""Admins manage members: built-in accounts (roles, bans) and host users (forum bans), all
logged; display names follow the host's."""
from flask import current_app
from sqlalchemy import select

from forum.database import atomic, get_or_not_found, session
from forum.errors import Conflict, Forbidden, ValidationError
from forum.models import ROLES, Account, Member
from forum.services.actors import create_member, rename_member
from forum.services.builtin_accounts import end_sessions
from forum.services.audit import log_action
from forum.services.moderation import clean_reason
from forum.services.profiles import apply_host_profile, host_profile_changes
from forum.i18n import gettext as _
from forum.i18n import lazy_gettext as _lazy


def require_admin(actor):
    """The admin's Member row; 401 for anonymous users, 403 for everyone else."""
    member = actor.require_member()
    if not actor.is_admin:
        raise Forbidden(_('Only administrators can manage members.'))
    return member


def list_accounts(actor):
    """Every built-in account, by name."""
    require_admin(actor)
    return session().scalars(select(Account).order_by(Account.name_key)).all()


OWN_ACCOUNT = {
    "role": _lazy("You cannot change the role of your own account; ask another administrator."),
    "ban": _lazy("You cannot ban your own account; ask another administrator."),
    "unban": _lazy("You cannot unban your own account; ask another administrator."),
}


def _other_account(actor, account_id, doing):
    """The account to change, refusing a missing one and the admin's own account."""
    account = get_or_not_found(Account, account_id, _("That account does not exist."))
    if actor.user_key == f"account:{account.id}":
        raise Conflict(OWN_ACCOUNT[doing])
    return account


def change_role(actor, account_id, role, reason=""):
    """Make an account a member, moderator or admin; returns the account. Logged."""
    member = require_admin(actor)
    if role not in ROLES:
        raise ValidationError(_('Role must be one of %(join)s.', join=', '.join(ROLES)), field="role")
    reason = clean_reason(reason)
    with atomic():
        account = _other_account(actor, account_id, "role")
        if account.role == role:
            raise Conflict(_('%(name)s is already a %(role)s.', name=account.name, role=role), field="role")
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
            raise Conflict((_('%(name)s is already banned.', name=account.name) if banned else _('%(name)s is not banned.', name=account.name)))
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


ACCOUNT_KEY_PREFIX = "account:"


def list_host_members(actor):
    """The forum members who are host users (not built-in accounts or placeholders), by name."""
    require_admin(actor)
    return session().scalars(
        select(Member).where(~Member.user_key.startswith(ACCOUNT_KEY_PREFIX),
                             ~Member.user_key.startswith("forum:"))
        .order_by(Member.display_name, Member.id)).all()


def set_member_banned(actor, member_id, banned, reason=""):
    """Ban a host user from posting, rating and flagging, or lift it; logged, then the host's
    on_member_ban hook is told (user key, banned, reason). Returns the member."""
    admin = require_admin(actor) if actor is not None else None  # None: the operator (CLI)
    reason = clean_reason(reason, required=banned)
    with atomic():
        member = get_or_not_found(Member, member_id, _("That member does not exist."))
        if member.user_key.startswith(ACCOUNT_KEY_PREFIX):
            raise Conflict(_("Ban built-in accounts on the members page's account list."))
        if admin is not None and member.id == admin.id:
            raise Conflict(_('You cannot ban yourself; ask another administrator.'))
        if member.is_banned == banned:
            raise Conflict((_('%(name)s is already banned.', name=member.display_name) if banned
                           else _('%(name)s is not banned.', name=member.display_name)))
        member.is_banned = banned
        log_action(admin, "member.ban" if banned else "member.unban", "member", member.id,
                   reason, before={"is_banned": not banned}, after={"is_banned": banned})
    hook = current_app.extensions["forum"].on_member_ban
    if hook is not None:
        hook(member.user_key, banned, reason)
    return member


def member_row(actor):
    """The actor's Member row, created if they never acted (banned or not)."""
    with atomic():
        return actor.existing_member() or create_member(actor.user_key, actor.display_name)


def refresh_display_name(actor):
    """Make the member's display-name snapshot the host's current name, unless the member chose
    one, and store what the host's member_profile hook supplies (no row, or nothing new: no
    write). Returns whether the member has a row (a later first action creates one)."""
    member = actor.existing_member()
    name = (actor.display_name or "")[:80]
    if member is None:
        return False
    renamed = name and not member.name_chosen and member.display_name != name
    if renamed or host_profile_changes(member, actor.host_profile):
        with atomic():
            if renamed:
                rename_member(member, name)
            apply_host_profile(member, actor.host_profile)
    return True
