"""Every API failure as JSON {"error": {"code", "message"}} with its status, never HTML or a 500."""
from flask import current_app, jsonify, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound as HTTPNotFound
from werkzeug.exceptions import default_exceptions
from werkzeug.routing import RequestRedirect

from forum.errors import HTTP_MESSAGES, ForumError
from forum.security import is_under
from forum.services import health

from forum.api.spec import api_bp
from forum.i18n import gettext as _

HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "bad_request",
              422: "invalid", 429: "rate_limited"}


def error_response(status, code, message, field=None, headers=None, details=None):
    """The JSON error body with its status (details: extra fields, e.g. confidential findings)."""
    error = {"code": code, "message": message}
    if field:
        error["field"] = field
    error.update(details or {})
    response = jsonify({"error": error})
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


@api_bp.errorhandler(ForumError)
def forum_error(error):
    """Service errors keep their status, code and field."""
    current_app.extensions["forum"].db.session.rollback()
    return error_response(error.status, error.code, error.message, error.field,
                          details=getattr(error, "details", None))


@api_bp.errorhandler(HTTPException)
def http_error(error):
    """Werkzeug/Flask errors (404, 405, 413, 429 from the rate limiter...) as JSON."""
    headers = {}
    if error.code == 405 and isinstance(error, MethodNotAllowed) and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    retry = getattr(error, "retry_after", None) or (
        error.response.headers.get("Retry-After") if getattr(error, "response", None) else None)
    if error.code == 429 and retry:
        headers["Retry-After"] = str(retry)
    message = error.description or ""
    if message == type(error).description and error.code in HTTP_MESSAGES:
        message = str(HTTP_MESSAGES[error.code])  # werkzeug's stock English, in the reader's
    return error_response(error.code or 500, HTTP_CODES.get(error.code, "error"), message,
                          headers=headers)


# By status code too: a host's (or the standalone site's) handler for a code, say its HTML
# 404 page, would otherwise win over this blueprint's handler for the class.
for _code in default_exceptions:
    api_bp.register_error_handler(_code, http_error)


def answer_unmatched(api_prefix):
    """An app-level hook: a request under the API's prefix that matched no route at all (an
    unknown method, `api/`) gets the API's JSON error, not the site's HTML page."""
    def unmatched_api_request():
        error = request.routing_exception
        if error is None or isinstance(error, RequestRedirect):
            return None
        if not is_under(api_prefix, request.path):
            return None
        if isinstance(error, MethodNotAllowed):  # the path's own methods, not the catch-all's
            error = MethodNotAllowed(valid_methods=_real_methods(), description=error.description)
        return http_error(error)
    return unmatched_api_request


@api_bp.errorhandler(Exception)
def unexpected_error(error):
    """Anything else: log it and answer a JSON 500 rather than an HTML page (a JSON 503 while
    the database does not answer)."""
    if health.database_unreachable(error):
        health.forget_failed_transaction()
        return error_response(503, "unavailable", "The database is not answering; nothing was "
                              "saved. Try again shortly.",
                              headers={"Retry-After": str(health.OUTAGE_RETRY_AFTER)})
    current_app.logger.exception("API error on %s %s", request.method, request.path)
    current_app.extensions["forum"].db.session.rollback()
    return error_response(500, "server_error", _('Something went wrong on our side.'))


API_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _real_methods():
    """The methods this path answers with an endpoint of its own (not the catch-all below)."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    allowed = []
    for method in API_METHODS:
        try:
            endpoint, _args = adapter.match(method=method)
        except HTTPException:
            continue
        if endpoint != f"{api_bp.name}.unknown":
            allowed.append(method)
    return allowed


@api_bp.route("/<path:anything>", methods=list(API_METHODS))
def unknown(anything):
    """Unknown API paths: JSON 404, or 405 when the path exists with other methods."""
    allowed = _real_methods()
    if allowed:
        raise MethodNotAllowed(valid_methods=allowed,
                               description=_("That address does not accept this method."))
    raise HTTPNotFound(_("No such API endpoint."))
