"""Signed, expiring links in emails (unsubscribe, address check) and absolute URLs for them.

Links are itsdangerous tokens signed with the app's SECRET_KEY, one salt per purpose, so a token
made for one purpose never works for another; they need no log-in. The worker has no request,
so absolute URLs come from FORUM_PUBLIC_URL (or the current request when there is one).
"""
from flask import current_app, has_request_context
from itsdangerous import BadSignature, URLSafeTimedSerializer

from forum.urls import url_for

UNSUBSCRIBE = "forum-email-unsubscribe"
VERIFY = "forum-email-verify"
VERIFY_DAYS = 2
DAY_S = 86400


def _serializer(purpose):
    return URLSafeTimedSerializer(current_app.secret_key, salt=purpose)


def sign(purpose, payload):
    """A URL-safe token carrying payload (a small dict), signed for this purpose."""
    return _serializer(purpose).dumps(payload)


def read(purpose, token, max_age_days):
    """The payload of a token signed for purpose at most max_age_days ago, else None."""
    try:
        return _serializer(purpose).loads(token, max_age=max_age_days * DAY_S)
    except BadSignature:  # SignatureExpired is a BadSignature too
        return None


def unsubscribe_token(member_id, kind):
    """The token of the link that turns one kind of email off for one member."""
    return sign(UNSUBSCRIBE, {"m": member_id, "k": kind})


def read_unsubscribe(token):
    """(member_id, kind) of a valid unsubscribe token, else None."""
    payload = read(UNSUBSCRIBE, token, current_app.config["FORUM_EMAIL_LINK_DAYS"])
    if not isinstance(payload, dict) or not isinstance(payload.get("m"), int):
        return None
    return payload["m"], str(payload.get("k", ""))


def absolute_url(endpoint, **values):
    """An absolute URL of a forum endpoint on FORUM_PUBLIC_URL, else on the current request's
    address (immediate mode), else on http://localhost (FORUM_PUBLIC_URL should be set)."""
    base = current_app.config["FORUM_PUBLIC_URL"]
    if not base and has_request_context():
        return url_for(endpoint, _external=True, **values)
    with current_app.test_request_context("/", base_url=base or "http://localhost"):
        return url_for(endpoint, _external=True, **values)
