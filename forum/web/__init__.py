"""HTTP layers over the services: pages (one module per feature) on one blueprint."""
from forum.web import (  # noqa: F401  (each module registers its routes on bp)
    accounts,
    feeds,
    importing,
    moderation,
    page_cache,
    profile,
    ratings,
    related,
    search,
    threads,
)
from forum.web.blueprint import bp


def _prefix(value):
    """Normalize a URL prefix: '' and '/' mean the site root."""
    value = (value or "").strip()
    if value in ("", "/"):
        return None
    return "/" + value.strip("/")


def register_blueprints(app, csrf):
    """Mount the forum's blueprint(s) under FORUM_URL_PREFIX."""
    from forum.api import register_api

    prefix = _prefix(app.config["FORUM_URL_PREFIX"])
    app.register_blueprint(bp, url_prefix=prefix)
    register_api(app, csrf, prefix)
