"""Contribution cards are rendered once and reused by every viewer, yet every change shows at
once to everyone."""
import os
import re
from types import SimpleNamespace

import pytest
from sqlalchemy import update

from forum.models import Member
from forum.services import moderation, ratings
from forum.services import replies as reply_service
from forum.services import threads as thread_service
from forum.web import card_cache

from tests.discussion_fixtures import PREFIX

REDIS_URL = os.environ.get("FORUM_TEST_REDIS_URL")
BODY = ("What helped me most with a client who had stalled:\n\n- Ask what changed since the "
        "goal was set\n- Reflect their own words back, slowly\n- Agree one small step for "
        "this week\n\nIt took two sessions, but the conversation has been lighter since then. "
        "I now open every review this way and write the step down together with them.")


@pytest.fixture
def renders(monkeypatch):
    """Counts shared-card renders (a cache miss renders; a hit does not)."""
    count = [0]
    original = card_cache._render_shared

    def counted(data):
        count[0] += 1
        return original(data)
    monkeypatch.setattr(card_cache, "_render_shared", counted)
    return count


@pytest.fixture
def board(app, host_users, actor_for, client_for):
    """Ana's thread with Ben's tagged reply; clients for a visitor, Ana, Ben and Mo."""
    app.config.update(FORUM_FRAGMENT_CACHE_BYTES=2 * 1024 * 1024)
    actors = {name: actor_for(user) for name, user in host_users.items()}
    thread = thread_service.start_thread(actors["ana"], "How do you restart momentum?",
                                         tags="momentum")
    reply = reply_service.add_reply(actors["ben"], thread.id, "I ask what changed.",
                                    tags="listening")
    viewers = {"visitor": app.test_client(), "ana": client_for(host_users["ana"]),
               "ben": client_for(host_users["ben"]), "mo": client_for(host_users["mo"])}
    return SimpleNamespace(actors=actors, users=host_users, thread=thread, reply=reply,
                           viewers=viewers, path=f"{PREFIX}/threads/{thread.id}/{thread.slug}")


def card(client, board):
    """The reply's card as this viewer sees it (None when it is not on their page)."""
    page = client.get(board.path)
    assert page.status_code == 200
    found = re.search(rf'<li class="reply[^"]*" id="reply-{board.reply.id}">.*?</article>',
                      page.text, re.S)
    return found.group(0) if found else None


def everyone(board, names=("visitor", "ana", "ben", "mo")):
    """{viewer: card} for each viewer."""
    return {name: card(board.viewers[name], board) for name in names}


def test_one_render_serves_every_viewer(board, renders):
    first = everyone(board)
    assert renders[0] == 1  # the visitor's view rendered it; the members' reused it
    assert everyone(board) == first and renders[0] == 1
    assert "Log in to rate." in first["visitor"] and "Rate 4 stars" in first["ana"]
    assert "Rate 4 stars" not in first["ben"]  # nobody rates their own contribution
    assert "Hide contribution" in first["mo"] and "Hide contribution" not in first["ana"]


def _edit(board):
    reply_service.edit_reply(board.actors["ben"], board.reply.id, "I ask what *shifted*.")
    return lambda seen: "<em>shifted</em>" in seen and ">edited<" in seen


def _rating(board):
    ratings.rate(board.actors["ana"], "reply", board.reply.id, 4)
    return lambda seen: "Needs more ratings (1 rating so far)." in seen


def _tag_change(board):
    reply_service.set_reply_tags(board.actors["ben"], board.reply.id, "silence, listening")
    return lambda seen: 'href="/community/tags/silence"' in seen


def _display_name(board):
    from forum.database import atomic

    with atomic() as session:
        session.execute(update(Member).where(Member.display_name == "Ben")
                        .values(display_name="Ben Coach"))
    return lambda seen: 'dir="auto">Ben Coach</a></span>' in seen


def _outcome(board):
    from flask import current_app

    from forum.services import outcomes

    current_app.config.update(FORUM_OUTCOME_MIN_REPORTS=1)
    outcomes.report(board.actors["ana"], board.reply.id, 1, "It worked.")
    return lambda seen: "Tried by 1 · worked for 1" in seen


@pytest.mark.parametrize("change", [_edit, _rating, _tag_change, _display_name, _outcome])
def test_a_change_shows_at_once_to_every_viewer(board, renders, change):
    everyone(board)
    shows = change(board)
    after = everyone(board)
    assert all(shows(seen) for seen in after.values()), after
    assert renders[0] == 2  # rendered again once, for all of them


def test_hiding_shows_at_once_to_every_viewer(board, renders):
    everyone(board)
    moderation.hide_reply(board.actors["mo"], board.reply.id, reason="Names a client")
    after = everyone(board)
    assert after["visitor"] is None and after["ana"] is None  # gone for members and visitors
    assert 'class="reply hidden-item"' in after["mo"] and "Names a client" in after["mo"]
    assert "Unhide" in after["mo"]


def test_a_role_change_shows_at_once(board, db, renders):
    assert "Hide contribution" not in card(board.viewers["ana"], board)
    board.users["ana"].is_staff = True
    db.session.commit()
    assert "Hide contribution" in card(board.viewers["ana"], board)
    assert renders[0] == 1  # the shared part was reused: only Ana's own parts changed


def test_own_outcome_parts_are_the_viewers_own(board, renders):
    from forum.services import outcomes

    outcomes.mark_trying(board.actors["ana"], board.reply.id)
    ana, mo = card(board.viewers["ana"], board), card(board.viewers["mo"], board)
    assert "You are trying this" in ana and "I'll try this" not in ana
    assert "You are trying this" not in mo and "I'll try this" in mo
    assert "I'll try this" not in card(board.viewers["visitor"], board)
    assert renders[0] == 1


def test_own_stars_are_the_viewers_own(board, renders):
    ratings.rate(board.actors["ana"], "reply", board.reply.id, 2)
    ana, mo = card(board.viewers["ana"], board), card(board.viewers["mo"], board)
    assert "Your rating: 2 stars." in ana and 'value=2 title="Rate 2 stars" aria-pressed="true"' in ana
    assert "Your rating:" not in mo and 'aria-pressed="true"' not in mo
    assert renders[0] == 1


def test_the_cache_is_bounded_and_can_be_turned_off(app, board, renders):
    app.config.update(FORUM_FRAGMENT_CACHE_BYTES=0)
    card(board.viewers["ana"], board), card(board.viewers["ana"], board)
    assert renders[0] == 2
    cache = card_cache.CardCache(4096)
    data = card_cache.CardData(*([1] * len(card_cache.CardData._fields)))._replace(html="x" * 3000)
    cache.put(data, ("y" * 3000,))
    assert cache.get(data) is None  # larger than the whole cache: not kept


def test_a_full_cache_drops_the_least_recently_used_card_first():
    cache = card_cache.CardCache(3 * (1000 + card_cache.ENTRY_OVERHEAD))
    blank = card_cache.CardData(*([1] * len(card_cache.CardData._fields)))
    cards = [blank._replace(id=number, html="") for number in range(4)]
    for data in cards[:3]:
        cache.put(data, ("y" * 1000,))
    assert cache.get(cards[0])  # read: now the most recently used
    cache.put(cards[3], ("z" * 1000,))
    assert cache.get(cards[1]) is None
    assert [cache.get(data) for data in (cards[0], cards[2], cards[3])] == [
        ("y" * 1000,), ("y" * 1000,), ("z" * 1000,)]


@pytest.mark.skipif(not REDIS_URL, reason="Redis tests skipped: set FORUM_TEST_REDIS_URL "
                                          "(e.g. redis://127.0.0.1:6379/0) to run them")
def test_instances_share_cards_through_redis(app, board, renders):
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    app.config.update(FORUM_CACHE_URL=REDIS_URL)
    first = card(board.viewers["ana"], board)
    assert renders[0] == 1
    app.extensions["forum"].card_cache = None  # another worker or instance: an empty cache
    assert card(board.viewers["ana"], board) == first and renders[0] == 1  # from Redis
    reply_service.edit_reply(board.actors["ben"], board.reply.id, "I ask what shifted.")
    assert "I ask what shifted." in card(board.viewers["ana"], board) and renders[0] == 2


def test_a_redis_that_does_not_answer_only_costs_a_render(app, board, renders):
    app.config.update(FORUM_CACHE_URL="redis://127.0.0.1:9/0")  # discard port: nobody listens
    assert "I ask what changed." in card(board.viewers["ana"], board)
    app.extensions["forum"].card_cache = None
    assert "I ask what changed." in card(board.viewers["ana"], board)


def test_members_controls_name_each_card_and_its_author(app, db, host_users, make_user,
                                                        actor_for, client_for):
    """A member's "Reply" and "Flag" controls on others' cards are made once a page and filled
    in per card: each names its own contribution and author, escaped, or a former member."""
    from forum.database import atomic
    from forum.models import Reply

    ana = actor_for(host_users["ana"])
    odd = actor_for(make_user('Dee & <Co> "quoted"'))
    thread = thread_service.start_thread(ana, "How do you close a session well?")
    written = [reply_service.add_reply(author, thread.id, f"Summarise together, take {n}.")
               for n, author in enumerate([ana, odd, actor_for(host_users["ben"]), odd])]
    with atomic() as session:  # the third one's author has left
        session.execute(update(Reply).where(Reply.id == written[2].id).values(author_id=None))
    page = client_for(make_user("Cleo")).get(f"{PREFIX}/threads/{thread.id}/{thread.slug}").text
    names = ["Ana", "Dee &amp; &lt;Co&gt; &#34;quoted&#34;", "a former member",
             "Dee &amp; &lt;Co&gt; &#34;quoted&#34;"]
    for reply, name in zip(written, names):
        card_html = re.search(rf'id="reply-{reply.id}">.*?</article>', page, re.S).group(0)
        assert f'aria-label="Contribution by {name}"' in card_html
        assert f'href="?reply_to={reply.id}#reply-title" data-reply-to={reply.id}>' in card_html
        assert f"<a href=/community/replies/{reply.id}/flag>" in card_html
        assert "987654321987654321" not in card_html and "placeholder" not in card_html


def test_whether_a_member_may_rate_and_try_is_decided_for_each_card(host_users, actor_for,
                                                                     client_for):
    """The rating and "I'll try this" refusals are asked once a page per kind of card: on one
    page the viewer's own cards refuse both, everyone else's offer both, and a moderator's
    hidden card says it is not public."""
    ana, ben = actor_for(host_users["ana"]), actor_for(host_users["ben"])
    thread = thread_service.start_thread(ana, "What do you ask to open a session?")
    written = [reply_service.add_reply(author, thread.id, f"I ask what they noticed, take {n}.")
               for n, author in enumerate([ana, ben, ana, ben, ben])]
    moderation.hide_reply(actor_for(host_users["mo"]), written[4].id, reason="Off topic")
    path = f"{PREFIX}/threads/{thread.id}/{thread.slug}"

    def cards(viewer):
        page = client_for(host_users[viewer]).get(path).text
        return [re.search(rf'id="reply-{reply.id}">.*?</article>', page, re.S) for reply in written]

    for found, own in zip(cards("ana"), [True, False, True, False]):
        text = found.group(0)
        assert ("You cannot rate your own contribution." in text) is own
        assert ('title="Rate 4 stars"' in text) is not own
        assert ("I'll try this" in text) is not own
    moderator = cards("mo")
    assert "not public" in moderator[4].group(0) and 'title="Rate 4 stars"' in moderator[1].group(0)
