"""Security headers, request-size limits and CSRF for the forum's own requests (never the host's).

The hooks are registered on the forum's blueprints, so they never run for a host page.
"""
import secrets

from flask import current_app, request
from flask_wtf.csrf import CSRFError, same_origin, validate_csrf
from wtforms import ValidationError

HSTS = "max-age=31536000"
REFERRER_POLICY = "strict-origin-when-cross-origin"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")
CSRF_HEADERS = ("X-CSRFToken", "X-CSRF-Token")


def protect_mutations():
    """Every POST/PUT/PATCH/DELETE on a forum page carries a valid CSRF token, whatever the
    host's CSRFProtect does; only the host's WTF_CSRF_ENABLED=False (test suites) turns it off."""
    config = current_app.config
    if request.method in SAFE_METHODS or not config.get("WTF_CSRF_ENABLED", True):
        return
    if getattr(current_app.view_functions.get(request.endpoint), "forum_signed_link", False):
        return
    token = request.form.get(config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    for header in config.get("WTF_CSRF_HEADERS", CSRF_HEADERS):
        token = token or request.headers.get(header)
    try:
        validate_csrf(token)
    except ValidationError as error:
        raise CSRFError(error.args[0]) from None
    if request.is_secure and config.get("WTF_CSRF_SSL_STRICT", True):
        if not request.referrer:
            raise CSRFError("The referrer header is missing.")
        if not same_origin(request.referrer, f"https://{request.host}/"):
            raise CSRFError("The referrer does not match the host.")


def signed_link(view):
    """Mark a view authenticated by the signed token in its URL instead of a session (the
    one-click unsubscribe a mail program POSTs, RFC 8058): it needs no CSRF token, since a
    forged request would have to know the token, which only the email's recipient has."""
    view.forum_signed_link = True
    return view


def accepts_large_forms(max_form_memory_size, max_content_length):
    """Mark a view whose forms may be larger than usual (still capped by the settings)."""
    def mark(view):
        view.forum_form_sizes = (max_form_memory_size, max_content_length)
        return view
    return mark


def limit_request_size():
    """Cap the body and form size of forum requests (FORUM_MAX_CONTENT_LENGTH) to answer 413."""
    limits = [current_app.config["FORUM_MAX_CONTENT_LENGTH"], current_app.config.get(
        "MAX_CONTENT_LENGTH")]
    sizes = getattr(current_app.view_functions.get(request.endpoint), "forum_form_sizes", None)
    if sizes:
        request.max_form_memory_size = sizes[0]
        limits.append(sizes[1])
    limits = [limit for limit in limits if limit]
    if limits:
        request.max_content_length = min(limits)


def add_security_headers(response):
    """CSP, nosniff, Referrer-Policy, frame protection, and HSTS over HTTPS, unless already set."""
    config = current_app.config
    if not config["FORUM_SECURITY_HEADERS"]:
        return response
    headers = response.headers
    policy = content_security_policy(config["FORUM_CONTENT_SECURITY_POLICY"],
                                     config["FORUM_CSP_SOURCES"], getattr(request, "forum_csp_nonce", None))
    if policy:
        headers.setdefault("Content-Security-Policy", policy)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", REFERRER_POLICY)
    headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def csp_nonce():
    """This response's CSP nonce, for a host layout's inline `<script nonce="{{ csp_nonce() }}">`."""
    if not getattr(request, "forum_csp_nonce", None):
        request.forum_csp_nonce = secrets.token_urlsafe(16)
    return request.forum_csp_nonce


def content_security_policy(policy, extra_sources, nonce):
    """The policy with the host's extra sources per directive and, once used, the page's nonce."""
    if not policy or not (extra_sources or nonce):
        return policy
    directives = {}
    for part in policy.split(";"):
        if part.strip():
            name, *sources = part.split()
            directives[name] = sources
    for name, sources in (extra_sources or {}).items():
        directives.setdefault(name, []).extend(sources.split() if isinstance(sources, str)
                                               else sources)
    if nonce:
        for name in ("script-src", "style-src"):
            directives.setdefault(name, list(directives.get("default-src", ["'self'"]))).append(
                f"'nonce-{nonce}'")
    return "; ".join(" ".join([name, *sources]) for name, sources in directives.items())


def is_under(prefix, path):
    """Whether a URL path lies under a prefix ('' or '/' is the whole site)."""
    prefix = "/" + (prefix or "").strip("/")
    return prefix == "/" or path == prefix or path.startswith(prefix + "/")


def headers_for_unmatched(prefix):
    """An app-level hook: a request under the forum's prefix that matched no route at all (its
    404 or 405 page) gets the forum's headers too; other unmatched URLs stay the host's."""
    def add_headers_if_unmatched(response):
        if request.url_rule is None and is_under(prefix, request.path):
            return add_security_headers(response)
        return response
    return add_headers_if_unmatched


def protect(blueprint, csrf=True):
    """Register the request-size limit, security headers and (for pages) CSRF on a blueprint."""
    blueprint.before_request(limit_request_size)
    if csrf:
        blueprint.before_request(protect_mutations)
    blueprint.after_request(add_security_headers)
