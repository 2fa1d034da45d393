"""Full-text search over threads and replies: FTS5 on SQLite, tsvector on PostgreSQL.

The index (table forum_search, kept current by triggers from migration 0002_search) is joined
with the live rows at query time, so hidden threads, hidden replies and deleted replies never
appear. Snippets are built here from the plain text of the sanitized HTML, as lists of
(text, is_hit) parts, so templates escape them and no HTML from the index reaches a page.
"""
import math
import re
from dataclasses import dataclass

from flask import current_app
from markupsafe import Markup
from sqlalchemy import Float, Integer, String, column, func, literal, select, text
from sqlalchemy.orm import selectinload

from forum import markup
from forum.database import session
from forum.errors import NotFound, ValidationError
from forum.models import ID_MAX, Reply, Thread
from forum.services.languages import SEARCH_CONFIGS, UNKNOWN_CONFIG
from forum.services.tags import find_tag, is_listed
from forum.services.paging import keyset_page
from forum.services.threads import Page
from forum.services.visibility import live_reply_sql, live_thread_sql
from forum.i18n import gettext as _

KINDS = ("all", "threads", "replies")
QUERY_MAX = 300
WORD_RE = re.compile(r"\w+", re.UNICODE)
PHRASE_RE = re.compile(r'"([^"]*)"|(\S+)')
SNIPPET_WORDS = 30
CANDIDATES = 1000
COMMON_MATCHES = 20_000
# kind, item id, score as Python writes a float back exactly (a finite one: no rank is inf)
CURSOR_RE = re.compile(r"([tr])(\d{1,19})_(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)")
# the API's cursor: the number of the page it opens, then the keyset cursor ("3_r42_-1.25")
API_CURSOR_RE = re.compile(r"([1-9]\d{0,5})_(.+)")


@dataclass
class Hit:
    """One search result: a thread or a reply, with highlighted title and snippet parts."""

    kind: str
    thread: Thread
    reply: Reply | None
    title_parts: list
    snippet_parts: list

    @property
    def snippet(self):
        """The snippet as plain text."""
        return "".join(part for part, _hit in self.snippet_parts)


def parse_query(raw):
    """User input -> (phrases, terms): quoted phrases kept, operators and punctuation dropped."""
    raw = markup.clean_line(raw)[:QUERY_MAX]
    phrases = []
    for quoted, bare in PHRASE_RE.findall(raw):
        words = WORD_RE.findall(quoted if quoted else bare)
        if words:
            phrases.append(words)
    terms = [word.casefold() for words in phrases for word in words]
    return phrases, terms


def fts5_query(phrases):
    """An FTS5 MATCH expression: every phrase double-quoted (so no input is an operator), ANDed."""
    return " AND ".join('"' + " ".join(words).replace('"', '""') + '"' for words in phrases)


def tsquery_text(phrases):
    """to_tsquery input: every word quoted (never an operator), a single word matched as a prefix
    of its stem (German "Klientin" finds "Klientinnen", stemmed "klientinn"), phrases in order."""
    def quoted(word):
        return "'" + word + "'"  # words are \w+ only: no quote can be inside
    parts = [quoted(words[0]) + ":*" if len(words) == 1
             else "(" + " <-> ".join(quoted(word) for word in words) + ")" for words in phrases]
    return " & ".join(parts)


def _live_filter(kind, tag_id):
    """SQL conditions: live thread, live reply, wanted kind, wanted tag."""
    conditions = [live_thread_sql("t"),
                  f"(s.kind = 't' OR (r.id IS NOT NULL AND {live_reply_sql('r')}))"]
    if kind == "threads":
        conditions.append("s.kind = 't'")
    elif kind == "replies":
        conditions.append("s.kind = 'r'")
    if tag_id is not None:
        conditions.append(
            "(EXISTS (SELECT 1 FROM forum_thread_tag tt WHERE tt.thread_id = t.id "
            "AND tt.tag_id = :tag_id) OR (s.kind = 'r' AND EXISTS (SELECT 1 FROM "
            "forum_reply_tag rt WHERE rt.reply_id = r.id AND rt.tag_id = :tag_id)))")
    return " AND ".join(conditions)


def _ranked_ids(phrases, kind, tag_id, page, per_page, cursor):
    """(kind, item id) of one page of matches, best first, the number of candidates, and the
    next page's cursor.

    The CANDIDATES most recent matches (less hidden ones on PostgreSQL) are ranked, so
    ranking costs the same however common the words are. Count and page come from one query.
    Keyset paging (see search_cursor): the page after the cursor's match in the ranking's own
    order, best score, then item id and kind, so a total order with no ties.
    """
    dialect = session().get_bind().dialect.name
    live = (f"JOIN forum_thread t ON t.id = s.thread_id "
            f"LEFT JOIN forum_reply r ON s.kind = 'r' AND r.id = s.item_id "
            f"WHERE {{match}} AND {_live_filter(kind, tag_id)}")
    params = {"false": False, "tag_id": tag_id, "cap": CANDIDATES}
    if dialect == "sqlite":
        params["q"] = fts5_query(phrases)
        # bm25 is lower for better matches: negated, every key of the order is descending
        candidates = ("SELECT s.kind, s.item_id, -bm25(forum_search, 4.0, 1.0) AS score "
                      "FROM forum_search s " + live.format(match="forum_search MATCH :q")
                      + " ORDER BY s.rowid DESC LIMIT :cap")
    else:
        params["q"] = tsquery_text(phrases)
        # The query in every configuration the threads use (each thread and its replies are
        # indexed in their language's): one GIN scan finds "Klientinnen" for "Klientin" in
        # German threads and "clients" for "client" in English ones.
        query = "(" + " || ".join(f"to_tsquery('{config}', :q)"
                                  for config in _configs_in_use()) + ")"
        order = "id DESC" if _common(query, params["q"]) else "id + 0 DESC"
        # The newest matches by id alone (no joins, no document) first; only those are then
        # checked for visibility and carry their document out to be ranked: 199 -> 58 ms on
        # one core for a word in 8,333 documents, where joining and sorting every match first
        # read every document.
        newest = (f"SELECT id FROM forum_search WHERE document @@ {query} "
                  f"ORDER BY {order} LIMIT :cap")
        # float8: a real's text form is rounded, and a cursor must give back the exact score
        candidates = (f"SELECT s.kind, s.item_id, ts_rank_cd(s.document, {query})::float8 "
                      f"AS score FROM ({newest}) AS m JOIN forum_search s ON s.id = m.id "
                      + live.format(match="TRUE"))
    params = {key: value for key, value in params.items() if f":{key}" in candidates}
    found = text(candidates).bindparams(**params).columns(
        column("kind", String), column("item_id", Integer), column("score", Float)).cte("c")
    total = select(func.count()).select_from(found).scalar_subquery()
    key = (found.c.score, found.c.item_id, found.c.kind)
    if cursor is not None:
        # The cursor's hit's score as it ranks now (the cursor's copy if it is gone): bm25 on
        # SQLite weighs words by how many documents hold them, so a new match shifts every
        # score, and the old score would skip or repeat the rest of the walk.
        score, item_id, item_kind = cursor
        now = select(found.c.score).where(found.c.kind == item_kind,
                                          found.c.item_id == item_id).scalar_subquery()
        cursor = (func.coalesce(now, literal(score, Float)), item_id, item_kind)
    ranked = keyset_page(
        select(*key, total.label("total")).order_by(*(part.desc() for part in key)),
        key, cursor, page, per_page, search_cursor, entities=False)
    if ranked.items:
        count = ranked.items[0].total
    else:  # nothing matched, or a page past the end
        count = session().scalar(select(func.count()).select_from(found)) \
            if cursor or page > 1 else 0
    return [(row.kind, row.item_id) for row in ranked.items], count, ranked.next_after


def search_cursor(row):
    """The keyset cursor after a ranked match: kind, item id and exact score ("r42_-1.25")."""
    return f"{row.kind}{row.item_id}_{row.score!r}"


def parse_search_cursor(text):
    """(score, item id, kind) from a search cursor, or None (then ?page= counts) if malformed."""
    found = CURSOR_RE.fullmatch(text or "")
    if not found or int(found[2]) > ID_MAX or not math.isfinite(float(found[3])):
        return None
    return float(found[3]), int(found[2]), found[1]


def api_cursor(page):
    """The API's next_cursor after a page of results: the next page's number and its keyset
    cursor in one value (the pages' "Next" link carries them as page= and after=), or None at
    the end."""
    return f"{page.page + 1}_{page.next_after}" if page.next_after else None


def parse_api_cursor(text):
    """(page number, keyset cursor) from an API cursor; a malformed one is a 422, since a client
    that sends a cursor must get the page after it or be told, never some other page."""
    found = API_CURSOR_RE.fullmatch(text)
    if not found or parse_search_cursor(found[2]) is None:
        raise ValidationError(_("The cursor is not one this search gave: pass the previous "
                                "page's next_cursor unchanged."), field="cursor")
    return int(found[1]), found[2]


def _configs_in_use():
    """The text search configurations of the languages threads are in, 'simple' always among
    them (PostgreSQL; the distinct languages are found by index skip-scan, one probe each)."""
    configs = session().execute(text(
        "WITH RECURSIVE codes AS ("
        " (SELECT language FROM forum_thread WHERE language IS NOT NULL"
        "  ORDER BY language LIMIT 1)"
        " UNION ALL SELECT (SELECT t.language FROM forum_thread t WHERE t.language > c.language"
        "  ORDER BY t.language LIMIT 1) FROM codes c WHERE c.language IS NOT NULL)"
        " SELECT DISTINCT forum_search_config(language)::text AS config FROM codes "
        "ORDER BY config")).scalars()
    known = {*SEARCH_CONFIGS.values(), UNKNOWN_CONFIG}
    return [config for config in configs if config in known] or [UNKNOWN_CONFIG]


def _common(tsquery, q):
    """Whether at least COMMON_MATCHES documents match (PostgreSQL; 8-12 ms at a million rows).

    Common words: the newest matches are found fastest by walking the primary key backwards
    (7 ms for a word in 90% of documents). Rarer words: from the GIN index, then sorted by id
    ("s.id + 0" keeps the planner off that walk: it assumes matches are spread evenly, and
    for a word found only in older posts the walk read 924,500 rows, 1.7 s, against 43 ms).
    """
    return session().execute(text(
        f"SELECT count(*) FROM (SELECT 1 FROM forum_search WHERE document @@ {tsquery} "
        "LIMIT :common) AS found"), {"q": q, "common": COMMON_MATCHES}).scalar() >= COMMON_MATCHES


def _matches(word, terms):
    """Whether a word of the text is a hit for one of the query terms (tolerating stem endings)."""
    word = word.casefold()
    for term in terms:
        stem = term if len(term) < 5 else term[:max(4, len(term) - 3)]
        if word.startswith(stem) or (len(word) >= 4 and term.startswith(word)):
            return True
    return False


def highlight(plain, terms, window=None):
    """(text, is_hit) parts of plain text, cut to a window of words around the first hit."""
    tokens = re.split(r"(\w+)", plain)
    hits = [i for i in range(1, len(tokens), 2) if _matches(tokens[i], terms)]
    start, end, prefix, suffix = 0, len(tokens), "", ""
    if window is not None and len(tokens) > 2 * window:
        first = hits[0] if hits else 1
        start = max(0, first - window // 2 * 2)
        end = min(len(tokens), start + 2 * window)
        prefix = "… " if start > 0 else ""
        suffix = " …" if end < len(tokens) else ""
    parts = [(prefix, False)] if prefix else []
    for index in range(start, end):
        if tokens[index]:
            parts.append((tokens[index], index % 2 == 1 and index in hits))
    if suffix:
        parts.append((suffix, False))
    return parts


def plain_text(html):
    """The text of sanitized HTML, whitespace folded."""
    return " ".join(Markup(html).striptags().split())


def _load(ids):
    """Threads and replies for the ranked ids, with what a result needs, in two queries each."""
    thread_ids = [item for kind, item in ids if kind == "t"]
    reply_ids = [item for kind, item in ids if kind == "r"]
    replies = {r.id: r for r in session().scalars(
        select(Reply).where(Reply.id.in_(reply_ids)).options(
            selectinload(Reply.author), selectinload(Reply.tags)))} if reply_ids else {}
    thread_ids += [r.thread_id for r in replies.values()]
    threads = {t.id: t for t in session().scalars(
        select(Thread).where(Thread.id.in_(set(thread_ids))).options(
            selectinload(Thread.author), selectinload(Thread.tags),
            selectinload(Thread.prompts)))} if thread_ids else {}
    return threads, replies


def search(actor, q, tag=None, kind="all", page=1, per_page=None, after=None):
    """A page of ranked hits for a query; an empty query or one of only stop words finds nothing.

    after: the cursor the previous page's pager gave (Page.next_after), for keyset paging;
    without one (or a malformed one) `page` is found by OFFSET.
    """
    if kind not in KINDS:
        raise ValidationError(_('Search in one of %(join)s.', join=', '.join(KINDS)), field="kind")
    per_page = per_page or current_app.config["FORUM_THREADS_PER_PAGE"]
    phrases, terms = parse_query(q)
    tag_row = None
    if tag:
        tag_row = find_tag(tag)
        if tag_row is None or not is_listed(actor, tag_row):
            raise NotFound(_('No tag %(value)s.', value=repr(markup.clean_line(tag)[:50])))
    if not phrases:
        return Page(items=[], page=page, per_page=per_page, total=0)
    ids, total, next_after = _ranked_ids(phrases, kind, tag_row.id if tag_row else None, page,
                                         per_page, parse_search_cursor(after))
    threads, replies = _load(ids)
    items = []
    for item_kind, item_id in ids:
        if item_kind == "t":
            thread = threads[item_id]
            body = " ".join([plain_text(thread.lead_html)] + [
                f"{p.label}: {p.text}" for p in thread.prompts] + [thread.call_to_action])
            items.append(Hit("thread", thread, None, highlight(thread.title, terms),
                             highlight(body.strip(), terms, SNIPPET_WORDS)))
        else:
            reply = replies[item_id]
            thread = threads[reply.thread_id]
            items.append(Hit("reply", thread, reply, highlight(thread.title, terms),
                             highlight(plain_text(reply.html), terms, SNIPPET_WORDS)))
    return Page(items=items, page=page, per_page=per_page, total=total, next_after=next_after)
