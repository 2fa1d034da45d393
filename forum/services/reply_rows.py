"""A thread page's contributions as plain read-only rows, from one Core select and a second for
their tags: building ORM objects for a 200-contribution page cost a third of its time.

The rows answer what the page reads of a Reply (its columns but the Markdown source, author,
prompt, tags, answers, star counts); they are not in the session, so nothing can flush or
expire them, and a page's rows can be kept for later requests (web.list_cache). Writes load Reply
objects as before (services.replies).
"""
from collections import namedtuple
from types import SimpleNamespace

from flask import current_app
from sqlalchemy import bindparam, select

from forum.database import session
from forum.models import Member, Prompt, Reply, ReplyTag, Tag
from forum.services.paging import counted_page_statement, run_counted_page
from forum.services.ratings import score_parameters
from forum.services.replies import (
    answer_ids_sql, reply_sort, reply_to_name_sql, thread_page_query,
)
from forum.services.visibility import rule_key

UNREAD = {"body"}  # the Markdown source: the page shows the html (and sorting 200 bodies it
# never reads took SQLite 1.3 ms, two fifths of the page's query)
REPLY_COLUMNS = tuple(column for column in Reply.__table__.c if column.key not in UNREAD)
FIELDS = tuple(column.key for column in REPLY_COLUMNS) + ("answer_ids", "reply_to_name")
TAG_COLUMNS = ReplyTag.__table__.c
TAG_BATCH = 500  # ids per IN list, as SQLAlchemy's selectin loading does
TagRow = namedtuple("TagRow", "id name slug")
PromptRow = namedtuple("PromptRow", "id position label text")


class AuthorRow(SimpleNamespace):
    """A contribution's author as the page shows them (name, verified credentials)."""

    __tablename__ = Member.__tablename__
    badges = Member.badges
    __eq__ = object.__eq__
    __hash__ = object.__hash__


class ReplyRow(SimpleNamespace):
    """A contribution as the thread page reads it (attribute names as on Reply)."""

    __tablename__ = Reply.__tablename__
    star_counts = Reply.star_counts
    __eq__ = object.__eq__  # one object per contribution, like ORM rows (hashable, by identity)
    __hash__ = object.__hash__


def list_reply_rows(actor, thread, page=1, per_page=None, by_prompt=False, include_deleted=False,
                    sort=None):
    """services.replies.list_replies for the thread page, as ReplyRows: the same contributions
    in the same order (sort as checked by replies.reply_sort), two queries in all."""
    per_page = per_page or current_app.config["FORUM_REPLIES_PER_PAGE"]
    sort = reply_sort(thread, sort)
    query, statement = _page_statements(rule_key(actor), sort, by_prompt, include_deleted)
    params = {"page_thread_id": thread.id, **(score_parameters() if sort == "best" else {})}
    result = run_counted_page(statement, query, params, page, per_page)
    authors, prompts, rows, extra = {}, {}, [], len(FIELDS)
    for values in result.items:
        row = ReplyRow(**dict(zip(FIELDS, values)))
        member_id, name, credentials, position, label, text = values[extra:extra + 6]
        if member_id is None:
            row.author = None
        else:  # one AuthorRow a member a page
            row.author = authors.get(member_id) or authors.setdefault(member_id, AuthorRow(
                id=member_id, display_name=name, verified_credentials=credentials))
        if row.prompt_id is None or position is None:
            row.prompt = None
        else:  # one PromptRow a prompt a page (plain, so a page's rows outlive its session)
            row.prompt = prompts.get(row.prompt_id) or prompts.setdefault(
                row.prompt_id, PromptRow(row.prompt_id, position, label, text))
        row.tags = []
        rows.append(row)
    _load_tags(rows)
    result.items = rows
    return result


_PAGE_STATEMENTS = {}  # (visibility rule key, sort, by_prompt, include_deleted) -> statements


def _page_statements(key, sort, by_prompt, include_deleted):
    """(the page's select, that select counted and paged) for one visibility rule, sort and
    grouping, built once (building them cost a third of what running them does); the thread,
    the page and the Bayesian prior are bound per call."""
    found = _PAGE_STATEMENTS.get((key, sort, by_prompt, include_deleted))
    if found is None:
        actor = SimpleNamespace(can_moderate=key)  # what the visibility rules read: rule_key
        thread = SimpleNamespace(id=bindparam("page_thread_id"))
        query = select(*REPLY_COLUMNS, answer_ids_sql(actor).label("answer_ids"),
                       reply_to_name_sql().label("reply_to_name"),
                       Member.id.label("author_member_id"),
                       Member.display_name.label("author_name"),
                       Member.verified_credentials.label("author_credentials"),
                       Prompt.position.label("prompt_position"),
                       Prompt.label.label("prompt_label"), Prompt.text.label("prompt_text"))
        query = thread_page_query(actor, thread, query, sort, by_prompt, include_deleted)
        query = query.outerjoin(Member, Member.id == Reply.author_id)
        found = _PAGE_STATEMENTS[key, sort, by_prompt, include_deleted] = (
            query, counted_page_statement(query))
    return found


def _load_tags(rows):
    """Fill each row's tags, ordered by slug (one query a page; one TagRow a tag)."""
    by_id = {row.id: row.tags for row in rows}
    ids, tags = list(by_id), {}
    for start in range(0, len(ids), TAG_BATCH):
        for reply_id, tag_id, name, slug in session().connection().execute(
                TAGS_OF_REPLIES, {"reply_ids": ids[start:start + TAG_BATCH]}).all():
            tag = tags.get(tag_id)
            if tag is None:
                tag = tags[tag_id] = TagRow(tag_id, name, slug)
            by_id[reply_id].append(tag)


TAG_TABLE = Tag.__table__
TAGS_OF_REPLIES = (  # built once: (reply id, tag id, name, slug) of the replies reply_ids
    select(TAG_COLUMNS.reply_id, TAG_TABLE.c.id, TAG_TABLE.c.name, TAG_TABLE.c.slug)
    .join(TAG_TABLE, TAG_TABLE.c.id == TAG_COLUMNS.tag_id)
    .where(TAG_COLUMNS.reply_id.in_(bindparam("reply_ids", expanding=True)))
    .order_by(TAG_TABLE.c.slug))
