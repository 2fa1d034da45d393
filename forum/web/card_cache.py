"""Contribution cards rendered once and reused for every viewer, members and visitors alike.

A card has a shared part (author, date, prompt, body, tags, rating figures), rendered from a
CardData by forum/_reply_shared.html, and viewer parts (the viewer's own stars, rating buttons,
edit/hide/flag controls), rendered per request into the shared part's slots (web.card_viewer).
The shared part is kept in a byte-bounded LRU per worker (FORUM_FRAGMENT_CACHE_BYTES) and, when
FORUM_CACHE_URL names a Redis, shared by every worker and instance.

The rule that keeps cards fresh: the shared template sees nothing but its CardData, and the
CardData is the cache key. An edit, a rating, hiding, a tag change or a new display name changes
some field, so the next page view renders a new card; nothing needs to be invalidated. Anything
new shown to everyone goes into CardData (card_data below); anything that depends on the viewer
goes into a slot.
"""
import hashlib
import re
import threading
from collections import OrderedDict
from types import SimpleNamespace
from typing import NamedTuple

from flask import current_app, g, request
from flask_babel import get_locale, get_timezone
from markupsafe import Markup

from forum.redis_store import redis_store
from forum.services import outcomes as outcome_service
from forum.services import ratings as rating_service
from forum.services import replies as reply_service
from forum.services.version_cache import app_cache
from forum.web.byte_pages import cards_output
from forum.web.card_viewer import REPORT_ARG, encoded_slots, list_slots
from forum.web.context import current_actor
from forum.web.outcome_widgets import page_outcomes
from forum.web.routes import Routes
from forum.web.thread_page import chips, page_ratings, rating_text
from forum.i18n import gettext as _

routes = Routes()

SHARED_TEMPLATE = "forum/_reply_shared.html"
SLOT = re.compile(rb"<!--forum-slot:(\w+)-->")
ENTRY_OVERHEAD = 512  # bytes counted per card beyond its text (key tuple, strings' headers)
REDIS_PREFIX = "forum:card:"
REDIS_TTL = 24 * 3600  # seconds a shared card outlives its last render (old versions expire)


class TagData(NamedTuple):
    """A tag as the card links it."""

    slug: str
    name: str


class CardData(NamedTuple):
    """Everything the shared card shows, and its cache key (so any change makes a new card)."""

    id: int
    show_prompt: bool
    show_thread: bool
    is_hidden: bool
    is_deleted: bool
    deleted_at: object
    created_at: object
    edited_at: object
    author_id: int | None
    author_name: str
    author_badges: tuple  # the author's verified credentials (profiles, #17)
    prompt: tuple | None  # (position, label)
    thread: tuple | None  # (id, slug, title) when the card names its thread
    reply_to: tuple | None  # (id or None when removed, author name): "in reply to" (#17)
    answers: tuple  # ids of the visible contributions answering this one (#17)
    star_counts: tuple  # ((5, n), (4, n), ...): the star distribution (#17)
    html: str
    tags: tuple
    rating: tuple  # (count, sum of stars): the figures line without the viewer's own stars
    outcomes: object  # services.outcomes.OutcomeFigures: "tried by N, worked for M"
    script_root: str  # where the site is mounted: every link starts there
    locale: str  # the viewer's language: the card's words and date formats (#22)
    time_zone: str  # the viewer's time zone: the card's times (#22)


def card_data(reply, show_prompt=True, show_thread=False, script_root=None, context=None):
    """The CardData of a reply row (its author, prompt, tags and, if shown, thread loaded)."""
    context = context or _request_context()
    script_root = context.root if script_root is None else script_root
    deleted = reply.is_deleted
    prompt = reply.prompt if (show_prompt or show_thread) else None
    author = reply.author
    thread = reply.thread if show_thread else None
    rated = reply.rating_count
    return CardData(  # positional, in CardData's order (a page makes 200)
        reply.id, show_prompt, show_thread, reply.is_hidden, deleted, reply.deleted_at,
        reply.created_at, reply.edited_at,
        author.id if author else None,
        author.display_name if author else _("a former member"),
        tuple(author.badges) if author and author.verified_credentials else (),
        (prompt.position, prompt.label) if prompt else None,
        (thread.id, thread.slug, thread.title) if thread else None,
        _reply_to(reply) if reply.reply_to_id and not show_thread else None,
        () if show_thread or not reply.answer_ids else tuple(reply_service.answers(reply)),
        ((5, reply.stars_5 or 0), (4, reply.stars_4 or 0), (3, reply.stars_3 or 0),
         (2, reply.stars_2 or 0), (1, reply.stars_1 or 0))
        if rated else (),  # Reply.star_counts, without its getattr per star
        "" if deleted else reply.html,
        () if deleted else tuple([TagData(tag.slug, tag.name) for tag in chips(reply)]),
        (rated or 0, reply.rating_sum or 0),
        None if deleted else outcome_service.figures(reply, context.min_reports),
        script_root, context.locale, context.time_zone,
    )


class RequestContext(NamedTuple):
    """What every card of a page reads about the request, looked up once, not per card."""

    root: str
    locale: str
    time_zone: str
    cache: object  # the CardCache, or None
    actor: object
    ratings: object  # the page's PageRatings
    outcomes: object  # the page's PageOutcomes
    memo: dict  # viewer parts made once a request (g.forum_card_plain)
    on_thread_page: bool  # a thread page (g.forum_card_thread), not a list across threads
    report: str | None  # the page's ?report= argument
    min_reports: int  # FORUM_OUTCOME_MIN_REPORTS, read once a page (each card's figures show it)


def _request_context():
    """This request's RequestContext (made at its first card)."""
    context = g.get("forum_card_context")
    if context is None:
        context = g.forum_card_context = RequestContext(
            request.script_root, str(get_locale()), str(get_timezone()), _cache(),
            current_actor(), page_ratings(), page_outcomes(),
            g.setdefault("forum_card_plain", {}), "forum_card_thread" in g,
            request.args.get(REPORT_ARG), outcome_service.min_reports())
    return context


def _reply_to(reply):
    """(id, author name) of the contribution this one answers, (None, None) if it is gone."""
    name = reply.reply_to_name  # loaded by services.replies.list_replies
    if name is None:
        return (None, None)
    return (reply.reply_to_id, name or _("a former member"))


def _size(parts):
    """Bytes a kept card is counted for."""
    return sum(len(part) for part in parts) + ENTRY_OVERHEAD


class CardCache:
    """Shared card parts by CardData, at most max_bytes (least recently used go first).

    An OrderedDict in recency order: a hit hashes its CardData twice, where cachetools'
    LRUCache hashed it three times through four Python calls (200 hits a page)."""

    def __init__(self, max_bytes):
        self.max_bytes = max_bytes
        self._entries = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()  # gthread workers share one cache between threads

    def get(self, data):
        """The parts kept for this CardData, or None."""
        with self._lock:
            parts = self._entries.get(data)
            if parts is not None:
                self._entries.move_to_end(data)
            return parts

    def put(self, data, parts):
        """Keep a card's parts (a card bigger than the whole cache is not kept)."""
        size = _size(parts)
        if size + len(data.html) > self.max_bytes:
            return
        with self._lock:
            old = self._entries.pop(data, None)
            if old is not None:
                self._bytes -= _size(old)
            while self._entries and self._bytes + size > self.max_bytes:
                self._bytes -= _size(self._entries.popitem(last=False)[1])
            self._entries[data] = parts
            self._bytes += size


def _cache():
    """This app's CardCache, or None when FORUM_FRAGMENT_CACHE_BYTES is 0."""
    return app_cache("card_cache", "FORUM_FRAGMENT_CACHE_BYTES", CardCache)


def redis_key(data):
    """The card's key in the shared Redis: a digest of its CardData (stable across processes)."""
    return REDIS_PREFIX + hashlib.blake2b(repr(data).encode(), digest_size=20).hexdigest()


def split(html):
    """A rendered shared card (text or UTF-8) as (bytes, slot name, bytes, ..., bytes): kept
    encoded, so a page joins its cards as bytes (web.byte_pages)."""
    parts = SLOT.split(html.encode() if isinstance(html, str) else html)
    parts[1::2] = [name.decode() for name in parts[1::2]]
    return tuple(parts)


def _render_shared(data):
    """The shared card's parts, rendered from its CardData only."""
    macro = current_app.jinja_env.get_template(SHARED_TEMPLATE).module.shared_card
    return split(str(macro(data)))


@routes.template_global("forum_prefetch_cards")
def prefetch(replies, show_prompt=True, show_thread=False):
    """Fetch this page's cards missing from the worker's cache from Redis in one round trip
    (for pages that show their cards one reply_card at a time; forum_cards does it itself)."""
    if redis_store() is not None and _cache() is not None:
        context = _request_context()
        _fetch_missing([card_data(reply, show_prompt, show_thread, context=context)
                        for reply in replies], context.cache)
    return ""


def _fetch_missing(wanted, cache):
    """Put the cards of these CardData that the worker lacks and no earlier call of this
    request asked for into the worker's cache from Redis, in one MGET."""
    store = redis_store()
    if store is None or cache is None:
        return
    asked = g.setdefault("forum_cards_asked", set())
    wanted = [data for data in wanted if data not in asked and cache.get(data) is None]
    asked.update(wanted)
    found = (store.call("mget", [redis_key(data) for data in wanted]) or []) if wanted else []
    for data, html in zip(wanted, found):
        if html is not None:
            cache.put(data, split(html))


def _from_redis(data, cache):
    """One card from Redis (when no prefetch asked for it already), kept in the worker too."""
    store = redis_store()
    if store is None or data in g.get("forum_cards_asked", ()):
        return None
    html = store.call("get", redis_key(data))
    if html is None:
        return None
    parts = split(html)
    cache.put(data, parts)
    return parts


def _shared_parts(data, context):
    """The shared card from this worker, else Redis, else a fresh render (then kept in both)."""
    cache = context.cache
    if cache is None:
        return _render_shared(data)
    parts = cache.get(data) or _from_redis(data, cache)
    if parts is not None:
        return parts
    parts = _render_shared(data)
    cache.put(data, parts)
    if redis_store() is not None:
        g.setdefault("forum_cards_to_share", []).append((data, parts))
    return parts


@routes.hook("after_request")
def share_new_cards(response):
    """Put the cards this request rendered into Redis (one round trip), for other workers."""
    pending = g.pop("forum_cards_to_share", None)
    store = redis_store() if pending else None
    if store is not None:
        store.set_many({redis_key(data): b"".join(_joined(parts)) for data, parts in pending},
                       REDIS_TTL)
    return response


def _joined(parts):
    """The parts back as the rendered UTF-8, slot markers included (for Redis)."""
    for index, part in enumerate(parts):
        yield part if index % 2 == 0 else f"<!--forum-slot:{part}-->".encode()


@routes.hook("before_request")
def forget_viewer_parts():
    """Never reuse viewer parts made for an earlier request's viewer."""
    g.pop("forum_card_viewer", None)
    g.pop("forum_card_plain", None)
    g.pop("forum_cards_asked", None)
    g.pop("forum_card_thread", None)
    g.pop("forum_card_try", None)
    g.pop("forum_card_context", None)


@routes.template_global("forum_card")
def card(reply, show_prompt=True, show_thread=False):
    """A contribution's whole card: its shared part with this viewer's parts in the slots."""
    context = _request_context()
    out = []
    _fill(out, _shared_parts(card_data(reply, show_prompt, show_thread, context=context),
                             context), encoded_slots(reply, context, show_thread))
    return Markup(b"".join(out).decode())


@routes.template_global("forum_cards")
def cards(replies, show_prompt=True, show_thread=False):
    """A list of cards in one call (card() for each, without a template macro call per card)."""
    context = _request_context()
    out = []
    for parts, slots in zip(_list_parts(replies, show_prompt, show_thread, context),
                            list_slots(replies, context, show_thread)):
        _fill(out, parts, slots)
    return cards_output(b"".join(out))


def _list_parts(replies, show_prompt, show_thread, context):
    """Each card's shared parts: kept on the rows of a kept page (web.list_cache) for this
    request's language, time zone and mount point, else from the caches (those the worker lacks
    from Redis in one round trip) or a fresh render, then kept on those rows."""
    key = (show_prompt, show_thread, context.root, context.locale, context.time_zone,
           context.min_reports)
    kept = [getattr(reply, "card_parts", None) for reply in replies] if context.cache else ()
    if kept and None not in kept:
        parts = [memo.get(key) for memo in kept]
        if None not in parts:
            return parts
    wanted = [card_data(reply, show_prompt, show_thread, context=context) for reply in replies]
    _fetch_missing(wanted, context.cache)
    parts = [_shared_parts(data, context) for data in wanted]
    for memo, found in zip(kept, parts):
        if memo is not None:
            memo[key] = found
    return parts


def _fill(out, parts, slots):
    """Append a card's shared parts to out with the viewer's parts in their slots (UTF-8)."""
    out.append(parts[0])
    for index in range(1, len(parts), 2):
        out.append(slots.get(parts[index], b""))
        out.append(parts[index + 1])


@routes.template_global("forum_card_figures")
def figures(rating):
    """The shared figures line of a card's (count, sum of stars)."""
    return rating_text(rating_service.summary_of(*rating))


@routes.template_global("forum_card_star_item")
def star_item(data):
    """What the star-distribution macro reads of an item, from a CardData."""
    return SimpleNamespace(id=data.id, rating_count=data.rating[0], star_counts=data.star_counts,
                           __tablename__="forum_reply")


@routes.template_global("forum_card_badges")
def badge_member(data):
    """What the credential-badges template reads of a member, from a CardData."""
    return SimpleNamespace(verified_credentials=bool(data.author_badges),
                           badges=data.author_badges)


@routes.template_global("forum_slot")
def slot(name):
    """The marker where a viewer part goes in the shared card (an HTML comment: user text,
    sanitized without comments or escaped, can never contain one)."""
    return Markup(f"<!--forum-slot:{name}-->")
