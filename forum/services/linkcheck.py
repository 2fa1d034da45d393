"""Link health, the reading side: which related-reading entries failed their last check, for
the pages (forum/services/linkfetch.py does the fetching, from the CLI only)."""
from sqlalchemy import or_, select

from forum.database import session
from forum.models import RelatedLink, Thread


def is_broken(link):
    """Whether an entry's web address failed its last check (an error or a 4xx/5xx status)."""
    if not link.url or link.checked_at is None:
        return False
    return link.check_error is not None or (link.check_status or 0) >= 400


def broken_links(actor):
    """[(entry, thread)] whose last check failed, for the moderators' list (two queries)."""
    actor.require_moderator()
    links = session().scalars(
        select(RelatedLink).where(
            RelatedLink.url.is_not(None), RelatedLink.checked_at.is_not(None),
            or_(RelatedLink.check_error.is_not(None), RelatedLink.check_status >= 400))
        .order_by(RelatedLink.thread_id, RelatedLink.position)
    ).all()
    threads = {thread.id: thread for thread in session().scalars(
        select(Thread).where(Thread.id.in_({link.thread_id for link in links})))}
    return [(link, threads[link.thread_id]) for link in links]
