"""Moderator pages and actions: pin, lock, hide, flags queue, moderation log, members."""
from flask import abort, current_app, flash, redirect, render_template, request

from forum.errors import ForumError
from forum.limits import limit
from forum.models import ROLES
from forum.services import flags as flag_service
from forum.services import members as member_service
from forum.services import moderation as moderation_service
from forum.services.replies import get_reply
from forum.urls import url_for
from forum.web.context import current_actor
from forum.web.discussion_common import login_required, thread_url
from forum.web.pages import page_arg
from forum.web.routes import Routes
from forum.i18n import gettext as _
from forum.i18n import lazy_gettext as _lazy

routes = Routes()

THREAD_ACTIONS = "pin,unpin,lock,unlock,hide,restore"
DONE_TITLES = {"pin": _lazy("Pin"), "unpin": _lazy("Unpin"), "lock": _lazy("Lock"),
               "unlock": _lazy("Unlock"), "hide": _lazy("Hide"), "restore": _lazy("Restore")}
DONE = {
    "pin": _lazy("Thread pinned."), "unpin": _lazy("Thread unpinned."),
    "lock": _lazy("Thread locked."), "unlock": _lazy("Thread unlocked."),
    "hide": _lazy("Thread hidden from members."), "restore": _lazy("Thread visible again."),
}


def _back(default):
    """Where to go after an action: a local ?next= path, else default."""
    target = request.form.get("next", "")
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


def _action_page(error, title, values, status=None):
    """Re-show an action's reason form with the error beside the field and the text kept."""
    return render_template("forum/moderation_action.html", error=error, title=title,
                           values=values, action_url=request.path), status or error.status


def _require_builtin():
    """404 unless the site uses the forum's own accounts."""
    if not current_app.config["FORUM_BUILTIN_ACCOUNTS"]:
        abort(404)


def _client_error(error):
    """Errors a user can fix in the form (bad input, already done) versus access errors."""
    return error.status in (409, 422)


@routes.post(f"/threads/<int:thread_id>/<any({THREAD_ACTIONS}):action>")
def moderate_thread(thread_id, action):
    """Pin, unpin, lock, unlock, hide or restore a thread (moderators only)."""
    run = getattr(moderation_service, f"{action}_thread")
    reason = request.form.get("reason", "")
    try:
        run(current_actor(), thread_id, reason=reason)
    except ForumError as error:
        if not _client_error(error):
            raise
        return _action_page(error, _("%(action)s thread #%(number)s", action=str(DONE_TITLES.get(action, action)), number=thread_id),
                            {"reason": reason, "next": request.form.get("next", "")})
    flash(str(DONE[action]), "success")
    return redirect(_back(thread_url(thread_id)))


@routes.post("/replies/<int:reply_id>/<any(hide,unhide):action>")
def moderate_reply(reply_id, action):
    """Hide a contribution with a reason, or unhide it (moderators only).

    (/replies/<id>/restore belongs to the author's undo of a deletion.)
    """
    run = moderation_service.hide_reply if action == "hide" else moderation_service.restore_reply
    reason = request.form.get("reason", "")
    try:
        reply = run(current_actor(), reply_id, reason=reason)
    except ForumError as error:
        if not _client_error(error):
            raise
        return _action_page(error, (_("Hide contribution #%(number)s", number=reply_id) if action == "hide"
                             else _("Unhide contribution #%(number)s", number=reply_id)),
                            {"reason": reason, "next": request.form.get("next", "")})
    flash(_("Contribution hidden from members.") if action == "hide"
          else _("Contribution visible again."), "success")
    return redirect(_back(thread_url(reply.thread_id, f"reply-{reply.id}")))


def _flag_page(kind, target_id, values, error=None):
    """The flag form for a thread or a reply, with any error and the member's input."""
    return render_template(
        "forum/flag.html", kind=kind, target_id=target_id, values=values, error=error,
        reasons=flag_service.REASON_LABELS,
        action_url=url_for(f"forum.flag_{kind}", **{f"{kind}_id": target_id}),
    ), error.status if error else 200


def _flag(kind, target_id):
    """Submit a flag on a thread or a reply; errors re-show the form with the input kept."""
    actor = current_actor()
    values = {"reason": request.form.get("reason", ""), "text": request.form.get("text", "")}
    run = flag_service.flag_thread if kind == "thread" else flag_service.flag_reply
    try:
        run(actor, target_id, values["reason"], values["text"])
    except ForumError as error:
        if not _client_error(error):
            raise
        return _flag_page(kind, target_id, values, error)
    flash(_('Thank you: a moderator will review your flag.'), "success")
    if kind == "thread":
        return redirect(thread_url(target_id))
    reply = get_reply(target_id)
    return redirect(thread_url(reply.thread_id, f"reply-{reply.id}"))


def _flag_form(kind, target_id):
    """The flag page: where a card's "Flag" link leads (the flag form without JavaScript)."""
    flag_service.flag_target(current_actor(), kind, target_id)
    return _flag_page(kind, target_id, {})


@routes.get("/threads/<int:thread_id>/flag")
@login_required
def flag_thread_form(thread_id):
    """The form to flag a thread."""
    return _flag_form("thread", thread_id)


@routes.get("/replies/<int:reply_id>/flag")
@login_required
def flag_reply_form(reply_id):
    """The form to flag a contribution."""
    return _flag_form("reply", reply_id)


@routes.post("/threads/<int:thread_id>/flag")
@limit("flagging")
def flag_thread(thread_id):
    """Flag a thread for the moderators."""
    return _flag("thread", thread_id)


@routes.post("/replies/<int:reply_id>/flag")
@limit("flagging")
def flag_reply(reply_id):
    """Flag a contribution for the moderators."""
    return _flag("reply", reply_id)


@routes.get("/moderation/flags")
def flag_queue():
    """The moderators' queue of open flags, oldest first."""
    flags = flag_service.open_flags(current_actor(), page=page_arg())
    return render_template("forum/flag_queue.html", flags=flags)


@routes.post("/moderation/flags/<int:flag_id>/resolve")
def resolve_flag(flag_id):
    """Dismiss a flag, hide the flagged item, or lock its thread (one click)."""
    action = request.form.get("action", "")
    flag_service.resolve_flag(current_actor(), flag_id, action,
                              reason=request.form.get("reason", ""))
    flash({"dismiss": _("Flag dismissed."), "hide": _("Item hidden and its flags closed."),
           "lock": _("Thread locked and the item's flags closed.")}[action], "success")
    return redirect(url_for("forum.flag_queue"))


@routes.get("/moderation/log")
def moderation_log():
    """The append-only moderation log, filterable by actor and action."""
    actor = current_actor()
    actor_id = request.args.get("actor", type=int)
    action = request.args.get("action", "") or None
    entries = moderation_service.list_log(actor, actor_id=actor_id, action=action,
                                          page=page_arg())
    actors, actions = moderation_service.log_filters(actor)
    return render_template("forum/moderation_log.html", entries=entries, actors=actors,
                           actions=actions, actor_id=actor_id, action=action,
                           subjects=moderation_service.log_subjects(entries.items))


@routes.template_global("forum_open_flag_count")
def open_flag_count():
    """Open flags for the header's "Flags" link (moderators only: one query a page)."""
    return flag_service.open_flag_count(current_actor())


@routes.template_global("forum_flag_reasons")
def flag_reasons():
    """The flag reasons and their labels, for the flag forms."""
    return flag_service.REASON_LABELS


def _members_page(error=None, values=None):
    """The admins' members page (built-in accounts, or the host's users), with an optional error
    for one row's form."""
    actor = current_actor()
    if current_app.config["FORUM_BUILTIN_ACCOUNTS"]:
        accounts, host_members = member_service.list_accounts(actor), None
    else:
        accounts, host_members = [], member_service.list_host_members(actor)
    return render_template(
        "forum/members.html", accounts=accounts, host_members=host_members,
        roles=ROLES, error=error, values=values or {},
    ), error.status if error else 200


@routes.get("/members")
def members():
    """Admins list the built-in accounts, or the host's users who are forum members."""
    return _members_page()


@routes.post("/members/host/<int:member_id>/<any(ban,unban):action>")
def ban_host_member(member_id, action):
    """Ban a host user from posting, rating and flagging, or lift it (admins only)."""
    values = {"member_id": member_id, "reason": request.form.get("reason", "")}
    try:
        member = member_service.set_member_banned(current_actor(), member_id, action == "ban",
                                                  values["reason"])
    except ForumError as error:
        if not _client_error(error):
            raise
        return _members_page(error, values)
    flash(_("%(name)s is banned from posting.", name=member.display_name) if member.is_banned
          else _("%(name)s can post again.", name=member.display_name), "success")
    return redirect(url_for("forum.members") + f"#member-{member_id}")


@routes.post("/members/<int:account_id>/<any(role,ban,unban):action>")
def manage_member(account_id, action):
    """Change an account's role, ban it (ending its sessions) or lift the ban (admins only)."""
    _require_builtin()
    actor = current_actor()
    values = {"account_id": account_id, "role": request.form.get("role", ""),
              "reason": request.form.get("reason", "")}
    try:
        if action == "role":
            account = member_service.change_role(actor, account_id, values["role"],
                                                 values["reason"])
            message = _("%(name)s is now a %(role)s.", name=account.name,
                        role={"member": _("member"), "moderator": _("moderator"),
                              "admin": _("admin")}.get(account.role, account.role))
        elif action == "ban":
            account = member_service.ban_account(actor, account_id, values["reason"])
            message = _("%(name)s is banned and logged out everywhere.", name=account.name)
        else:
            account = member_service.unban_account(actor, account_id, values["reason"])
            message = _("%(name)s can log in again.", name=account.name)
    except ForumError as error:
        if not _client_error(error):
            raise
        return _members_page(error, values)
    flash(message, "success")
    return redirect(url_for("forum.members") + f"#account-{account_id}")
