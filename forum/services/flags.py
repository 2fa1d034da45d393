"""Members' flags on threads and replies, and the moderators' queue that resolves them."""
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from forum import markup
from forum.database import atomic, session
from forum.errors import Conflict, Forbidden, NotFound, ValidationError
from forum.models import FLAG_REASONS, Flag, Reply, Thread, utcnow
from forum.services import notification_kinds
from forum.services.audit import log_action
from forum.services.moderation import apply_reply_visibility, apply_thread_switch, clean_reason
from forum.services.permissions import can_flag
from forum.services.threads import Page
from forum.services.visibility import can_see, visible_thread
from forum.i18n import gettext as _
from forum.i18n import lazy_gettext as _lazy

REASON_LABELS = {
    "spam": _lazy("Spam"),
    "off-topic": _lazy("Off-topic"),
    "inappropriate": _lazy("Inappropriate"),
    "client-info": _lazy("Identifiable client information"),
    "other": _lazy("Other (explain)"),
}
RESOLUTIONS = ("dismiss", "hide", "lock")
TEXT_MAX = 1000
QUEUE_PER_PAGE = 50
DUPLICATE = _lazy("You already flagged this; a moderator will look at it.")


def _validate(reason, text):
    """The (reason, text) pair, or a ValidationError: a known reason, and text for "other"."""
    if reason not in FLAG_REASONS:
        raise ValidationError(_('Choose why you are flagging this.'), field="reason")
    text = markup.clean_text(text or "").strip()
    if reason == "other" and not text:
        raise ValidationError(_('Say what is wrong when you choose "other".'), field="text")
    if len(text) > TEXT_MAX:
        raise ValidationError(_('An explanation has at most %(text_max)s characters.', text_max=TEXT_MAX),
                              field="text")
    return reason, text


def _visible_target(actor, thread_id=None, reply_id=None):
    """The flagged thread or reply if the actor can see it (else NotFound) and may flag it
    (not their own: Forbidden)."""
    if reply_id is not None:
        reply = session().get(Reply, reply_id)
        if reply is None or reply.is_deleted or not can_see(actor, reply):
            raise NotFound(_('That contribution does not exist.'))
        thread = visible_thread(actor, session().get(Thread, reply.thread_id))
        item = reply
    else:
        thread = item = visible_thread(actor, session().get(Thread, thread_id))
    if not can_flag(actor, item):
        raise Forbidden(_('This is your own: edit or delete it instead of flagging it.'))
    return thread


def _flag(actor, reason, text, thread_id=None, reply_id=None):
    """Record one open flag on a thread or a reply; Conflict if this member has one open already."""
    member = actor.require_member()
    reason, text = _validate(reason, text)
    _visible_target(actor, thread_id, reply_id)
    column, target = (Flag.reply_id, reply_id) if reply_id is not None else (Flag.thread_id,
                                                                            thread_id)
    try:
        with atomic() as db_session:
            if db_session.scalar(select(Flag.id).where(
                    Flag.reporter_id == member.id, column == target, Flag.status == "open")):
                raise Conflict(DUPLICATE, field="reason")
            flag = Flag(reporter_id=member.id, thread_id=None if reply_id else thread_id,
                        reply_id=reply_id, reason=reason, text=text)
            db_session.add(flag)
    except IntegrityError:
        raise Conflict(DUPLICATE, field="reason") from None
    return flag


def flag_target(actor, kind, target_id):
    """The thread or reply a member may flag (the flag page shows it), else NotFound."""
    if kind == "reply":
        return _visible_target(actor, reply_id=target_id)
    return _visible_target(actor, thread_id=target_id)


def flag_thread(actor, thread_id, reason, text=""):
    """A member flags a thread (spam, off-topic, inappropriate, client-info, other + text)."""
    return _flag(actor, reason, text, thread_id=thread_id)


def flag_reply(actor, reply_id, reason, text=""):
    """A member flags a contribution (spam, off-topic, inappropriate, client-info, other + text)."""
    return _flag(actor, reason, text, reply_id=reply_id)


def open_flag_count(actor):
    """How many flags wait in the queue (moderators: one query; None for everyone else)."""
    if not actor.can_moderate:
        return None
    return session().scalar(select(func.count()).select_from(Flag).where(Flag.status == "open"))


def open_flags(actor, page=1, per_page=QUEUE_PER_PAGE):
    """The moderators' queue: open flags, oldest first, with reporters and targets loaded."""
    actor.require_moderator()
    query = select(Flag).where(Flag.status == "open")
    total = session().scalar(select(func.count()).select_from(query.subquery()))
    flags = session().scalars(
        query.options(selectinload(Flag.reporter))
        .order_by(Flag.created_at, Flag.id).limit(per_page).offset((page - 1) * per_page)
    ).all()
    reply_ids = {flag.reply_id for flag in flags if flag.reply_id}
    replies = {reply.id: reply for reply in session().scalars(
        select(Reply).where(Reply.id.in_(reply_ids)).options(selectinload(Reply.author))
    )} if reply_ids else {}
    thread_ids = {flag.thread_id for flag in flags if flag.thread_id}
    thread_ids |= {reply.thread_id for reply in replies.values()}
    threads = {thread.id: thread for thread in session().scalars(
        select(Thread).where(Thread.id.in_(thread_ids)).options(selectinload(Thread.author))
    )} if thread_ids else {}
    items = []
    for flag in flags:
        reply = replies.get(flag.reply_id)
        thread = threads.get(reply.thread_id if reply else flag.thread_id)
        items.append({"flag": flag, "reply": reply, "thread": thread,
                      "label": REASON_LABELS.get(flag.reason, flag.reason)})
    return Page(items=items, page=page, per_page=per_page, total=total)


def resolve_flag(actor, flag_id, action, reason=""):
    """Dismiss a flag, or act on it (hide the item, lock the thread); returns the flag. Logged.

    Hiding or locking also closes the other open flags on the same item.
    """
    member = actor.require_moderator()
    if action not in RESOLUTIONS:
        raise ValidationError(_('Resolve a flag with one of %(join)s.', join=', '.join(RESOLUTIONS)),
                              field="action")
    reason = clean_reason(reason)
    with atomic() as db_session:
        flag = db_session.get(Flag, flag_id)
        if flag is None:
            raise NotFound(_('That flag does not exist.'))
        if flag.status != "open":
            raise Conflict(_('That flag was already handled.'))
        why = reason or f"Flag #{flag.id}: {REASON_LABELS[flag.reason]}"
        if action == "hide" and flag.reply_id:
            reply = session().get(Reply, flag.reply_id)
            if not reply.is_hidden:
                apply_reply_visibility(member, flag.reply_id, True, why)
        elif action == "hide":
            if not session().get(Thread, flag.thread_id).is_hidden:
                apply_thread_switch(member, flag.thread_id, "hide", why)
        elif action == "lock":
            thread_id = flag.thread_id or session().get(Reply, flag.reply_id).thread_id
            if not session().get(Thread, thread_id).is_locked:
                apply_thread_switch(member, thread_id, "lock", why)
        status = "dismissed" if action == "dismiss" else "actioned"
        closing = select(Flag).where(Flag.id == flag.id)
        if action != "dismiss":
            target = Flag.reply_id == flag.reply_id if flag.reply_id else (
                Flag.thread_id == flag.thread_id)
            closing = select(Flag).where(Flag.status == "open", target)
        closed_flags = db_session.scalars(closing).all()
        closed = [closed_flag.id for closed_flag in closed_flags]
        db_session.execute(
            update(Flag).where(Flag.id.in_(closed)).values(
                status=status, resolution=action, resolver_id=member.id, resolved_at=utcnow()))
        thread_id = flag.thread_id or session().get(Reply, flag.reply_id).thread_id
        notification_kinds.flags_resolved(closed_flags, action, member, thread_id, flag.reply_id)
        log_action(member, f"flag.{action}", "flag", flag.id, reason,
                   before={"status": "open"},
                   after={"status": status, "flags_closed": sorted(closed)})
        db_session.refresh(flag)
    return flag
