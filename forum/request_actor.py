"""The current request's Actor, built from the host's Flask-Login user through the forum hooks.

Below pages, API and rate limits alike (each of them asks who is acting).
"""
from flask import current_app, g
from flask_login import current_user

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
