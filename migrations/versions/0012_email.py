"""email delivery: per-kind email settings, digest choice, deliveries, account addresses

Revision ID: 0012_email
Revises: 0013_member_follow

forum_delivery's unique (notification_id, channel) is the idempotency key of every email.
"""
import sqlalchemy as sa
from alembic import op

revision = "0012_email"
down_revision = "0013_member_follow"
branch_labels = None
depends_on = None


def upgrade():
    """Add the account address columns and the three email tables."""
    with op.batch_alter_table("forum_account") as batch:
        batch.add_column(sa.Column("email", sa.String(length=254), nullable=True))
        batch.add_column(sa.Column("email_verified_at", sa.DateTime(timezone=True),
                                   nullable=True))
    op.create_table(
        "forum_email_setting",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("mode", sa.String(length=12), nullable=False),
        sa.CheckConstraint("mode IN ('immediately', 'digest', 'off')",
                           name=op.f("ck_forum_email_setting_mode")),
        sa.ForeignKeyConstraint(["member_id"], ["forum_member.id"], ondelete="CASCADE",
                                name=op.f("fk_forum_email_setting_member_id_forum_member")),
        sa.PrimaryKeyConstraint("member_id", "kind", name=op.f("pk_forum_email_setting")),
    )
    op.create_table(
        "forum_email_preference",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=10), nullable=False),
        sa.Column("digest_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("digest IN ('daily', 'weekly', 'off')",
                           name=op.f("ck_forum_email_preference_digest")),
        sa.ForeignKeyConstraint(["member_id"], ["forum_member.id"], ondelete="CASCADE",
                                name=op.f("fk_forum_email_preference_member_id_forum_member")),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_forum_email_preference")),
    )
    op.create_table(
        "forum_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notification_id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("batch_key", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("channel IN ('email', 'digest')",
                           name=op.f("ck_forum_delivery_channel")),
        sa.CheckConstraint("status IN ('claimed', 'sent', 'skipped')",
                           name=op.f("ck_forum_delivery_status")),
        sa.ForeignKeyConstraint(["notification_id"], ["forum_notification.id"],
                                ondelete="CASCADE",
                                name=op.f("fk_forum_delivery_notification_id_forum_notification")),
        sa.ForeignKeyConstraint(["recipient_id"], ["forum_member.id"], ondelete="CASCADE",
                                name=op.f("fk_forum_delivery_recipient_id_forum_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forum_delivery")),
        sa.UniqueConstraint("notification_id", "channel", name="uq_forum_delivery_key"),
    )
    op.create_index("ix_forum_delivery_batch", "forum_delivery",
                    ["recipient_id", "batch_key", "claimed_at"])


def downgrade():
    """Drop the email tables and the account address columns."""
    op.drop_table("forum_delivery")
    op.drop_table("forum_email_preference")
    op.drop_table("forum_email_setting")
    with op.batch_alter_table("forum_account") as batch:
        batch.drop_column("email_verified_at")
        batch.drop_column("email")
