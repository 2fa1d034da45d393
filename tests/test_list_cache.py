"""A thread page's contributions are read once per content version and kept (web.list_cache),
and pages of cards are joined as UTF-8 bytes (web.byte_pages): yet every write shows at once,
each visibility rule gets its own list, and every character arrives as written."""
import re
from types import SimpleNamespace

import pytest
from flask import g, render_template_string
from sqlalchemy import event

from forum.services import drafts, moderation, ratings
from forum.services import replies as reply_service
from forum.services import threads as thread_service

from tests.discussion_fixtures import PREFIX

UNICODE = "Zoë’s “small step” ★ 日本語 🙂"


@pytest.fixture
def page(app, host_users, actor_for, client_for):
    """Ana's thread with two of Ben's contributions; clients for a visitor, Ana and Mo."""
    actors = {name: actor_for(user) for name, user in host_users.items()}
    thread = thread_service.start_thread(actors["ana"], "How do you restart momentum?")
    first = reply_service.add_reply(actors["ben"], thread.id, "I ask what changed.")
    second = reply_service.add_reply(actors["ben"], thread.id, f"I write it down: {UNICODE}")
    viewers = {"visitor": app.test_client(), "ana": client_for(host_users["ana"]),
               "mo": client_for(host_users["mo"])}
    return SimpleNamespace(actors=actors, thread=thread, first=first, second=second,
                           viewers=viewers, path=f"{PREFIX}/threads/{thread.id}/{thread.slug}")


def _view(page, name, db):
    """(page text, the statements of its request that read contributions' tags)."""
    seen = []

    def before(_conn, _cursor, statement, *_args):
        seen.append(statement)
    engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        response = page.viewers[name].get(page.path)
    finally:
        event.remove(engine, "before_cursor_execute", before)
    assert response.status_code == 200
    return response.text, [statement for statement in seen
                           if "forum_reply_tag.reply_id IN" in statement]


def test_a_second_view_reads_no_contributions_until_a_write(page, db):
    page.viewers["mo"].get(page.path)  # Mo's first forum page makes his member row: a write
    reads = [bool(_view(page, name, db)[1]) for name in ("visitor", "visitor", "ana", "mo", "mo")]
    assert reads == [True, False, False, True, False]  # members and visitors share one list,
    # moderators (who see hidden contributions) have their own
    reply_service.add_reply(page.actors["ben"], page.thread.id, "A third way: silence.")
    for name in ("visitor", "ana", "mo"):
        text, tags = _view(page, name, db)
        assert "A third way: silence." in text  # the write shows at once to everyone
        assert bool(tags) == (name != "ana")  # read afresh once per rule


def test_removed_and_hidden_contributions_leave_the_kept_list_at_once(page, db):
    for name in ("visitor", "ana", "mo"):
        _view(page, name, db)
    moderation.hide_reply(page.actors["mo"], page.first.id, reason="Names a client")
    texts = {name: _view(page, name, db)[0] for name in ("visitor", "ana", "mo")}
    assert "I ask what changed." not in texts["visitor"] + texts["ana"]
    assert "I ask what changed." in texts["mo"] and "Names a client" in texts["mo"]
    reply_service.delete_reply(page.actors["ben"], page.second.id)
    texts = {name: _view(page, name, db)[0] for name in ("visitor", "ana")}
    assert all("I write it down" not in text for text in texts.values())


def test_the_list_cache_can_be_turned_off(app, page, db):
    app.config.update(FORUM_LIST_CACHE_BYTES=0)
    _view(page, "ana", db)
    assert _view(page, "ana", db)[1]  # read again on every view


def test_every_character_arrives_as_written(page):
    for name in ("visitor", "ana", "mo", "ana"):  # the second "ana": from the kept list
        response = page.viewers[name].get(page.path)
        assert response.content_type == "text/html; charset=utf-8"
        assert UNICODE in response.get_data().decode("utf-8")
        assert "<!--forum-cards-" not in response.text  # every list was put in its place


def test_a_hosts_own_view_gets_the_cards_as_text(app, page):
    with app.test_request_context(page.path):
        rows = reply_service.list_replies(page.actors["ana"], page.thread).items
        html = render_template_string("<ol>{{ forum_cards(rows) }}</ol>", rows=rows)
    assert "<!--forum-cards-" not in html and UNICODE in html and "I ask what changed." in html


def test_top_contributors_follow_a_new_rating_at_once(page, db):
    def block(name):
        text = _view(page, name, db)[0]
        return text[text.index("Top contributors"):] if "Top contributors" in text else ""
    assert "Ben" not in block("visitor") and "Ben" not in block("ana")
    ratings.rate(page.actors["ana"], "reply", page.first.id, 5)
    assert "Ben" in block("visitor") and "Ben" in block("ana")


def _reply_form(text):
    """The page's reply form and the CSRF token it carries."""
    form = re.search(r'<form method="post" action="[^"]*/replies" class="reply-form".*?</form>',
                     text, re.S).group(0)
    return form, re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)


def _fresh_get(client, path):
    """GET as in production, where no request shares another's app context (the test's one
    would keep the first request's signed CSRF token in g for the next)."""
    g.pop("csrf_token", None)
    return client.get(path)


def test_the_kept_reply_form_carries_each_members_own_token_and_draft(app, page, host_users,
                                                                      client_for, db):
    app.config["WTF_CSRF_ENABLED"] = True
    ben = client_for(host_users["ben"])
    forms = {name: _reply_form(_fresh_get(client, page.path).text)
             for name, client in (("ana", page.viewers["ana"]), ("ben", ben))}
    assert forms["ana"][1] != forms["ben"][1]  # each session's own token ...
    assert forms["ana"][0].replace(forms["ana"][1], "") == forms["ben"][0].replace(
        forms["ben"][1], "")  # ... in the one kept form
    g.pop("csrf_token", None)
    posted = ben.post(f"{PREFIX}/threads/{page.thread.id}/replies",
                      data={"body": "Posted with the kept form's token.", "prompt": "",
                            "tags": "", "csrf_token": forms["ben"][1]})
    assert posted.status_code in (302, 303)
    assert "Posted with the kept form's token." in _fresh_get(ben, page.path).text
    drafts.save_draft(page.actors["ana"], page.thread.id,
                      {"body": "My half-written answer", "tags": "", "prompt": ""})
    mine, _ = _reply_form(_fresh_get(page.viewers["ana"], page.path).text)
    assert "My half-written answer" in mine  # a form with a draft is the member's own
    assert "My half-written answer" not in _reply_form(_fresh_get(ben, page.path).text)[0]


def test_a_kept_thread_is_asked_per_viewer_and_follows_each_write(page, db):
    for name in ("visitor", "ana", "mo"):
        assert page.viewers[name].get(page.path).status_code == 200  # the thread is kept now
    moderation.lock_thread(page.actors["mo"], page.thread.id)
    assert "This thread is locked" in page.viewers["ana"].get(page.path).text
    moderation.hide_thread(page.actors["mo"], page.thread.id, reason="Names a client")
    assert page.viewers["visitor"].get(page.path).status_code == 404
    assert page.viewers["ana"].get(page.path).status_code == 404
    assert page.viewers["mo"].get(page.path).status_code == 200  # moderators see hidden ones
    moderation.restore_thread(page.actors["mo"], page.thread.id)
    moderation.unlock_thread(page.actors["mo"], page.thread.id)
    thread_service.set_thread_tags(page.actors["ana"], page.thread.id, "silence")
    shown = page.viewers["visitor"].get(page.path).text
    assert 'href="/community/tags/silence"' in shown
    posted = page.viewers["ana"].post(f"{PREFIX}/threads/{page.thread.id}/replies",
                                      data={"body": "After the kept thread.", "prompt": "",
                                            "tags": ""})
    assert posted.status_code == 302
    assert "After the kept thread." in page.viewers["mo"].get(page.path).text
