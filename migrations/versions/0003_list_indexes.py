"""thread list index ends with id, so the list's ORDER BY (..., id DESC) is read off the index

Revision ID: 0003_list_indexes
Revises: 0002_search

The thread list orders by is_pinned DESC, last_activity_at DESC, id DESC. With id in the index
PostgreSQL walks the index backwards and stops after one page instead of sorting the ties
(SQLite already had the rowid at the end of every index).
"""
from alembic import op

revision = "0003_list_indexes"
down_revision = "0002_search"
branch_labels = None
depends_on = None


def upgrade():
    """Rebuild the listing index with id as its last column."""
    op.drop_index("ix_forum_thread_listing", table_name="forum_thread")
    op.create_index("ix_forum_thread_listing", "forum_thread",
                    ["is_hidden", "is_pinned", "last_activity_at", "id"])


def downgrade():
    """Back to the three-column listing index."""
    op.drop_index("ix_forum_thread_listing", table_name="forum_thread")
    op.create_index("ix_forum_thread_listing", "forum_thread",
                    ["is_hidden", "is_pinned", "last_activity_at"])
