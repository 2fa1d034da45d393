"""Alembic environment for the forum's tables: own metadata and version table, batch mode."""
from alembic import context

from forum.migrate import VERSION_TABLE, include_object
from forum.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Run the forum's migrations with `flask forum upgrade`, not plain alembic.")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    version_table=VERSION_TABLE,
    include_object=include_object,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
