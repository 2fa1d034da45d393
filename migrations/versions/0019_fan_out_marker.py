"""a fan-out marker on threads and contributions, so a lost fan-out job is redone

Revision ID: 0019_fan_out_marker
Revises: 0018_languages

fan_out_pending is set by the posting INSERT and cleared by the fan-out job in the transaction
that writes the notices; the worker's catch-up redoes what is still pending after a grace
period (a Redis queue drops a job its worker dies holding). Existing rows get the default,
false: they were fanned out (or imported) before, and an upgrade must not notify anyone of
history. A constant default adds the column without rewriting the table on PostgreSQL; the
partial indexes hold only the few rows in flight. Plain ALTER TABLE, not batch mode: a table copy would drop the
search and content-version triggers.
"""
import sqlalchemy as sa
from alembic import op

revision = "0019_fan_out_marker"
down_revision = "0018_languages"
branch_labels = None
depends_on = None

TABLES = ("forum_thread", "forum_reply")


def upgrade():
    """Add fan_out_pending (false for every existing row) and its partial index."""
    for table in TABLES:
        op.add_column(table, sa.Column("fan_out_pending", sa.Boolean(),
                                       server_default=sa.text("false"), nullable=False))
        op.create_index(f"ix_{table}_fan_out_pending", table, ["created_at"],
                        sqlite_where=sa.text("fan_out_pending"),
                        postgresql_where=sa.text("fan_out_pending"))


def downgrade():
    """Drop the indexes and the columns."""
    for table in reversed(TABLES):
        op.drop_index(f"ix_{table}_fan_out_pending", table_name=table)
        op.execute(f"ALTER TABLE {table} DROP COLUMN fan_out_pending")
