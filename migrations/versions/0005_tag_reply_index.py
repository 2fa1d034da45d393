"""a tag's contributions are read newest first off a (tag_id, reply_id) index

Revision ID: 0005_tag_reply_index
Revises: 0004_rating_total

The tag page lists a tag's contributions by descending reply id with keyset paging. The old
index on tag_id alone made the database fetch and sort every tagged contribution (about 20,000
per tag at a million replies) for each page; with reply_id in the index it reads one page.
"""
from alembic import op

revision = "0005_tag_reply_index"
down_revision = "0004_rating_total"
branch_labels = None
depends_on = None


def upgrade():
    """Replace the tag_id index with (tag_id, reply_id), which also serves tag_id lookups."""
    op.create_index("ix_forum_reply_tag_tag_reply", "forum_reply_tag", ["tag_id", "reply_id"])
    op.drop_index("ix_forum_reply_tag_tag_id", table_name="forum_reply_tag")


def downgrade():
    """Back to the index on tag_id alone."""
    op.create_index("ix_forum_reply_tag_tag_id", "forum_reply_tag", ["tag_id"])
    op.drop_index("ix_forum_reply_tag_tag_reply", table_name="forum_reply_tag")
