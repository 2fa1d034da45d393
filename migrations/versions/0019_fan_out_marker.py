"""a fan-out marker on threads and contributions, so a lost fan-out job is redone

Revision ID: 0019_fan_out_marker
Revises: 0018_languages

fan_out_pending is set by the posting INSERT and cleared by the fan-out job in the transaction
that writes the notices; the worker's catch-up redoes what is still pending after a grace
period (a Redis queue drops a job its worker dies holding). Existing rows get the default,
false: they were fanned out (or imported) before, and an upgrade must not notify anyone of
history. A constant default adds the column without rewriting the table on PostgreSQL; the
partial indexes hold only the few rows in flight. Plain ALTER TABLE, not batch mode: a table
copy would drop the search and content-version triggers. On PostgreSQL the content-version
function skips an update of a thread or contribution that changed only the marker: clearing it
changes nothing anyone sees, so visitors' cached pages stay valid (SQLite moves the version on
for every row anyway).
"""
import sqlalchemy as sa
from alembic import op

revision = "0019_fan_out_marker"
down_revision = "0018_languages"
branch_labels = None
depends_on = None

TABLES = ("forum_thread", "forum_reply")

# The function as 0007_version_once left it (frozen here: a migration never imports code that
# changes later), with and without the marker check before it.
BUMP = """
CREATE OR REPLACE FUNCTION forum_content_version_bump() RETURNS trigger AS $$
BEGIN
    {marker}IF (SELECT xmin::text::bigint FROM forum_content_version WHERE id = 1)
       = mod(txid_current(), 4294967296) THEN
        RETURN NULL;  -- this transaction has moved it on already
    END IF;
    UPDATE forum_content_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
"""
MARKER_ONLY = """IF TG_OP = 'UPDATE' AND TG_TABLE_NAME IN ('forum_thread', 'forum_reply')
       AND to_jsonb(NEW) - 'fan_out_pending' = to_jsonb(OLD) - 'fan_out_pending' THEN
        RETURN NULL;  -- only the fan-out marker changed: nothing anyone sees
    END IF;
    """


def upgrade():
    """Add fan_out_pending (false for every existing row) and its partial index."""
    for table in TABLES:
        op.add_column(table, sa.Column("fan_out_pending", sa.Boolean(),
                                       server_default=sa.text("false"), nullable=False))
        op.create_index(f"ix_{table}_fan_out_pending", table, ["created_at"],
                        sqlite_where=sa.text("fan_out_pending"),
                        postgresql_where=sa.text("fan_out_pending"))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(BUMP.format(marker=MARKER_ONLY))


def downgrade():
    """Drop the indexes and the columns; the version function as 0007 left it."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(BUMP.format(marker=""))
    for table in reversed(TABLES):
        op.drop_index(f"ix_{table}_fan_out_pending", table_name=table)
        op.execute(f"ALTER TABLE {table} DROP COLUMN fan_out_pending")
