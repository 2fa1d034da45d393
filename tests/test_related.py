"""More relevant reading: curated entries, ordering, suggestions, refusals, and the page."""
import pytest
from sqlalchemy import select

from forum.errors import Forbidden, NotFound, ValidationError
from forum.models import ModerationLog, RelatedLink
from forum.services import related, replies, threads


@pytest.fixture
def thread(users_and_actors):
    """A thread about resistant clients, tagged motivation."""
    _, actors = users_and_actors
    return threads.start_thread(actors["ana"], "How do you coach a resistant client?",
                                "They agree in sessions and do nothing after.",
                                tags="motivation, trust")


def entries(db, thread_id):
    return [(link.position, link.title) for link in db.session.scalars(
        select(RelatedLink).where(RelatedLink.thread_id == thread_id)
        .order_by(RelatedLink.position))]


def log_actions(db):
    return [row.action for row in db.session.scalars(select(ModerationLog).order_by(
        ModerationLog.id))]


def test_add_edit_move_delete_keep_positions_contiguous_and_log(users_and_actors, thread, db):
    _, actors = users_and_actors
    mo = actors["mo"]
    other = threads.start_thread(actors["ana"], "How do you pick a coaching niche?")
    a = related.add_link(mo, thread.id, "Life Coaching", "Choosing a niche?",
                         target_thread_id=other.id)
    b = related.add_link(mo, thread.id, "Business Coaching", "Pricing packages?",
                         url="https://example.org/pricing")
    c = related.add_link(mo, thread.id, "Personal Coaching", "Narrative reframing?",
                         url="http://example.org/narrative")
    assert entries(db, thread.id) == [(0, "Choosing a niche?"), (1, "Pricing packages?"),
                                      (2, "Narrative reframing?")]
    related.move_link(mo, c.id, 0)
    assert [t for _, t in entries(db, thread.id)] == [
        "Narrative reframing?", "Choosing a niche?", "Pricing packages?"]
    related.move_link_by(mo, c.id, 1)
    assert [t for _, t in entries(db, thread.id)] == [
        "Choosing a niche?", "Narrative reframing?", "Pricing packages?"]
    edited = related.update_link(mo, b.id, "Business Coaching", "How to price packages?",
                                 url="https://example.org/pricing-2")
    assert edited.title == "How to price packages?"
    related.delete_link(mo, a.id)
    assert entries(db, thread.id) == [(0, "Narrative reframing?"), (1, "How to price packages?")]
    assert log_actions(db) == ["related.add"] * 3 + ["related.move"] * 2 + [
        "related.edit", "related.delete"]


def test_add_at_position_zero_goes_to_top(users_and_actors, thread, db):
    _, actors = users_and_actors
    related.add_link(actors["mo"], thread.id, "Life Coaching", "First?", url="https://a.example")
    related.add_link(actors["mo"], thread.id, "Life Coaching", "Top?", url="https://b.example",
                     position=0)
    assert entries(db, thread.id) == [(0, "Top?"), (1, "First?")]


@pytest.mark.parametrize("kwargs, field, message", [
    ({"url": "javascript:alert(1)"}, "url", "Only http:// and https://"),
    ({"url": "ftp://example.org/file"}, "url", "Only http:// and https://"),
    ({"title": "Q" * 201}, "title", "at most 200 characters"),
    ({"category": "  "}, "category", "Give the entry a category"),
    ({"target_thread_id": 9999, "url": None}, "target_thread_id", "no thread number 9999"),
    ({"target_thread_id": "abc", "url": None}, "target_thread_id", "by its number"),
])
def test_refused_entries_change_nothing_and_log_nothing(users_and_actors, thread, db, kwargs, field,
                                                        message):
    _, actors = users_and_actors
    values = dict({"category": "Life Coaching", "title": "A fine question?",
                   "url": "https://example.org/"}, **kwargs)
    with pytest.raises(ValidationError) as caught:
        related.add_link(actors["mo"], thread.id, **values)
    assert caught.value.field == field and message in caught.value.message
    assert entries(db, thread.id) == [] and log_actions(db) == []


def test_moving_past_the_ends_is_refused(users_and_actors, thread, db):
    _, actors = users_and_actors
    first = related.add_link(actors["mo"], thread.id, "A Cat", "One?", url="https://a.example")
    last = related.add_link(actors["mo"], thread.id, "A Cat", "Two?", url="https://b.example")
    for call in (lambda: related.move_link_by(actors["mo"], first.id, -1),
                 lambda: related.move_link_by(actors["mo"], last.id, 1),
                 lambda: related.move_link(actors["mo"], first.id, 2),
                 lambda: related.move_link(actors["mo"], first.id, -1)):
        with pytest.raises(ValidationError):
            call()
    assert entries(db, thread.id) == [(0, "One?"), (1, "Two?")]
    assert log_actions(db) == ["related.add", "related.add"]


def test_members_cannot_curate(users_and_actors, thread):
    _, actors = users_and_actors
    with pytest.raises(Forbidden):
        related.add_link(actors["ana"], thread.id, "Cat", "Title?", url="https://a.example")
    with pytest.raises(NotFound):
        related.add_link(actors["mo"], 9999, "Cat", "Title?", url="https://a.example")


def test_suggestions_rank_shared_tags_then_title_and_skip_listed(users_and_actors, thread, db):
    _, actors = users_and_actors
    ana, mo = actors["ana"], actors["mo"]
    by_reply_tag = threads.start_thread(ana, "What do you do when a client goes quiet?")
    replies.add_reply(ana, by_reply_tag.id, "Check in gently. #motivation")
    two_tags = threads.start_thread(ana, "Rebuilding trust after a missed session?",
                                    tags="trust, motivation")
    similar_title = threads.start_thread(ana, "How do you coach a resistant team?")
    threads.start_thread(ana, "Best note-taking apps for invoices?")
    found = related.suggestions(mo, thread)
    assert [s["thread_id"] for s in found] == [two_tags.id, by_reply_tag.id, similar_title.id]
    assert found[0]["category"] == "Motivation" and found[0]["title"] == two_tags.title
    related.add_link(mo, thread.id, "Life Coaching", two_tags.title, target_thread_id=two_tags.id)
    assert two_tags.id not in [s["thread_id"] for s in related.suggestions(mo, thread)]
    assert len(related.suggestions(mo, thread, limit=1)) == 1


def test_thread_page_shows_entries_read_only_to_members(users_and_actors, thread, client_for, db):
    users, actors = users_and_actors
    other = threads.start_thread(actors["ana"], "How do you pick a coaching niche?")
    related.add_link(actors["mo"], thread.id, "Life Coaching", "Choosing a niche?",
                     target_thread_id=other.id)
    related.add_link(actors["mo"], thread.id, "Business Coaching", "Pricing <b>packages</b>?",
                     url="https://example.org/pricing")
    db.session.add(RelatedLink(thread_id=thread.id, position=2, category="Personal Coaching",
                               title="Narrative reframing?"))  # title only, as imports add
    db.session.commit()
    page = client_for(users["ana"]).get(f"/community/threads/{thread.id}",
                                        follow_redirects=True).text
    assert "More relevant reading" in page
    assert f'href="/community/threads/{other.id}/' in page and "Choosing a niche?" in page
    assert 'href="https://example.org/pricing"' in page and "Pricing &lt;b&gt;" in page
    assert '<span class="related-title unlinked" dir="auto">Narrative reframing?</span>' in page
    assert "Add a reading entry" not in page and "/related/" not in page


def test_moderator_form_errors_keep_input(users_and_actors, thread, client_for, db):
    users, _ = users_and_actors
    mo = client_for(users["mo"])
    response = mo.post(f"/community/threads/{thread.id}/related", data={
        "category": "Life Coaching", "title": "Kept title?", "url": "javascript:alert(1)"})
    assert response.status_code == 422
    assert "Only http:// and https://" in response.text
    assert 'value="Kept title?"' in response.text and 'value="javascript:alert(1)"' in response.text
    assert entries(db, thread.id) == []
    ok = mo.post(f"/community/threads/{thread.id}/related", data={
        "category": "Life Coaching", "title": "Saved?", "url": "https://example.org/"})
    assert ok.status_code == 302
    link_id = db.session.scalar(select(RelatedLink.id))
    past_end = mo.post(f"/community/related/{link_id}/move", data={"direction": "down"})
    assert past_end.status_code == 422 and "already at the bottom" in past_end.text
    page = mo.get(f"/community/threads/{thread.id}", follow_redirects=True).text
    assert '<option value="Life Coaching">' in page and 'list="related-categories"' in page


def test_reading_list_queries_do_not_grow_with_entries(users_and_actors, thread, client_for, db,
                                                       count_queries):
    users, actors = users_and_actors
    mo = client_for(users["mo"])
    url = f"/community/threads/{thread.id}/how-do-you-coach-a-resistant-client"
    targets = [threads.start_thread(actors["ana"], f"Another practice question {n}?",
                                    tags="motivation") for n in range(9)]
    related.add_link(actors["mo"], thread.id, "Cat", "One?", url="https://a.example")
    db.session.expire_all()
    mo.get(url)  # a member's first page in an app also stores their display name: not counted
    related.add_link(actors["mo"], thread.id, "Cat", "T?", target_thread_id=targets[0].id)
    db.session.expire_all()
    with count_queries() as few:  # both counted views are the first after a write (list_cache)
        assert mo.get(url).status_code == 200
    for target in targets[1:7]:
        related.add_link(actors["mo"], thread.id, "Cat", f"T{target.id}?",
                         target_thread_id=target.id)
    db.session.expire_all()
    with count_queries() as many:
        page = mo.get(url)
    assert page.text.count('class="related-entry') == 8
    assert many[0] == few[0]


def test_find_threads_by_title_and_take_the_first_tag_as_category(users_and_actors, thread, db,
                                                                   client_for, actor_for):
    users, actors = users_and_actors
    target = threads.start_thread(actors["ana"], "Pricing 100% of a coaching package?",
                                  tags="pricing, business")
    threads.start_thread(actors["ana"], "Another question entirely here")
    found = related.find_threads(actors["mo"], thread, "  PRICING 100% ")
    assert found == [{"thread_id": target.id, "title": target.title, "category": "Business"}]
    assert related.find_threads(actors["mo"], thread, "%") == []  # wildcards are plain text
    with pytest.raises(Forbidden):
        related.find_threads(actors["ana"], thread, "pricing")
    mo = client_for(users["mo"])
    page = mo.get(f"/community/threads/{thread.id}/{thread.slug}?related_q=pricing").text
    assert 'name="target_thread_id" value="%d"' % target.id in page
    api = mo.get(f"/community/api/threads/{thread.id}/related/candidates?q=pricing").json
    assert api["items"][0]["category"] == "Business"
    assert client_for(users["ana"]).get(
        f"/community/api/threads/{thread.id}/related/candidates?q=pricing").status_code == 403
    link = related.add_link(actor_for(users["mo"]), thread.id, "", target.title,
                            target_thread_id=target.id)  # a fresh actor, as each request has
    assert link.category == "Business"


def test_external_links_are_marked_for_eyes_and_screen_readers(users_and_actors, thread,
                                                               client_for):
    users, actors = users_and_actors
    related.add_link(actors["mo"], thread.id, "Reading", "A guide", url="https://example.org/g")
    page = client_for(users["ana"]).get(f"/community/threads/{thread.id}/{thread.slug}").text
    assert ('A guide<span class="external-mark" aria-hidden="true"> ↗</span>'
            '<span class="visually-hidden"> (external site: example.org)</span></a>') in page
