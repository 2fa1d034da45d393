"""Flask-Mailman set up for the forum's emails, unless the host set it up already.

The connection comes from the host's usual MAIL_* settings (MAIL_SERVER, MAIL_PORT,
MAIL_USERNAME, MAIL_PASSWORD, MAIL_USE_TLS, MAIL_USE_SSL, MAIL_DEFAULT_SENDER); a host that made
its own `Mail(app)` keeps it untouched and the forum sends through it.
"""
from flask_mailman import Mail


def init_app(app):
    """Give the app Flask-Mailman when it has none (its own settings are left as they are)."""
    if "mailman" not in app.extensions:
        Mail().init_app(app)
