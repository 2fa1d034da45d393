"""The current request's Actor, built from the host's Flask-Login user through the forum hooks.

Below pages, API and rate limits alike (each of them asks who is acting).
"""
from flask import current_app, g, request
from flask_login import current_user

from forum.services import tokens as token_service
from forum.services.actors import ANONYMOUS, Actor


def actor_for_user(user):
    """An Actor for a host user object (anonymous when not authenticated)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    state = current_app.extensions["forum"]
    key = getattr(user, "forum_member_key", None) or str(user.get_id())
    return Actor(
        user_key=key,
        display_name=str(state.display_name(user) or ""),
        is_moderator=bool(state.is_moderator(user)),
        is_admin=bool(state.is_admin(user)),
        host_profile=state.member_profile(user) if state.member_profile else None,
    )


def current_actor():
    """The Actor for this request, computed once and kept on flask.g."""
    if "forum_actor" not in g:
        g.forum_actor = actor_for_user(current_user._get_current_object())
    return g.forum_actor


def use_actor(actor):
    """Act as `actor` for the rest of this request (an API call signed with a bearer token)."""
    g.forum_actor = actor


def forget_actor():
    """Never reuse an Actor computed for an earlier request that shared this app context."""
    g.pop("forum_actor", None)


def bearer():
    """The token in an `Authorization: Bearer ...` header, '' if the header is malformed, else None."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def bearer_token():
    """The active ApiToken named by this request's bearer header (looked up once), or None:
    the API signs the call with it, the rate limits count per token whatever the spelling.

    Kept in the request's environ, not in g: an app context can outlive one request."""
    if "forum.bearer_token" not in request.environ:
        raw = bearer()
        request.environ["forum.bearer_token"] = token_service.find_token(raw) if raw else None
    return request.environ["forum.bearer_token"]
