"""forum bans for host users: forum_member.is_banned

Revision ID: 0008_member_ban
Revises: 0007_version_once

Built-in accounts are banned on forum_account (they cannot log in); a host's users log in with
the host, so the forum keeps its own ban on their member row: a banned member reads, as a
visitor does, but cannot post, rate or flag. Plain ALTER TABLE, not batch mode: a table copy
would drop the content-version triggers on forum_member (SQLite has had DROP COLUMN since 3.35).
"""
import sqlalchemy as sa
from alembic import op

revision = "0008_member_ban"
down_revision = "0007_version_once"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("forum_member", sa.Column("is_banned", sa.Boolean(), nullable=False,
                                            server_default=sa.text("false")))


def downgrade():
    op.execute("ALTER TABLE forum_member DROP COLUMN is_banned")
