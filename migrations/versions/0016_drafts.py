"""drafts kept on the server, and a contribution's "in reply to" link

Revision ID: 0016_drafts
Revises: 0012_email

forum_draft is not a content table (pages for visitors never show drafts), so writing it does
not move the content version; forum_reply already moves it, reply_to_id included.
"""
import sqlalchemy as sa
from alembic import op

revision = "0016_drafts"
down_revision = "0012_email"
branch_labels = None
depends_on = None


def upgrade():
    """Create forum_draft and add forum_reply.reply_to_id."""
    op.create_table(
        "forum_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=30), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=True),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["forum_member.id"], ondelete="CASCADE",
                                name=op.f("fk_forum_draft_member_id_forum_member")),
        sa.ForeignKeyConstraint(["thread_id"], ["forum_thread.id"], ondelete="CASCADE",
                                name=op.f("fk_forum_draft_thread_id_forum_thread")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forum_draft")),
        sa.UniqueConstraint("member_id", "scope", name="uq_forum_draft_member_scope"),
    )
    op.create_index(op.f("ix_forum_draft_thread_id"), "forum_draft", ["thread_id"])
    # No foreign key (see models.Reply.reply_to_id): SQLite adds one only by copying the table.
    op.add_column("forum_reply", sa.Column("reply_to_id", sa.Integer(), nullable=True))
    op.create_index(op.f("ix_forum_reply_reply_to_id"), "forum_reply", ["reply_to_id"])


def downgrade():
    """Drop them again."""
    op.drop_index(op.f("ix_forum_reply_reply_to_id"), table_name="forum_reply")
    op.execute("ALTER TABLE forum_reply DROP COLUMN reply_to_id")
    op.drop_index(op.f("ix_forum_draft_thread_id"), table_name="forum_draft")
    op.drop_table("forum_draft")
