"""public profiles, declared credentials, and per-star rating counts

Revision ID: 0015_profiles
Revises: 0016_drafts

forum_member gains a bio, a coaching focus, a chosen-name flag, its verified credentials (one per
line, so contribution cards show badges with no query) and a profile version that moves on with
what cards show of a member (for caches of rendered cards). forum_credential holds what members
declare. forum_thread and forum_reply gain stars_1..stars_5, kept by the same SQL arithmetic as
rating_count and rating_sum, so a star distribution costs no query; they are filled from the
ratings here. Plain ALTER TABLE, not batch mode: a table copy would drop the content-version
triggers (SQLite has had DROP COLUMN since 3.35).
"""
import sqlalchemy as sa
from alembic import op

revision = "0015_profiles"
down_revision = "0016_drafts"
branch_labels = None
depends_on = None

MEMBER_COLUMNS = (
    ("name_chosen", sa.Boolean(), sa.text("false")),
    ("bio", sa.String(length=1000), ""),
    ("coaching_focus", sa.String(length=200), ""),
    ("verified_credentials", sa.Text(), ""),
    ("profile_version", sa.Integer(), "0"),
)
STAR_COLUMNS = tuple(f"stars_{n}" for n in range(1, 6))
RATED = (("forum_thread", "thread_id"), ("forum_reply", "reply_id"))


def upgrade():
    """Add the columns and the credential table; count the stars of existing ratings."""
    for name, type_, default in MEMBER_COLUMNS:
        op.add_column("forum_member", sa.Column(name, type_, nullable=False,
                                                server_default=default))
    for table, key in RATED:
        for column in STAR_COLUMNS:
            op.add_column(table, sa.Column(column, sa.Integer(), nullable=False,
                                           server_default="0"))
        sets = ", ".join(
            f"{column} = (SELECT count(*) FROM forum_rating WHERE forum_rating.{key} = "
            f"{table}.id AND forum_rating.stars = {column[-1]})" for column in STAR_COLUMNS)
        op.execute(f"UPDATE {table} SET {sets} WHERE rating_count > 0")
    op.create_table(
        "forum_credential",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("name_key", sa.String(length=80), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("verified_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["forum_member.id"], ondelete="CASCADE",
                                name=op.f("fk_forum_credential_member_id_forum_member")),
        sa.ForeignKeyConstraint(["verified_by_id"], ["forum_member.id"], ondelete="SET NULL",
                                name=op.f("fk_forum_credential_verified_by_id_forum_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forum_credential")),
        sa.UniqueConstraint("member_id", "name_key", name=op.f("uq_forum_credential_member_id")),
    )


def downgrade():
    """Drop the credential table and the added columns."""
    op.drop_table("forum_credential")
    for table, _key in RATED:
        for column in STAR_COLUMNS:
            op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    for name, _type, _default in MEMBER_COLUMNS:
        op.execute(f"ALTER TABLE forum_member DROP COLUMN {name}")
