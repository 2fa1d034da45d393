"""Pagination for list pages: one query returns a page of rows and the total together."""
from dataclasses import dataclass

from sqlalchemy import func, select

from forum.database import session


@dataclass
class Page:
    """One page of a list, with what the pager needs."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self):
        """Number of pages (at least one, so an empty list still has page 1)."""
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self):
        """Whether a later page exists."""
        return self.page < self.pages

    @property
    def has_prev(self):
        """Whether an earlier page exists."""
        return self.page > 1


def paginate(query, page, per_page, count_apart=False):
    """Run an ORM select for one page; the total comes from a window count in the same query.

    `query` selects one entity (with its loader options and ORDER BY). Only a page past the end
    costs a second, plain COUNT query, so a page's query count never depends on its size.
    count_apart: for lists over a whole big table (thread list, tag page) the window count
    would make the database read, join and sort every row before the LIMIT; a separate COUNT
    (an index-only scan) lets the page query stop after one page of the index instead.
    """
    page = max(1, int(page or 1))
    if count_apart:
        total = _count(query)
        items = session().execute(
            query.limit(per_page).offset((page - 1) * per_page)).unique().scalars().all()
        return Page(items=items, page=page, per_page=per_page, total=total)
    rows = session().execute(
        query.add_columns(func.count().over().label("forum_total"))
        .limit(per_page).offset((page - 1) * per_page)
    ).unique().all()
    if rows:
        total = rows[0][-1]
    elif page == 1:
        total = 0
    else:
        total = _count(query)
    return Page(items=[row[0] for row in rows], page=page, per_page=per_page, total=total)


def _count(query):
    """Rows the query would return, without its ORDER BY."""
    return session().scalar(select(func.count()).select_from(query.order_by(None).subquery()))
