"""outcome reports: "I'll try this", reports of how it went, and the field-tested figures

Revision ID: 0014_outcomes
Revises: 0011_notifications

forum_outcome holds one row per member and contribution. The figures a card shows live on the
contribution (and the best score on its thread), moved by SQL arithmetic in the reporting
transaction; writing them updates forum_reply/forum_thread, whose triggers move the content
version, so forum_outcome itself needs no trigger (visitors never see a single report).
Plain ALTER TABLE, not batch mode: a table copy would drop the content-version triggers.
"""
import sqlalchemy as sa
from alembic import op

revision = "0014_outcomes"
down_revision = "0011_notifications"
branch_labels = None
depends_on = None

REPLY_COUNTS = ("outcome_tried", "outcome_reported", "outcome_better", "outcome_worse")


def upgrade():
    """Add the figures to contributions and threads, and create forum_outcome."""
    for name in REPLY_COUNTS:
        op.add_column("forum_reply", sa.Column(name, sa.Integer(), server_default="0",
                                               nullable=False))
    op.add_column("forum_reply", sa.Column("field_tested", sa.Float(), server_default="0",
                                           nullable=False))
    op.add_column("forum_thread", sa.Column("field_tested_best", sa.Float(), server_default="0",
                                            nullable=False))
    op.create_index("ix_forum_thread_field_tested", "forum_thread", ["field_tested_best"])
    op.create_table(
        "forum_outcome",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("reply_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=500), server_default="", nullable=False),
        sa.Column("note_html", sa.Text(), server_default="", nullable=False),
        sa.Column("show_name", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("trying_since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("remind_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("outcome BETWEEN -2 AND 2", name=op.f("ck_forum_outcome_outcome_range")),
        sa.ForeignKeyConstraint(["member_id"], ["forum_member.id"], ondelete="CASCADE",
                                name=op.f("fk_forum_outcome_member_id_forum_member")),
        sa.ForeignKeyConstraint(["reply_id"], ["forum_reply.id"], ondelete="CASCADE",
                                name=op.f("fk_forum_outcome_reply_id_forum_reply")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forum_outcome")),
        sa.UniqueConstraint("member_id", "reply_id", name="uq_forum_outcome_member_reply"),
    )
    op.create_index(op.f("ix_forum_outcome_reply_id"), "forum_outcome", ["reply_id"])
    op.create_index(op.f("ix_forum_outcome_remind_at"), "forum_outcome", ["remind_at"])


def downgrade():
    """Drop forum_outcome and the figures."""
    op.drop_table("forum_outcome")
    op.drop_index("ix_forum_thread_field_tested", table_name="forum_thread")
    op.execute("ALTER TABLE forum_thread DROP COLUMN field_tested_best")
    for name in ("field_tested", *reversed(REPLY_COUNTS)):
        op.execute(f"ALTER TABLE forum_reply DROP COLUMN {name}")
