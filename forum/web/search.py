"""The search page: GET search?q=&tag=&kind=&page= (and the pager's keyset &after=)."""
from flask import render_template, request

from forum.errors import ForumError
from forum.services import search as search_service
from forum.web.context import current_actor
from forum.web.pages import page_arg
from forum.web.routes import Routes

routes = Routes()


@routes.get("/search")
def search():
    """Ranked results with highlighted snippets; bad filters show a message, never an error page."""
    q = request.args.get("q", "")
    tag = request.args.get("tag", "").strip()
    kind = request.args.get("kind", "all")
    if kind not in search_service.KINDS:
        kind = "all"
    error, results = None, None
    if q.strip():
        try:
            results = search_service.search(current_actor(), q, tag=tag or None, kind=kind,
                                             page=min(page_arg(), 10_000),
                                             after=request.args.get("after"))
        except ForumError as failure:
            error = failure.message
    return render_template("forum/search.html", q=q, tag=tag, kind=kind, results=results,
                           error=error, kinds=search_service.KINDS,
                           candidates=search_service.CANDIDATES)
