"""Rendered pages for anonymous visitors, kept in each worker until any content changes.

A page is stored under the content version read before it is rendered; every write to what
pages show moves the version on (database triggers, migration 0006), so the first visitor after
a write gets a fresh render and older copies are dropped. Served and stored only for visitors
who are not logged in and send no session or remember-me cookie and no Authorization header;
stored only from 200 text/html responses that set no cookie. Off unless FORUM_PAGE_CACHE_BYTES
is above 0 (the standalone site turns it on).
"""
from flask import current_app, g, request, session
from flask_babel import get_locale

from forum.services.content_version import content_version
from forum.services.version_cache import VersionCache, app_cache
from forum.web.context import current_actor
from forum.web.routes import Routes

routes = Routes()

HEADER = "X-Forum-Cache"
ENTRY_OVERHEAD = 256  # bytes counted per entry beyond its body (key, tuple, content type)


class PageCache(VersionCache):
    """Rendered pages as (body, content type) by request key, at most max_bytes."""

    def __init__(self, max_bytes):
        super().__init__(max_bytes, lambda entry: len(entry[0]) + ENTRY_OVERHEAD)

    def put(self, version, key, body, content_type):
        """Keep a page rendered at `version`."""
        super().put(version, key, (body, content_type))


def _cache():
    """This app's PageCache (made again when the size setting changes)."""
    return app_cache("page_cache", "FORUM_PAGE_CACHE_BYTES", PageCache)


def _request_key():
    """The cache key of this request, or None when it may be neither served nor stored."""
    config = current_app.config
    if config["FORUM_PAGE_CACHE_BYTES"] <= 0 or request.method not in ("GET", "HEAD"):
        return None
    if (request.endpoint or "").endswith(".healthz"):  # live state, and no query before it
        return None
    cookies = (config["SESSION_COOKIE_NAME"], config.get("REMEMBER_COOKIE_NAME", "remember_token"))
    if request.authorization or any(name in request.cookies for name in cookies):
        return None
    if current_actor().is_authenticated:
        return None
    return request.host + request.full_path, str(get_locale())  # a page per language (#22)


@routes.hook("before_request")
def serve_cached_page():
    """Answer from the cache when this page was rendered at the current content version."""
    key = _request_key()
    if key is None:
        return None
    version = content_version()
    if version is None:
        return None
    entry = _cache().get(version, key)
    if entry is None:
        g.forum_page_cache_slot = (version, key)
        return None
    response = current_app.response_class(entry[0], content_type=entry[1])
    response.headers[HEADER] = "hit"
    return response


@routes.hook("after_request")
def keep_page(response):
    """Store a fresh anonymous page under the version read before it was rendered."""
    slot = g.pop("forum_page_cache_slot", None)
    if slot is None:
        return response
    response.headers[HEADER] = "miss"
    storable = (response.status_code == 200 and response.mimetype == "text/html"
                and not response.is_streamed and "Set-Cookie" not in response.headers
                and not session.modified)
    if storable:
        _cache().put(*slot, response.get_data(), response.content_type)
    return response
