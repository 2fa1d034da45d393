"""API endpoints about the caller and the site: me, tags."""
from flask import g, jsonify

from forum.api import shapes
from forum.api.spec import endpoint, schema
from forum.request_actor import current_actor
from forum.services import tags as tag_service

ME = schema("Me", {
    "type": "object", "required": ["id", "display_name", "is_moderator", "auth"],
    "properties": {"id": {"type": ["integer", "null"]}, "display_name": {"type": "string"},
                   "is_moderator": {"type": "boolean"},
                   "auth": {"type": "string", "enum": ["token", "session"]}},
})
TAG_LIST = schema("TagList", {"type": "object", "required": ["items"], "properties": {
    "items": {"type": "array", "items": shapes.TAG}}})


@endpoint("/me", "GET", summary="Who am I", tag="account", response=ME, auth=True)
def me():
    """The calling member: id (null before their first action), name, role, how they signed in."""
    actor = current_actor()
    return jsonify({"id": actor.member_id, "display_name": actor.display_name,
                    "is_moderator": actor.can_moderate,
                    "auth": "token" if g.get("forum_api_token") else "session"})


@endpoint("/tags", "GET", summary="List tags", tag="threads", response=TAG_LIST)
def list_tags():
    """Canonical tags with the number of visible threads carrying each, most used first."""
    return jsonify({"items": tag_service.list_tags()})
