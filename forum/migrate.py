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


def is_forum_table(name):
    """A table the forum's own migrations create: its models, search index and version table."""
    return name in Base.metadata.tables or name == VERSION_TABLE or _is_search_table(name)


def exclude_forum_tables(name, type_, parent_names):
    """Alembic `include_name` filter for a host's env.py: its autogenerate skips the forum's tables.

    `context.configure(..., include_name=exclude_forum_tables)`; with Flask-Migrate the forum
    adds it by itself.
    """
    return not (type_ == "table" and is_forum_table(name))


def _with_forum_tables_excluded(host_filter):
    """The host's include_name filter (or none) with the forum's tables left out."""
    if getattr(host_filter, "excludes_forum_tables", False):
        return host_filter

    def include_name(name, type_, parent_names):
        return exclude_forum_tables(name, type_, parent_names) and (
            host_filter is None or host_filter(name, type_, parent_names))
    include_name.excludes_forum_tables = True
    return include_name


def fit_flask_migrate(migrate_config):
    """Make the host's Flask-Migrate (`flask db migrate/check`) blind to the forum's tables.

    A configure callback runs before each `flask db` command and adds the filter to the
    app's configure_args, keeping any include_name the host passed to Migrate(...).
    """
    migrate = migrate_config.migrate
    if getattr(migrate, "forum_fitted", False):
        return
    migrate.forum_fitted = True

    @migrate.configure
    def exclude_forum_from_host_migrations(config):
        if "forum" in current_app.extensions:
            args = current_app.extensions["migrate"].configure_args
            args["include_name"] = _with_forum_tables_excluded(args.get("include_name"))
        return config


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
