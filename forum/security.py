"""Security headers and request-size limits for the forum's own responses (never the host's)."""
from flask import current_app, request

HSTS = "max-age=31536000"
REFERRER_POLICY = "strict-origin-when-cross-origin"


def is_forum_request():
    """Whether the current request was routed to one of the forum's blueprints."""
    names = request.blueprints or ()
    return any(name == "forum" or name.startswith("forum_") for name in names)


def limit_request_size():
    """Cap the body and form size of forum requests (FORUM_MAX_CONTENT_LENGTH) to answer 413."""
    if not is_forum_request():
        return
    limit = current_app.config["FORUM_MAX_CONTENT_LENGTH"]
    if limit:
        host_limit = current_app.config.get("MAX_CONTENT_LENGTH")
        request.max_content_length = min(limit, host_limit) if host_limit else limit


def add_security_headers(response):
    """CSP, nosniff, Referrer-Policy, frame protection, and HSTS over HTTPS, unless already set."""
    config = current_app.config
    if not config["FORUM_SECURITY_HEADERS"] or not is_forum_request():
        return response
    headers = response.headers
    policy = config["FORUM_CONTENT_SECURITY_POLICY"]
    if policy:
        headers.setdefault("Content-Security-Policy", policy)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", REFERRER_POLICY)
    headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app):
    """Register the hooks; they act only on requests routed to the forum's blueprints."""
    app.before_request(limit_request_size)
    app.after_request(add_security_headers)
