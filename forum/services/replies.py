"""Contributions: add, list, edit (with revisions), soft delete/restore, tags, thread counters."""
from flask import current_app
from sqlalchemy import String, and_, cast, func, literal, select, update
from sqlalchemy.orm import aliased, contains_eager, joinedload, selectinload, with_expression

from forum import markup
from forum.database import atomic, get_or_not_found, session
from forum.errors import Conflict, Forbidden, NotFound, ValidationError, collect
from forum.models import Member, Prompt, Reply, ReplyRevision, ReplyTag, Tag, Thread, utcnow
from forum.services import confidentiality, mentions, notifications
from forum.services.audit import log_action
from forum.services.drafts import discard_draft
from forum.services.outcomes import best_field_tested
from forum.services.paging import paginate, slice_before
from forum.services.permissions import can_delete, can_edit, can_edit_tags, can_restore, is_author
from forum.services.ratings import best_first
from forum.services.tags import (
    get_or_create_tags, hashtag_linker, parse_tag_names, replace_tags, with_hashtags,
)
from forum.services.visibility import (
    REPLY_GONE, can_see, is_live, live_reply, visible_replies, visible_thread, visible_threads,
)
from forum.i18n import format_number
from forum.i18n import gettext as _
from forum.i18n import lazy_gettext as _lazy

BODY_MAX = 20_000
# Markdown parsing costs ~20 us a line: 20,000 one-character lines would take 0.3 s to render.
BODY_LINES_MAX = 2_000
REPLY_SORTS = ("best", "oldest", "tested")
# Aliases made once: each aliased() call builds a whole mapped class (4-5 ms a page)
ANSWER, PARENT, PARENT_AUTHOR = aliased(Reply), aliased(Reply), aliased(Member)


def validate_body(body):
    """The cleaned Markdown source, or a ValidationError on the body field."""
    body = markup.clean_text(body).strip()
    if not body:
        raise ValidationError(_('Write something first: the contribution is empty.'), field="body")
    if len(body) > BODY_MAX:
        raise ValidationError(
            _('A contribution has at most %(body_max)s characters (this one has %(count)s).', body_max=format_number(BODY_MAX), count=format_number(len(body))),
            field="body")
    lines = body.count("\n") + 1
    if lines > BODY_LINES_MAX:
        raise ValidationError(
            _('A contribution has at most %(body_lines_max)s lines (this one has %(lines)s).', body_lines_max=format_number(BODY_LINES_MAX), lines=format_number(lines)),
            field="body")
    return body


def adjust_thread_counters(thread_id, delta=0, newest=None):
    """Keep a thread's reply_count and last_activity_at right, inside the caller's transaction.

    Call it in the same transaction whenever a reply starts or stops being visible to members
    (neither hidden nor deleted), or is edited: delta=+1 when a reply is added, restored or
    un-hidden while otherwise visible; delta=-1 when a visible reply is deleted or hidden;
    delta=0 after an edit. reply_count changes by SQL arithmetic (reply_count + delta), and
    last_activity_at becomes the latest creation or edit of a visible reply (or the thread's
    own creation when none is left), computed by the database in the same UPDATE.
    Moderation (hide/unhide) calls this too: `adjust_thread_counters(reply.thread_id, -1)`
    when hiding a reply that was visible, `+1` when un-hiding one that is not deleted.
    newest: the creation time of a reply just added, which is then the latest activity, so the
    UPDATE need not read every visible reply of the thread again. Otherwise the thread's best
    field-tested score (services.outcomes) is recomputed too: hidden replies do not count.
    """
    latest = literal(newest, Thread.last_activity_at.type) if newest is not None else (
        select(func.max(func.coalesce(Reply.edited_at, Reply.created_at)))
        .where(Reply.thread_id == thread_id, live_reply())
        .scalar_subquery()
    )
    values = {"reply_count": Thread.reply_count + delta,
              "last_activity_at": func.coalesce(latest, Thread.created_at)}
    if newest is None:  # a reply came or went (or was edited): its outcomes may count or not
        values["field_tested_best"] = best_field_tested(thread_id)
    session().execute(update(Thread).where(Thread.id == thread_id).values(**values))


def recount_thread(thread_id):
    """Recompute a thread's reply_count from scratch (imports, repairs), in the caller's transaction."""
    visible = (
        select(func.count()).select_from(Reply)
        .where(Reply.thread_id == thread_id, live_reply())
        .scalar_subquery()
    )
    session().execute(update(Thread).where(Thread.id == thread_id).values(reply_count=visible))
    adjust_thread_counters(thread_id, 0)


def _open_thread(db_session, actor, thread_id):
    """The thread to write into, or NotFound when it does not exist or is hidden from actor."""
    return visible_thread(actor, db_session.get(Thread, thread_id))


def _prompt_id(db_session, thread_id, prompt_position):
    """The id of the thread's prompt at this position (None for no prompt), or a ValidationError."""
    if prompt_position in (None, ""):
        return None
    try:
        position = int(prompt_position)
    except (TypeError, ValueError):
        raise ValidationError(_("Choose one of this thread's prompts."), field="prompt") from None
    prompt_id = db_session.scalar(select(Prompt.id).where(
        Prompt.thread_id == thread_id, Prompt.position == position))
    if prompt_id is None:
        raise ValidationError(_('That prompt is not part of this thread.'), field="prompt")
    return prompt_id


def _reply_to_id(db_session, actor, thread_id, reply_to):
    """The id of the contribution being answered (None for none): one the actor can see in
    this same thread, else a ValidationError on the reply_to field."""
    if reply_to in (None, ""):
        return None
    try:
        parent = db_session.get(Reply, int(reply_to))
    except (TypeError, ValueError, OverflowError):
        parent = None
    if parent is None or parent.thread_id != thread_id or parent.is_deleted or not can_see(
            actor, parent):
        raise ValidationError(_('The contribution you reply to is not in this thread any more.'),
                              field="reply_to")
    return parent.id


def add_reply(actor, thread_id, body, prompt_position=None, tags=(), confirm_confidential=False,
              reply_to=None):
    """Add a contribution to an open thread and bump its counters in the same transaction.

    body is Markdown (1-20,000 characters); prompt_position is the 0-based position of the
    prompt it answers (or None); tags are names (list or comma-separated), to which the text's
    hashtags are added up to FORUM_MAX_TAGS; reply_to is the id of a contribution of the same
    thread it answers ("in reply to"). Returns the new Reply. Text and tags are checked
    together (ValidationErrors for both). Text that may identify a client raises
    ConfidentialError unless confirm_confidential (then a system flag is raised).
    """
    member = actor.require_member()
    body, tag_names = collect(lambda: validate_body(body), lambda: parse_tag_names(tags))
    tag_names = with_hashtags(tag_names, body)
    found = confidentiality.check({"body": body}, confirm_confidential)
    with atomic() as db_session:
        thread = _open_thread(db_session, actor, thread_id)
        if thread.is_locked:
            raise Conflict(_('This thread is locked: it accepts no new contributions.'),
                           field="body")
        prompt_id = _prompt_id(db_session, thread_id, prompt_position)
        reply = insert_reply(thread_id, member.id, body, tag_names, prompt_id=prompt_id,
                             reply_to_id=_reply_to_id(db_session, actor, thread_id, reply_to),
                             fan_out_pending=True)
        adjust_thread_counters(thread_id, +1, newest=reply.created_at)
        discard_draft(member.id, thread_id)
        confidentiality.flag_posted(db_session, found, reply_id=reply.id)
        notifications.contribution_posted(reply)
    return reply


def insert_reply(thread_id, author_id, body, tag_names, prompt_id=None, created_at=None,
                 reply_to_id=None, fan_out_pending=False):
    """Insert a validated contribution with its tags inside the caller's transaction (add_reply,
    imports); the thread's counters are the caller's to adjust. fan_out_pending: its fan-out
    is queued (add_reply; imports notify nobody)."""
    db_session = session()
    reply = Reply(thread_id=thread_id, author_id=author_id, prompt_id=prompt_id,
                  reply_to_id=reply_to_id, body=body,
                  html=mentions.contribution_html(body, hashtag_linker(tag_names)),
                  created_at=created_at or utcnow(), fan_out_pending=fan_out_pending)
    db_session.add(reply)
    db_session.flush()
    for tag in get_or_create_tags(tag_names):
        db_session.add(ReplyTag(reply_id=reply.id, tag_id=tag.id))
    db_session.flush()
    return reply


def reply_sort(thread, requested=None):
    """The requested sort if valid, else best-first for long threads and oldest-first otherwise."""
    if requested in REPLY_SORTS:
        return requested
    long_thread = thread.reply_count >= current_app.config["FORUM_BEST_FIRST_MIN_REPLIES"]
    return "best" if long_thread else "oldest"


def list_replies(actor, thread, page=1, per_page=None, by_prompt=False, include_deleted=False,
                 sort=None):
    """A page of a thread's contributions with authors, prompts and tags: two queries in all.

    sort "oldest", "best" (Bayesian score, in SQL; see services.ratings) or "tested" (field-tested
    score, services.outcomes), defaulting by the
    thread's length (reply_sort); by_prompt groups them by the prompt they answer first (prompt
    order, then replies answering no prompt). Members see visible replies only; moderators also
    get hidden ones, and deleted ones when include_deleted (the thread page's restore
    placeholders: a deleted reply's html is empty; show a placeholder, never its body).
    """
    if sort is not None and sort not in REPLY_SORTS:
        raise ValidationError(_('Sort by one of %(join)s.', join=', '.join(REPLY_SORTS)), field="sort")
    per_page = per_page or current_app.config["FORUM_REPLIES_PER_PAGE"]
    query = (
        select(Reply)
        .options(contains_eager(Reply.prompt), joinedload(Reply.author),
                 selectinload(Reply.tags),
                 with_expression(Reply.answer_ids, answer_ids_sql(actor)),
                 with_expression(Reply.reply_to_name, reply_to_name_sql()))
        # the answers depend on who reads: never keep another reader's from the session
        .execution_options(populate_existing=True)
    )
    query = thread_page_query(actor, thread, query, sort, by_prompt, include_deleted)
    return paginate(query, page, per_page)


def thread_page_query(actor, thread, query, sort=None, by_prompt=False, include_deleted=False):
    """The query (a select of Reply or its columns) restricted to the contributions of a thread
    page the actor may see, with the prompts joined, in the page's order (see list_replies)."""
    sort = reply_sort(thread, sort)
    query = query.outerjoin(Prompt, Reply.prompt_id == Prompt.id).where(
        Reply.thread_id == thread.id)
    query = visible_replies(actor, query, include_deleted=include_deleted)
    order = [Reply.created_at, Reply.id]
    if sort == "best":
        order = best_first(Reply) + order
    elif sort == "tested":  # Wilson lower bound: 3 good reports never outrank 30
        order = [Reply.field_tested.desc(), Reply.outcome_reported.desc()] + order
    if by_prompt:
        order = [Prompt.position.is_(None), Prompt.position] + order
    return query.order_by(*order)


def reply_to_target(actor, thread_id, reply_id):
    """A contribution of this thread the actor can see and answer (with its author), or None."""
    reply = session().scalar(select(Reply).where(Reply.id == reply_id,
                                                 Reply.thread_id == thread_id)
                             .options(joinedload(Reply.author)))
    if reply is None or reply.is_deleted or not can_see(actor, reply):
        return None
    return reply


def answer_ids_sql(actor):
    """SQL: "12,15", the ids of the contributions answering each reply that the actor may see
    (a correlated subquery: the page's "N replies" cost no query of their own)."""
    query = select(func.aggregate_strings(cast(ANSWER.id, String), ",")).where(
        ANSWER.reply_to_id == Reply.id)
    return visible_replies(actor, query, reply=ANSWER).scalar_subquery()


def reply_to_name_sql():
    """SQL: the author's name of the live contribution each reply answers ("" when that author
    is removed, NULL when it is hidden or deleted): a correlated subquery, where loading the
    parent rows and their authors as objects cost a quarter of the page's loading."""
    return (select(func.coalesce(PARENT_AUTHOR.display_name, ""))
            .select_from(PARENT).outerjoin(PARENT_AUTHOR, PARENT_AUTHOR.id == PARENT.author_id)
            .where(PARENT.id == Reply.reply_to_id, live_reply(PARENT)).scalar_subquery())


def answers(reply):
    """The ids of a listed reply's visible answers, oldest first ([] when none)."""
    return sorted(int(i) for i in (reply.answer_ids or "").split(",") if i)


def list_tagged_replies(actor, tag, before=None, per_page=None):
    """Visible contributions carrying a tag, across all threads, newest (highest id) first.

    A keyset Slice: rows below reply id `before`, read backwards off the (tag_id, reply_id)
    index, so every page costs the same at 20,000 tagged contributions as at 20.
    """
    per_page = per_page or current_app.config["FORUM_THREADS_PER_PAGE"]
    query = (
        select(Reply)
        .join(ReplyTag, and_(ReplyTag.reply_id == Reply.id, ReplyTag.tag_id == tag.id))
        .join(Thread, Reply.thread_id == Thread.id)
        .options(contains_eager(Reply.thread), joinedload(Reply.author),
                 joinedload(Reply.prompt), selectinload(Reply.tags))
    )
    query = visible_threads(actor, visible_replies(actor, query))
    return slice_before(query, ReplyTag.reply_id, before, per_page)


def get_reply(reply_id):
    """A reply by id, or NotFound."""
    return get_or_not_found(Reply, reply_id, _("That contribution does not exist."))


def load_reply(reply_id):
    """A reply with author, prompt and tags loaded afresh (after a write, for a response)."""
    reply = session().scalar(
        select(Reply).where(Reply.id == reply_id).execution_options(populate_existing=True)
        .options(selectinload(Reply.author), selectinload(Reply.prompt),
                 selectinload(Reply.tags)))
    if reply is None:
        raise NotFound(_('That contribution does not exist.'))
    return reply


def visible_reply(actor, reply_id):
    """A reply the actor may read, its thread visible too, loaded as load_reply; else NotFound."""
    reply = load_reply(reply_id)
    if not can_see(actor, reply):
        raise NotFound(REPLY_GONE)
    _open_thread(session(), actor, reply.thread_id)
    return reply


FORBIDDEN_CHANGE = {
    "edit": _lazy("Only its author or a moderator can edit this contribution."),
    "retag": _lazy("Only its author or a moderator can retag this contribution."),
    "delete": _lazy("Only its author or a moderator can delete this contribution."),
}


def _reply_for_change(db_session, actor, reply_id, verb, allowed=can_edit):
    """The reply the actor (a member already) may change: 404 if gone or not visible to them,
    403 if `allowed` (a permissions check) says no."""
    reply = db_session.get(Reply, reply_id)
    if reply is None or not (can_see(actor, reply) or is_author(actor, reply)):
        raise NotFound(_('That contribution does not exist.'))
    if reply.is_deleted and not can_restore(actor, reply):
        raise NotFound(_('That contribution was deleted.'))
    if not can_see(actor, reply):  # hidden: frozen for its author until a moderator restores it
        raise NotFound(REPLY_GONE)
    if not allowed(actor, reply):
        raise Forbidden(FORBIDDEN_CHANGE.get(verb, FORBIDDEN_CHANGE["edit"]))
    _open_thread(db_session, actor, reply.thread_id)
    return reply


def reply_for_editing(actor, reply_id):
    """The reply with its tags and thread prompts, if the actor may edit it (else 403/404)."""
    actor.require_member()
    reply = _reply_for_change(session(), actor, reply_id, "edit")
    return session().execute(
        select(Reply).where(Reply.id == reply.id).options(
            selectinload(Reply.tags), joinedload(Reply.thread).selectinload(Thread.prompts),
            joinedload(Reply.prompt))
    ).scalar_one()


def edit_reply(actor, reply_id, body, prompt_position=None, tags=None, reason="",
               confirm_confidential=False):
    """Change a reply's text (and prompt and tags): the previous text is kept as a revision.

    Only the author or a moderator may edit (403 otherwise); a deleted reply cannot be edited
    (restore it first); members cannot edit in a locked thread. tags=None keeps the chosen tags
    (hashtags of the new text are added); a moderator editing another's reply is logged.
    A changed text goes through the confidentiality guard like a new contribution.
    """
    member = actor.require_member()
    body = validate_body(body)
    previous = _reply_for_change(session(), actor, reply_id, "edit")  # 404/403 come first
    found = confidentiality.check({"body": body}, confirm_confidential) if (
        body != previous.body) else {}
    with atomic() as db_session:
        reply = _reply_for_change(db_session, actor, reply_id, "edit")
        if reply.is_deleted:
            raise Conflict(_('This contribution is deleted: restore it before editing.'),
                           field="body")
        if db_session.get(Thread, reply.thread_id).is_locked and not actor.can_moderate:
            raise Conflict(_('This thread is locked: its contributions can no longer be edited.'),
                           field="body")
        if tags is None:
            tags = list(db_session.scalars(
                select(Tag.name).join(ReplyTag, ReplyTag.tag_id == Tag.id)
                .where(ReplyTag.reply_id == reply.id).order_by(Tag.slug)))
        tag_names = with_hashtags(tags, body)
        prompt_id = _prompt_id(db_session, reply.thread_id, prompt_position)
        before = reply.body
        if body != before:
            confidentiality.flag_posted(db_session, found, reply_id=reply.id)
            db_session.add(ReplyRevision(reply_id=reply.id, editor_id=member.id, body=before,
                                         created_at=utcnow()))
            reply.body, reply.edited_at = body, utcnow()
            notifications.contribution_edited(reply)  # a name it now mentions is told
        reply.html = mentions.contribution_html(body, hashtag_linker(tag_names))
        reply.prompt_id = prompt_id
        replace_tags(ReplyTag, "reply_id", reply.id, tag_names)
        db_session.flush()
        adjust_thread_counters(reply.thread_id, 0)
        if reply.author_id != member.id:
            log_action(member, "reply.edit", "reply", reply.id, reason=reason,
                       before={"body": before}, after={"body": body})
    return reply


def set_reply_tags(actor, reply_id, tags, reason=""):
    """Replace a reply's tags (its author or a moderator); a moderator's change is logged."""
    member = actor.require_member()
    with atomic() as db_session:
        reply = _reply_for_change(db_session, actor, reply_id, "retag",
                                  allowed=can_edit_tags)
        before = list(db_session.scalars(
            select(Tag.slug).join(ReplyTag, ReplyTag.tag_id == Tag.id)
            .where(ReplyTag.reply_id == reply.id).order_by(Tag.slug)))
        new_tags = replace_tags(ReplyTag, "reply_id", reply.id, parse_tag_names(tags))
        if reply.author_id != member.id:
            log_action(member, "reply.tags", "reply", reply.id, reason=reason,
                       before=before, after=[tag.slug for tag in new_tags])
    return new_tags


def delete_reply(actor, reply_id, reason=""):
    """Soft-delete a reply (its author or a moderator): its text leaves every page at once.

    The Markdown source stays (for a moderator's restore) but the rendered html is emptied, so
    nothing that renders replies can show it. A moderator deleting another's reply is logged.
    """
    member = actor.require_member()
    with atomic() as db_session:
        reply = _reply_for_change(db_session, actor, reply_id, "delete",
                                  allowed=can_delete)
        if reply.is_deleted:
            return reply
        was_visible = is_live(reply)
        reply.is_deleted, reply.deleted_at, reply.html = True, utcnow(), ""
        db_session.flush()
        adjust_thread_counters(reply.thread_id, -1 if was_visible else 0)
        if reply.author_id != member.id:
            log_action(member, "reply.delete", "reply", reply.id, reason=reason)
    return reply


def restore_reply(actor, reply_id, reason=""):
    """Undo a soft delete (moderators only), re-rendering the kept source; logged."""
    moderator = actor.require_moderator()
    with atomic() as db_session:
        reply = db_session.get(Reply, reply_id)
        if reply is None:
            raise NotFound(_('That contribution does not exist.'))
        if not reply.is_deleted:
            return reply
        reply.is_deleted, reply.deleted_at = False, None
        tag_names = db_session.scalars(select(Tag.name).join(ReplyTag, ReplyTag.tag_id == Tag.id)
                                       .where(ReplyTag.reply_id == reply.id))
        reply.html = mentions.contribution_html(reply.body, hashtag_linker(tag_names))
        db_session.flush()
        adjust_thread_counters(reply.thread_id, 0 if reply.is_hidden else +1)
        log_action(moderator, "reply.restore", "reply", reply.id, reason=reason)
    return reply


def reply_history(actor, reply_id):
    """(reply, revisions newest first, with editors) for moderators; 403 for everyone else."""
    actor.require_moderator()
    reply = session().execute(
        select(Reply).where(Reply.id == reply_id).options(
            joinedload(Reply.author), joinedload(Reply.thread))
    ).scalar_one_or_none()
    if reply is None:
        raise NotFound(_('That contribution does not exist.'))
    revisions = session().scalars(
        select(ReplyRevision).where(ReplyRevision.reply_id == reply_id)
        .options(joinedload(ReplyRevision.editor))
        .order_by(ReplyRevision.created_at.desc(), ReplyRevision.id.desc())
    ).all()
    return reply, revisions



def reply_location(actor, reply, per_page=None):
    """(thread slug, page number in reading order) of the page showing a reply, for redirects:
    ONE query; NotFound when the thread is hidden from the actor."""
    per_page = per_page or current_app.config["FORUM_REPLIES_PER_PAGE"]
    earlier = select(func.count()).select_from(Reply).where(
        Reply.thread_id == reply.thread_id,
        (Reply.created_at < reply.created_at)
        | ((Reply.created_at == reply.created_at) & (Reply.id < reply.id)))
    earlier = visible_replies(actor, earlier)
    row = session().execute(select(Thread, earlier.scalar_subquery())
                            .where(Thread.id == reply.thread_id)).one_or_none()
    thread = visible_thread(actor, row[0] if row else None)
    return thread.slug, row[1] // per_page + 1
