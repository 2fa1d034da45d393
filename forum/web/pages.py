"""Small helpers that every page view uses."""
from flask import abort, request

from forum.models import ID_MAX

PAGE_MAX = 100_000  # as the API's: a larger page number names nothing (and overflows SQL)


def page_arg():
    """The ?page= number, at least 1; a page past PAGE_MAX is a 404, as any page past the end."""
    page = max(1, request.args.get("page", 1, type=int) or 1)
    if page > PAGE_MAX:
        abort(404)
    return page


def id_arg(name):
    """An optional ?name=<id> query argument; a number no row can have is a 400."""
    value = request.args.get(name, type=int)
    if value is not None and not 1 <= value <= ID_MAX:
        abort(400)
    return value


def refuse_impossible_ids(endpoint, values):
    """URL ids beyond any row's (e.g. /threads/99999999999999999999) are a 404, not an overflow
    in the database driver."""
    if any(isinstance(value, int) and not 0 <= value <= ID_MAX
           for value in (values or {}).values()):
        abort(404)
