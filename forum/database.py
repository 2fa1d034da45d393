"""Access to the host's SQLAlchemy session and the one place transactions are committed."""
from contextlib import contextmanager

from flask import current_app

from forum.errors import NotFound


def session():
    """The host's Flask-SQLAlchemy scoped session, which the forum's models share."""
    return current_app.extensions["forum"].db.session


@contextmanager
def atomic():
    """Run a unit of work: commit if the block finishes, roll everything back if it raises."""
    db_session = session()
    try:
        yield db_session
        db_session.commit()
    except BaseException:
        db_session.rollback()
        raise


def get_or_not_found(model, item_id, message):
    """The row of model with this primary key, or NotFound(message): the one lookup services share."""
    row = session().get(model, item_id)
    if row is None:
        raise NotFound(message)
    return row
