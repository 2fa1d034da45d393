"""A tiny host app, as a coaching platform would have: its own SQLAlchemy, User and LoginManager."""
from pathlib import Path

from flask import Flask, g
from flask_login import LoginManager, UserMixin
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import Mapped, mapped_column

from forum import Forum

HOST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "host-test-secret",
    "WTF_CSRF_ENABLED": False,
    "FORUM_RATELIMIT_ENABLED": False,
}


def create_host_app(database_url, url_prefix="/community", config=None, root_path=None,
                    **forum_options):
    """The host app with the forum mounted under url_prefix; returns (app, db, User)."""
    app = Flask("host_app", root_path=str(root_path or Path(__file__).parent / "host_site"))
    app.config.update(HOST_CONFIG, SQLALCHEMY_DATABASE_URI=database_url)
    app.config.update(config or {})
    db = SQLAlchemy(app)
    login = LoginManager(app)

    class User(UserMixin, db.Model):
        """The host's own user table."""

        __tablename__ = "host_user"
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(db.String(80))
        is_staff: Mapped[bool] = mapped_column(default=False)

    @app.before_request
    def forget_login_user():
        # Flask 3.1 + pytest-flask keep one app context per test: do not leak the user.
        g.pop("_login_user", None)

    @login.user_loader
    def load_user(user_id):
        return db.session.get(User, int(user_id))

    Forum(app, url_prefix=url_prefix, display_name=lambda u: u.name,
          is_moderator=lambda u: u.is_staff, **forum_options)
    app.host_db = db
    app.host_user_model = User
    return app, db, User
