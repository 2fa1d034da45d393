"""Link health, the fetching side: fetch every external reading URL and record its status.

Run by `flask forum check-links` only: web workers import forum/services/linkcheck.py, never
this module, so they never load httpx.
"""
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx
from flask import current_app
from sqlalchemy import select

from forum import __version__
from forum.database import atomic, session
from forum.models import RelatedLink, utcnow
from forum.services import outbound
from forum.services.linkcheck import is_broken

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


def _describe(error):
    """A short, readable text for a failed fetch."""
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


def check_urls(urls, seconds, concurrency, allow_private=False, on_checked=None):
    """{url: CheckResult} for each distinct URL, fetched at most `concurrency` at a time;
    on_checked(result) is called as each one is done (a progress bar)."""
    urls = sorted(set(urls))
    if not urls:
        return {}
    results = {}
    with ThreadPoolExecutor(max_workers=max(1, min(concurrency, len(urls)))) as pool:
        for result in pool.map(lambda url: fetch(url, seconds, allow_private), urls):
            results[result.url] = result
            if on_checked is not None:
                on_checked(result)
    return results


def link_urls():
    """The distinct external URLs of the reading lists (what check_links will fetch)."""
    return set(session().scalars(select(RelatedLink.url).where(RelatedLink.url.is_not(None))))


def check_links(on_checked=None):
    """Check every external entry's URL and record the outcome; returns (checked, broken).
    on_checked(result) follows each fetch (the command's progress bar)."""
    config = current_app.config
    rows = session().execute(
        select(RelatedLink.id, RelatedLink.url).where(RelatedLink.url.is_not(None))).all()
    session().rollback()  # no transaction stays open while the network is slow
    results = check_urls([row.url for row in rows], float(config["FORUM_LINK_CHECK_TIMEOUT"]),
                         int(config["FORUM_LINK_CHECK_CONCURRENCY"]),
                         bool(config["FORUM_LINK_CHECK_ALLOW_PRIVATE"]), on_checked)
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
