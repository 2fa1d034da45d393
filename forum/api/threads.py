"""API endpoints for threads and their contributions."""
from flask import jsonify

from forum.api import shapes
from forum.api.related import RELATED, related_json
from forum.api.spec import endpoint, query, schema
from forum.limits import limit
from forum.request_actor import current_actor
from forum.services import related as related_service
from forum.services import replies as reply_service
from forum.services import threads as thread_service

PAGE = {"type": "integer", "minimum": 1, "maximum": 100_000}
TAG_NAMES = {"type": "array", "items": {"type": "string", "maxLength": 200}, "maxItems": 50}
CONFIRM = {"type": "boolean", "default": False, "description":
           "Post even though the confidentiality guard found details that may identify a client "
           "(the author has the client's consent or the person is not real); the item goes to "
           "the moderators' queue. Without it such text is answered 422, code `confidential`."}
THREAD_PAGE = shapes.page_of(shapes.THREAD_SUMMARY, "ThreadPage")
REPLY_PAGE = shapes.page_of(shapes.REPLY, "ReplyPage")
NEW_THREAD = schema("NewThread", {
    "type": "object", "required": ["title"], "additionalProperties": False,
    "properties": {
        "title": {"type": "string", "maxLength": 1000},
        "lead": {"type": "string", "maxLength": 20_000},
        "prompts": {"type": "array", "maxItems": 50, "items": {
            "type": "object", "required": ["label", "text"], "additionalProperties": False,
            "properties": {"label": {"type": "string", "maxLength": 1000},
                           "text": {"type": "string", "maxLength": 5000}}}},
        "call_to_action": {"type": "string", "maxLength": 5000},
        "tags": TAG_NAMES, "confirm_confidential": CONFIRM,
    },
})
NEW_REPLY = schema("NewReply", {
    "type": "object", "required": ["body"], "additionalProperties": False,
    "properties": {"body": {"type": "string", "maxLength": 100_000}, "tags": TAG_NAMES,
                   "prompt": {"type": ["integer", "null"], "minimum": 0, "maximum": 1000},
                   "reply_to": {"type": ["integer", "null"], "minimum": 1, "maximum": 2**31 - 1,
                                "description": "Id of a contribution of this thread it answers."},
                   "confirm_confidential": CONFIRM},
})


THREAD_DETAIL = schema("ThreadDetail", {"allOf": [shapes.THREAD, {
    "type": "object", "required": ["related"],
    "properties": {"related": {"type": "array", "items": RELATED}}}]})


@endpoint("/threads", "GET", summary="List threads", tag="threads", response=THREAD_PAGE,
          params=[query("tag", {"type": "string", "maxLength": 200}, "Tag slug or name."),
                  query("sort", {"type": "string", "enum": list(thread_service.THREAD_SORTS),
                                 "default": "latest"}, "Order of the list."),
                  query("page", PAGE, "Page number, from 1.")], errors=(404,))
def list_threads(args):
    """A page of threads, optionally for one tag, in the chosen order."""
    actor = current_actor()
    tag = thread_service.tag_for_listing(actor, args["tag"]) if args.get("tag") else None
    page = thread_service.list_threads(actor, sort=args.get("sort", "latest"), tag=tag,
                                       page=args.get("page", 1))
    return jsonify(shapes.page_json(page, shapes.thread_summary_json))


@endpoint("/threads", "POST", summary="Start a thread", tag="threads", response=shapes.THREAD,
          status=201, body=NEW_THREAD, auth=True, errors=(403, 409))
@limit("posting")
def create_thread(body):
    """Start a thread in the discussion format; answers the thread with its id."""
    actor = current_actor()
    thread = thread_service.start_thread(
        actor, body["title"], body.get("lead", ""), body.get("prompts", []),
        body.get("call_to_action", ""), body.get("tags", []),
        confirm_confidential=body.get("confirm_confidential", False))
    thread = thread_service.get_thread(actor, thread.id)
    return jsonify(shapes.thread_json(thread)), 201


@endpoint("/threads/<int:thread_id>", "GET", summary="Get a thread", tag="threads",
          response=THREAD_DETAIL)
def get_thread(thread_id):
    """A thread with prompts, tags, rating summary and related reading in display order."""
    actor = current_actor()
    thread = thread_service.get_thread(actor, thread_id)
    related = [related_json(link) for link in related_service.list_links(actor, thread)]
    return jsonify(dict(shapes.thread_json(thread), related=related))


@endpoint("/threads/<int:thread_id>/replies", "GET", summary="List a thread's contributions",
          tag="replies", response=REPLY_PAGE,
          params=[query("sort", {"type": "string", "enum": list(reply_service.REPLY_SORTS)},
                        "best, oldest or tested (field-tested first); long threads default to best."),
                  query("page", PAGE, "Page number, from 1.")])
def list_replies(thread_id, args):
    """A page of a thread's contributions."""
    actor = current_actor()
    thread = thread_service.get_thread(actor, thread_id)
    page = reply_service.list_replies(actor, thread, page=args.get("page", 1),
                                      sort=args.get("sort"))
    return jsonify(shapes.page_json(page, shapes.reply_json))


@endpoint("/threads/<int:thread_id>/replies", "POST", summary="Contribute to a thread",
          tag="replies", response=shapes.REPLY, status=201, body=NEW_REPLY, auth=True,
          errors=(403, 409))
@limit("posting")
def create_reply(thread_id, body):
    """Add a contribution; answers it with its id, body, sanitized html and tags."""
    reply = reply_service.add_reply(current_actor(), thread_id, body["body"],
                                    body.get("prompt"), body.get("tags", []),
                                    confirm_confidential=body.get("confirm_confidential", False),
                                    reply_to=body.get("reply_to"))
    return jsonify(shapes.reply_json(reply_service.load_reply(reply.id))), 201


@endpoint("/replies/<int:reply_id>", "GET", summary="Get a contribution", tag="replies",
          response=shapes.REPLY)
def get_reply(reply_id):
    """One contribution."""
    return jsonify(shapes.reply_json(reply_service.visible_reply(current_actor(), reply_id)))




THREAD_CHANGE = schema("ThreadChange", {
    "type": "object", "required": ["tags"], "additionalProperties": False,
    "description": "The thread's author or a moderator replaces its tags.",
    "properties": {"tags": TAG_NAMES, "reason": {"type": "string", "maxLength": 5000}},
})
REPLY_CHANGE = schema("ReplyChange", {
    "type": "object", "minProperties": 1, "additionalProperties": False,
    "description": "Fields left out keep their value; a new body keeps the old one as a revision.",
    "properties": {"body": {"type": "string", "maxLength": 100_000}, "tags": TAG_NAMES,
                   "prompt": {"type": ["integer", "null"], "minimum": 0, "maximum": 1000},
                   "reason": {"type": "string", "maxLength": 5000},
                   "confirm_confidential": CONFIRM},
})


@endpoint("/threads/<int:thread_id>", "PATCH", summary="Change a thread's tags", tag="threads",
          response=shapes.THREAD, body=THREAD_CHANGE, auth=True, errors=(403, 409))
@limit("posting")
def change_thread(thread_id, body):
    """Replace the thread's tags (its author or a moderator; a moderator's change is logged)."""
    actor = current_actor()
    thread_service.set_thread_tags(actor, thread_id, body["tags"], body.get("reason", ""))
    return jsonify(shapes.thread_json(thread_service.get_thread(actor, thread_id)))


@endpoint("/replies/<int:reply_id>", "PATCH", summary="Edit a contribution", tag="replies",
          response=shapes.REPLY, body=REPLY_CHANGE, auth=True, errors=(403, 409))
@limit("posting")
def change_reply(reply_id, body):
    """Edit a contribution's text, prompt or tags (its author or a moderator)."""
    actor = current_actor()
    reply = reply_service.reply_for_editing(actor, reply_id)
    if "body" in body or "prompt" in body:
        current_prompt = reply.prompt.position if reply.prompt is not None else None
        reply_service.edit_reply(
            actor, reply_id, body.get("body", reply.body), body.get("prompt", current_prompt),
            body.get("tags"), body.get("reason", ""),
            confirm_confidential=body.get("confirm_confidential", False))
    elif "tags" in body:
        reply_service.set_reply_tags(actor, reply_id, body["tags"], body.get("reason", ""))
    return jsonify(shapes.reply_json(reply_service.load_reply(reply_id)))


@endpoint("/replies/<int:reply_id>", "DELETE", summary="Delete a contribution", tag="replies",
          status=204, auth=True, errors=(403, 409),
          params=[query("reason", {"type": "string", "maxLength": 5000},
                        "Why (for the moderation log when a moderator deletes).")])
def delete_reply(reply_id, args):
    """Soft-delete a contribution (its author or a moderator)."""
    reply_service.delete_reply(current_actor(), reply_id, args.get("reason", ""))
    return "", 204
