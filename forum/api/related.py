"""API endpoints for "More relevant reading" under a thread (moderators curate it)."""
from flask import jsonify

from forum.api.spec import endpoint, query, schema
from forum.request_actor import current_actor
from forum.services import related as related_service
from forum.services import threads as thread_service

ENTRY_FIELDS = {
    "category": {"type": "string", "maxLength": 1000},
    "title": {"type": "string", "maxLength": 1000},
    "url": {"type": ["string", "null"], "maxLength": 5000,
            "description": "An http(s) address; or give thread_id instead."},
    "thread_id": {"type": ["integer", "null"], "minimum": 1, "maximum": 2_147_483_647,
                  "description": "A thread of this forum; or give url instead."},
}
RELATED = schema("RelatedEntry", {
    "type": "object",
    "required": ["id", "position", "category", "title", "url", "thread_id"],
    "properties": {"id": {"type": "integer"}, "position": {"type": "integer"},
                   **{key: {"type": value["type"]} for key, value in ENTRY_FIELDS.items()}},
})
RELATED_LIST = schema("RelatedList", {"type": "object", "required": ["items"], "properties": {
    "items": {"type": "array", "items": RELATED}}})
NEW_RELATED = schema("NewRelatedEntry", {
    "type": "object", "required": ["category", "title"], "additionalProperties": False,
    "properties": {**ENTRY_FIELDS, "position": {"type": "integer", "minimum": 0,
                                                "maximum": 10_000}},
})
RELATED_CHANGE = schema("RelatedEntryChange", {
    "type": "object", "additionalProperties": False,
    "description": "position moves the entry (0 is the top); other fields edit it.",
    "properties": {**ENTRY_FIELDS, "position": {"type": "integer", "minimum": 0,
                                                "maximum": 10_000}},
})


def related_json(link):
    """A reading entry as JSON."""
    return {"id": link.id, "position": link.position, "category": link.category,
            "title": link.title, "url": link.url, "thread_id": link.target_thread_id}


@endpoint("/threads/<int:thread_id>/related", "GET", summary="A thread's related reading",
          tag="related", response=RELATED_LIST)
def list_related(thread_id):
    """The thread's reading entries in display order."""
    actor = current_actor()
    thread = thread_service.get_thread(actor, thread_id)
    return jsonify({"items": [related_json(link)
                              for link in related_service.list_links(actor, thread)]})


@endpoint("/threads/<int:thread_id>/related", "POST", summary="Add related reading (moderators)",
          tag="related", response=RELATED, status=201, body=NEW_RELATED, auth=True,
          errors=(403,))
def add_related(thread_id, body):
    """Add an entry linking a web address or a thread of the forum (logged)."""
    link = related_service.add_link(current_actor(), thread_id, body["category"], body["title"],
                                    body.get("url"), body.get("thread_id"), body.get("position"))
    return jsonify(related_json(link)), 201


@endpoint("/related/<int:link_id>", "PATCH", summary="Edit or move related reading (moderators)",
          tag="related", response=RELATED, body=RELATED_CHANGE, auth=True, errors=(403,))
def change_related(link_id, body):
    """Edit an entry's fields and/or move it ({"position": 0} moves it to the top)."""
    actor = current_actor()
    actor.require_moderator()
    link = related_service.get_link(link_id)
    if set(body) - {"position"}:
        has_target = "url" in body or "thread_id" in body
        link = related_service.update_link(
            actor, link_id, body.get("category", link.category), body.get("title", link.title),
            body.get("url") if has_target else link.url,
            body.get("thread_id") if has_target else link.target_thread_id)
    if "position" in body:
        link = related_service.move_link(actor, link_id, body["position"])
    return jsonify(related_json(related_service.get_link(link_id)))


@endpoint("/related/<int:link_id>", "DELETE", summary="Remove related reading (moderators)",
          tag="related", status=204, auth=True, errors=(403,))
def delete_related(link_id):
    """Remove an entry; the ones below move up (logged)."""
    related_service.delete_link(current_actor(), link_id)
    return "", 204


CANDIDATES = schema("RelatedCandidates", {
    "type": "object", "required": ["items"], "properties": {"items": {"type": "array", "items": {
        "type": "object", "required": ["thread_id", "title", "category"],
        "properties": {"thread_id": {"type": "integer"}, "title": {"type": "string"},
                       "category": {"type": "string",
                                    "description": "The thread's first tag, as a category."}}}}}})


@endpoint("/threads/<int:thread_id>/related/candidates", "GET",
          summary="Find threads to link by title (moderators)", tag="related",
          response=CANDIDATES, auth=True, errors=(403,),
          params=[query("q", {"type": "string", "maxLength": 200},
                        "Part of the title (2 characters at least).", required=True)])
def related_candidates(thread_id, args):
    """Threads whose title contains q, not listed yet, for search as you type."""
    actor = current_actor()
    thread = thread_service.get_thread(actor, thread_id)
    return jsonify(items=related_service.find_threads(actor, thread, args["q"]))
