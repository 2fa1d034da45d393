"""GET api/openapi.json: the OpenAPI 3.1 document assembled from the endpoints' declarations."""
from flask import current_app, jsonify, request

import forum
from forum.api.spec import ERROR_TEXT, OPERATIONS, SCHEMAS, api_bp, schema

ERROR = schema("Error", {
    "type": "object", "required": ["error"],
    "properties": {"error": {
        "type": "object", "required": ["code", "message"],
        "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                       "field": {"type": "string", "description": "The input at fault."},
                       "findings": {
                           "type": "array", "description": "With code `confidential`: what may "
                           "identify a client, as offsets into the field's text.",
                           "items": {"type": "object",
                                     "required": ["start", "end", "kind", "suggestion"],
                                     "properties": {
                                         "start": {"type": "integer"},
                                         "end": {"type": "integer"},
                                         "kind": {"type": "string"},
                                         "suggestion": {"type": "string"},
                                         "explanation": {"type": "string"},
                                         "field": {"type": "string"}}}}},
    }},
})


def build_document(server_url):
    """The whole OpenAPI document for an API served at server_url."""
    paths = {}
    for path, method, operation in OPERATIONS:
        paths.setdefault(path, {})[method] = operation
    responses = {f"E{code}": {"description": text, "content": {
        "application/json": {"schema": ERROR}}} for code, text in ERROR_TEXT.items()}
    return {
        "openapi": "3.1.0",
        "info": {"title": f"{current_app.config['FORUM_TITLE']} API",
                 "version": forum.__version__,
                 "description": "The coaching forum's JSON API. Authenticate with a personal "
                                "token (`Authorization: Bearer ...`) or a logged-in session "
                                "that sends its CSRF token in `X-CSRFToken` on mutations."},
        "servers": [{"url": server_url}],
        "security": [{"bearer": []}, {"session": []}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": dict(sorted(SCHEMAS.items())),
            "responses": responses,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer",
                           "description": "A personal API token from the profile page or "
                                          "`flask forum create-token NAME`."},
                "session": {"type": "apiKey", "in": "cookie", "name": "session",
                            "description": "A logged-in browser session; mutations also need "
                                           "the X-CSRFToken header."},
            },
        },
    }


@api_bp.get("/openapi.json")
def openapi_document():
    """The OpenAPI 3.1 document describing every endpoint, body and error response."""
    server = request.script_root + request.path.rsplit("/openapi.json", 1)[0]
    return jsonify(build_document(server))
