"""Threads: starting one in the discussion format, listing, and loading a thread page."""
import re
from datetime import datetime, timedelta, timezone
from functools import cache

from flask import current_app
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload, selectinload

from forum import markup
from forum.database import atomic, session
from forum.errors import Forbidden, NotFound, ValidationError, collect
from forum.models import (
    Member, Prompt, RatingTotal, RelatedLink, Reply, Thread, ThreadTag, utcnow,
)
from forum.services import confidentiality, notifications, ratings
from forum.services.audit import log_action
from forum.services.drafts import discard_draft
from forum.services.languages import detect_thread_language
from forum.services.paging import Page, keyset_page, paginate
from forum.services.permissions import can_edit_tags, is_author
from forum.services.tags import (  # tag_for_listing: re-exported for the pages
    get_or_create_tags, parse_tag_names, replace_tags, tag_for_listing,
)
from forum.services.visibility import live_reply, visible_thread, visible_threads
from forum.i18n import gettext as _

__all__ = ["Page", "tag_for_listing"]  # re-exported: callers import them from here

TITLE_MIN, TITLE_MAX, LEAD_MAX, CTA_MAX = 10, 200, 2000, 500
PROMPTS_MAX, LABEL_MAX, PROMPT_TEXT_MAX = 10, 80, 500
THREAD_SORTS = ("latest", "newest", "replies", "unanswered", "top", "tested")


def title_key(title):
    """Case- and space-insensitive key for finding a thread by its question."""
    return " ".join(title.split()).casefold()[:200]


def slug_for(title):
    """A URL slug for a thread title."""
    slug = re.sub(r"[^\w]+", "-", title.casefold()).strip("-")
    return slug[:80].rstrip("-") or "thread"


def validate_title(title):
    """The cleaned title, or a ValidationError on the title field."""
    title = markup.clean_line(title)
    if len(title) < TITLE_MIN or len(title) > TITLE_MAX:
        raise ValidationError(
            _('A title has %(title_min)s to %(title_max)s characters (this one has %(count)s).', title_min=TITLE_MIN, title_max=TITLE_MAX, count=len(title)),
            field="title")
    return title


def parse_prompts(raw):
    """Prompts from a list of {label, text} dicts or from lines of "Label: text"."""
    if isinstance(raw, str):
        items = []
        for number, line in enumerate(raw.splitlines(), 1):
            line = markup.clean_line(line).lstrip("-•* ").strip()
            if not line:
                continue
            label, sep, text = line.partition(":")
            if not sep or not label.strip():
                raise ValidationError(
                    _('Prompt line %(number)s needs a label before a colon, like "Cultivate trust: Build rapport first".', number=number), field="prompts")
            items.append({"label": label, "text": text})
    else:
        items = list(raw or [])
    if len(items) > PROMPTS_MAX:
        raise ValidationError(_('Use at most %(prompts_max)s prompts.', prompts_max=PROMPTS_MAX), field="prompts")
    prompts = []
    for number, item in enumerate(items, 1):
        if not isinstance(item, dict):
            raise ValidationError(_('Each prompt has a label and a text.'), field="prompts")
        label = markup.clean_line(item.get("label"))
        text = markup.clean_line(item.get("text"))
        if not label:
            raise ValidationError(_('Prompt %(number)s needs a label.', number=number), field="prompts")
        if len(label) > LABEL_MAX:
            raise ValidationError(
                _('Prompt %(number)s: a label has at most %(label_max)s characters.', number=number, label_max=LABEL_MAX), field="prompts")
        if not text or len(text) > PROMPT_TEXT_MAX:
            raise ValidationError(
                _('Prompt %(number)s: the text has 1 to %(prompt_text_max)s characters.', number=number, prompt_text_max=PROMPT_TEXT_MAX),
                field="prompts")
        prompts.append(Prompt(position=number - 1, label=label, text=text))
    return prompts


def thread_fields(title, lead, prompt_rows, call_to_action):
    """A thread's texts by field name, for the confidentiality guard."""
    fields = {"title": title, "lead": lead, "call_to_action": call_to_action}
    for prompt in prompt_rows:
        fields[f"prompts[{prompt.position}].label"] = prompt.label
        fields[f"prompts[{prompt.position}].text"] = prompt.text
    return fields


def validate_lead(lead):
    """The cleaned lead, or a ValidationError on the lead field."""
    lead = markup.clean_text(lead).strip()
    if len(lead) > LEAD_MAX:
        raise ValidationError(_('The lead has at most %(lead_max)s characters.', lead_max=LEAD_MAX), field="lead")
    return lead


def validate_call_to_action(call_to_action):
    """The cleaned call to action, or a ValidationError on its field."""
    call_to_action = markup.clean_line(call_to_action)
    if len(call_to_action) > CTA_MAX:
        raise ValidationError(
            _('The call to action has at most %(cta_max)s characters.', cta_max=CTA_MAX), field="call_to_action")
    return call_to_action


def start_thread(actor, title, lead="", prompts=(), call_to_action="", tags=(),
                 confirm_confidential=False):
    """Create a thread in the discussion format and return it.

    Every field is checked before any error is raised: several bad fields raise one
    ValidationErrors naming each. Text that may identify a client raises ConfidentialError
    unless confirm_confidential (then the thread gets a system `client-info` flag).
    """
    member = actor.require_member()
    title, lead, call_to_action, prompt_rows, tag_names = collect(
        lambda: validate_title(title), lambda: validate_lead(lead),
        lambda: validate_call_to_action(call_to_action), lambda: parse_prompts(prompts),
        lambda: parse_tag_names(tags))
    found = confidentiality.check(thread_fields(title, lead, prompt_rows, call_to_action),
                                  confirm_confidential)
    with atomic() as db_session:
        now = utcnow()
        thread = Thread(
            title=title, title_key=title_key(title), slug=slug_for(title), lead=lead,
            lead_html=str(markup.render(lead)), call_to_action=call_to_action,
            author_id=member.id, created_at=now, last_activity_at=now, prompts=prompt_rows,
            fan_out_pending=True,  # cleared by the fan-out job (services/notifications.py)
            language=detect_thread_language(
                title, lead, call_to_action, *(f"{p.label} {p.text}" for p in prompt_rows)),
        )
        db_session.add(thread)
        db_session.flush()
        for tag in get_or_create_tags(tag_names):
            db_session.add(ThreadTag(thread_id=thread.id, tag_id=tag.id))
        db_session.flush()
        discard_draft(member.id)
        confidentiality.flag_posted(db_session, found, thread_id=thread.id)
        notifications.thread_started(thread)
    return thread


def list_threads(actor, sort="latest", tag=None, page=1, counted=True, after=None):
    """A page of threads with authors and tags loaded: three queries whatever the page size.

    sort is one of THREAD_SORTS; tag (a Tag from tag_for_listing/find_tag) filters the list.
    counted=False leaves out the total (and its COUNT query): pages say "Page N" only.
    after: for the "latest" sort uncounted, the next page's cursor (Page.next_after) from the
    pager's link: keyset paging, as cheap at page 200 as at page 1.
    """
    if sort not in THREAD_SORTS:
        raise ValidationError(_('Sort by one of %(join)s.', join=', '.join(THREAD_SORTS)), field="sort")
    per_page = current_app.config["FORUM_THREADS_PER_PAGE"]
    query = visible_threads(actor, select(Thread))
    if tag is not None:
        query = query.where(Thread.id.in_(select(ThreadTag.thread_id).where(
            ThreadTag.tag_id == tag.id)))
    if sort == "unanswered":
        query = query.where(Thread.reply_count == 0)
    order = {
        "latest": [Thread.is_pinned.desc(), Thread.last_activity_at.desc()],
        "newest": [Thread.created_at.desc()],
        "replies": [Thread.reply_count.desc(), Thread.last_activity_at.desc()],
        "unanswered": [Thread.created_at.desc()],
        # best field-tested contribution, a column services.outcomes keeps
        "tested": [Thread.field_tested_best.desc(), Thread.last_activity_at.desc()],
    }.get(sort) or ratings.best_first(Thread)  # "top": Bayesian score, computed in SQL
    query = query.options(joinedload(Thread.author), selectinload(Thread.tags)).order_by(
        *order, Thread.id.desc())
    if sort == "latest" and not counted:
        return keyset_page(query, LATEST_KEY, parse_cursor(after), max(1, int(page or 1)),
                           per_page, thread_cursor)
    return paginate(query, page, per_page, count_apart=True, counted=counted)


def last_contributors(threads):
    """{thread id: Member} of the latest live contribution to each of these threads (one
    query for a whole list page; threads without one are left out)."""
    ids = [thread.id for thread in threads]
    if not ids:
        return {}
    latest = (select(Reply.thread_id, func.max(Reply.id).label("reply_id"))
              .where(Reply.thread_id.in_(ids), live_reply()).group_by(Reply.thread_id)
              .subquery())
    rows = session().execute(
        select(latest.c.thread_id, Member).join(Reply, Reply.id == latest.c.reply_id)
        .join(Member, Member.id == Reply.author_id)).all()
    return dict(rows)
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
LATEST_KEY = (Thread.is_pinned, Thread.last_activity_at, Thread.id)  # the "latest" ORDER BY


def thread_cursor(thread):
    """The "latest" keyset cursor after this thread: pinned-microseconds-id (a URL value)."""
    stamp = thread.last_activity_at.replace(tzinfo=timezone.utc) - EPOCH
    return f"{int(thread.is_pinned)}-{stamp // timedelta(microseconds=1)}-{thread.id}"


def parse_cursor(text):
    """(is_pinned, last_activity_at, id) from a cursor, or None (the first page) if malformed."""
    parts = (text or "").split("-")
    if len(parts) != 3 or not all(part.isdigit() for part in parts):
        return None
    pinned, micros, thread_id = (int(part) for part in parts)
    try:
        stamp = EPOCH + timedelta(microseconds=micros)
    except OverflowError:
        return None
    return bool(pinned), stamp, thread_id


def get_thread(actor, thread_id):
    """A thread with author, prompts and reading list (one query), tags (a second); NotFound if
    missing or hidden.

    The one query also brings the site's rating total into the session, so the Bayesian scores
    on the page need no query of their own (ratings.keep_site_total).
    Tags are not joined: SQLite plans the nested thread_tag/tag join by reading every
    thread_tag row (448 ms at 10,000 threads against 0.3 ms for the selectin query).
    """
    thread, total = thread_page_rows(thread_id)
    if thread is not None:
        ratings.keep_site_total(total)
    return visible_thread(actor, thread)


def thread_page_rows(thread_id):
    """(Thread, RatingTotal) as get_thread loads them, (None, None) if there is no such thread;
    whether the viewer may see it is get_thread's (visible_thread) to ask."""
    row = session().execute(_thread_page_query(), {"thread_id": thread_id}).unique().first()
    return (row[0], row[1]) if row else (None, None)


@cache
def _thread_page_query():
    """get_thread's statement, built once (the thread's id bound per call): building it and its
    loader options cost as much as running it."""
    return (select(Thread, RatingTotal).where(Thread.id == bindparam("thread_id"))
            .outerjoin(RatingTotal, RatingTotal.id == 1)
            .options(joinedload(Thread.author), joinedload(Thread.prompts),
                     joinedload(Thread.related_links).joinedload(RelatedLink.target_thread),
                     selectinload(Thread.tags)))


def thread_for_tagging(actor, thread_id):
    """The thread, if the actor may change its tags (its author or a moderator), else 403."""
    actor.require_member()
    thread = get_thread(actor, thread_id)
    if not can_edit_tags(actor, thread):
        raise Forbidden(_("Only the thread's author or a moderator can change its tags."))
    return thread


def set_thread_tags(actor, thread_id, tags, reason=""):
    """Replace a thread's tags (its author or a moderator); a moderator's change is logged."""
    member = actor.require_member()
    names = parse_tag_names(tags)
    with atomic():
        thread = thread_for_tagging(actor, thread_id)
        before = [tag.slug for tag in thread.tags]
        new_tags = replace_tags(ThreadTag, "thread_id", thread.id, names)
        if not is_author(actor, thread):
            log_action(member, "thread.tags", "thread", thread.id, reason=reason,
                       before=before, after=[tag.slug for tag in new_tags])
    return new_tags
