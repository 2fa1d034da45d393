"""GET /healthz for load balancers and monitors: JSON, 200 when healthy, else 503."""
from flask import jsonify

from forum.services import health
from forum.web.routes import Routes

routes = Routes()


@routes.get("/healthz")
def healthz():
    """Database reachable, migrations current, Redis reachable (when FORUM_CACHE_URL names one).

    Never rate-limited (no limit marks it) nor served from the page cache (page_cache skips it),
    so a monitor always sees the live state."""
    healthy, report = health.check()
    response = jsonify(status="ok" if healthy else "unhealthy", checks=report)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response
