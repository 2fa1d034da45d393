"""Full-text search: ranked, highlighted, filtered, current on write, never showing hidden items."""
import pytest

from forum.models import Reply, Thread
from forum.services import replies, search, threads


@pytest.fixture
def content(app, make_user, actor_for):
    """Two threads with contributions, written through the services."""
    actor = actor_for(make_user("Ana"))
    listening = threads.start_thread(
        actor, "How do you practise active listening?", "Silence is a *tool*.",
        [{"label": "Mirroring", "text": "Do you repeat the client's words?"}],
        "Share an exercise.", ["listening"])
    goals = threads.start_thread(actor, "Setting goals in a first session", "SMART or not?",
                                 [], "", ["goals"])
    r1 = replies.add_reply(actor, listening.id, "I count to five before answering. #pauses")
    r2 = replies.add_reply(actor, goals.id, "Goals emerge when listening **deeply**.")
    return {"actor": actor, "listening": listening.id, "goals": goals.id, "r1": r1.id,
            "r2": r2.id}


def found(page):
    return [(hit.kind, hit.reply.id if hit.reply else hit.thread.id) for hit in page.items]


def test_finds_titles_leads_prompts_and_replies(content):
    actor = content["actor"]
    assert ("thread", content["listening"]) in found(search.search(actor, "listening"))
    assert found(search.search(actor, "silence")) == [("thread", content["listening"])]
    assert found(search.search(actor, "mirroring")) == [("thread", content["listening"])]
    assert found(search.search(actor, "count five")) == [("reply", content["r1"])]


def test_title_match_ranks_first_and_stems_match(content):
    hits = found(search.search(content["actor"], "listen"))
    assert hits[0] == ("thread", content["listening"])
    assert ("reply", content["r2"]) in hits


def test_filters_by_kind_and_tag(content):
    actor = content["actor"]
    assert found(search.search(actor, "listening", kind="threads")) == [
        ("thread", content["listening"])]
    assert found(search.search(actor, "listening", kind="replies")) == [("reply", content["r2"])]
    assert found(search.search(actor, "listening", tag="goals")) == [("reply", content["r2"])]
    assert found(search.search(actor, "answering", tag="pauses")) == [("reply", content["r1"])]


def test_snippets_are_plain_text_with_marked_hits(content):
    hit = search.search(content["actor"], "deeply").items[0]
    assert hit.snippet == "Goals emerge when listening deeply."
    assert ("deeply", True) in hit.snippet_parts and ("Goals", False) in hit.snippet_parts


def test_index_follows_writes_in_the_same_transaction(content, db):
    actor = content["actor"]
    reply = replies.add_reply(actor, content["goals"], "Try the miracle question.")
    assert found(search.search(actor, "miracle")) == [("reply", reply.id)]
    db.session.get(Reply, reply.id).body = "Try the scaling question."
    db.session.commit()
    assert found(search.search(actor, "miracle")) == []
    assert found(search.search(actor, "scaling")) == [("reply", reply.id)]
    db.session.delete(db.session.get(Reply, reply.id))
    db.session.commit()
    assert found(search.search(actor, "scaling")) == []


def test_hidden_and_deleted_content_never_appears(content, db, make_user, actor_for):
    moderator = actor_for(make_user("Mo", staff=True))
    db.session.get(Reply, content["r1"]).is_deleted = True
    db.session.get(Reply, content["r2"]).is_hidden = True
    db.session.commit()
    assert found(search.search(moderator, "count")) == []
    assert found(search.search(moderator, "deeply")) == []
    db.session.get(Thread, content["listening"]).is_hidden = True
    db.session.commit()
    assert found(search.search(moderator, "listening")) == []


ODD_QUERIES = [
    '"', '""', '"active listening', 'listening OR', 'NEAR(a b)', '-listening', 'a AND OR NOT',
    "*", "listen*", "col:listening", "title:x", "the and of", "的 коучинг ñandú", "😀",
    "'; DROP TABLE forum_thread; --", "^listening", "x" * 400, "a\x00b", "___", "(", "{}",
]


def test_odd_queries_never_fail(content, client):
    for query in ODD_QUERIES:
        search.search(content["actor"], query)
        assert client.get("/community/search", query_string={"q": query}).status_code == 200
        response = client.get("/community/api/search", query_string={"q": query})
        assert response.status_code == 200, (query, response.text)


def test_quoted_phrase_must_match_in_order(content):
    actor = content["actor"]
    assert found(search.search(actor, '"count to five"')) == [("reply", content["r1"])]
    assert found(search.search(actor, '"five to count"')) == []


def test_search_page_escapes_and_highlights(content, client, make_user, actor_for):
    replies.add_reply(content["actor"], content["goals"],
                      "Quote: `<script>alert('x')</script>` is not a coaching tool")
    page = client.get("/community/search", query_string={"q": "coaching tool", "kind": "replies"})
    assert page.status_code == 200
    assert "<script>alert" not in page.text and "&lt;script&gt;" in page.text
    assert "<mark>coaching</mark> <mark>tool</mark>" in page.text


def test_api_search_returns_marked_html_and_links(content, client):
    data = client.get("/community/api/search", query_string={"q": "deeply"}).json
    assert data["total"] == 1
    hit = data["items"][0]
    assert hit["kind"] == "reply" and hit["reply_id"] == content["r2"]
    assert hit["snippet_html"] == "Goals emerge when listening <mark>deeply</mark>."
    assert hit["url"].endswith(f"#reply-{content['r2']}")
    missing = client.get("/community/api/search", query_string={"q": "x", "tag": "nope"})
    assert missing.status_code == 404


def test_search_query_count_is_fixed(content, count_queries, actor_for):
    actor = content["actor"]
    with count_queries() as few:
        search.search(actor, "listening")
    for n in range(8):
        replies.add_reply(actor, content["goals"], f"More listening practice number {n}.")
    with count_queries() as many:
        assert len(search.search(actor, "listening").items) == 10
    assert many[0] == few[0]
