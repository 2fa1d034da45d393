"""API endpoints for star ratings of threads and contributions (body {"stars": n})."""
from flask import jsonify

from forum.api import shapes
from forum.api.spec import endpoint, schema
from forum.limits import limit
from forum.request_actor import current_actor
from forum.services import ratings as rating_service

STARS = schema("Stars", {
    "type": "object", "required": ["stars"], "additionalProperties": False,
    "properties": {"stars": {"type": "integer", "minimum": rating_service.STARS_MIN,
                             "maximum": rating_service.STARS_MAX}},
})


def _register(kind, rule, noun):
    """PUT and DELETE <rule>/rating for one kind of target, over the ratings service."""
    def put(body, **path):
        summary = rating_service.rate(current_actor(), kind, next(iter(path.values())),
                                      body["stars"])
        return jsonify(summary.as_dict())

    def delete(**path):
        summary = rating_service.unrate(current_actor(), kind, next(iter(path.values())))
        return jsonify(summary.as_dict())

    put.__name__, delete.__name__ = f"rate_{kind}", f"unrate_{kind}"
    put.__doc__ = f"Give or change your stars for a {noun}; answers its new rating summary."
    delete.__doc__ = f"Remove your rating of a {noun}; answers its new rating summary."
    limit("rating")(put), limit("rating")(delete)  # the web's stars share the bucket
    endpoint(f"{rule}/rating", "PUT", summary=f"Rate a {noun}", tag="ratings",
             response=shapes.RATING, body=STARS, auth=True, errors=(403, 409))(put)
    endpoint(f"{rule}/rating", "DELETE", summary=f"Remove your rating of a {noun}",
             tag="ratings", response=shapes.RATING, auth=True, errors=(403, 409))(delete)


_register("thread", "/threads/<int:thread_id>", "thread")
_register("reply", "/replies/<int:reply_id>", "contribution")
