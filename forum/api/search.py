"""GET api/search: the same search as the page, as JSON with plain and highlighted snippets;
paged by cursor (keyset, the page's order) or, the older way, by page number (OFFSET)."""
from html import escape

from flask import jsonify

from forum.api.spec import endpoint, query, schema
from forum.api.threads import PAGE
from forum.errors import ValidationError
from forum.i18n import gettext as _
from forum.request_actor import current_actor
from forum.services import search as search_service
from forum.urls import url_for

HIT = schema("SearchHit", {
    "type": "object",
    "required": ["kind", "thread_id", "reply_id", "title", "url", "snippet", "snippet_html"],
    "properties": {
        "kind": {"type": "string", "enum": ["thread", "reply"]},
        "thread_id": {"type": "integer"}, "reply_id": {"type": ["integer", "null"]},
        "title": {"type": "string"}, "url": {"type": "string"},
        "snippet": {"type": "string", "description": "Plain text around the first hit."},
        "snippet_html": {"type": "string", "description":
                         "The snippet HTML-escaped, hits wrapped in <mark>...</mark>."},
    },
})
RESULTS = schema("SearchResults", {
    "type": "object", "required": ["items", "page", "per_page", "total", "pages", "next_cursor"],
    "properties": {"items": {"type": "array", "items": HIT}, "page": {"type": "integer"},
                   "per_page": {"type": "integer"},
                   "total": {"type": "integer", "description":
                             "Matches ranked; at most 1000 (the most recent matches)."},
                   "pages": {"type": "integer"},
                   "next_cursor": {"type": ["string", "null"], "description":
                                   "Pass as cursor for the next page; null on the last."}},
})
CURSOR = {"type": "string", "maxLength": 100}


def marked(parts):
    """Escaped text with hits in <mark>, as a plain string for JSON."""
    return "".join(f"<mark>{escape(text)}</mark>" if hit else escape(text) for text, hit in parts)


def hit_json(hit):
    """One search result as JSON."""
    anchor = f"#reply-{hit.reply.id}" if hit.reply else ""
    return {
        "kind": hit.kind, "thread_id": hit.thread.id,
        "reply_id": hit.reply.id if hit.reply else None, "title": hit.thread.title,
        "url": url_for("forum.thread", thread_id=hit.thread.id, slug=hit.thread.slug,
                       _external=True) + anchor,
        "snippet": hit.snippet, "snippet_html": marked(hit.snippet_parts),
    }


@endpoint("/search", "GET", summary="Full-text search", tag="search", response=RESULTS,
          errors=(404,), params=[
              query("q", {"type": "string", "maxLength": 1000}, "Words or \"a phrase\".",
                    required=True),
              query("tag", {"type": "string", "maxLength": 200}, "Only items with this tag."),
              query("kind", {"type": "string", "enum": list(search_service.KINDS),
                             "default": "all"}, "threads, replies or all."),
              query("cursor", CURSOR, "next_cursor of the previous page: the page after its "
                    "last hit, however many items arrived since (keyset paging)."),
              query("page", PAGE, "Page number, from 1 (the older way: a deep page costs "
                    "more, and items arriving meanwhile shift the pages). Not with cursor.")])
def search(args):
    """Ranked threads and contributions matching q; hidden and deleted items never appear."""
    number, after = args.get("page", 1), None
    if "cursor" in args:
        if "page" in args:
            raise ValidationError(_("Send cursor or page, not both."), field="page")
        number, after = search_service.parse_api_cursor(args["cursor"])
    page = search_service.search(current_actor(), args["q"], tag=args.get("tag") or None,
                                 kind=args.get("kind", "all"), page=number, after=after)
    return jsonify({"items": [hit_json(hit) for hit in page.items], "page": page.page,
                    "per_page": page.per_page, "total": page.total, "pages": page.pages,
                    "next_cursor": search_service.api_cursor(page)})
