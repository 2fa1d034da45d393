"""API endpoints for moderators (pin, lock, hide, ...), members' flags, the queue and the log."""
import json

from flask import jsonify

from forum.api import shapes
from forum.api.spec import endpoint, query, schema
from forum.api.threads import PAGE
from forum.limits import limit
from forum.models import FLAG_REASONS
from forum.request_actor import current_actor
from forum.services import flags as flag_service
from forum.services import moderation as moderation_service
from forum.services import replies as reply_service
from forum.services import threads as thread_service

REASON_BODY = schema("ModerationReason", {
    "type": "object", "additionalProperties": False,
    "properties": {"reason": {"type": "string", "maxLength": 5000,
                              "description": "Why (required to hide)."}},
})
NEW_FLAG = schema("NewFlag", {
    "type": "object", "required": ["reason"], "additionalProperties": False,
    "properties": {"reason": {"type": "string", "enum": list(FLAG_REASONS)},
                   "text": {"type": "string", "maxLength": 5000,
                            "description": "Required when reason is \"other\"."}},
})
RESOLVE = schema("FlagResolution", {
    "type": "object", "required": ["action"], "additionalProperties": False,
    "properties": {"action": {"type": "string", "enum": list(flag_service.RESOLUTIONS)},
                   "reason": {"type": "string", "maxLength": 5000}},
})
FLAG = schema("Flag", {
    "type": "object",
    "required": ["id", "thread_id", "reply_id", "reason", "text", "status", "resolution",
                 "created_at", "resolved_at", "raised_by_system"],
    "properties": {"id": {"type": "integer"}, "thread_id": {"type": ["integer", "null"]},
                   "raised_by_system": {"type": "boolean", "description":
                                        "Raised by the confidentiality guard, not a member."},
                   "reply_id": {"type": ["integer", "null"]}, "reason": {"type": "string"},
                   "text": {"type": "string"}, "status": {"type": "string"},
                   "resolution": {"type": ["string", "null"]},
                   "created_at": shapes.TIMESTAMP, "resolved_at": shapes.NULLABLE_TIMESTAMP},
})
FLAG_PAGE = shapes.page_of(FLAG, "FlagPage")
LOG_ENTRY = schema("ModerationLogEntry", {
    "type": "object",
    "required": ["id", "actor", "action", "target_type", "target_id", "reason", "before",
                 "after", "created_at"],
    "properties": {"id": {"type": "integer"}, "actor": shapes.MEMBER,
                   "action": {"type": "string"}, "target_type": {"type": "string"},
                   "target_id": {"type": ["integer", "null"]}, "reason": {"type": "string"},
                   "before": {}, "after": {}, "created_at": shapes.TIMESTAMP},
})
LOG_PAGE = shapes.page_of(LOG_ENTRY, "ModerationLogPage")
MODERATOR_ERRORS = (403, 409)


def flag_json(flag):
    """A flag as JSON."""
    return {"id": flag.id, "thread_id": flag.thread_id, "reply_id": flag.reply_id,
            "reason": flag.reason, "text": flag.text, "status": flag.status,
            "resolution": flag.resolution, "created_at": shapes.when(flag.created_at),
            "resolved_at": shapes.when(flag.resolved_at),
            "raised_by_system": flag.raised_by_system}


def log_json(entry):
    """A moderation log entry as JSON, its before/after snapshots decoded."""
    return {"id": entry.id, "actor": shapes.member_json(entry.actor), "action": entry.action,
            "target_type": entry.target_type, "target_id": entry.target_id,
            "reason": entry.reason,
            "before": json.loads(entry.before) if entry.before else None,
            "after": json.loads(entry.after) if entry.after else None,
            "created_at": shapes.when(entry.created_at)}


def _thread_switch(action):
    """Register POST threads/{id}/<action> over the moderation service."""
    service = getattr(moderation_service, f"{action}_thread")

    def view(thread_id, body):
        actor = current_actor()
        service(actor, thread_id, body.get("reason", ""))
        return jsonify(shapes.thread_json(thread_service.get_thread(actor, thread_id)))

    view.__name__ = f"{action}_thread"
    view.__doc__ = f"Moderators: {action} a thread (logged); answers the thread."
    endpoint(f"/threads/<int:thread_id>/{action}", "POST", summary=f"{action.title()} a thread",
             tag="moderation", response=shapes.THREAD, body=REASON_BODY, auth=True,
             errors=MODERATOR_ERRORS)(view)


def _reply_switch(action):
    """Register POST replies/{id}/<action> over the moderation service."""
    service = getattr(moderation_service, f"{action}_reply")

    def view(reply_id, body):
        service(current_actor(), reply_id, body.get("reason", ""))
        return jsonify(shapes.reply_json(reply_service.load_reply(reply_id)))

    view.__name__ = f"{action}_reply"
    view.__doc__ = f"Moderators: {action} a contribution (logged); answers the contribution."
    endpoint(f"/replies/<int:reply_id>/{action}", "POST",
             summary=f"{action.title()} a contribution", tag="moderation",
             response=shapes.REPLY, body=REASON_BODY, auth=True, errors=MODERATOR_ERRORS)(view)


for _action in moderation_service.THREAD_SWITCHES:
    _thread_switch(_action)
for _action in ("hide", "restore"):
    _reply_switch(_action)


def _flag_endpoint(kind, rule, noun):
    """Register POST <rule>/flags: any member reports a thread or contribution."""
    service = getattr(flag_service, f"flag_{kind}")

    def view(body, **path):
        flag = service(current_actor(), next(iter(path.values())), body["reason"],
                       body.get("text", ""))
        return jsonify(flag_json(flag)), 201

    view.__name__ = f"flag_{kind}"
    view.__doc__ = f"Any member reports a {noun} to the moderators."
    limit("flagging")(view)  # the web's flag form shares the bucket
    endpoint(f"{rule}/flags", "POST", summary=f"Flag a {noun}", tag="flags", response=FLAG,
             status=201, body=NEW_FLAG, auth=True, errors=(409,))(view)


_flag_endpoint("thread", "/threads/<int:thread_id>", "thread")
_flag_endpoint("reply", "/replies/<int:reply_id>", "contribution")


@endpoint("/flags", "GET", summary="Open flags (moderators)", tag="flags", response=FLAG_PAGE,
          auth=True, errors=(403,), params=[query("page", PAGE, "Page number, from 1.")])
def list_flags(args):
    """The moderators' queue of open flags, oldest first."""
    page = flag_service.open_flags(current_actor(), page=args.get("page", 1))
    return jsonify(shapes.page_json(page, lambda item: flag_json(item["flag"])))


@endpoint("/flags/<int:flag_id>/resolve", "POST", summary="Resolve a flag (moderators)",
          tag="flags", response=FLAG, body=RESOLVE, auth=True, errors=MODERATOR_ERRORS)
def resolve_flag(flag_id, body):
    """Dismiss a flag, or hide the item / lock the thread it points at (logged)."""
    flag = flag_service.resolve_flag(current_actor(), flag_id, body["action"],
                                     body.get("reason", ""))
    return jsonify(flag_json(flag))


@endpoint("/moderation-log", "GET", summary="The moderation log (moderators)", tag="moderation",
          response=LOG_PAGE, auth=True, errors=(403,), params=[
              query("actor_id", {"type": "integer", "minimum": 1, "maximum": 2_147_483_647},
                    "Only this moderator's actions."),
              query("action", {"type": "string", "maxLength": 40},
                    "Only this action, e.g. thread.hide."),
              query("page", PAGE, "Page number, from 1.")])
def moderation_log(args):
    """Every moderator action, newest first."""
    page = moderation_service.list_log(current_actor(), actor_id=args.get("actor_id"),
                                       action=args.get("action"), page=args.get("page", 1))
    return jsonify(shapes.page_json(page, log_json))
