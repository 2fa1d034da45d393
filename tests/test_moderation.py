"""Moderation: pin, lock, hide threads and replies, with the append-only moderation log."""
import json

import pytest
from sqlalchemy import func, select

from forum.errors import Conflict, Forbidden, NotFound, ValidationError
from forum.models import ModerationLog, Thread
from forum.services import moderation, replies, threads


@pytest.fixture
def thread(users_and_actors):
    """A thread by Ana with two contributions by Bo."""
    _, actors = users_and_actors
    item = threads.start_thread(actors["ana"], "How do you restart a stalled client?",
                                "Momentum fades after month two.", tags="momentum")
    replies.add_reply(actors["bo"], item.id, "Ask what changed since the start.")
    replies.add_reply(actors["bo"], item.id, "Shrink the next step until it is easy.")
    return item


def log_rows(db):
    return db.session.scalars(select(ModerationLog).order_by(ModerationLog.id)).all()


def test_pin_lock_hide_restore_are_logged_with_before_and_after(users_and_actors, thread, db):
    _, actors = users_and_actors
    mo = actors["mo"]
    assert moderation.pin_thread(mo, thread.id).is_pinned
    assert moderation.lock_thread(mo, thread.id, reason="Resolved").is_locked
    hidden = moderation.hide_thread(mo, thread.id, reason="Duplicate question")
    assert hidden.is_hidden and hidden.hidden_reason == "Duplicate question"
    assert not moderation.restore_thread(mo, thread.id).is_hidden
    assert not moderation.unlock_thread(mo, thread.id).is_locked
    assert not moderation.unpin_thread(mo, thread.id).is_pinned
    rows = log_rows(db)
    assert [row.action for row in rows] == [
        "thread.pin", "thread.lock", "thread.hide", "thread.restore", "thread.unlock",
        "thread.unpin"]
    assert rows[1].reason == "Resolved" and rows[1].actor_id == actors["mo"].member_id
    assert json.loads(rows[2].before) == {"is_hidden": False}
    assert json.loads(rows[2].after) == {"is_hidden": True}
    assert {row.target_type for row in rows} == {"thread"}
    assert {row.target_id for row in rows} == {thread.id}


@pytest.mark.parametrize("call, error", [
    (lambda mo, t: moderation.unpin_thread(mo, t), Conflict),
    (lambda mo, t: moderation.pin_thread(mo, 9999), NotFound),
    (lambda mo, t: moderation.hide_thread(mo, t, reason="   "), ValidationError),
    (lambda mo, t: moderation.hide_reply(mo, 9999, reason="spam"), NotFound),
    (lambda mo, t: moderation.lock_thread(mo, t, reason="x" * 501), ValidationError),
])
def test_bad_moderation_changes_nothing_and_logs_nothing(users_and_actors, thread, db, call, error):
    _, actors = users_and_actors
    with pytest.raises(error):
        call(actors["mo"], thread.id)
    db.session.expire_all()
    fresh = db.session.get(Thread, thread.id)
    assert (fresh.is_pinned, fresh.is_locked, fresh.is_hidden) == (False, False, False)
    assert log_rows(db) == []


def test_members_cannot_moderate(users_and_actors, thread, db):
    _, actors = users_and_actors
    with pytest.raises(Forbidden):
        moderation.pin_thread(actors["ana"], thread.id)
    with pytest.raises(Forbidden):
        moderation.list_log(actors["bo"])
    assert log_rows(db) == []


def test_hidden_reply_keeps_reply_count_and_shows_badge_only_to_moderators(
        users_and_actors, thread, client_for, db):
    users, actors = users_and_actors
    first = replies.list_replies(actors["mo"], thread).items[0]
    moderation.hide_reply(actors["mo"], first.id, reason="Names a client")
    db.session.expire_all()
    assert db.session.get(Thread, thread.id).reply_count == 1
    page = client_for(users["bo"]).get(f"/community/threads/{thread.id}/x", follow_redirects=True)
    assert "Ask what changed" not in page.text and "1 contribution" in page.text
    mod_page = client_for(users["mo"]).get(f"/community/threads/{thread.id}/x",
                                           follow_redirects=True)
    assert "Ask what changed" in mod_page.text
    assert "Hidden" in mod_page.text and "Names a client" in mod_page.text
    with pytest.raises(Conflict):
        moderation.hide_reply(actors["mo"], first.id, reason="again")
    moderation.restore_reply(actors["mo"], first.id)
    db.session.expire_all()
    assert db.session.get(Thread, thread.id).reply_count == 2
    assert [row.action for row in log_rows(db)] == ["reply.hide", "reply.restore"]


def test_hidden_thread_is_404_for_members_and_badged_for_moderators(
        users_and_actors, thread, client_for):
    users, actors = users_and_actors
    moderation.hide_thread(actors["mo"], thread.id, reason="Off-topic")
    assert client_for(users["ana"]).get(f"/community/threads/{thread.id}").status_code == 404
    assert "How do you restart" not in client_for(users["bo"]).get("/community/").text
    page = client_for(users["mo"]).get(f"/community/threads/{thread.id}", follow_redirects=True)
    assert page.status_code == 200 and "Hidden" in page.text and "Off-topic" in page.text


def test_locked_thread_refuses_new_contributions(users_and_actors, thread, client_for):
    users, actors = users_and_actors
    client_for(users["mo"]).post(f"/community/threads/{thread.id}/lock")
    response = client_for(users["bo"]).post(f"/community/threads/{thread.id}/replies",
                                            data={"body": "One more idea"})
    assert response.status_code == 409 and "locked" in response.text


def test_moderator_buttons_pin_and_log_page_filters(
        users_and_actors, thread, client_for, make_user):
    users, actors = users_and_actors
    mo = client_for(users["mo"])
    page = mo.get(f"/community/threads/{thread.id}", follow_redirects=True).text
    assert f'action="/community/threads/{thread.id}/pin"' in page
    assert f'/threads/{thread.id}/pin"' not in client_for(users["bo"]).get(
        f"/community/threads/{thread.id}", follow_redirects=True).text
    assert mo.post(f"/community/threads/{thread.id}/pin").status_code == 302
    assert "Pinned" in mo.get(f"/community/threads/{thread.id}", follow_redirects=True).text
    second = make_user("Mia", staff=True)
    client_for(second).post(f"/community/threads/{thread.id}/lock")
    log = mo.get("/community/moderation/log").text
    assert "thread.pin" in log and "thread.lock" in log
    filtered = mo.get("/community/moderation/log?action=thread.lock").text
    assert "thread.lock</code>" in filtered and "thread.pin</code>" not in filtered
    by_mo = mo.get(f"/community/moderation/log?actor={actors['mo'].member_id}").text
    assert "thread.pin</code>" in by_mo and "thread.lock</code>" not in by_mo


def test_hide_without_reason_reshows_form_and_changes_nothing(
        users_and_actors, thread, client_for, db):
    users, _ = users_and_actors
    response = client_for(users["mo"]).post(f"/community/threads/{thread.id}/hide",
                                            data={"reason": ""})
    assert response.status_code == 422 and "Give a reason" in response.text
    assert log_rows(db) == []


def test_log_has_no_edit_or_delete_path(users_and_actors, thread, client_for, app):
    users, actors = users_and_actors
    moderation.pin_thread(actors["mo"], thread.id)
    mo = client_for(users["mo"])
    for method in ("put", "patch", "delete"):
        assert getattr(mo, method)("/community/moderation/log").status_code == 405
    assert not [rule for rule in app.url_map.iter_rules()
                if "log" in rule.rule and "POST" in rule.methods and "moderation" in rule.rule]


def test_the_log_reads_as_sentences_with_links_and_folded_details(
        users_and_actors, thread, client_for, db, count_queries):
    """"Mo hid Bo's contribution in <How do you ...>: off-topic", the snapshots in <details>."""
    users, actors = users_and_actors
    reply_ids = db.session.scalars(select(replies.Reply.id).order_by(replies.Reply.id)).all()
    moderation.hide_reply(actors["mo"], reply_ids[0], "off-topic")
    moderation.pin_thread(actors["mo"], thread.id)
    mo = client_for(users["mo"])
    log = mo.get("/community/moderation/log").text
    assert (f'<strong>Mo</strong> hid Bo’s <a href="/community/replies/{reply_ids[0]}">'
            f'contribution</a> in <em><a href="/community/threads/{thread.id}/{thread.slug}">'
            f'How do you restart a stalled client?</a></em>: <span class="log-reason">off-topic'
            in log)
    assert "pinned Ana’s question <em><a" in log
    assert "<summary>Before and after</summary>" in log and "<table" not in log
    db.session.remove()
    with count_queries() as few:
        mo.get("/community/moderation/log")
    moderation.hide_reply(actors["mo"], reply_ids[1], "again")
    moderation.lock_thread(actors["mo"], thread.id)
    db.session.remove()
    with count_queries() as many:
        mo.get("/community/moderation/log")
    assert many[0] == few[0]


def test_the_log_links_a_banned_member_to_their_profile(users_and_actors, client_for, db):
    """"Mo banned Bo": the name leads to Bo's profile, not "member #2"."""
    from dataclasses import replace

    from forum.services import members

    users, actors = users_and_actors
    bo = actors["bo"].require_member()
    db.session.commit()
    members.set_member_banned(replace(actors["mo"], is_admin=True), bo.id, True, "spam")
    log = client_for(users["mo"]).get("/community/moderation/log").text
    assert (f'<strong>Mo</strong> banned <a class="author-link" href="/community/members/'
            f'{bo.id}" dir="auto">Bo</a>: <span class="log-reason">spam') in log
