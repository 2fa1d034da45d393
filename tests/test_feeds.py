"""Atom feeds: valid RFC 4287 (ids, dates, links), linked from pages, sanitized content, no hidden items."""
from xml.etree import ElementTree

import feedparser
import pytest

from forum.models import Reply, Thread
from forum.services import replies, threads


@pytest.fixture
def content(app, make_user, actor_for):
    """Two threads, one tagged, with two contributions on the first."""
    actor = actor_for(make_user("Ana"))
    first = threads.start_thread(actor, "How do you handle silence in a session?",
                                 "It can feel *long*.", [{"label": "Wait", "text": "How long?"}],
                                 "Tell us.", ["silence"])
    second = threads.start_thread(actor, "What is your favourite opening question?", "", [],
                                  "", [])
    r1 = replies.add_reply(actor, first.id, "I count to ten. <script>alert(1)</script>")
    r2 = replies.add_reply(actor, first.id, "**Breathe** and wait.")
    return {"first": first.id, "second": second.id, "r1": r1.id, "r2": r2.id}


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.content_type == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def check_required(feed):
    assert feed.feed.id and feed.feed.title and feed.feed.updated_parsed
    assert any(link.rel == "self" for link in feed.feed.links)
    for entry in feed.entries:
        assert entry.id and entry.title and entry.updated_parsed and entry.published_parsed
        assert entry.link.startswith("http://localhost/community/threads/")
        assert entry.author


def test_new_threads_feed(client, content):
    feed = parse(client, "/community/feeds/threads.atom")
    check_required(feed)
    assert [e.title for e in feed.entries] == ["What is your favourite opening question?",
                                               "How do you handle silence in a session?"]
    assert feed.entries[1].content[0].value.startswith("<p>It can feel <em>long</em>.</p>")
    assert "<strong>Wait:</strong> How long?" in feed.entries[1].content[0].value
    assert len({e.id for e in feed.entries}) == 2


def test_tag_feed_lists_only_that_tag(client, content):
    feed = parse(client, "/community/feeds/tags/silence.atom")
    check_required(feed)
    assert [e.title for e in feed.entries] == ["How do you handle silence in a session?"]
    assert client.get("/community/feeds/tags/nope.atom").status_code == 404


def test_thread_replies_feed_has_the_pages_sanitized_html(client, db, content):
    url = f"/community/feeds/threads/{content['first']}.atom"
    feed = parse(client, url)
    check_required(feed)
    assert [e.id.rsplit("#", 1)[1] for e in feed.entries] == [
        f"reply-{content['r2']}", f"reply-{content['r1']}"]
    root = ElementTree.fromstring(client.get(url).data)
    contents = [c.text for c in root.iter("{http://www.w3.org/2005/Atom}content")]
    assert contents == [db.session.get(Reply, content["r2"]).html,
                        db.session.get(Reply, content["r1"]).html]
    assert contents[0] == "<p><strong>Breathe</strong> and wait.</p>\n"
    assert "<script>" not in contents[1] and "&lt;script&gt;" in contents[1]


def test_hidden_items_stay_out_of_feeds(client, db, content):
    db.session.get(Reply, content["r1"]).is_hidden = True
    db.session.get(Thread, content["second"]).is_hidden = True
    db.session.commit()
    assert len(parse(client, f"/community/feeds/threads/{content['first']}.atom").entries) == 1
    assert len(parse(client, "/community/feeds/threads.atom").entries) == 1
    assert client.get(f"/community/feeds/threads/{content['second']}.atom").status_code == 404


def test_pages_link_their_feeds(client, content):
    pages = {
        "/community/": "/community/feeds/threads.atom",
        "/community/tags/silence": "/community/feeds/tags/silence.atom",
        f"/community/threads/{content['first']}/how-do-you-handle-silence-in-a-session":
            f"/community/feeds/threads/{content['first']}.atom",
    }
    for page, feed_url in pages.items():
        html = client.get(page).text
        assert f'<link rel="alternate" type="application/atom+xml"' in html
        assert f'href="{feed_url}"' in html


def test_empty_forum_feed_is_valid(client):
    feed = parse(client, "/community/feeds/threads.atom")
    assert feed.entries == [] and feed.feed.updated_parsed


def test_tag_feed_carries_tagged_contributions_too(client, make_user, actor_for, content):
    actor = actor_for(make_user("Bo"))
    tagged = replies.add_reply(actor, content["second"], "I wait a full breath. #silence")
    hidden = replies.add_reply(actor, content["second"], "A hidden aside #silence")
    moderator = actor_for(make_user("Mo", staff=True))
    from forum.services import moderation
    moderation.hide_reply(moderator, hidden.id, "off-topic")
    feed = parse(client, "/community/feeds/tags/silence.atom")
    check_required(feed)
    titles = [entry.title for entry in feed.entries]
    assert titles[0] == "Contribution by Bo in What is your favourite opening question?"
    assert "How do you handle silence in a session?" in titles  # the tagged thread too
    assert feed.entries[0].link.endswith(f"#reply-{tagged.id}")
    assert not any("hidden aside" in entry.summary for entry in feed.entries)
