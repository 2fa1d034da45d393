"""Link health: fetch every external reading URL, record its status, list the broken ones."""
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import or_, select

from forum import __version__
from forum.database import atomic, session
from forum.models import RelatedLink, Thread, utcnow

USER_AGENT = f"CoachingForumLinkChecker/{__version__} (+checks 'More relevant reading' links)"
RETRY_WITH_GET = (405, 501)
ERROR_MAX = 200


@dataclass
class CheckResult:
    """The outcome of fetching one URL: status and final URL, or an error text."""

    url: str
    status: int | None = None
    final_url: str | None = None
    error: str | None = None


def is_broken(link):
    """Whether an entry's web address failed its last check (an error or a 4xx/5xx status)."""
    if not link.url or link.checked_at is None:
        return False
    return link.check_error is not None or (link.check_status or 0) >= 400


def _describe(error):
    """A short, readable text for a failed fetch."""
    import httpx  # here, not at the top: web workers show broken links but never fetch

    if isinstance(error, httpx.TimeoutException):
        return "Timed out"
    if isinstance(error, httpx.TooManyRedirects):
        return "Too many redirects"
    if isinstance(error, httpx.ConnectError):
        return f"Could not connect: {error}"[:ERROR_MAX]
    return f"{type(error).__name__}: {error}"[:ERROR_MAX]


def fetch(url, seconds, allow_private=False):
    """HEAD the URL, then GET when HEAD is refused or fails; redirects followed, every hop's
    address checked, all within `seconds`. A non-public address says so and nothing more."""
    import httpx

    from forum.services import outbound

    with outbound.public_client(seconds, allow_private, follow_redirects=True, max_redirects=10,
                                headers={"User-Agent": USER_AGENT}) as client:
        try:
            try:
                response = client.head(url)
                if response.status_code not in RETRY_WITH_GET:
                    return CheckResult(url, response.status_code, str(response.url))
            except httpx.HTTPError:
                pass
            with client.stream("GET", url) as response:
                return CheckResult(url, response.status_code, str(response.url))
        except outbound.NotPublicAddress:
            return CheckResult(url, error=outbound.REFUSED)
        except httpx.HTTPError as error:
            return CheckResult(url, error=_describe(error))


def check_urls(urls, seconds, concurrency, allow_private=False):
    """{url: CheckResult} for each distinct URL, fetched at most `concurrency` at a time."""
    urls = sorted(set(urls))
    if not urls:
        return {}
    with ThreadPoolExecutor(max_workers=max(1, min(concurrency, len(urls)))) as pool:
        return {result.url: result for result in
                pool.map(lambda url: fetch(url, seconds, allow_private), urls)}


def check_links():
    """Check every external entry's URL and record the outcome; returns (checked, broken)."""
    config = current_app.config
    rows = session().execute(
        select(RelatedLink.id, RelatedLink.url).where(RelatedLink.url.is_not(None))).all()
    session().rollback()  # no transaction stays open while the network is slow
    results = check_urls([row.url for row in rows], float(config["FORUM_LINK_CHECK_TIMEOUT"]),
                         int(config["FORUM_LINK_CHECK_CONCURRENCY"]),
                         bool(config["FORUM_LINK_CHECK_ALLOW_PRIVATE"]))
    now, broken = utcnow(), 0
    with atomic() as db_session:
        for row in rows:
            link = db_session.get(RelatedLink, row.id)
            if link is None or link.url != row.url:
                continue  # removed or edited while we were fetching
            result = results[row.url]
            link.check_status = result.status
            link.check_final_url = (result.final_url or "")[:2000] or None
            link.check_error = result.error
            link.checked_at = now
            broken += is_broken(link)
    return len(rows), broken


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
