"""API endpoint for a member's public profile: api/members/{id}."""
from flask import jsonify

from forum.api import shapes
from forum.api.spec import endpoint, query, schema
from forum.services import profiles as profile_service

PAGE = {"type": "integer", "minimum": 1, "maximum": 100_000}
CREDENTIAL = schema("Credential", {
    "type": "object", "required": ["name", "url", "verified"],
    "properties": {"name": {"type": "string"}, "url": {"type": ["string", "null"]},
                   "verified": {"type": "boolean"}}})
TAG_EXPERTISE = schema("TagExpertise", {
    "type": "object", "required": ["name", "slug", "ratings", "average", "score"],
    "properties": {"name": {"type": "string"}, "slug": {"type": "string"},
                   "ratings": {"type": "integer"}, "average": {"type": "number"},
                   "score": {"type": "number"},
                   "field_tested": {"type": ["integer", "null"]}}})
PROFILE = schema("MemberProfile", {
    "type": "object",
    "required": ["id", "display_name", "bio", "coaching_focus", "member_since", "counts",
                 "credentials", "expertise", "threads", "contributions"],
    "properties": {
        "id": {"type": "integer"}, "display_name": {"type": "string"},
        "bio": {"type": "string"}, "coaching_focus": {"type": "string"},
        "member_since": shapes.TIMESTAMP,
        "counts": {"type": "object", "required": ["threads", "contributions", "ratings_received"],
                   "properties": {"threads": {"type": "integer"},
                                  "contributions": {"type": "integer"},
                                  "ratings_received": {"type": "integer"}}},
        "credentials": {"type": "array", "items": CREDENTIAL},
        "expertise": {"type": "object",
                      "required": ["formula", "prior_weight", "site_mean", "min_ratings", "tags"],
                      "properties": {"formula": {"type": "string"},
                                     "prior_weight": {"type": "number"},
                                     "site_mean": {"type": "number"},
                                     "min_ratings": {"type": "integer"},
                                     "tags": {"type": "array", "items": TAG_EXPERTISE}}},
        "threads": shapes.page_of(shapes.THREAD_SUMMARY, "MemberThreadPage"),
        "contributions": shapes.page_of(shapes.REPLY, "MemberReplyPage"),
    }})


@endpoint("/members/<int:member_id>", "GET", summary="A member's public profile",
          tag="members", response=PROFILE,
          params=[query("page", PAGE, "Page of the member's threads and contributions, from 1.")])
def get_member(member_id, args):
    """Display name, bio, coaching focus, member since, counts, credentials, expertise per tag,
    and a page of live threads and contributions (never an email, never hidden content)."""
    profile = profile_service.get_profile(member_id)
    page = args.get("page", 1)
    return jsonify(dict(
        profile.as_dict(),
        threads=shapes.page_json(profile_service.member_threads(member_id, page),
                                 shapes.thread_summary_json),
        contributions=shapes.page_json(profile_service.member_replies(member_id, page),
                                       shapes.reply_json)))
