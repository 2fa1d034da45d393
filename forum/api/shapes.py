"""JSON shapes of forum objects: one serializer and one schema for each, side by side."""

from forum.api.spec import schema
from forum.request_actor import current_actor
from forum.services import outcomes as outcome_service
from forum.services import permissions
from forum.services import ratings as rating_service
from forum.urls import url_for

TIMESTAMP = {"type": "string", "format": "date-time"}
NULLABLE_TIMESTAMP = {"type": ["string", "null"], "format": "date-time"}

MEMBER = schema("Member", {
    "type": ["object", "null"], "required": ["id", "display_name"],
    "properties": {"id": {"type": "integer"}, "display_name": {"type": "string"}},
})
RATING = schema("RatingSummary", {
    "type": "object", "required": ["count", "average", "score"],
    "description": "count of ratings, plain average (null without ratings) and the ranking score.",
    "properties": {"count": {"type": "integer", "minimum": 0},
                   "average": {"type": ["number", "null"]},
                   "score": {"type": "number", "description": "Bayesian average, for ranking."},
                   "needs_more": {"type": "boolean"},
                   "mine": {"type": ["integer", "null"], "description": "Your own stars."}},
})
OUTCOMES = schema("OutcomeFigures", {
    "type": "object", "required": ["tried", "reported", "positive", "field_tested"],
    "description": "Members who said they would try it, outcome reports, reports at \"as "
                   "expected\" or better, and the field-tested score: the lower bound of the "
                   "95% Wilson interval of positive/reported (0 without reports). All null "
                   "below the site's minimum of reports (FORUM_OUTCOME_MIN_REPORTS), as the "
                   "page hides them, except for the contribution's own author.",
    "properties": {"tried": {"type": ["integer", "null"], "minimum": 0},
                   "reported": {"type": ["integer", "null"], "minimum": 0},
                   "positive": {"type": ["integer", "null"], "minimum": 0},
                   "field_tested": {"type": ["number", "null"], "minimum": 0, "maximum": 1}},
})
TAG = schema("Tag", {
    "type": "object", "required": ["name", "slug"],
    "properties": {"name": {"type": "string"}, "slug": {"type": "string"},
                   "thread_count": {"type": "integer"}, "reply_count": {"type": "integer"}},
})
PROMPT = schema("Prompt", {
    "type": "object", "required": ["position", "label", "text"],
    "properties": {"position": {"type": "integer", "minimum": 0}, "label": {"type": "string"},
                   "text": {"type": "string"}},
})
THREAD_SUMMARY_PROPERTIES = {
    "id": {"type": "integer"}, "title": {"type": "string"}, "slug": {"type": "string"},
    "url": {"type": "string"}, "author": MEMBER, "tags": {"type": "array", "items": {"type": "string"}},
    "is_pinned": {"type": "boolean"}, "is_locked": {"type": "boolean"},
    "is_hidden": {"type": "boolean"}, "reply_count": {"type": "integer"}, "rating": RATING,
    "created_at": TIMESTAMP, "last_activity_at": TIMESTAMP,
}
THREAD_SUMMARY = schema("ThreadSummary", {
    "type": "object", "required": list(THREAD_SUMMARY_PROPERTIES),
    "properties": THREAD_SUMMARY_PROPERTIES,
})
THREAD = schema("Thread", {
    "type": "object",
    "required": list(THREAD_SUMMARY_PROPERTIES) + ["lead", "html", "prompts", "call_to_action"],
    "properties": {**THREAD_SUMMARY_PROPERTIES, "lead": {"type": "string"},
                   "html": {"type": "string", "description": "The lead, sanitized HTML."},
                   "prompts": {"type": "array", "items": PROMPT},
                   "call_to_action": {"type": "string"}},
})
REPLY_PROPERTIES = {
    "id": {"type": "integer"}, "thread_id": {"type": "integer"}, "author": MEMBER,
    "body": {"type": "string", "description": "Markdown source."},
    "html": {"type": "string", "description": "Sanitized HTML, as shown on the page."},
    "prompt": {"type": ["integer", "null"], "description": "Position of the prompt answered."},
    "reply_to": {"type": ["integer", "null"],
                 "description": "Id of the contribution this one answers (\"in reply to\")."},
    "tags": {"type": "array", "items": {"type": "string"}}, "rating": RATING,
    "outcomes": OUTCOMES, "is_hidden": {"type": "boolean"}, "is_deleted": {"type": "boolean"},
    "created_at": TIMESTAMP, "edited_at": NULLABLE_TIMESTAMP,
}
REPLY = schema("Reply", {"type": "object", "required": list(REPLY_PROPERTIES),
                         "properties": REPLY_PROPERTIES})


def page_of(item_schema, name):
    """Schema of one page of a list."""
    return schema(name, {
        "type": "object", "required": ["items", "page", "per_page", "total", "pages"],
        "properties": {"items": {"type": "array", "items": item_schema},
                       "page": {"type": "integer"}, "per_page": {"type": "integer"},
                       "total": {"type": "integer"}, "pages": {"type": "integer"}},
    })


def when(value):
    """ISO 8601 timestamp with its UTC offset."""
    return value.isoformat() if value is not None else None


def member_json(member):
    """Author as {id, display_name}, or None for a removed member."""
    return None if member is None else {"id": member.id, "display_name": member.display_name}


def rating_json(item):
    """The rating summary from the denormalized counters (services.ratings computes it)."""
    return rating_service.summarize(item).as_dict()


def thread_summary_json(thread):
    """A thread as listed."""
    return {
        "id": thread.id, "title": thread.title, "slug": thread.slug,
        "url": url_for("forum.thread", thread_id=thread.id, slug=thread.slug, _external=True),
        "author": member_json(thread.author), "tags": [tag.name for tag in thread.tags],
        "is_pinned": thread.is_pinned, "is_locked": thread.is_locked,
        "is_hidden": thread.is_hidden, "reply_count": thread.reply_count,
        "rating": rating_json(thread), "created_at": when(thread.created_at),
        "last_activity_at": when(thread.last_activity_at),
    }


def thread_json(thread):
    """A thread with its lead, prompts and call to action."""
    return {
        **thread_summary_json(thread), "lead": thread.lead, "html": thread.lead_html,
        "prompts": [{"position": p.position, "label": p.label, "text": p.text}
                    for p in thread.prompts],
        "call_to_action": thread.call_to_action,
    }


def outcomes_json(figures, reply=None):
    """A contribution's outcome figures as the current actor may read them (all null before
    the minimum of reports, except for its author)."""
    actor = current_actor()
    return figures.as_dict(permissions.can_read_outcome_figures(actor, reply, figures))


def reply_json(reply):
    """A contribution with Markdown source, sanitized HTML, prompt position and tags."""
    return {
        "id": reply.id, "thread_id": reply.thread_id, "author": member_json(reply.author),
        "body": reply.body, "html": reply.html,
        "prompt": reply.prompt.position if reply.prompt is not None else None,
        "reply_to": reply.reply_to_id, "tags": [tag.name for tag in reply.tags],
        "rating": rating_json(reply),
        "outcomes": outcomes_json(outcome_service.figures(reply), reply),
        "is_hidden": reply.is_hidden, "is_deleted": reply.is_deleted,
        "created_at": when(reply.created_at), "edited_at": when(reply.edited_at),
    }


def page_json(page, serialize):
    """One page of a list as JSON."""
    return {"items": [serialize(item) for item in page.items], "page": page.page,
            "per_page": page.per_page, "total": page.total, "pages": page.pages}
