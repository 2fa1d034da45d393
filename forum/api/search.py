"""GET api/search: the same search as the page, as JSON with plain and highlighted snippets."""
from html import escape

from flask import jsonify

from forum.api.spec import endpoint, query, schema
from forum.api.threads import PAGE
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
    "type": "object", "required": ["items", "page", "per_page", "total", "pages"],
    "properties": {"items": {"type": "array", "items": HIT}, "page": {"type": "integer"},
                   "per_page": {"type": "integer"},
                   "total": {"type": "integer", "description":
                             "Matches ranked; at most 1000 (the most recent matches)."},
                   "pages": {"type": "integer"}},
})


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
              query("page", PAGE, "Page number, from 1.")])
def search(args):
    """Ranked threads and contributions matching q; hidden and deleted items never appear."""
    page = search_service.search(current_actor(), args["q"], tag=args.get("tag") or None,
                                 kind=args.get("kind", "all"), page=args.get("page", 1))
    return jsonify({"items": [hit_json(hit) for hit in page.items], "page": page.page,
                    "per_page": page.per_page, "total": page.total, "pages": page.pages})
