"""Fit extensions the host sets up before or after Forum(app): Flask-Migrate, CSRFProtect and
Flask-Babel.

Runs at Forum(app) and again when an app context is pushed (every CLI command and request), so
`Migrate(app, db)` or `CSRFProtect(app)` may come after `Forum(app)` with no host code.
"""
from forum.api.spec import api_bp
from forum.locale_choice import fit_babel
from forum.migrate import fit_flask_migrate
from forum.web.email_pages import unsubscribe


def fit_host_extensions(app):
    """Hide the forum's tables from the host's Flask-Migrate; exempt the API and the
    one-click unsubscribe from its CSRFProtect; keep the forum's locale choice and template
    domain after a late Babel(app)."""
    fitted = app.extensions["forum"].fitted
    migrate_config = app.extensions.get("migrate")
    if migrate_config is not None and id(migrate_config) not in fitted:
        fit_flask_migrate(migrate_config)
        fitted.add(id(migrate_config))
    csrf = app.extensions.get("csrf")
    if csrf is not None and id(csrf) not in fitted:
        csrf.exempt(api_bp)  # the API has its own rule: bearer tokens, or a CSRF header
        csrf.exempt(unsubscribe)  # authenticated by its signed link (security.signed_link)
        fitted.add(id(csrf))
    babel = app.extensions.get("babel")
    if babel is not None and id(babel) not in fitted:
        fit_babel(app)
        fitted.add(id(app.extensions["babel"]))


def on_app_context(app, **_extra):
    """appcontext_pushed receiver: fit what the host added since."""
    fit_host_extensions(app)
