"""The JSON API under api/: bearer tokens or a session with a CSRF header."""
from forum.api import (  # noqa: F401  (each module registers its routes)
    auth, composer, document, errors, members, moderation, notifications, outcomes, ratings,
    related,
    search, site_info, threads,
)
from forum.api.errors import answer_unmatched
from forum.api.spec import api_bp
from forum.settings import url_prefix


def register_api(app, csrf, name="forum_api"):
    """Mount the API at <forum prefix>/api, outside the global CSRF check (it has its own rule)."""
    if csrf is not None:
        csrf.exempt(api_bp)
    api_prefix = f"{url_prefix(app.config) or ''}/api"
    app.register_blueprint(api_bp, url_prefix=api_prefix, name=name)
    app.before_request(answer_unmatched(api_prefix))
