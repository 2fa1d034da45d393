"""site-wide rating count and sum in one row, kept by triggers, so the mean m costs a key lookup

Revision ID: 0004_rating_total
Revises: 0003_list_indexes

Every Bayesian score needs the site mean m. Computing it with sum()/count() over forum_rating
read every rating on every page view (1.5 million rows at the large benchmark's size). The
triggers also see rows removed by ON DELETE CASCADE and rows written outside the services.
"""
import sqlalchemy as sa
from alembic import op

revision = "0004_rating_total"
down_revision = "0003_list_indexes"
branch_labels = None
depends_on = None

SQLITE_TRIGGERS = {
    "forum_rating_total_ins": (
        "AFTER INSERT ON forum_rating",
        "UPDATE forum_rating_total SET rating_count = rating_count + 1, "
        "rating_sum = rating_sum + NEW.stars WHERE id = 1;"),
    "forum_rating_total_del": (
        "AFTER DELETE ON forum_rating",
        "UPDATE forum_rating_total SET rating_count = rating_count - 1, "
        "rating_sum = rating_sum - OLD.stars WHERE id = 1;"),
    "forum_rating_total_upd": (
        "AFTER UPDATE OF stars ON forum_rating",
        "UPDATE forum_rating_total SET rating_sum = rating_sum - OLD.stars + NEW.stars "
        "WHERE id = 1;"),
}

POSTGRES_FUNCTION = """
CREATE FUNCTION forum_rating_total_trigger() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE forum_rating_total SET rating_count = rating_count + 1,
               rating_sum = rating_sum + NEW.stars WHERE id = 1;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE forum_rating_total SET rating_count = rating_count - 1,
               rating_sum = rating_sum - OLD.stars WHERE id = 1;
    ELSIF NEW.stars <> OLD.stars THEN
        UPDATE forum_rating_total SET rating_sum = rating_sum - OLD.stars + NEW.stars
        WHERE id = 1;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER forum_rating_total AFTER INSERT OR DELETE OR UPDATE OF stars
    ON forum_rating FOR EACH ROW EXECUTE FUNCTION forum_rating_total_trigger();
"""


def upgrade():
    """Create the one-row table, fill it from the ratings, add the triggers."""
    op.create_table(
        "forum_rating_total",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rating_count", sa.BigInteger(), nullable=False),
        sa.Column("rating_sum", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_forum_rating_total_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forum_rating_total")),
    )
    op.execute("INSERT INTO forum_rating_total (id, rating_count, rating_sum) "
               "SELECT 1, count(*), coalesce(sum(stars), 0) FROM forum_rating")
    if op.get_bind().dialect.name == "sqlite":
        for name, (when, body) in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {when} BEGIN {body} END")
    else:
        op.execute(POSTGRES_FUNCTION)


def downgrade():
    """Drop the triggers and the table (the mean is then computed from the ratings again)."""
    if op.get_bind().dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        op.execute("DROP TRIGGER IF EXISTS forum_rating_total ON forum_rating")
        op.execute("DROP FUNCTION IF EXISTS forum_rating_total_trigger()")
    op.drop_table("forum_rating_total")
