"""Every page issues a fixed number of SQL queries, whatever the number of replies, tags, ratings."""
import re

import pytest
from sqlalchemy import select, update

from forum.models import Rating, Reply, Thread
from forum.services import notifications, outcomes, ratings
from forum.services import related as related_service
from forum.services import replies as reply_service
from forum.services import threads as thread_service

THREAD_PAGE_MAX = 6  # the target, for visitors and for members who rated
# members: one query more, for the watch control, the unread count, marking notices read and
# the last visit (it also finds their Member row; services.notifications.visit_thread), and one
# for their own "I'll try this" and reports with members' outcome notes
# (services.outcomes.page_outcomes), and one for their kept draft of a contribution
# (services.drafts); "N replies" on the cards cost none
MEMBER_THREAD_PAGE_MAX = THREAD_PAGE_MAX + 3
BODY = ("When a client stalls I go back to their own words.\n\n- Reflect the exact phrase\n"
        "- Ask what changed since the goal was set\n- Agree one small step\n\nIt works. #{n}")


def _rate(db, member_ids, reply):
    """Ratings rows plus their denormalized counters, as the ratings service keeps them."""
    for number, member_id in enumerate(member_ids):
        db.session.add(Rating(member_id=member_id, reply_id=reply.id, stars=1 + number % 5))
    db.session.execute(update(Reply).where(Reply.id == reply.id).values(
        rating_count=len(member_ids),
        rating_sum=sum(1 + number % 5 for number in range(len(member_ids)))))
    db.session.commit()


@pytest.fixture
def forum_with(make_user, actor_for, db):
    """Build a thread with n replies by several authors, each reply with tags and ratings."""
    users = [make_user(f"Coach {number}") for number in range(6)]
    actors = [actor_for(user) for user in users]
    member_ids = [actor.require_member().id for actor in actors]
    db.session.commit()

    def build(n_replies, title="How do you restart momentum with a stalled client?",
              tags="active listening, goals"):
        thread = thread_service.start_thread(
            actors[0], title, lead="Share what worked for you.",
            prompts="Cultivate trust: How do you build safety?\nSmall steps: What comes first?",
            call_to_action="Tell us what worked.", tags=tags)
        for number in range(n_replies):
            reply = reply_service.add_reply(
                actors[number % len(actors)], thread.id, BODY.format(n=f"case{number}"),
                prompt_position=number % 2, tags="rapport, silence, curiosity")
            _rate(db, member_ids[: 1 + number % len(member_ids)], reply)
        return db.session.get(Thread, thread.id)
    return build


@pytest.fixture
def reading_list(make_user, actor_for):
    """Give a thread "More relevant reading" entries: other threads and a web page."""
    moderator = actor_for(make_user("Moderator", staff=True))

    def add(thread, *targets):
        for target in targets:
            related_service.add_link(moderator, thread.id, "Life Coaching", target.title,
                                     target_thread_id=target.id)
        related_service.add_link(moderator, thread.id, "Reading", "A guide to silence",
                                 url="https://example.org/silence")
    return add


def _record_first_visits(client, *threads):
    """Open each thread once: a first visit records it (a write, after which the test host
    reloads its user), so the visits measured next are the ordinary ones."""
    for thread in threads:
        client.get(f"/community/threads/{thread.id}/{thread.slug}")


def _queries(client, count_queries, path):
    """Number of SQL statements of one GET (after an uncounted one: the test host keeps its
    user in the session's identity map, so only a repeated request is comparable)."""
    client.get(path)
    with count_queries() as counted:
        response = client.get(path)
    assert response.status_code == 200, path
    return counted[0]


def test_thread_page_queries_do_not_grow_with_replies(app, client, count_queries, forum_with,
                                                      reading_list):
    app.config["FORUM_REPLIES_PER_PAGE"] = 10  # so that page 2 exists and is full
    small, big = forum_with(1), forum_with(30, title="What do you ask a sceptical new client?")
    reading_list(big, small)
    small_count = _queries(client, count_queries, f"/community/threads/{small.id}/{small.slug}")
    big_count = _queries(client, count_queries, f"/community/threads/{big.id}/{big.slug}")
    page_two = _queries(client, count_queries,
                        f"/community/threads/{big.id}/{big.slug}?page=2")
    assert small_count == big_count == page_two
    assert big_count <= THREAD_PAGE_MAX


def test_thread_page_for_a_member_is_fixed_too(make_user, actor_for, client_for, count_queries,
                                               forum_with, reading_list):
    small, big = forum_with(1), forum_with(30, title="What do you ask a sceptical new client?")
    reading_list(big, small)
    reader = make_user("Reader")
    for reply in reply_service.list_replies(actor_for(reader), big, per_page=5).items:
        ratings.rate(actor_for(reader), "reply", reply.id, 4)  # their stars show on the page
    client = client_for(reader)
    _record_first_visits(client, small, big)
    small_count = _queries(client, count_queries, f"/community/threads/{small.id}/{small.slug}")
    big_count = _queries(client, count_queries, f"/community/threads/{big.id}/{big.slug}")
    assert small_count == big_count <= MEMBER_THREAD_PAGE_MAX


def test_thread_list_and_tag_page_queries_do_not_grow(client, count_queries, forum_with):
    forum_with(2)
    list_few = _queries(client, count_queries, "/community/")
    tag_few = _queries(client, count_queries, "/community/tags/goals")
    for number in range(25):  # more threads than one page, each with two tags
        forum_with(1, title=f"Practice question number {number} about momentum")
    assert _queries(client, count_queries, "/community/") == list_few
    assert _queries(client, count_queries, "/community/?page=2") == list_few
    assert _queries(client, count_queries, "/community/tags/goals") == tag_few
    assert list_few <= 4 and tag_few <= 7  # tag page: tag, then threads and contributions


def test_tag_page_for_a_member_does_not_grow_with_the_threads_shown(make_user, actor_for,
                                                                     client_for, count_queries,
                                                                     forum_with):
    """A member's stars on tagged contributions from many threads come in one query, not one
    per thread."""
    reader = make_user("Reader")
    first = forum_with(1)
    reply = reply_service.list_replies(actor_for(reader), first).items[0]
    ratings.rate(actor_for(reader), "reply", reply.id, 4)
    client = client_for(reader)
    few = _queries(client, count_queries, "/community/tags/rapport")
    for number in range(6):
        forum_with(1, title=f"Practice question number {number} about rapport")
    assert _queries(client, count_queries, "/community/tags/rapport") == few
    page = client.get("/community/tags/rapport").text
    assert page.count('aria-pressed="true"') == 1  # their 4 stars, shown on the right card


def test_thread_page_with_outcomes_is_fixed(make_user, actor_for, client_for, count_queries,
                                            forum_with):
    """A member's own outcomes and members' notes on every contribution come in one query; the
    question's author's per-prompt table in one more."""
    small, big = forum_with(1), forum_with(30, title="What do you ask a sceptical new client?")
    reader, others = make_user("Reader"), [make_user(f"Reporter {n}") for n in range(3)]
    for thread in (small, big):
        for number, reply in enumerate(reply_service.list_replies(actor_for(reader), thread).items):
            outcomes.mark_trying(actor_for(reader), reply.id)
            for other in others:
                outcomes.report(actor_for(other), reply.id, number % 5 - 2, f"Note {number}",
                                show_name=True)
    client = client_for(reader)
    _record_first_visits(client, small, big)
    small_count = _queries(client, count_queries, f"/community/threads/{small.id}/{small.slug}")
    big_count = _queries(client, count_queries,
                         f"/community/threads/{big.id}/{big.slug}?sort=tested")
    assert small_count == big_count <= MEMBER_THREAD_PAGE_MAX
    page = client.get(f"/community/threads/{big.id}/{big.slug}").text
    assert page.count("You are trying this") == 30 and "Note 29" in page
    asker = db_user(big)
    notifications.mark_read(actor_for(asker), everything=True)  # reading them is not measured
    author = client_for(asker)
    _record_first_visits(author, small, big)
    author_small = _queries(author, count_queries, f"/community/threads/{small.id}/{small.slug}")
    author_big = _queries(author, count_queries, f"/community/threads/{big.id}/{big.slug}")
    assert author_small == author_big <= MEMBER_THREAD_PAGE_MAX + 1
    assert "How the advice on your question went" in author.get(
        f"/community/threads/{big.id}/{big.slug}").text


def db_user(thread):
    """The host user who asked this thread (forum_with's first coach)."""
    from flask import current_app

    from forum.models import Member
    member = current_app.host_db.session.get(Member, thread.author_id)
    return current_app.host_db.session.get(current_app.host_user_model, int(member.user_key))


def test_thread_list_sorted_by_field_tested_does_not_grow(client, count_queries, forum_with,
                                                          make_user, actor_for):
    reporter = make_user("Reporter")
    first = forum_with(1)
    outcomes.report(actor_for(reporter), reply_service.list_replies(
        actor_for(reporter), first).items[0].id, 2)
    few = _queries(client, count_queries, "/community/?sort=tested")
    for number in range(25):
        forum_with(1, title=f"Practice question number {number} about momentum")
    assert _queries(client, count_queries, "/community/?sort=tested") == few
    assert _queries(client, count_queries, "/community/?sort=tested&page=2") == few
    assert few <= 4


def test_profile_and_community_pages_do_not_grow(make_user, client, client_for, count_queries,
                                                  forum_with, db):
    """A profile (counts, credentials, expertise, paged questions and contributions) and the
    moderators' community page cost the same with 2 or 40 contributions."""
    from forum.models import Member

    forum_with(2)
    author = db.session.scalar(select(Member.id).where(Member.display_name == "Coach 0"))
    moderator = client_for(make_user("Moderator", staff=True))
    profile_few = _queries(client, count_queries, f"/community/members/{author}")
    community_few = _queries(moderator, count_queries, "/community/moderation/community")
    forum_with(38, title="What do you ask a sceptical new client?")
    assert _queries(client, count_queries, f"/community/members/{author}") == profile_few
    assert _queries(client, count_queries, f"/community/members/{author}?page=2") == profile_few
    assert _queries(moderator, count_queries, "/community/moderation/community") == community_few
    assert profile_few <= 8


def test_thread_list_for_a_member_with_new_counts_does_not_grow(make_user, actor_for, db,
                                                                client_for, count_queries,
                                                                forum_with):
    """"N new" for every listed thread the member opened comes in one query, not one per
    thread."""
    reader = make_user("Reader")
    actor_for(reader).require_member()  # visits are kept once someone has used the forum
    db.session.commit()
    client = client_for(reader)
    first = forum_with(1)
    client.get(f"/community/threads/{first.id}/{first.slug}")
    reply_service.add_reply(actor_for(make_user("Late")), first.id, BODY.format(n="late"))
    few = _queries(client, count_queries, "/community/")
    tag_few = _queries(client, count_queries, "/community/tags/goals")
    for number in range(6):
        thread = forum_with(0, title=f"Practice question number {number} about momentum")
        client.get(f"/community/threads/{thread.id}/{thread.slug}")
        reply_service.add_reply(actor_for(make_user(f"Late {number}")), thread.id,
                                BODY.format(n=f"late{number}"))
    listing = client.get("/community/").text
    assert listing.count('1 new<span class="visually-hidden">') == 7
    assert _queries(client, count_queries, "/community/") == few
    assert _queries(client, count_queries, "/community/tags/goals") == tag_few


def test_search_page_queries_do_not_grow_with_results(app, client, count_queries, forum_with):
    """The search page, its old ?page= links and its keyset ?after= links: the same few queries
    whether a page shows two hits (a thread and a contribution) or a full page of them."""
    app.config.update(FORUM_THREADS_PER_PAGE=6)
    forum_with(1)
    few = _queries(client, count_queries, "/community/search?q=client")
    for number in range(6):
        forum_with(2, title=f"Practice question number {number} about momentum")
    assert _queries(client, count_queries, "/community/search?q=client") == few
    assert _queries(client, count_queries, "/community/search?q=client&page=2") == few
    first = client.get("/community/search?q=client").text
    after = re.search(r'<a rel="next" href="[^"]*after=([^"&]+)', first).group(1)
    assert _queries(client, count_queries,
                    f"/community/search?q=client&page=2&after={after}") == few


def test_api_search_queries_do_not_grow_with_results(app, client, count_queries, forum_with):
    """GET api/search by page number and by next_cursor: the same few queries whether a page
    holds two hits or a full page of them, and page 2 by cursor costs what page 1 does."""
    app.config.update(FORUM_THREADS_PER_PAGE=6)
    forum_with(1)
    few = _queries(client, count_queries, "/community/api/search?q=client")
    for number in range(6):
        forum_with(2, title=f"Practice question number {number} about momentum")
    assert _queries(client, count_queries, "/community/api/search?q=client") == few
    assert _queries(client, count_queries, "/community/api/search?q=client&page=2") == few
    cursor = client.get("/community/api/search?q=client").json["next_cursor"]
    assert cursor
    assert _queries(client, count_queries, f"/community/api/search?q=client&cursor={cursor}") == few
