"""on PostgreSQL the content version moves on once per transaction, not once per row written

Revision ID: 0007_version_once
Revises: 0006_content_version

The deferred trigger fired for every row a transaction wrote: a reply with its tags and thread
counters updated the one version row five times at commit, a tag merge over 20,000 rows 20,000
times. It now returns early when the version row already carries its own transaction's id.
(SQLite serializes writers anyway; its per-row triggers stay.)
"""
from alembic import op

revision = "0007_version_once"
down_revision = "0006_content_version"
branch_labels = None
depends_on = None

BUMP = "UPDATE forum_content_version SET version = version + 1 WHERE id = 1"
ONCE = """
CREATE OR REPLACE FUNCTION forum_content_version_bump() RETURNS trigger AS $$
BEGIN
    IF (SELECT xmin::text::bigint FROM forum_content_version WHERE id = 1)
       = mod(txid_current(), 4294967296) THEN
        RETURN NULL;  -- this transaction has moved it on already
    END IF;
    {bump};
    RETURN NULL;
END $$ LANGUAGE plpgsql;
""".format(bump=BUMP)
EVERY_ROW = """
CREATE OR REPLACE FUNCTION forum_content_version_bump() RETURNS trigger AS $$
BEGIN
    {bump};
    RETURN NULL;
END $$ LANGUAGE plpgsql;
""".format(bump=BUMP)


def upgrade():
    """Replace the PostgreSQL trigger function."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(ONCE)


def downgrade():
    """Back to one move per row."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(EVERY_ROW)
