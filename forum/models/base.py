"""The one declarative base (one registry: models name each other across modules) and UTC time."""
from datetime import datetime, timezone

from sqlalchemy import DateTime, MetaData
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator


NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ID_MAX = 2_147_483_647  # ids are 32-bit integers on PostgreSQL: larger ones name nothing



def utcnow():
    """The current time, timezone-aware UTC, for defaults and timestamps."""
    return datetime.now(timezone.utc)



class Base(DeclarativeBase):
    """Declarative base on the forum's own metadata, so host migrations never see our tables."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)



class UTCDateTime(TypeDecorator):
    """A timestamp stored as UTC and always read back timezone-aware, on SQLite too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(timezone.utc)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


Timestamp = UTCDateTime()

