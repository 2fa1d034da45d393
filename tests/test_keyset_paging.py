"""The thread list, tag and search pages page by keyset: their "Next" links carry the cursor of
the page's last row (?after=), so a deep page costs what page 1 does; the pages match OFFSET
paging (the old ?page= links) exactly. GET api/search pages the same way (cursor/next_cursor)."""
import html
import re
from urllib.parse import urlsplit

from forum.services import moderation
from forum.services import replies as reply_service
from forum.services import search as search_service
from forum.services import threads as thread_service

from tests.discussion_fixtures import PREFIX

TITLE = re.compile(r'class="thread-item-title"><a href="[^"]+" dir="auto">([^<]+)</a>')
NEXT = re.compile(r'<a rel="next" href="([^"]+)">')
HIT = re.compile(r'<li class="search-hit search-hit-\w+">\s*<h3><a href="([^"]+)"')


def walk(client, url, pattern):
    """Follow the Next links from url: (every match of pattern in page order, pages seen)."""
    walked, pages = [], 0
    while url:
        page = client.get(url).text
        walked += [html.unescape(found) for found in pattern.findall(page)]
        link = NEXT.search(page)
        url = html.unescape(link.group(1)) if link else None
        pages += 1
        assert url is None or "after=" in url  # a real URL with the cursor, no script needed
    return walked, pages


def by_offset(client, url, pattern, pages):
    """The matches of the old ?page= links' pages 1 to pages."""
    found = []
    for number in range(1, pages + 1):
        found += pattern.findall(client.get(f"{url}&page={number}").text)
    return [html.unescape(item) for item in found]


def test_next_links_walk_every_thread_once_in_order(app, client, host_users, actor_for):
    app.config.update(FORUM_THREADS_PER_PAGE=7)
    ana, mo = actor_for(host_users["ana"]), actor_for(host_users["mo"])
    started = [thread_service.start_thread(ana, f"Question number {n} about momentum").id
               for n in range(23)]
    moderation.pin_thread(mo, started[3], reason="")
    walked, pages = walk(client, f"{PREFIX}/", TITLE)
    assert pages == 4 and len(walked) == 23 == len(set(walked))
    assert walked[0] == "Question number 3 about momentum"  # pinned first
    assert walked == by_offset(client, f"{PREFIX}/?sort=latest", TITLE, 4)


def test_tag_page_walks_its_threads_by_keyset(app, client, host_users, actor_for):
    app.config.update(FORUM_THREADS_PER_PAGE=5)
    ana = actor_for(host_users["ana"])
    for n in range(12):
        thread_service.start_thread(ana, f"Tagged question {n} about pacing", tags=["pacing"])
    walked, pages = walk(client, f"{PREFIX}/tags/pacing", TITLE)
    assert pages == 3 and len(walked) == 12 == len(set(walked))
    assert walked == by_offset(client, f"{PREFIX}/tags/pacing?x=", TITLE, 3)


def test_search_pages_walk_the_ranking_once_in_order(app, client, host_users, actor_for):
    """Keyset over the search's own order (best score, then item id, then kind): identical
    texts tie on score, and thread and contribution ids overlap, yet no hit repeats or is lost."""
    app.config.update(FORUM_THREADS_PER_PAGE=4)
    ana, ben = actor_for(host_users["ana"]), actor_for(host_users["ben"])
    threads = [thread_service.start_thread(ana, f"Keeping momentum in session {n}").id
               for n in range(3)]
    for n in range(11):  # the same text again and again: equal scores
        reply_service.add_reply(ben, threads[n % 3], "Momentum comes back with small steps.")
    reply_service.add_reply(ben, threads[0], "Momentum, momentum, momentum: name it.")
    url = f"{PREFIX}/search?q=momentum&kind=all"
    walked, pages = walk(client, url, HIT)
    assert pages == 4 and len(walked) == 15 == len(set(walked))
    assert walked == by_offset(client, url, HIT, 4)
    second = client.get(f"{url}&page=2").text  # an old link: OFFSET, then keyset onwards
    assert "after=" in NEXT.search(second).group(1)
    assert search_service.search(ana, "momentum", per_page=4, page=2).next_after


def test_search_next_link_survives_a_new_match_between_pages(app, client, host_users,
                                                             actor_for):
    """A new match changes every bm25 score on SQLite (a word's weight depends on how many
    documents hold it): the Next link still continues right after the last hit shown."""
    app.config.update(FORUM_THREADS_PER_PAGE=3)
    ana, ben = actor_for(host_users["ana"]), actor_for(host_users["ben"])
    thread = thread_service.start_thread(ana, "Ending sessions on time").id
    for n in range(7):
        reply_service.add_reply(ben, thread, f"Reframing helps the client see options ({n}).")
    url = f"{PREFIX}/search?q=reframing&kind=replies"
    before, _pages = walk(client, url, HIT)
    first = client.get(url).text
    reply_service.add_reply(ben, thread, "Reframing, reframing: the new best answer.")
    after, _pages = walk(client, html.unescape(NEXT.search(first).group(1)), HIT)
    assert HIT.findall(first) + after == before


def test_a_malformed_search_cursor_falls_back_to_the_page_number(app, client, host_users,
                                                                  actor_for):
    app.config.update(FORUM_THREADS_PER_PAGE=2)
    ana = actor_for(host_users["ana"])
    for n in range(5):
        thread_service.start_thread(ana, f"Silence as a coaching tool, take {n}")
    url = f"{PREFIX}/search?q=silence"
    second = HIT.findall(client.get(f"{url}&page=2").text)
    for cursor in ("x", "t1_nan", "t1_inf", "r99999999999999999999_1.0", "t3_1e999", ""):
        page = client.get(f"{url}&page=2&after={cursor}")
        assert page.status_code == 200 and HIT.findall(page.text) == second, cursor


def test_a_malformed_cursor_shows_the_first_page(app, client, host_users, actor_for):
    thread_service.start_thread(actor_for(host_users["ana"]), "How do you end on time?")
    for cursor in ("x", "1-2-3-4", "0-99999999999999999999-1", ""):
        page = client.get(f"{PREFIX}/?after={cursor}")
        assert page.status_code == 200 and "How do you end on time?" in page.text


API_SEARCH = f"{PREFIX}/api/search"


def api_walk(client, params):
    """Follow next_cursor from the first page of api/search: (every hit as (kind, thread id,
    reply id), the page numbers the responses gave)."""
    hits, numbers, cursor = [], [], None
    while True:
        data = client.get(API_SEARCH, query_string=dict(params, **(
            {"cursor": cursor} if cursor else {}))).json
        hits += [(hit["kind"], hit["thread_id"], hit["reply_id"]) for hit in data["items"]]
        numbers.append(data["page"])
        cursor = data["next_cursor"]
        if cursor is None:
            return hits, numbers


def api_by_page(client, params, pages):
    """Hits of api/search's pages 1 to pages asked for by number (the older way)."""
    hits = []
    for number in range(1, pages + 1):
        data = client.get(API_SEARCH, query_string=dict(params, page=number)).json
        hits += [(hit["kind"], hit["thread_id"], hit["reply_id"]) for hit in data["items"]]
    return hits


def api_urls(client, params):
    """The hits of a cursor walk as the path#anchor of their links (the web page's hrefs)."""
    urls, cursor = [], None
    while True:
        data = client.get(API_SEARCH, query_string=dict(params, **(
            {"cursor": cursor} if cursor else {}))).json
        urls += [urlsplit(hit["url"])._replace(scheme="", netloc="").geturl()
                 for hit in data["items"]]
        if not (cursor := data["next_cursor"]):
            return urls


def test_api_search_cursor_walks_every_hit_once_in_the_pages_order(app, client, host_users,
                                                                     actor_for):
    """Equal scores, overlapping thread and contribution ids: next_cursor still gives every hit
    exactly once, in the order of ?page= and of the search page's Next links."""
    app.config.update(FORUM_THREADS_PER_PAGE=4)
    ana, ben = actor_for(host_users["ana"]), actor_for(host_users["ben"])
    threads = [thread_service.start_thread(ana, f"Keeping momentum in session {n}").id
               for n in range(3)]
    for n in range(11):
        reply_service.add_reply(ben, threads[n % 3], "Momentum comes back with small steps.")
    reply_service.add_reply(ben, threads[0], "Momentum, momentum, momentum: name it.")
    params = {"q": "momentum", "kind": "all"}
    walked, numbers = api_walk(client, params)
    assert numbers == [1, 2, 3, 4] and len(walked) == 15 == len(set(walked))
    assert walked == api_by_page(client, params, 4)
    web, _pages = walk(client, f"{PREFIX}/search?q=momentum&kind=all", HIT)
    assert api_urls(client, params) == web
    first = client.get(API_SEARCH, query_string=params).json
    assert first["total"] == 15 and first["pages"] == 4
    old_way = client.get(API_SEARCH, query_string=dict(params, page=2)).json
    following = client.get(API_SEARCH, query_string=dict(params, cursor=old_way["next_cursor"]))
    assert following.json["page"] == 3  # a page= client can switch to cursors from any page
    assert [hit["reply_id"] for hit in following.json["items"]] == [
        reply for _kind, _thread, reply in walked[8:12]]
    last = client.get(API_SEARCH, query_string=dict(params, page=4)).json
    assert last["next_cursor"] is None and len(last["items"]) == 3


def test_api_search_cursor_neither_repeats_nor_skips_when_new_hits_arrive(app, client,
                                                                          host_users, actor_for):
    """A contribution posted between two pages ranks first (same score, newest id): the cursor
    walk still gives each earlier hit once, where ?page=2 repeats the last hit of page 1."""
    app.config.update(FORUM_THREADS_PER_PAGE=3)
    ana, ben = actor_for(host_users["ana"]), actor_for(host_users["ben"])
    thread = thread_service.start_thread(ana, "Ending sessions on time").id
    for _n in range(7):
        reply_service.add_reply(ben, thread, "Reframing helps the client see options.")
    params = {"q": "reframing", "kind": "replies"}
    before = api_by_page(client, params, 3)
    first = client.get(API_SEARCH, query_string=params).json
    reply_service.add_reply(ben, thread, "Reframing helps the client see options.")
    hits, cursor = [hit["reply_id"] for hit in first["items"]], first["next_cursor"]
    while cursor:
        data = client.get(API_SEARCH, query_string=dict(params, cursor=cursor)).json
        hits += [hit["reply_id"] for hit in data["items"]]
        cursor = data["next_cursor"]
    assert hits == [reply for _kind, _thread, reply in before] and len(set(hits)) == 7
    shifted = client.get(API_SEARCH, query_string=dict(params, page=2)).json
    assert shifted["items"][0]["reply_id"] == first["items"][-1]["reply_id"]


def test_api_search_rejects_a_malformed_cursor(app, client, host_users, actor_for):
    """Unlike the page (which falls back to ?page=), the API answers a bad cursor 422 on
    `cursor`, as api/notifications does, and never some other page."""
    app.config.update(FORUM_THREADS_PER_PAGE=2)
    ana = actor_for(host_users["ana"])
    for n in range(5):
        thread_service.start_thread(ana, f"Silence as a coaching tool, take {n}")
    good = client.get(API_SEARCH, query_string={"q": "silence"}).json["next_cursor"]
    assert client.get(API_SEARCH, query_string={"q": "silence", "cursor": good}).status_code == 200
    for cursor in ("x", "", good.split("_", 1)[1], "0_" + good.split("_", 1)[1], "2_t1_nan",
                   "2_t1_inf", "2_r99999999999999999999_1.0", "2_t3_1e999", "2_x", good + "x",
                   "9" * 200):
        response = client.get(API_SEARCH, query_string={"q": "silence", "cursor": cursor})
        assert response.status_code == 422, cursor
        error = response.json["error"]
        assert error["field"] == "cursor" and error["code"] == "invalid", cursor
        assert "cursor" in error["message"], cursor
    both = client.get(API_SEARCH, query_string={"q": "silence", "cursor": good, "page": 2})
    assert both.status_code == 422 and both.json["error"]["field"] == "page"


def test_api_search_documents_its_cursor(client):
    operation = client.get(f"{PREFIX}/api/openapi.json").json["paths"]["/search"]["get"]
    assert {"cursor", "page"} <= {param["name"] for param in operation["parameters"]}
    assert "422" in operation["responses"]
    results = client.get(f"{PREFIX}/api/openapi.json").json["components"]["schemas"][
        "SearchResults"]
    assert "next_cursor" in results["required"]
    assert results["properties"]["next_cursor"]["type"] == ["string", "null"]
