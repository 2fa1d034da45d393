"""member follows, last visits per thread, and grouped notices with a detail

Revision ID: 0013_member_follow
Revises: 0014_outcomes

forum_member_follow: a member's new threads notify their followers (kind member_thread).
forum_thread_visit: when a member last opened a thread, for "N new" on the thread lists.
forum_notification.count / .detail: one unread notice stands for several ratings, and a notice
carries a moderator's reason, a reading's title or a flag's outcome. None of these is a content
table: writing them does not move the content version.
"""
import sqlalchemy as sa
from alembic import op

revision = "0013_member_follow"
down_revision = "0014_outcomes"
branch_labels = None
depends_on = None


def upgrade():
    """Create forum_member_follow and forum_thread_visit; add count and detail to notices."""
    op.create_table(
        "forum_member_follow",
        sa.Column("follower_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("follower_id <> member_id",
                           name=op.f("ck_forum_member_follow_not_self")),
        sa.ForeignKeyConstraint(["follower_id"], ["forum_member.id"], ondelete="CASCADE",
                                name=op.f("fk_forum_member_follow_follower_id_forum_member")),
        sa.ForeignKeyConstraint(["member_id"], ["forum_member.id"], ondelete="CASCADE",
                                name=op.f("fk_forum_member_follow_member_id_forum_member")),
        sa.PrimaryKeyConstraint("follower_id", "member_id", name=op.f("pk_forum_member_follow")),
    )
    op.create_index(op.f("ix_forum_member_follow_member_id"), "forum_member_follow",
                    ["member_id"])
    op.create_table(
        "forum_thread_visit",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["forum_member.id"], ondelete="CASCADE",
                                name=op.f("fk_forum_thread_visit_member_id_forum_member")),
        sa.ForeignKeyConstraint(["thread_id"], ["forum_thread.id"], ondelete="CASCADE",
                                name=op.f("fk_forum_thread_visit_thread_id_forum_thread")),
        sa.PrimaryKeyConstraint("member_id", "thread_id", name=op.f("pk_forum_thread_visit")),
    )
    op.create_index(op.f("ix_forum_thread_visit_thread_id"), "forum_thread_visit",
                    ["thread_id"])
    with op.batch_alter_table("forum_notification") as batch:
        batch.add_column(sa.Column("count", sa.Integer(), server_default="1", nullable=False))
        batch.add_column(sa.Column("detail", sa.String(length=500), nullable=True))


def downgrade():
    """Drop the two tables and the two notice columns."""
    with op.batch_alter_table("forum_notification") as batch:
        batch.drop_column("detail")
        batch.drop_column("count")
    op.drop_table("forum_thread_visit")
    op.drop_table("forum_member_follow")
