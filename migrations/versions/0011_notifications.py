"""thread watch levels, tag follows and in-app notifications

Revision ID: 0011_notifications
Revises: 0010_system_flags

None of these tables is a content table: pages for visitors never show them, so writing them
does not move the content version (the anonymous page cache stays warm).
"""
import sqlalchemy as sa
from alembic import op

revision = "0011_notifications"
down_revision = "0010_system_flags"
branch_labels = None
depends_on = None


def upgrade():
    """Create forum_thread_watch, forum_tag_follow and forum_notification."""
    op.create_table(
        "forum_thread_watch",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("level IN ('watching', 'normal', 'muted')",
                           name=op.f("ck_forum_thread_watch_level")),
        sa.ForeignKeyConstraint(["member_id"], ["forum_member.id"], ondelete="CASCADE",
                                name=op.f("fk_forum_thread_watch_member_id_forum_member")),
        sa.ForeignKeyConstraint(["thread_id"], ["forum_thread.id"], ondelete="CASCADE",
                                name=op.f("fk_forum_thread_watch_thread_id_forum_thread")),
        sa.PrimaryKeyConstraint("member_id", "thread_id", name=op.f("pk_forum_thread_watch")),
    )
    op.create_index("ix_forum_thread_watch_thread_level", "forum_thread_watch",
                    ["thread_id", "level"])
    op.create_table(
        "forum_tag_follow",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["forum_member.id"], ondelete="CASCADE",
                                name=op.f("fk_forum_tag_follow_member_id_forum_member")),
        sa.ForeignKeyConstraint(["tag_id"], ["forum_tag.id"], ondelete="CASCADE",
                                name=op.f("fk_forum_tag_follow_tag_id_forum_tag")),
        sa.PrimaryKeyConstraint("member_id", "tag_id", name=op.f("pk_forum_tag_follow")),
    )
    op.create_index(op.f("ix_forum_tag_follow_tag_id"), "forum_tag_follow", ["tag_id"])
    op.create_table(
        "forum_notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("reply_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("event_key", sa.String(length=40), nullable=False),
        sa.Column("group_key", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["recipient_id"], ["forum_member.id"], ondelete="CASCADE",
                                name=op.f("fk_forum_notification_recipient_id_forum_member")),
        sa.ForeignKeyConstraint(["thread_id"], ["forum_thread.id"], ondelete="CASCADE",
                                name=op.f("fk_forum_notification_thread_id_forum_thread")),
        sa.ForeignKeyConstraint(["reply_id"], ["forum_reply.id"], ondelete="CASCADE",
                                name=op.f("fk_forum_notification_reply_id_forum_reply")),
        sa.ForeignKeyConstraint(["actor_id"], ["forum_member.id"], ondelete="SET NULL",
                                name=op.f("fk_forum_notification_actor_id_forum_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forum_notification")),
        sa.UniqueConstraint("recipient_id", "event_key", name="uq_forum_notification_event"),
    )
    op.create_index("ix_forum_notification_recipient_id", "forum_notification",
                    ["recipient_id", "id"])
    op.create_index("ix_forum_notification_unread", "forum_notification",
                    ["recipient_id", "read_at", "thread_id"])
    op.create_index(op.f("ix_forum_notification_thread_id"), "forum_notification", ["thread_id"])
    op.create_index(op.f("ix_forum_notification_reply_id"), "forum_notification", ["reply_id"])


def downgrade():
    """Drop the three tables."""
    op.drop_table("forum_notification")
    op.drop_table("forum_tag_follow")
    op.drop_table("forum_thread_watch")
