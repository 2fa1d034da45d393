"""A thread page's contributions kept in each worker until any content changes: the rows its
queries read and, on each row, its card's shared parts (web.card_cache), so a page view that
follows no write reads and renders only what is the viewer's own (members and visitors alike).

Kept under the content version read before the rows (services.version_cache: every write moves
it on, so the next view reads afresh) and keyed by everything else the rows depend on: the
visibility rule, the thread, the page, its size, the sort and the grouping. Only GET and HEAD
requests use it: a form re-shown after a failed post reads afresh. The rows are plain objects
outside the session (services.reply_rows), so they outlive the request that read them; nothing
may change them. Off when FORUM_LIST_CACHE_BYTES is 0.
"""
from flask import current_app, g, request
from sqlalchemy.orm import Session

from forum.database import session
from forum.services import threads as thread_service
from forum.services.content_version import content_version
from forum.services.paging import Page
from forum.services.ratings import keep_site_total, prior_weight
from forum.services.reply_rows import list_reply_rows
from forum.services.version_cache import VersionCache, app_cache
from forum.services.visibility import rule_key, visible_thread
from forum.web.routes import Routes

routes = Routes()

# Bytes counted for a kept page: each row's html twice (the row's and its card's parts), and
ROW_OVERHEAD = 1536  # per row beyond that: the row, its author and tags
PAGE_OVERHEAD = 512
SMALL_ENTRY = 2048  # bytes counted for a kept value that is not a page of rows


def _size(value):
    """Bytes a kept page of rows, or a small value, is counted for."""
    if not isinstance(value, Page):
        return SMALL_ENTRY
    return PAGE_OVERHEAD + sum(2 * len(row.html or "") + ROW_OVERHEAD for row in value.items)


def _cache():
    """This app's VersionCache of pages of rows, or None when FORUM_LIST_CACHE_BYTES is 0."""
    return app_cache("list_cache", "FORUM_LIST_CACHE_BYTES", lambda size: VersionCache(size, _size))


def _version():
    """The content version, read once a request (the page cache may have read it already)."""
    if "forum_list_version" not in g:
        slot = g.get("forum_page_cache_slot")
        g.forum_list_version = slot[0] if slot is not None else content_version()
    return g.forum_list_version


@routes.hook("before_request")
def forget_version():
    """Never reuse the version an earlier request that shared this app context read."""
    g.pop("forum_list_version", None)


def until_next_write(key, build):
    """build(), kept under `key` (a tuple naming what it is) until the next write, on GET and
    HEAD requests: for small read-only values a page reads of its thread (top contributors)."""
    cache = _cache()
    version = _version() if cache is not None and request.method in ("GET", "HEAD") else None
    if version is None:
        return build()
    value = cache.get(version, key)
    if value is None:
        value = build()
        cache.put(version, key, value)
    return value


def kept_thread(actor, thread_id):
    """threads.get_thread for a thread page: the thread with what its page shows, and the site's
    rating total, read once until the next write and put into each request's session without a
    query (SQLAlchemy's merge without load, as its caching recipe does). The kept copies belong
    to no session, so no commit expires them; each request gets its own."""
    if _cache() is None or request.method not in ("GET", "HEAD"):
        return thread_service.get_thread(actor, thread_id)
    thread, total = until_next_write(("thread", thread_id), lambda: _detached(
        *thread_service.thread_page_rows(thread_id)))
    if thread is None:
        return visible_thread(actor, None)
    current = session()
    thread = current.merge(thread, load=False)
    keep_site_total(None if total is None else current.merge(total, load=False))
    return visible_thread(actor, thread)


def _detached(*objects):
    """Copies of loaded ORM objects (and what they loaded) that belong to no session."""
    spare = Session()
    try:
        return tuple(None if item is None else spare.merge(item, load=False) for item in objects)
    finally:
        spare.close()


def thread_rows(actor, thread, page, sort, by_prompt, include_deleted):
    """services.reply_rows.list_reply_rows for the thread page, kept until the next write; each
    kept row carries a card_parts dict where web.card_cache keeps its card's shared parts."""
    def read():
        rows = list_reply_rows(actor, thread, page=page, sort=sort, by_prompt=by_prompt,
                               include_deleted=include_deleted)
        for row in rows.items:
            row.card_parts = {}
        return rows
    return until_next_write(
        ("rows", rule_key(actor), thread.id, page, current_app.config["FORUM_REPLIES_PER_PAGE"],
         sort, by_prompt, include_deleted, prior_weight() if sort == "best" else None), read)
