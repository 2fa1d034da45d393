"""url_for for the forum's endpoints under the name the host mounted it with (Forum(name=...)).

The forum's code and templates say `forum.thread` or `forum_api.me`; mounted as "community",
those are `community.thread` and `community_api.me`, so a host may keep a `forum` blueprint.
"""
from flask import current_app
from flask import url_for as flask_url_for

DEFAULT_NAME = "forum"


def endpoint_for(endpoint):
    """The mounted endpoint of a `forum.`/`forum_api.` endpoint (other endpoints unchanged)."""
    name = current_app.extensions["forum"].name
    if name != DEFAULT_NAME:
        head, dot, rest = endpoint.partition(".")
        if dot and head in (DEFAULT_NAME, f"{DEFAULT_NAME}_api"):
            return f"{name}{head[len(DEFAULT_NAME):]}.{rest}"
    return endpoint


def url_for(endpoint, **values):
    """flask.url_for for the forum's endpoints, wherever the host mounted them."""
    return flask_url_for(endpoint_for(endpoint), **values)
