"""Site-wide state kept by triggers: the content version that cached pages are stored under."""
from sqlalchemy import BigInteger, CheckConstraint
from sqlalchemy.orm import Mapped, mapped_column

from forum.models.base import Base


class ContentVersion(Base):
    """A number that every write to what pages show moves on (triggers; row id 1): cached
    anonymous pages are stored under it, so none outlives a write."""

    __tablename__ = "forum_content_version"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger)

