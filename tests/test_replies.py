"""Contributions: posting, editing with revisions, soft delete and restore, counters, access."""
import pytest
from sqlalchemy import func, select

from forum.models import ModerationLog, Reply, ReplyRevision, Thread
from forum.services import replies as reply_service
from forum.services import threads as thread_service

from tests.discussion_fixtures import PREFIX


@pytest.fixture
def thread(host_users, actor_for):
    """A thread with two prompts, started by Ana."""
    return thread_service.start_thread(
        actor_for(host_users["ana"]), "How do you restart a stalled client?",
        "Momentum fades after the first month.",
        "Listen first: Ask what changed.\nSmall steps: Agree on one action.",
        "What has worked for you? Share your experiences.")


def _thread_row(db, thread_id):
    """Fresh counters of a thread."""
    db.session.expire_all()
    return db.session.get(Thread, thread_id)


def test_posting_a_reply_shows_it_and_bumps_counters(host_users, thread, client_for, db):
    """A member's Markdown reply appears on the thread page; reply_count and activity move."""
    before = _thread_row(db, thread.id).last_activity_at
    client = client_for(host_users["ben"])
    response = client.post(f"{PREFIX}/threads/{thread.id}/replies",
                           data={"body": "**Listen** before advising.", "prompt": "0",
                                 "tags": "listening"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    assert "<strong>Listen</strong> before advising." in page
    assert "answers prompt 1: Listen first" in page
    row = _thread_row(db, thread.id)
    assert row.reply_count == 1 and row.last_activity_at >= before
    newest = db.session.scalars(select(Reply).where(Reply.thread_id == thread.id)).one()
    assert row.last_activity_at == newest.created_at  # stored in the column's own format


@pytest.mark.parametrize("body, message", [
    ("", "empty"), ("   \n\t  ", "empty"), ("x" * 20_001, "at most 20,000"),
])
def test_bad_reply_shows_error_beside_field_keeps_text_and_writes_nothing(
        host_users, thread, client_for, db, body, message):
    """Empty, whitespace-only and over-long bodies are refused with the text kept."""
    client = client_for(host_users["ben"])
    response = client.post(f"{PREFIX}/threads/{thread.id}/replies",
                           data={"body": body, "tags": "kept-tag"})
    assert response.status_code == 422
    assert message in response.text
    assert 'id="body-error"' in response.text
    assert 'value="kept-tag"' in response.text
    if body.strip():
        assert body[:200] in response.text
    assert db.session.scalar(select(func.count()).select_from(Reply)) == 0


def test_reply_to_missing_thread_is_404_and_keeps_text(host_users, client_for, db):
    """A thread that does not exist gets a 404 that still shows what was typed."""
    response = client_for(host_users["ben"]).post(f"{PREFIX}/threads/999/replies",
                                              data={"body": "My careful answer"})
    assert response.status_code == 404
    assert "My careful answer" in response.text
    assert db.session.scalar(select(func.count()).select_from(Reply)) == 0


def test_unknown_prompt_is_refused_beside_the_prompt_field(host_users, thread, client_for):
    """Answering a prompt the thread does not have is an error on the prompt field."""
    response = client_for(host_users["ben"]).post(
        f"{PREFIX}/threads/{thread.id}/replies", data={"body": "Hello there", "prompt": "7"})
    assert response.status_code == 422
    assert 'id="prompt-error"' in response.text


def test_locked_thread_refuses_replies_and_says_why(host_users, thread, client_for, db):
    """A locked thread shows why instead of the form and refuses posts (text kept)."""
    db.session.get(Thread, thread.id).is_locked = True
    db.session.commit()
    client = client_for(host_users["ben"])
    assert "locked" in client.get(f"{PREFIX}/threads/{thread.id}/x", follow_redirects=True).text
    response = client.post(f"{PREFIX}/threads/{thread.id}/replies", data={"body": "Too late?"})
    assert response.status_code == 409
    assert "locked" in response.text and "Too late?" in response.text
    assert db.session.scalar(select(func.count()).select_from(Reply)) == 0


def test_anonymous_cannot_post(thread, client):
    """Anonymous posts are refused (401 on a host without built-in accounts)."""
    response = client.post(f"{PREFIX}/threads/{thread.id}/replies", data={"body": "hi"})
    assert response.status_code == 401


def test_edit_keeps_a_revision_rerenders_and_shows_edited(host_users, thread, client_for, actor_for,
                                                          db):
    """Editing stores who/when/previous text, re-renders HTML, and the card says "edited"."""
    reply = reply_service.add_reply(actor_for(host_users["ben"]), thread.id, "First *draft*")
    client = client_for(host_users["ben"])
    form = client.get(f"{PREFIX}/replies/{reply.id}/edit")
    assert form.status_code == 200 and "First *draft*" in form.text
    response = client.post(f"{PREFIX}/replies/{reply.id}/edit",
                           data={"body": "Second **version**", "prompt": "1", "tags": ""})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    assert "Second <strong>version</strong>" in page and "First" not in page
    assert 'class="edited"' in page
    revision = db.session.scalars(select(ReplyRevision)).one()
    assert revision.body == "First *draft*" and revision.reply_id == reply.id
    assert revision.editor_id == db.session.get(Reply, reply.id).author_id
    assert revision.created_at is not None


def test_only_moderators_see_the_history(host_users, thread, client_for, actor_for):
    """The history page lists the previous text for moderators; others get 403."""
    reply = reply_service.add_reply(actor_for(host_users["ben"]), thread.id, "Old wording here")
    reply_service.edit_reply(actor_for(host_users["ben"]), reply.id, "New wording here")
    history = client_for(host_users["ben"]).get(f"{PREFIX}/replies/{reply.id}/history")
    assert history.status_code == 403
    page = client_for(host_users["mo"]).get(f"{PREFIX}/replies/{reply.id}/history")
    assert page.status_code == 200
    assert "Old wording here" in page.text and "New wording here" in page.text


@pytest.mark.parametrize("who, action, status", [
    ("ana", "edit", 403), ("ana", "delete", 403), ("ana", "tags", 403),
    ("ben", "edit", 302), ("ben", "delete", 302), ("ben", "tags", 302),
    ("mo", "edit", 302), ("mo", "delete", 302), ("mo", "tags", 302),
    ("ana", "restore", 403), ("ben", "restore", 403), ("ana", "history", 403),
])
def test_access_matrix_for_changing_a_reply(host_users, thread, client_for, actor_for, db,
                                            who, action, status):
    """Only the author (and moderators) edit/delete/retag; restore and history: moderators."""
    reply = reply_service.add_reply(actor_for(host_users["ben"]), thread.id, "Ben's own words")
    client = client_for(host_users[who])
    data = {"edit": {"body": "Changed words"}, "tags": {"tags": "retagged"}}.get(action, {})
    if action == "history":
        response = client.get(f"{PREFIX}/replies/{reply.id}/history")
    else:
        response = client.post(f"{PREFIX}/replies/{reply.id}/{action}", data=data)
    assert response.status_code == status
    db.session.expire_all()
    row = db.session.get(Reply, reply.id)
    if status == 403:
        assert row.body == "Ben's own words" and not row.is_deleted


def test_anonymous_cannot_change_replies(host_users, thread, client, actor_for, db):
    """Anonymous edit/delete attempts change nothing."""
    reply = reply_service.add_reply(actor_for(host_users["ben"]), thread.id, "Stays as is")
    assert client.post(f"{PREFIX}/replies/{reply.id}/edit", data={"body": "x"}).status_code == 401
    assert client.post(f"{PREFIX}/replies/{reply.id}/delete").status_code == 401
    db.session.expire_all()
    assert db.session.get(Reply, reply.id).body == "Stays as is"


def test_soft_delete_removes_text_everywhere_and_restore_brings_it_back(
        host_users, thread, client_for, actor_for, db, client):
    """A deleted reply's text is gone for everyone; a moderator restores it; counters follow."""
    ben = actor_for(host_users["ben"])
    kept = reply_service.add_reply(ben, thread.id, "An answer that stays")
    gone = reply_service.add_reply(ben, thread.id, "A secret #oversharing answer",
                                   tags="confidential")
    assert _thread_row(db, thread.id).reply_count == 2
    last_before = _thread_row(db, thread.id).last_activity_at

    response = client_for(host_users["ben"]).post(f"{PREFIX}/replies/{gone.id}/delete")
    assert response.status_code == 302
    row = _thread_row(db, thread.id)
    assert row.reply_count == 1 and row.last_activity_at <= last_before
    url = f"{PREFIX}/threads/{thread.id}/{thread.slug}"
    for viewer in (client, client_for(host_users["ana"]), client_for(host_users["mo"])):
        page = viewer.get(url).text
        assert "A secret" not in page and "An answer that stays" in page
    assert "A secret" not in client.get(f"{PREFIX}/tags/confidential").text
    assert "was deleted" in client_for(host_users["mo"]).get(url).text

    restored = client_for(host_users["mo"]).post(f"{PREFIX}/replies/{gone.id}/restore")
    assert restored.status_code == 302
    assert "A secret" in client.get(url).text
    assert _thread_row(db, thread.id).reply_count == 2
    actions = db.session.scalars(select(ModerationLog.action)).all()
    assert actions == ["reply.restore"]
    assert kept.id != gone.id


def test_moderator_delete_and_edit_of_others_are_logged(host_users, thread, actor_for, db):
    """Moderator actions on someone else's reply write the moderation log."""
    reply = reply_service.add_reply(actor_for(host_users["ben"]), thread.id,
                                    "Client name: Jane Doe")
    mo = actor_for(host_users["mo"])
    reply_service.edit_reply(mo, reply.id, "Client name removed", reason="client info")
    reply_service.delete_reply(mo, reply.id, reason="still too specific")
    entries = db.session.scalars(select(ModerationLog).order_by(ModerationLog.id)).all()
    assert [(e.action, e.target_id, e.reason) for e in entries] == [
        ("reply.edit", reply.id, "client info"), ("reply.delete", reply.id, "still too specific")]


def test_counters_through_add_edit_delete_restore_and_hide(host_users, thread, actor_for, db):
    """reply_count counts replies members can see; last activity follows the latest of them."""
    ben, mo = actor_for(host_users["ben"]), actor_for(host_users["mo"])
    first = reply_service.add_reply(ben, thread.id, "one")
    second = reply_service.add_reply(ben, thread.id, "two")
    assert _thread_row(db, thread.id).last_activity_at == db.session.get(Reply, second.id).created_at
    reply_service.edit_reply(ben, first.id, "one, edited")
    edited = db.session.get(Reply, first.id).edited_at
    assert _thread_row(db, thread.id).last_activity_at == edited
    reply_service.delete_reply(ben, first.id)
    row = _thread_row(db, thread.id)
    assert row.reply_count == 1
    assert row.last_activity_at == db.session.get(Reply, second.id).created_at
    reply_service.delete_reply(ben, second.id)
    row = _thread_row(db, thread.id)
    assert row.reply_count == 0 and row.last_activity_at == row.created_at
    reply_service.restore_reply(mo, second.id)
    assert _thread_row(db, thread.id).reply_count == 1
    # moderation hides through adjust_thread_counters, as its docstring says
    db.session.get(Reply, second.id).is_hidden = True
    reply_service.adjust_thread_counters(thread.id, -1)
    db.session.commit()
    assert _thread_row(db, thread.id).reply_count == 0
    reply_service.recount_thread(thread.id)
    db.session.commit()
    assert _thread_row(db, thread.id).reply_count == 0


def test_deleted_reply_cannot_be_edited_by_its_author(host_users, thread, actor_for, client_for):
    """After deleting, the author's edit page is gone (404)."""
    reply = reply_service.add_reply(actor_for(host_users["ben"]), thread.id, "soon gone")
    reply_service.delete_reply(actor_for(host_users["ben"]), reply.id)
    assert client_for(host_users["ben"]).get(f"{PREFIX}/replies/{reply.id}/edit").status_code == 404


def test_odd_characters_are_stored_safely_and_shown_harmlessly(host_users, thread, client_for, db):
    """NUL bytes, RTL overrides and zero-width characters do not break either database."""
    body = "Start\x00 \u202eevil\u202c text\u200b with zero\u200dwidth and 👩\u200d💻"
    client = client_for(host_users["ben"])
    response = client.post(f"{PREFIX}/threads/{thread.id}/replies", data={"body": body})
    assert response.status_code == 302
    stored = db.session.scalars(select(Reply.body)).one()
    assert "\x00" not in stored and "\u202e" not in stored and "👩\u200d💻" in stored
    page = client.get(response.headers["Location"]).text
    assert "\u202e" not in page and "\x00" not in page and "evil" in page


def test_every_change_needs_a_csrf_token(host_users, thread, client_for, actor_for, app, db):
    """With CSRF on, posts without a token change nothing (400)."""
    reply = reply_service.add_reply(actor_for(host_users["ben"]), thread.id, "Protected words")
    app.config["WTF_CSRF_ENABLED"] = True
    client = client_for(host_users["ben"])
    for url, data in ((f"{PREFIX}/replies/{reply.id}/edit", {"body": "forged"}),
                      (f"{PREFIX}/replies/{reply.id}/delete", {}),
                      (f"{PREFIX}/replies/{reply.id}/tags", {"tags": "forged"}),
                      (f"{PREFIX}/threads/{thread.id}/replies", {"body": "forged"})):
        assert client.post(url, data=data).status_code == 400, url
    db.session.expire_all()
    row = db.session.get(Reply, reply.id)
    assert row.body == "Protected words" and not row.is_deleted
    assert db.session.scalar(select(func.count()).select_from(Reply)) == 1
