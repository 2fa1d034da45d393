"""Threads: starting one in the discussion format, reading it, listing, sorting, query counts."""
import re

import pytest
from sqlalchemy import func, select

from forum.models import Member, Prompt, Reply, ReplyTag, Tag, Thread, ThreadTag
from forum.services import replies as reply_service
from forum.services import threads as thread_service

PREFIX = "/community"
GOOD = {
    "title": "How do you help a client who keeps postponing?",
    "lead": "Some clients agree to every plan and then *stall*.",
    "prompts": "Name the pattern: Reflect what you notice.\nShrink the step: Make it tiny.",
    "call_to_action": "What has worked for you? Share your experiences.",
    "tags": "procrastination, Accountability",
}


@pytest.fixture
def ana(make_user):
    """A member who starts threads."""
    return make_user("Ana")


def _count(db, model):
    """Rows in a table."""
    return db.session.scalar(select(func.count()).select_from(model))


def test_start_thread_and_page_shows_title_lead_prompts_cta_in_order(ana, client_for, db):
    """The thread page reads like the source format: question, lead, bold prompts, call."""
    client = client_for(ana)
    response = client.post(f"{PREFIX}/new", data=GOOD)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    positions = [page.index(fragment) for fragment in (
        "How do you help a client who keeps postponing?</h1>",
        "<em>stall</em>",
        "<strong>Name the pattern:</strong> Reflect what you notice.",
        "<strong>Shrink the step:</strong> Make it tiny.",
        "What has worked for you? Share your experiences.",
    )]
    assert positions == sorted(positions)
    assert "#procrastination" in page and "#Accountability" in page
    assert _count(db, Prompt) == 2 and _count(db, ThreadTag) == 2


@pytest.mark.parametrize("field, value, message", [
    ("title", "", "10 to 200 characters"),
    ("title", "Too short", "10 to 200 characters"),
    ("title", "Q" * 201, "10 to 200 characters"),
    ("lead", "x" * 2001, "at most 2000"),
    ("prompts", "\n".join(f"Label {n}: text {n}" for n in range(11)), "at most 10 prompts"),
    ("prompts", "Build rapport with no label", "needs a label"),
    ("prompts", ": text without label", "needs a label"),
    ("call_to_action", "c" * 501, "at most 500"),
    ("tags", "one, two, three, four, five, six", "at most 5 tags"),
    ("tags", "good, !!!", "at least 2 letters or digits"),
    ("tags", "t" * 41, "2 to 40 characters"),
])
def test_bad_thread_input_errors_beside_field_keeps_text_writes_nothing(
        ana, client_for, db, field, value, message):
    """Every limit answers 422 with the message beside its field, and the form keeps input."""
    data = dict(GOOD, **{field: value})
    response = client_for(ana).post(f"{PREFIX}/new", data=data)
    assert response.status_code == 422
    error = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', response.text)
    assert error and message in error.group(1)
    assert "How do you help a client" in response.text or field == "title"
    assert "Shrink the step" in response.text or field == "prompts"
    for model in (Thread, Prompt, Tag, ThreadTag):
        assert _count(db, model) == 0


def test_thread_url_redirects_to_slug_url(ana, actor_for, client):
    """threads/<id> answers with a redirect to threads/<id>/<slug>, keeping the query."""
    thread = thread_service.start_thread(actor_for(ana), GOOD["title"])
    response = client.get(f"{PREFIX}/threads/{thread.id}?page=1")
    assert response.status_code == 301
    assert response.headers["Location"].endswith(
        f"/threads/{thread.id}/how-do-you-help-a-client-who-keeps-postponing?page=1")
    assert client.get(f"{PREFIX}/threads/12345").status_code == 404
    odd = client.get(f"{PREFIX}/threads/{thread.id}?slug=x&thread_id=9&view=prompts")
    assert odd.status_code == 301 and odd.headers["Location"].endswith("?view=prompts")


def _titles(html):
    """Thread titles in list order."""
    return re.findall(r'class="thread-item-title"><a [^>]*>([^<]*)</a>', html)


def test_sorts_and_tag_filter(ana, make_user, actor_for, client, db):
    """latest, newest, replies and unanswered order the list; ?tag= filters it."""
    author = actor_for(ana)
    first = thread_service.start_thread(author, "First question of the day", tags="listening")
    second = thread_service.start_thread(author, "Second question of the day")
    third = thread_service.start_thread(author, "Third question of the day", tags="listening")
    ben = actor_for(make_user("Ben"))
    for body in ("one", "two"):
        reply_service.add_reply(ben, second.id, body)
    reply_service.add_reply(ben, first.id, "latest activity here")

    def titles(query):
        return _titles(client.get(f"{PREFIX}/?{query}").text)

    assert titles("sort=latest") == [first.title, second.title, third.title]
    assert titles("sort=newest") == [third.title, second.title, first.title]
    assert titles("sort=replies") == [second.title, first.title, third.title]
    assert titles("sort=unanswered") == [third.title]
    assert titles("tag=Listening") == [first.title, third.title]
    assert titles("sort=newest&tag=listening") == [third.title, first.title]
    assert client.get(f"{PREFIX}/?tag=nosuchtag").status_code == 404


def test_lists_paginate_with_real_urls(ana, actor_for, client, app):
    """?page=2 is a real page with prev/next links (no JavaScript needed)."""
    app.config["FORUM_THREADS_PER_PAGE"] = 2
    for n in range(5):
        thread_service.start_thread(actor_for(ana), f"Practice question number {n}")
    first = client.get(f"{PREFIX}/?sort=newest").text
    assert 'href="/community/?sort=newest&amp;page=2"' in first
    second = client.get(f"{PREFIX}/?sort=newest&page=2").text
    assert _titles(second) == ["Practice question number 2", "Practice question number 1"]
    assert 'rel="prev"' in second and 'rel="next"' in second
    last = client.get(f"{PREFIX}/?sort=newest&page=3").text
    assert _titles(last) == ["Practice question number 0"]
    assert 'rel="next"' not in last and "<span>Page 3</span>" in last  # uncounted: no "of N"
    four = thread_service.list_threads(actor_for(ana), sort="newest", page=2, counted=False)
    assert (four.total, four.has_next, len(four.items)) == (None, True, 2)


def test_by_prompt_view_groups_replies_under_each_prompt(ana, make_user, actor_for, client):
    """?view=prompts shows each prompt followed by the replies that answer it."""
    thread = thread_service.start_thread(
        actor_for(ana), GOOD["title"], prompts=GOOD["prompts"])
    ben = actor_for(make_user("Ben"))
    reply_service.add_reply(ben, thread.id, "Tiny steps answer", prompt_position=1)
    reply_service.add_reply(ben, thread.id, "General thoughts answer")
    reply_service.add_reply(ben, thread.id, "Pattern answer", prompt_position=0)
    page = client.get(f"{PREFIX}/threads/{thread.id}/{thread.slug}?view=prompts").text
    order = [page.index(text) for text in (
        'id="answers-1"', "Pattern answer", 'id="answers-2"', "Tiny steps answer",
        'id="answers-other"', "General thoughts answer")]
    assert order == sorted(order)
    in_order = client.get(f"{PREFIX}/threads/{thread.id}/{thread.slug}").text
    assert in_order.index("Tiny steps answer") < in_order.index("Pattern answer")


def _seed_replies(db, thread_id, member_id, count, tags):
    """Insert count replies, each with tags, quickly (bypassing the service for speed)."""
    replies = [Reply(thread_id=thread_id, author_id=member_id, body=f"reply {n}",
                     html=f"<p>reply {n}</p>") for n in range(count)]
    db.session.add_all(replies)
    db.session.flush()
    db.session.add_all([ReplyTag(reply_id=r.id, tag_id=t.id) for r in replies for t in tags])
    db.session.commit()


def _big_thread(db, ana, actor_for, n_replies):
    """A thread with prompts, tags and n replies by several authors, each reply tagged."""
    thread = thread_service.start_thread(actor_for(ana), f"A thread with {n_replies} replies",
                                         prompts=GOOD["prompts"], tags="alpha, beta")
    tags = db.session.scalars(select(Tag)).all()
    members = [Member(user_key=f"seed-{thread.id}-{n}", display_name=f"Coach {n}")
               for n in range(3)]
    db.session.add_all(members)
    db.session.flush()
    for index, member in enumerate(members):
        _seed_replies(db, thread.id, member.id, n_replies // 3 + (index < n_replies % 3), tags)
    return thread


def test_thread_page_query_count_does_not_grow_with_replies(ana, actor_for, client_for, app, db,
                                                            count_queries):
    """5 or 200 replies (authors, tags, prompts): the same, small number of queries."""
    app.config["FORUM_REPLIES_PER_PAGE"] = 250
    client = client_for(ana)
    counts = []
    for n in (5, 200):
        thread = _big_thread(db, ana, actor_for, n)
        url = f"{PREFIX}/threads/{thread.id}/{thread.slug}"
        client.get(url)
        with count_queries() as queries:
            page = client.get(url).text
        assert page.count('class="reply') >= n
        counts.append(queries[0])
    assert counts[0] == counts[1]
    assert counts[1] <= 6 + 3 + 2, counts  # + ratings: viewer's stars, site mean, top contributors;
    # + the member's own outcomes (services.outcomes) and kept draft (services.drafts)


def test_thread_list_and_tag_page_query_counts_are_fixed(ana, actor_for, client, app, db,
                                                        count_queries):
    """The list and a tag page cost the same whether they show 2 or 40 threads and replies."""
    app.config["FORUM_THREADS_PER_PAGE"] = 50
    counts = []
    for n in (2, 40):
        for k in range(n):
            thread = thread_service.start_thread(actor_for(ana), f"Batch {n} thread {k:02d}",
                                                 tags=f"batch{n}, shared")
            reply_service.add_reply(actor_for(ana), thread.id, f"answer #batch{n}")
        with count_queries() as list_queries:
            listing = client.get(f"{PREFIX}/?tag=batch{n}")
        with count_queries() as tag_queries:
            tag_page = client.get(f"{PREFIX}/tags/batch{n}")
        assert len(_titles(listing.text)) == n
        assert tag_page.text.count(f'rel="nofollow ugc noopener">#batch{n}</a>') >= n
        counts.append((list_queries[0], tag_queries[0]))
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize("sort", ["best", "oldest"])
def test_a_thread_page_past_the_end_still_counts_the_contributions(ana, actor_for, client, app,
                                                                   db, sort):
    """A page past the last one (an old link after deletions) shows no card but the thread's
    real count: the count query runs with the page statement's bound thread and prior."""
    app.config["FORUM_REPLIES_PER_PAGE"] = 5
    thread = _big_thread(db, ana, actor_for, 7)
    url = f"{PREFIX}/threads/{thread.id}/{thread.slug}"
    cards = re.compile(r'<li class="reply[^"]*" id="reply-\d+">')
    last = client.get(f"{url}?page=2&sort={sort}").text
    assert len(cards.findall(last)) == 2 and "7 contributions" in last
    past = client.get(f"{url}?page=9&sort={sort}")
    assert past.status_code == 200
    assert not cards.findall(past.text) and "7 contributions" in past.text
