"""a content version that every write to what pages show moves on, for the anonymous page cache

Revision ID: 0006_content_version
Revises: 0005_tag_reply_index

A cached page is stored under the version read before it was rendered; any insert, update or
delete on a table whose rows pages show moves the version on, so no cached copy outlives a
write. Triggers do it, so writes outside the services (imports, the shell, repairs, cascades)
count too. On PostgreSQL the trigger is deferred to commit time: the version row stays locked
only while the writing transaction commits, not while it runs, and a reader never sees the new
version before the data it stands for.
"""
import sqlalchemy as sa
from alembic import op

revision = "0006_content_version"
down_revision = "0005_tag_reply_index"
branch_labels = None
depends_on = None

CONTENT_TABLES = ("forum_member", "forum_thread", "forum_prompt", "forum_reply",
                  "forum_reply_revision", "forum_tag", "forum_thread_tag", "forum_reply_tag",
                  "forum_rating", "forum_related_link")
BUMP = "UPDATE forum_content_version SET version = version + 1 WHERE id = 1"
EVENTS = ("insert", "update", "delete")

POSTGRES_FUNCTION = f"""
CREATE FUNCTION forum_content_version_bump() RETURNS trigger AS $$
BEGIN
    {BUMP};
    RETURN NULL;
END $$ LANGUAGE plpgsql;
"""


def upgrade():
    """Create the one-row version table and a trigger on every content table."""
    op.create_table(
        "forum_content_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_forum_content_version_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forum_content_version")),
    )
    op.execute("INSERT INTO forum_content_version (id, version) VALUES (1, 0)")
    if op.get_bind().dialect.name == "sqlite":
        for table in CONTENT_TABLES:
            for event in EVENTS:
                op.execute(f"CREATE TRIGGER {table}_version_{event} AFTER {event.upper()} "
                           f"ON {table} BEGIN {BUMP}; END")
        return
    op.execute(POSTGRES_FUNCTION)
    for table in CONTENT_TABLES:
        op.execute(f"CREATE CONSTRAINT TRIGGER {table}_version AFTER INSERT OR UPDATE OR DELETE "
                   f"ON {table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
                   "EXECUTE FUNCTION forum_content_version_bump()")


def downgrade():
    """Drop the triggers and the table."""
    if op.get_bind().dialect.name == "sqlite":
        for table in CONTENT_TABLES:
            for event in EVENTS:
                op.execute(f"DROP TRIGGER IF EXISTS {table}_version_{event}")
    else:
        for table in CONTENT_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_version ON {table}")
        op.execute("DROP FUNCTION IF EXISTS forum_content_version_bump()")
    op.drop_table("forum_content_version")
