"""The content version: a number that every write to what pages show moves on (triggers)."""
from sqlalchemy import select

from forum.database import session
from forum.models import ContentVersion


def content_version():
    """The current version, or None when its row is missing (then nothing may be cached)."""
    return session().scalar(select(ContentVersion.version).where(ContentVersion.id == 1))
