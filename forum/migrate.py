"""Alembic on the forum's own migrations folder, version table and metadata.

Alembic is imported inside the functions: the CLI imports this module when the app starts, and
alembic (with mako) adds ~11 MB to every web worker that never migrates anything.
"""
from flask import current_app

from forum.models import Base
from forum.resources import resource_dir

VERSION_TABLE = "forum_alembic_version"


def include_object(obj, name, type_, reflected, compare_to):
    """Only the forum's own tables take part: a host's tables are never touched."""
    if type_ == "table":
        return name.startswith("forum_") and name != VERSION_TABLE and not _is_search_table(name)
    return True


def _is_search_table(name):
    """Full-text index tables that the search migration manages by hand."""
    return name.startswith("forum_search")


def alembic_config(connection=None):
    """An Alembic Config for the forum's migrations, bound to a connection when given."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(resource_dir("migrations")))
    config.attributes["connection"] = connection
    return config


def upgrade(revision="head"):
    """Upgrade the forum's tables on the app's database to revision."""
    from alembic import command

    with current_app.extensions["forum"].db.engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def downgrade(revision):
    """Downgrade the forum's tables to revision."""
    from alembic import command

    with current_app.extensions["forum"].db.engine.begin() as connection:
        command.downgrade(alembic_config(connection), revision)


def revision(message):
    """Autogenerate a new migration from the difference between models and database."""
    from alembic import command

    with current_app.extensions["forum"].db.engine.begin() as connection:
        command.revision(alembic_config(connection), message=message, autogenerate=True)


def pending_differences():
    """Differences between the models and the upgraded database (empty when in sync)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with current_app.extensions["forum"].db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_object": include_object, "compare_type": True,
                              "version_table": VERSION_TABLE})
        return compare_metadata(context, Base.metadata)
