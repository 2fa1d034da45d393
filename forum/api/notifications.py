"""API endpoints for notifications, email settings, thread watch levels, and tag and member
follows."""
from flask import jsonify

from forum.api import shapes
from forum.api.spec import ID_MAX, endpoint, query, schema
from forum.errors import ValidationError
from forum.models import DIGEST_EVERY, EMAIL_MODES, WATCH_LEVELS
from forum.request_actor import current_actor
from forum.services import email_settings
from forum.services import following as following_service
from forum.services import member_follows
from forum.services import notifications as notification_service
from forum.services.tags import tag_for_listing
from forum.i18n import gettext as _

NOTIFICATION = schema("Notification", {
    "type": "object",
    "required": ["id", "kind", "text", "thread_id", "thread_title", "reply_id", "actor",
                 "excerpt", "count", "created_at", "read"],
    "properties": {
        "id": {"type": "integer"},
        "kind": {"type": "string", "enum": list(notification_service.KINDS)},
        "text": {"type": "string", "description": "What happened, in one line."},
        "thread_id": {"type": "integer"},
        "thread_title": {"type": ["string", "null"],
                         "description": "null when the thread is hidden from you now (a "
                                        "moderation or flag notice about it)."},
        "count": {"type": "integer", "minimum": 1,
                  "description": "How many events this notice stands for (ratings group)."},
        "reply_id": {"type": ["integer", "null"]},
        "actor": shapes.MEMBER,
        "excerpt": {"type": ["string", "null"], "description": "The contribution's start."},
        "created_at": shapes.TIMESTAMP, "read": {"type": "boolean"},
    },
})
NOTIFICATION_PAGE = schema("NotificationPage", {
    "type": "object", "required": ["items", "next_cursor"],
    "properties": {"items": {"type": "array", "items": NOTIFICATION},
                   "next_cursor": {"type": ["integer", "null"],
                                   "description": "Pass as cursor for the next (older) page."}},
})
MARK_READ = schema("MarkRead", {
    "type": "object", "minProperties": 1, "additionalProperties": False,
    "description": "Either ids (your notifications to mark read) or all: true.",
    "properties": {
        "ids": {"type": "array", "minItems": 1, "maxItems": notification_service.IDS_MAX,
                "items": {"type": "integer", "minimum": 1, "maximum": ID_MAX}},
        "all": {"type": "boolean"},
    },
})
MARKED = schema("Marked", {
    "type": "object", "required": ["marked", "unread"],
    "properties": {"marked": {"type": "integer", "minimum": 0},
                   "unread": {"type": "integer", "minimum": 0}},
})
LEVEL = {"type": "string", "enum": list(WATCH_LEVELS)}
WATCH = schema("Watch", {
    "type": "object", "required": ["thread_id", "level"],
    "properties": {"thread_id": {"type": "integer"}, "level": LEVEL},
})
WATCH_CHANGE = schema("WatchChange", {
    "type": "object", "required": ["level"], "additionalProperties": False,
    "properties": {"level": LEVEL},
})
MEMBER_FOLLOW = schema("MemberFollow", {
    "type": "object", "required": ["member", "following"],
    "properties": {"member": shapes.MEMBER, "following": {"type": "boolean"}},
})
FOLLOW = schema("TagFollow", {
    "type": "object", "required": ["tag", "following"],
    "properties": {"tag": shapes.TAG, "following": {"type": "boolean"}},
})


def notification_json(notice):
    """A notice as the API shows it (checked for visibility by the listing that loaded it)."""
    return {
        "id": notice.id, "kind": notice.kind, "text": notification_service.describe(notice),
        "thread_id": notice.thread_id,
        "thread_title": notice.thread.title if notice.shows_thread else None,
        "reply_id": notice.reply_id, "actor": shapes.member_json(notice.actor),
        "excerpt": notification_service.excerpt(notice), "count": notice.count,
        "created_at": shapes.when(notice.created_at), "read": notice.read_at is not None,
    }


@endpoint("/notifications", "GET", summary="List your notifications", tag="notifications",
          response=NOTIFICATION_PAGE, auth=True,
          params=[query("unread", {"type": "boolean"}, "true: unread ones only."),
                  query("cursor", {"type": "integer", "minimum": 1, "maximum": ID_MAX},
                        "next_cursor of the previous page.")])
def list_notifications(args):
    """Your notifications, newest first, leaving out any whose content you may no longer see."""
    page = notification_service.list_notifications(
        current_actor(), unread=args.get("unread", False), before=args.get("cursor"))
    return jsonify({"items": [notification_json(notice) for notice in page.items],
                    "next_cursor": page.next_before})


@endpoint("/notifications/read", "POST", summary="Mark notifications read",
          tag="notifications", response=MARKED, body=MARK_READ, auth=True)
def mark_notifications_read(body):
    """Mark the given notifications (or all: true) read; answers how many, and what is left."""
    actor = current_actor()
    if body.get("all") is True:
        marked = notification_service.mark_read(actor, everything=True)
    elif "ids" in body:
        marked = notification_service.mark_read(actor, body["ids"])
    else:
        raise ValidationError(_('Send ids, or all: true.'), field="ids")
    return jsonify({"marked": marked, "unread": notification_service.unread_count(actor)})


@endpoint("/threads/<int:thread_id>/watch", "GET", summary="Your watch level on a thread",
          tag="following", response=WATCH, auth=True)
def get_thread_watch(thread_id):
    """watching, normal (the default) or muted."""
    level = following_service.watch_level(current_actor(), thread_id)
    return jsonify({"thread_id": thread_id, "level": level})


@endpoint("/threads/<int:thread_id>/watch", "PUT", summary="Set your watch level on a thread",
          tag="following", response=WATCH, body=WATCH_CHANGE, auth=True)
def set_thread_watch(thread_id, body):
    """watching: every new contribution; normal: only what is addressed to you; muted: nothing."""
    level = following_service.set_watch_level(current_actor(), thread_id, body["level"])
    return jsonify({"thread_id": thread_id, "level": level})


def _follow_json(tag, followed):
    return jsonify({"tag": {"name": tag.name, "slug": tag.slug}, "following": followed})


@endpoint("/tags/<slug>/follow", "GET", summary="Whether you follow a tag", tag="following",
          response=FOLLOW, auth=True)
def get_tag_follow(slug):
    """Whether you follow the tag (a synonym answers for its canonical tag)."""
    actor = current_actor()
    tag = tag_for_listing(actor, slug)
    return _follow_json(tag, following_service.follows(actor, tag))


@endpoint("/tags/<slug>/follow", "PUT", summary="Follow a tag", tag="following",
          response=FOLLOW, auth=True)
def follow_tag(slug):
    """Follow the tag: new threads and contributions carrying it notify you."""
    return _follow_json(following_service.follow_tag(current_actor(), slug), True)


@endpoint("/tags/<slug>/follow", "DELETE", summary="Stop following a tag", tag="following",
          response=FOLLOW, auth=True)
def unfollow_tag(slug):
    """Stop following the tag."""
    return _follow_json(following_service.follow_tag(current_actor(), slug, follow=False), False)


def _member_follow_json(member, followed):
    return jsonify({"member": shapes.member_json(member), "following": followed})


@endpoint("/members/<int:member_id>/follow", "GET", summary="Whether you follow a member",
          tag="following", response=MEMBER_FOLLOW, auth=True)
def get_member_follow(member_id):
    """Whether you follow the member (their new threads notify you)."""
    actor = current_actor()
    member = member_follows.get_member(member_id)
    return _member_follow_json(member, member_follows.follows_member(actor, member))


@endpoint("/members/<int:member_id>/follow", "PUT", summary="Follow a member", tag="following",
          response=MEMBER_FOLLOW, auth=True, errors=(422,))
def follow_member(member_id):
    """Follow the member: their new threads notify you (kind member_thread)."""
    return _member_follow_json(member_follows.follow_member(current_actor(), member_id), True)


@endpoint("/members/<int:member_id>/follow", "DELETE", summary="Stop following a member",
          tag="following", response=MEMBER_FOLLOW, auth=True)
def unfollow_member(member_id):
    """Stop following the member."""
    return _member_follow_json(
        member_follows.follow_member(current_actor(), member_id, follow=False), False)


MODE = {"type": "string", "enum": list(EMAIL_MODES)}
KIND_MODES = {"type": "object", "additionalProperties": False,
              "properties": {kind: MODE for kind in email_settings.KINDS}}
EMAIL_SETTINGS = schema("NotificationSettings", {
    "type": "object", "required": ["kinds", "digest"],
    "properties": {
        "kinds": dict(KIND_MODES, required=list(email_settings.KINDS),
                      description="Per notification kind: email it immediately, put it in "
                                  "the digest, or not at all (it still shows in-app)."),
        "digest": {"type": "string", "enum": list(DIGEST_EVERY)},
    },
})
EMAIL_SETTINGS_CHANGE = schema("NotificationSettingsChange", {
    "type": "object", "minProperties": 1, "additionalProperties": False,
    "description": "Only what changes: some kinds, the digest rhythm, or both.",
    "properties": {"kinds": KIND_MODES, "digest": {"type": "string", "enum": list(DIGEST_EVERY)}},
})


@endpoint("/me/notification-settings", "GET", summary="Your email settings",
          tag="notifications", response=EMAIL_SETTINGS, auth=True)
def get_notification_settings():
    """How each kind of notice reaches you by email, and daily or weekly digests."""
    return jsonify(email_settings.settings_for(current_actor()))


@endpoint("/me/notification-settings", "PUT", summary="Change your email settings",
          tag="notifications", response=EMAIL_SETTINGS, body=EMAIL_SETTINGS_CHANGE, auth=True)
def put_notification_settings(body):
    """Set some kinds (immediately, digest, off) and/or the digest (daily, weekly)."""
    return jsonify(email_settings.update_settings(
        current_actor(), body.get("kinds"), body.get("digest")))
