"""flags the system raises: forum_flag.raised_by_system

Revision ID: 0010_system_flags
Revises: 0009_account_name_skeleton

The confidentiality guard raises a `client-info` flag, with no reporter, on an item its author
posted after the warning; the moderators' queue says so instead of "a former member".
"""
import sqlalchemy as sa
from alembic import op

revision = "0010_system_flags"
down_revision = "0009_account_name_skeleton"
branch_labels = None
depends_on = None


def upgrade():
    """Add the column; every existing flag was raised by a member."""
    op.add_column("forum_flag", sa.Column("raised_by_system", sa.Boolean(), nullable=False,
                                          server_default=sa.text("false")))


def downgrade():
    """Drop the column."""
    with op.batch_alter_table("forum_flag") as batch:
        batch.drop_column("raised_by_system")
