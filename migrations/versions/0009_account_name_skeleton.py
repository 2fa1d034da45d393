"""accounts keep the confusable skeleton of their name, so look-alike names can be refused

Revision ID: 0009_account_name_skeleton
Revises: 0008_member_ban

Registration compares a new name's skeleton (forum.services.confusables) with every account's:
"аdmin" with a Cyrillic а is refused when "admin" exists. Existing accounts get theirs here.
"""
import sqlalchemy as sa
from alembic import op

from forum.services.confusables import skeleton

revision = "0009_account_name_skeleton"
down_revision = "0008_member_ban"
branch_labels = None
depends_on = None


def upgrade():
    """Add the column and its index; fill it for the accounts there are."""
    op.add_column("forum_account", sa.Column("name_skeleton", sa.String(160), nullable=True))
    op.create_index("ix_forum_account_name_skeleton", "forum_account", ["name_skeleton"])
    connection = op.get_bind()
    account = sa.table("forum_account", sa.column("id", sa.Integer),
                       sa.column("name", sa.String), sa.column("name_skeleton", sa.String))
    for row in connection.execute(sa.select(account.c.id, account.c.name)).all():
        connection.execute(account.update().where(account.c.id == row.id)
                           .values(name_skeleton=skeleton(row.name)))


def downgrade():
    """Drop the index and the column."""
    op.drop_index("ix_forum_account_name_skeleton", table_name="forum_account")
    with op.batch_alter_table("forum_account") as batch:
        batch.drop_column("name_skeleton")
