"""Anonymous pages come from the cache until any write; members and cookie holders never do."""
from types import SimpleNamespace

import pytest
from sqlalchemy import update

from forum.models import Member, Thread
from forum.services import moderation, ratings, related, tags
from forum.services.content_version import content_version
from forum.services import replies as reply_service
from forum.services import threads as thread_service
from forum.web.page_cache import HEADER, PageCache

from tests.discussion_fixtures import PREFIX


@pytest.fixture
def board(app, host_users, actor_for):
    """Cache on, CSRF on (as in production); Ana's thread with Ben's tagged reply; its address."""
    app.config.update(FORUM_PAGE_CACHE_BYTES=2 * 1024 * 1024, WTF_CSRF_ENABLED=True)
    ana, ben, mo = (actor_for(host_users[name]) for name in ("ana", "ben", "mo"))
    thread = thread_service.start_thread(
        ana, "Dealing with a stalled client: how do you restart momentum?",
        lead="A client agreed to goals and then stopped acting on them.",
        prompts="Listen first: What do you reflect back?", tags="momentum")
    reply = reply_service.add_reply(ben, thread.id, "I ask what changed since we set the goal.",
                                    tags="listening")
    return SimpleNamespace(ana=ana, ben=ben, mo=mo, thread=thread, reply=reply,
                           path=f"{PREFIX}/threads/{thread.id}/{thread.slug}")


def _get(client, path):
    """(cache header, page text) of an anonymous GET."""
    response = client.get(path)
    assert response.status_code == 200, path
    return response.headers.get(HEADER), response.text


def test_a_repeated_anonymous_page_is_served_from_the_cache(board, client, count_queries):
    assert _get(client, board.path)[0] == "miss"
    with count_queries() as counted:
        state, page = _get(client, board.path)
    assert state == "hit" and counted[0] == 1  # the content version, nothing else
    assert "I ask what changed since we set the goal." in page
    assert _get(client, board.path + "?view=prompts")[0] == "miss"  # its own key
    for page in (f"{PREFIX}/", f"{PREFIX}/tags/listening", f"{PREFIX}/search?q=goal"):
        first = client.get(page)
        assert first.headers[HEADER] == "miss" and "Set-Cookie" not in first.headers, page
        assert _get(client, page)[0] == "hit"


def _reply(board, db):
    reply_service.add_reply(board.ana, board.thread.id, "Silence gives them room to think.")
    return "Silence gives them room to think.", True


def _edit(board, db):
    reply_service.edit_reply(board.ben, board.reply.id, "I ask what shifted for them this week.")
    return "I ask what shifted for them this week.", True


def _hide(board, db):
    moderation.hide_reply(board.mo, board.reply.id, reason="Off topic")
    return "I ask what changed since we set the goal.", False


def _rate(board, db):
    ratings.rate(board.ana, "reply", board.reply.id, 5)
    return "1 rating", True


def _reading(board, db):
    related.add_link(board.mo, board.thread.id, "Life Coaching", "How do you pace a session?",
                     url="https://example.org/pace")
    return "How do you pace a session?", True


def _merge(board, db):
    tags.merge_tags(board.mo, "listening", "momentum")
    return "#listening", False


def _rename(board, db):  # a write outside the services: the triggers still see it
    db.session.execute(update(Member).where(Member.id == board.reply.author_id)
                       .values(display_name="Benedict"))
    db.session.commit()
    return "Benedict", True


def _retitle(board, db):
    db.session.execute(update(Thread).where(Thread.id == board.thread.id)
                       .values(title="Restarting momentum with a stalled client"))
    db.session.commit()
    return "Restarting momentum with a stalled client", True


WRITES = {"reply": _reply, "edit": _edit, "hide": _hide, "rate": _rate, "reading": _reading,
          "merge": _merge, "rename": _rename, "retitle": _retitle}


@pytest.mark.parametrize("write", sorted(WRITES))
def test_every_write_shows_on_the_next_anonymous_view(write, board, client, db):
    _get(client, board.path)
    assert _get(client, board.path)[0] == "hit"
    text, shown = WRITES[write](board, db)
    state, page = _get(client, board.path)
    assert state == "miss"
    assert (text in page) is shown


def test_a_write_moves_the_version_on_once_per_transaction_on_postgresql(board, db):
    """A thread with prompts and tags writes many rows in one transaction; PostgreSQL moves
    the version on once for all of them (SQLite, whose writers queue anyway, once per row)."""
    before = content_version()
    thread_service.start_thread(board.ana, "How do you close a coaching engagement well?",
                                prompts="Look back: What changed?\nLook ahead: What next?",
                                tags="closure, endings")
    moved = content_version() - before
    assert moved == 1 if db.engine.dialect.name == "postgresql" else moved > 1


def test_members_and_cookie_holders_never_get_or_fill_the_cache(board, client, client_for,
                                                                 host_users):
    _get(client, board.path)
    member = client_for(host_users["ben"]).get(board.path)
    assert HEADER not in member.headers and 'name="body"' in member.text  # their reply form
    client.set_cookie("session", "anything")
    assert HEADER not in client.get(board.path).headers
    fresh = client.application.test_client()
    assert _get(fresh, board.path)[0] == "hit"  # the member's page was not stored
    assert 'name="body"' not in _get(fresh, board.path)[1]
    authorized = fresh.get(board.path, headers={"Authorization": "Bearer x"})
    assert HEADER not in authorized.headers


def test_off_by_default_for_host_apps(app, board, client):
    app.config["FORUM_PAGE_CACHE_BYTES"] = 0
    assert HEADER not in client.get(board.path).headers


def test_the_standalone_site_caches_but_never_pages_that_set_a_cookie(site, site_client):
    assert site.config["FORUM_PAGE_CACHE_BYTES"] == 8 * 1024 * 1024
    site.config["WTF_CSRF_ENABLED"] = True  # as in production
    site_client.get("/")
    assert site_client.get("/").headers.get(HEADER) == "hit"
    assert "Set-Cookie" not in site_client.get("/").headers
    first = site.test_client().get("/login")  # its form's CSRF token starts a session
    assert "Set-Cookie" in first.headers and 'name="csrf_token"' in first.text
    assert site.test_client().get("/login").headers.get(HEADER) == "miss"


def test_cache_keeps_within_its_bytes_and_drops_older_versions():
    cache = PageCache(max_bytes=3 * (400 + 256))
    for key in "abcd":
        cache.put(1, key, b"x" * 400, "text/html")
    assert cache.get(1, "a") is None and cache.get(1, "d") == (b"x" * 400, "text/html")
    cache.put(1, "huge", b"x" * 5000, "text/html")
    assert cache.get(1, "huge") is None
    assert cache.get(2, "d") is None  # a newer version forgets every older page
    cache.put(1, "late", b"rendered before the write", "text/html")
    assert cache.get(2, "late") is None  # a page of an older version is never kept
