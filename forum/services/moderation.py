"""Moderator actions on threads and replies (pin, lock, hide), each logged in its transaction."""
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from forum import markup
from forum.database import atomic, get_or_not_found, session
from forum.errors import Conflict, NotFound, ValidationError
from forum.models import Credential, Member, ModerationLog, RelatedLink, Reply, Thread
from forum.services import notification_kinds
from forum.services.audit import log_action
from forum.services.replies import adjust_thread_counters
from forum.services.threads import Page
from forum.i18n import gettext as _
from forum.i18n import lazy_gettext as _lazy

REASON_MAX = 500
LOG_PER_PAGE = 50

# action name -> (column, new value, message when it already has that value)
THREAD_SWITCHES = {
    "pin": ("is_pinned", True, _lazy("This thread is already pinned.")),
    "unpin": ("is_pinned", False, _lazy("This thread is not pinned.")),
    "lock": ("is_locked", True, _lazy("This thread is already locked.")),
    "unlock": ("is_locked", False, _lazy("This thread is not locked.")),
    "hide": ("is_hidden", True, _lazy("This thread is already hidden.")),
    "restore": ("is_hidden", False, _lazy("This thread is not hidden.")),
}
REASON_REQUIRED = ("hide",)


def clean_reason(reason, required=False):
    """The trimmed reason text, or a ValidationError when it is required and empty or too long."""
    reason = markup.clean_line(reason)
    if required and not reason:
        raise ValidationError(_('Give a reason: other moderators will read it.'), field="reason")
    if len(reason) > REASON_MAX:
        raise ValidationError(_('A reason has at most %(reason_max)s characters.', reason_max=REASON_MAX), field="reason")
    return reason


def _thread_for_update(thread_id):
    """The thread row, or NotFound."""
    return get_or_not_found(Thread, thread_id, _("That thread does not exist."))


def _reply_for_update(reply_id):
    """The reply row, or NotFound."""
    reply = session().get(Reply, reply_id)
    if reply is None or reply.is_deleted:
        raise NotFound(_('That contribution does not exist.'))
    return reply


def apply_thread_switch(member, thread_id, action, reason=""):
    """Flip one thread flag inside the caller's transaction and log it; Conflict if unchanged."""
    column, value, unchanged = THREAD_SWITCHES[action]
    reason = clean_reason(reason, required=action in REASON_REQUIRED)
    thread = _thread_for_update(thread_id)
    if getattr(thread, column) == value:
        raise Conflict(str(unchanged))
    setattr(thread, column, value)
    if column == "is_hidden":
        thread.hidden_reason = reason if value else None
    entry = log_action(member, f"thread.{action}", "thread", thread.id, reason,
                       before={column: not value}, after={column: value})
    notification_kinds.item_moderated(member, f"thread.{action}", thread, entry, reason)
    return thread


def _thread_action(action):
    """A service function `<action>_thread(actor, thread_id, reason="")` for one switch."""
    def run(actor, thread_id, reason=""):
        member = actor.require_moderator()
        with atomic():
            thread = apply_thread_switch(member, thread_id, action, reason)
        return thread
    run.__name__ = f"{action}_thread"
    run.__doc__ = f"Moderator action: {action} a thread (logged); returns the thread."
    return run


pin_thread = _thread_action("pin")
unpin_thread = _thread_action("unpin")
lock_thread = _thread_action("lock")
unlock_thread = _thread_action("unlock")
hide_thread = _thread_action("hide")
restore_thread = _thread_action("restore")


def apply_reply_visibility(member, reply_id, hidden, reason=""):
    """Hide or restore a reply inside the caller's transaction, keeping reply_count in step."""
    reason = clean_reason(reason, required=hidden)
    reply = _reply_for_update(reply_id)
    if reply.is_hidden == hidden:
        raise Conflict(_("This contribution is already hidden.") if hidden
                       else _("This contribution is not hidden."))
    before = {"is_hidden": reply.is_hidden, "hidden_reason": reply.hidden_reason}
    reply.is_hidden = hidden
    reply.hidden_reason = reason if hidden else None
    session().flush()
    adjust_thread_counters(reply.thread_id, -1 if hidden else 1)
    action = "reply.hide" if hidden else "reply.restore"
    entry = log_action(member, action, "reply", reply.id, reason, before=before,
                       after={"is_hidden": hidden, "hidden_reason": reply.hidden_reason})
    notification_kinds.item_moderated(member, action, reply, entry, reason)
    return reply


def hide_reply(actor, reply_id, reason=""):
    """Moderator action: hide a contribution from members, with a reason; returns the reply."""
    member = actor.require_moderator()
    with atomic():
        reply = apply_reply_visibility(member, reply_id, True, reason)
    return reply


def restore_reply(actor, reply_id, reason=""):
    """Moderator action: make a hidden contribution visible again; returns the reply."""
    member = actor.require_moderator()
    with atomic():
        reply = apply_reply_visibility(member, reply_id, False, reason)
    return reply


def list_log(actor, actor_id=None, action=None, page=1, per_page=LOG_PER_PAGE):
    """A page of the moderation log, newest first, optionally filtered by actor and action."""
    actor.require_moderator()
    query = select(ModerationLog)
    if actor_id:
        query = query.where(ModerationLog.actor_id == actor_id)
    if action:
        query = query.where(ModerationLog.action == action)
    total = session().scalar(select(func.count()).select_from(query.subquery()))
    items = session().scalars(
        query.options(selectinload(ModerationLog.actor))
        .order_by(ModerationLog.created_at.desc(), ModerationLog.id.desc())
        .limit(per_page).offset((page - 1) * per_page)
    ).all()
    return Page(items=items, page=page, per_page=per_page, total=total)


def log_subjects(entries):
    """{(target_type, id): row} for the log entries' threads, contributions (with author and
    thread), related-reading entries (with thread), credentials (with member) and members, so
    each can be named: five queries at most, whatever the page's length."""
    ids = {}
    for entry in entries:
        ids.setdefault(entry.target_type, set()).add(entry.target_id)
    subjects = {}
    loads = (("thread", Thread, [joinedload(Thread.author)]),
             ("reply", Reply, [joinedload(Reply.author), joinedload(Reply.thread)]),
             ("related_link", RelatedLink, [joinedload(RelatedLink.thread)]),
             ("credential", Credential, [joinedload(Credential.member)]),
             ("member", Member, []))
    for kind, model, options in loads:
        if ids.get(kind):
            for row in session().scalars(select(model).where(model.id.in_(ids[kind]))
                                         .options(*options)):
                subjects[(kind, row.id)] = row
    return subjects


def log_filters(actor):
    """The actors and action names that appear in the log, for the filter menus."""
    actor.require_moderator()
    actors = session().scalars(
        select(Member).where(Member.id.in_(select(ModerationLog.actor_id).distinct()))
        .order_by(Member.display_name)
    ).all()
    actions = session().scalars(
        select(ModerationLog.action).distinct().order_by(ModerationLog.action)).all()
    return actors, actions
