"""Contributions: adding a reply (Markdown rendered once, hashtags as tags) and listing them."""
from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from forum import markup
from forum.database import atomic, session
from forum.errors import Conflict, NotFound, ValidationError
from forum.models import Prompt, Reply, ReplyTag, Thread, utcnow
from forum.services.tags import get_or_create_tags, hashtags, parse_tag_names
from forum.services.threads import Page

BODY_MAX = 20_000


def validate_body(body):
    """The cleaned Markdown source, or a ValidationError on the body field."""
    body = markup.clean_text(body).strip()
    if not body:
        raise ValidationError("Write something first: the contribution is empty.", field="body")
    if len(body) > BODY_MAX:
        raise ValidationError(
            f"A contribution has at most {BODY_MAX:,} characters (this one has {len(body):,}).",
            field="body")
    return body


def _tag_names_for(body, chosen):
    """Chosen tags plus hashtags from the text, within the per-item limit."""
    names = parse_tag_names(chosen)
    limit = current_app.config["FORUM_MAX_TAGS"]
    seen = {name.casefold() for name in names}
    for name in hashtags(body):
        if len(names) >= limit:
            break
        if name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return names


def add_reply(actor, thread_id, body, prompt_position=None, tags=()):
    """Add a contribution to an open thread and bump its counters in the same transaction."""
    member = actor.require_member()
    body = validate_body(body)
    tag_names = _tag_names_for(body, tags)
    with atomic() as db_session:
        thread = db_session.get(Thread, thread_id)
        if thread is None or (thread.is_hidden and not actor.can_moderate):
            raise NotFound("That thread does not exist or was removed.")
        if thread.is_locked:
            raise Conflict("This thread is locked: it accepts no new contributions.",
                           field="body")
        prompt_id = None
        if prompt_position not in (None, ""):
            prompt_id = db_session.scalar(select(Prompt.id).where(
                Prompt.thread_id == thread_id, Prompt.position == int(prompt_position)))
            if prompt_id is None:
                raise ValidationError("That prompt is not part of this thread.", field="prompt")
        now = utcnow()
        reply = Reply(thread_id=thread_id, author_id=member.id, prompt_id=prompt_id, body=body,
                      html=str(markup.render(body)), created_at=now)
        db_session.add(reply)
        db_session.flush()
        for tag in get_or_create_tags(tag_names):
            db_session.add(ReplyTag(reply_id=reply.id, tag_id=tag.id))
        db_session.execute(
            update(Thread).where(Thread.id == thread_id)
            .values(reply_count=Thread.reply_count + 1, last_activity_at=now)
        )
    return reply


def list_replies(actor, thread, page=1, per_page=None):
    """A page of a thread's contributions, oldest first, with authors, prompts and tags loaded."""
    per_page = per_page or current_app.config["FORUM_REPLIES_PER_PAGE"]
    query = select(Reply).where(Reply.thread_id == thread.id)
    if not actor.can_moderate:
        query = query.where(Reply.is_hidden.is_(False), Reply.is_deleted.is_(False))
    total = session().scalar(select(func.count()).select_from(query.subquery()))
    items = session().scalars(
        query.options(selectinload(Reply.author), selectinload(Reply.prompt),
                      selectinload(Reply.tags))
        .order_by(Reply.created_at, Reply.id).limit(per_page).offset((page - 1) * per_page)
    ).all()
    return Page(items=items, page=page, per_page=per_page, total=total)


def get_reply(reply_id):
    """A reply by id, or NotFound."""
    reply = session().get(Reply, reply_id)
    if reply is None:
        raise NotFound("That contribution does not exist.")
    return reply
