"""The thread list pages by keyset: its "Next" links carry the cursor of the page's last thread
(?after=), so a deep page costs what page 1 does; the pages match OFFSET paging exactly."""
import html
import re

from forum.services import moderation
from forum.services import threads as thread_service

from tests.discussion_fixtures import PREFIX

TITLE = re.compile(r'class="thread-item-title"><a href="[^"]+" dir="auto">([^<]+)</a>')
NEXT = re.compile(r'<a rel="next" href="([^"]+)">')


def test_next_links_walk_every_thread_once_in_order(app, client, host_users, actor_for):
    app.config.update(FORUM_THREADS_PER_PAGE=7)
    ana, mo = actor_for(host_users["ana"]), actor_for(host_users["mo"])
    started = [thread_service.start_thread(ana, f"Question number {n} about momentum").id
               for n in range(23)]
    moderation.pin_thread(mo, started[3], reason="")
    walked, url, pages = [], f"{PREFIX}/", 0
    while url:
        page = client.get(url).text
        walked += [html.unescape(title) for title in TITLE.findall(page)]
        link = NEXT.search(page)
        url = html.unescape(link.group(1)) if link else None
        pages += 1
        assert url is None or "after=" in url  # a real URL with the cursor, no script needed
    assert pages == 4 and len(walked) == 23 == len(set(walked))
    assert walked[0] == "Question number 3 about momentum"  # pinned first
    by_offset = []
    for number in range(1, 5):
        by_offset += TITLE.findall(client.get(f"{PREFIX}/?page={number}").text)
    assert walked == [html.unescape(title) for title in by_offset]


def test_a_malformed_cursor_shows_the_first_page(app, client, host_users, actor_for):
    thread_service.start_thread(actor_for(host_users["ana"]), "How do you end on time?")
    for cursor in ("x", "1-2-3-4", "0-99999999999999999999-1", ""):
        page = client.get(f"{PREFIX}/?after={cursor}")
        assert page.status_code == 200 and "How do you end on time?" in page.text
