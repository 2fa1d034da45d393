"""The one declarative description of the API: each view registers its route and its OpenAPI entry."""
import functools
import re

from flask import Blueprint, request
from jsonschema import Draft202012Validator

from forum import markup, security
from forum.errors import NotFound, Unauthorized, ValidationError
from forum.limits import limit
from forum.models import ID_MAX
from forum.request_actor import current_actor, forget_actor
from forum.route_clashes import check_routes_once
from forum.i18n import gettext as _

api_bp = Blueprint("forum_api", __name__)
api_bp.before_request(check_routes_once)
api_bp.before_request(forget_actor)
security.protect(api_bp, csrf=False)  # its own CSRF rule: see auth.authenticate
limit("api")(api_bp)  # every API call counts (FORUM_RATELIMITS["api"])

OPERATIONS = []          # (openapi path, method, operation dict)
SCHEMAS = {}             # components/schemas
ERROR_TEXT = {
    400: "The request is malformed (not JSON, or a CSRF header is missing).",
    401: "No valid bearer token and no logged-in session.",
    403: "The member may not do this.",
    404: "No such item, or it is hidden from this member.",
    409: "The action clashes with the item's state (locked, duplicate).",
    413: "The request body is too large.",
    422: "A value breaks a rule; `field` names it. Code `confidential`: the text may identify a "
         "client (`findings`); send `confirm_confidential: true` to post anyway.",
    429: "Too many requests; retry later.",
}
ALWAYS = (400, 401, 413, 429)  # 401: a bad bearer token fails even public reads
_RULE_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def schema(name, definition):
    """Register a named component schema and return a $ref to it."""
    SCHEMAS[name] = definition
    return ref(name)


def ref(name):
    """A $ref to a component schema."""
    return {"$ref": f"#/components/schemas/{name}"}


def query(name, schema_, description, required=False):
    """A declared query parameter."""
    return {"name": name, "in": "query", "required": required, "description": description,
            "schema": schema_}


def _openapi_path(rule):
    """'/threads/<int:thread_id>' -> '/threads/{thread_id}'."""
    return _RULE_PARAM.sub(r"{\2}", rule)


def _path_params(rule):
    """OpenAPI parameters for the rule's path variables: ids are positive 32-bit integers,
    other variables (a tag's slug) strings."""
    return [{"name": name, "in": "path", "required": True,
             "schema": {"type": "integer", "minimum": 1, "maximum": ID_MAX} if conv == "int"
             else {"type": "string", "minLength": 1, "maxLength": 200}}
            for conv, name in _RULE_PARAM.findall(rule)]


def _validation_message(error):
    """A readable message for a JSON-schema failure, naming the field."""
    where = ".".join(str(part) for part in error.absolute_path)
    field = str(error.absolute_path[0]) if error.absolute_path else None
    if field is None and error.validator == "required":
        field = next((name for name in error.validator_value if name not in error.instance),
                     None)
    return (f"{where}: {error.message}" if where else error.message), field


def read_body(body_schema):
    """The request's JSON object validated against body_schema (400 not JSON, 422 wrong shape)."""
    try:
        data = request.get_json(silent=True) if request.content_length or request.data else None
    except RecursionError:  # the decoder gives up on very deep nesting: not a body we take
        raise ValidationError(_('The body is nested too deeply.'), status=400,
                              code="bad_request") from None
    if data is None:
        if request.data:
            raise ValidationError(_('The body is not valid JSON.'), status=400, code="bad_request")
        data = {}
    for error in Draft202012Validator(_resolve(body_schema)).iter_errors(data):
        message, field = _validation_message(error)
        raise ValidationError(message, field=field)
    return _clean(data)


def _clean(value):
    """Every string of a JSON value without NUL/control/bidi-override characters."""
    if isinstance(value, str):
        return markup.clean_text(value)
    if isinstance(value, list):
        return [_clean(item) for item in value]
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items()}
    return value


def _resolve(definition):
    """The schema with local $refs resolvable (components copied in as $defs)."""
    text = repr(definition)
    if "$ref" not in text:
        return definition
    return {**_rewrite_refs(definition), "$defs": {k: _rewrite_refs(v) for k, v in SCHEMAS.items()}}


def _rewrite_refs(value):
    """Point #/components/schemas/X refs at #/$defs/X for stand-alone validation."""
    if isinstance(value, dict):
        return {k: (v.replace("#/components/schemas/", "#/$defs/") if k == "$ref" else
                    _rewrite_refs(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_rewrite_refs(v) for v in value]
    return value


def _query_args(params):
    """Validated query arguments: declared names only, typed, with readable 422s."""
    values = {}
    for param in params:
        name, spec = param["name"], param["schema"]
        raw = request.args.get(name)
        if raw is None:
            if param.get("required"):
                raise ValidationError(_('The query parameter %(name)s is required.', name=repr(name)), field=name)
            continue
        value = markup.clean_text(raw)
        if spec.get("type") == "integer":
            try:
                value = int(raw)
            except ValueError:
                raise ValidationError(_('%(name)s must be a whole number.', name=name), field=name) from None
        elif spec.get("type") == "boolean":
            if raw not in ("true", "false"):
                raise ValidationError(_('%(name)s must be true or false.', name=name), field=name)
            value = raw == "true"
        for error in Draft202012Validator(spec).iter_errors(value):
            raise ValidationError(f'{name}: {error.message}', field=name)
        values[name] = value
    return values


def endpoint(rule, method, *, summary, tag, response=None, status=200, body=None,
             params=(), errors=(), auth=False, description=None):
    """Register a view under rule/method and document it; the view gets (**path, args, body)."""
    def decorate(view):
        responses = {str(status): {"description": "Success"}}
        if response is not None:
            responses[str(status)]["content"] = {"application/json": {"schema": response}}
        codes = set(errors) | set(ALWAYS)
        if auth:
            codes.add(401)
        if body is not None or params:
            codes.add(422)
        if rule.count("<"):
            codes.add(404)
        for code in sorted(codes):
            responses[str(code)] = {"$ref": f"#/components/responses/E{code}"}
        operation = {
            "operationId": view.__name__, "summary": summary, "tags": [tag],
            "parameters": _path_params(rule) + list(params), "responses": responses,
        }
        if description:
            operation["description"] = description
        if body is not None:
            named = SCHEMAS.get(body.get("$ref", "").rsplit("/", 1)[-1], body)
            operation["requestBody"] = {"required": bool(named.get("required")), "content": {
                "application/json": {"schema": body}}}
        if not auth:
            operation["security"] = [{}, {"bearer": []}, {"session": []}]
        OPERATIONS.append((_openapi_path(rule), method.lower(), operation))

        @functools.wraps(view)
        def wrapper(**path):
            for name, value in path.items():
                if isinstance(value, int) and not 1 <= value <= ID_MAX:
                    raise NotFound(_('No such item.'))
            if auth and not current_actor().is_authenticated:
                raise Unauthorized(_('Send a bearer token or log in.'))
            kwargs = dict(path)
            if params:
                kwargs["args"] = _query_args(params)
            if body is not None:
                kwargs["body"] = read_body(body)
            return view(**kwargs)

        api_bp.add_url_rule(rule, endpoint=view.__name__, view_func=wrapper, methods=[method])
        return view
    return decorate
