"""A hidden contribution is frozen for its author until a moderator restores it (issue #15
item 6): the API's PATCH and the web edit, retag and delete refuse with the same 404 a GET
gives, and nothing changes; moderators still edit it, and the author can again once restored."""
import pytest
from sqlalchemy import func, select

from forum.models import Reply, ReplyRevision
from forum.services import moderation, replies, threads

PREFIX = "/community"
TEXT = "Our client John Smith told me he stalls before deadlines."


@pytest.fixture
def hidden(make_user, actor_for):
    """Ben's contribution, hidden by Mo because it names a client."""
    ana, ben, mo = make_user("Ana"), make_user("Ben"), make_user("Mo", staff=True)
    thread = threads.start_thread(actor_for(ana), "What opens up a resistant client?")
    reply = replies.add_reply(actor_for(ben), thread.id, TEXT, tags="deadlines",
                              confirm_confidential=True)  # posted past the guard's warning
    moderation.hide_reply(actor_for(mo), reply.id, reason="Client named")
    return {"ben": ben, "mo": mo, "moderator": actor_for(mo), "reply": reply.id}


def _stored(db, reply_id):
    """(body, number of revisions) as stored."""
    db.session.expire_all()
    body = db.session.scalar(select(Reply.body).where(Reply.id == reply_id))
    revisions = db.session.scalar(select(func.count(ReplyRevision.id))
                                  .where(ReplyRevision.reply_id == reply_id))
    return body, revisions


def test_the_author_cannot_rewrite_a_hidden_reply(hidden, client_for, db):
    author = client_for(hidden["ben"])
    url = f"{PREFIX}/api/replies/{hidden['reply']}"
    got = author.get(url)
    assert got.status_code == 404
    patched = author.patch(url, json={"body": "Nothing to see here."})
    assert (patched.status_code, patched.get_json()) == (404, got.get_json())
    retagged = author.patch(url, json={"tags": ["fine"]})
    assert (retagged.status_code, retagged.get_json()) == (404, got.get_json())
    assert author.delete(url).status_code == 404
    page = f"{PREFIX}/replies/{hidden['reply']}"
    assert author.get(f"{page}/edit").status_code == 404
    assert author.post(f"{page}/edit", data={"body": "Nothing to see here."}).status_code == 404
    assert author.post(f"{page}/tags", data={"tags": "fine"}).status_code == 404
    assert author.post(f"{page}/delete").status_code == 404
    assert _stored(db, hidden["reply"]) == (TEXT, 0)
    reply = db.session.get(Reply, hidden["reply"])
    assert reply.is_hidden and not reply.is_deleted


def test_moderators_edit_it_and_a_restore_unfreezes_it(hidden, client_for, db):
    url = f"{PREFIX}/api/replies/{hidden['reply']}"
    edited = client_for(hidden["mo"]).patch(
        url, json={"body": "Our client told me he stalls before deadlines.",
                   "reason": "Name removed"})
    assert edited.status_code == 200
    moderation.restore_reply(hidden["moderator"], hidden["reply"], reason="Name removed")
    author = client_for(hidden["ben"])
    assert author.patch(url, json={"body": "He stalls before deadlines."}).status_code == 200
    assert _stored(db, hidden["reply"]) == ("He stalls before deadlines.", 2)
