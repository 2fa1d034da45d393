"""Flags: members report threads and contributions; moderators work the queue oldest first."""
import pytest
from sqlalchemy import select

from forum.errors import Conflict, Forbidden, NotFound, ValidationError
from forum.models import Flag, ModerationLog, Reply, Thread
from forum.services import flags, replies, threads


@pytest.fixture
def thread(users_and_actors):
    """A thread by Ana with one contribution by Bo."""
    _, actors = users_and_actors
    item = threads.start_thread(actors["ana"], "What do you do when a session runs over?")
    replies.add_reply(actors["bo"], item.id, "Name the time, then agree the next step.")
    return item


def reply_of(db, thread):
    return db.session.scalar(select(Reply).where(Reply.thread_id == thread.id))


def test_one_open_flag_per_member_and_item(users_and_actors, thread, db):
    _, actors = users_and_actors
    reply = reply_of(db, thread)
    flags.flag_reply(actors["ana"], reply.id, "client-info")
    with pytest.raises(Conflict) as caught:
        flags.flag_reply(actors["ana"], reply.id, "spam")
    assert "already flagged" in caught.value.message
    flags.flag_reply(actors["mo"], reply.id, "spam")
    flags.flag_thread(actors["bo"], thread.id, "off-topic")  # not her own thread: Ana wrote it
    assert len(db.session.scalars(select(Flag)).all()) == 3


@pytest.mark.parametrize("reason, text, field", [
    ("rude", "", "reason"), ("", "", "reason"), ("other", "   ", "text"),
    ("other", "x" * 1001, "text"),
])
def test_bad_flags_are_refused(users_and_actors, thread, db, reason, text, field):
    _, actors = users_and_actors
    with pytest.raises(ValidationError) as caught:
        flags.flag_thread(actors["bo"], thread.id, reason, text)
    assert caught.value.field == field
    assert db.session.scalars(select(Flag)).all() == []


def test_flagging_missing_or_anonymous(users_and_actors, thread):
    from forum.errors import Unauthorized
    from forum.services.actors import ANONYMOUS

    _, actors = users_and_actors
    with pytest.raises(NotFound):
        flags.flag_reply(actors["bo"], 9999, "spam")
    with pytest.raises(Unauthorized):
        flags.flag_thread(ANONYMOUS, thread.id, "spam")


def test_queue_oldest_first_and_one_click_actions(users_and_actors, thread, db, client_for):
    users, actors = users_and_actors
    reply = reply_of(db, thread)
    flags.flag_reply(actors["ana"], reply.id, "client-info")
    flags.flag_thread(actors["bo"], thread.id, "other", "Asks for a competitor's rates")
    second_on_reply = flags.flag_reply(actors["mo"], reply.id, "inappropriate")
    mo = client_for(users["mo"])
    page = mo.get("/community/moderation/flags").text
    assert page.index("Identifiable client information") < page.index("competitor") \
        < page.index("Inappropriate")
    ana, bo = (actors[name].require_member().id for name in ("ana", "bo"))
    assert (f'flagged by <a class="author-link" href="/community/members/{ana}" dir="auto">Ana'
            in page)  # every name leads to a profile, the flagger's and the author's
    assert f'Contribution by <a class="author-link" href="/community/members/{bo}"' in page
    first = db.session.scalars(select(Flag).order_by(Flag.id)).first()
    assert mo.post(f"/community/moderation/flags/{first.id}/resolve",
                   data={"action": "hide"}).status_code == 302
    db.session.expire_all()
    assert reply_of(db, thread).is_hidden
    assert db.session.get(Flag, second_on_reply.id).status == "actioned"
    assert db.session.get(Thread, thread.id).reply_count == 0
    thread_flag = db.session.scalar(select(Flag).where(Flag.thread_id == thread.id))
    mo.post(f"/community/moderation/flags/{thread_flag.id}/resolve", data={"action": "lock"})
    db.session.expire_all()
    assert db.session.get(Thread, thread.id).is_locked
    assert "No open flags" in mo.get("/community/moderation/flags").text
    actions = [row.action for row in db.session.scalars(
        select(ModerationLog).order_by(ModerationLog.id))]
    assert actions == ["reply.hide", "flag.hide", "thread.lock", "flag.lock"]
    again = mo.post(f"/community/moderation/flags/{first.id}/resolve", data={"action": "dismiss"})
    assert again.status_code == 409 and "already handled" in again.text


def test_dismiss_only_closes_that_flag(users_and_actors, thread, db):
    _, actors = users_and_actors
    reply = reply_of(db, thread)
    one = flags.flag_reply(actors["ana"], reply.id, "spam")
    two = flags.flag_reply(actors["mo"], reply.id, "spam")
    assert flags.resolve_flag(actors["mo"], one.id, "dismiss").status == "dismissed"
    db.session.expire_all()
    assert db.session.get(Flag, two.id).status == "open"
    assert not reply_of(db, thread).is_hidden
    flags.flag_reply(actors["ana"], reply.id, "off-topic")  # a new flag after dismissal is fine
    with pytest.raises(Forbidden):
        flags.resolve_flag(actors["ana"], two.id, "dismiss")
    with pytest.raises(ValidationError):
        flags.resolve_flag(actors["mo"], two.id, "delete")


def test_flag_form_errors_keep_text(users_and_actors, thread, client_for, db):
    users, _ = users_and_actors
    bo = client_for(users["bo"])
    page = bo.get(f"/community/threads/{thread.id}", follow_redirects=True).text
    assert f'action="/community/threads/{thread.id}/flag"' in page
    response = bo.post(f"/community/threads/{thread.id}/flag",
                       data={"reason": "other", "text": ""})
    assert response.status_code == 422 and "when you choose" in response.text
    assert 'value="other" checked' in response.text
    ok = bo.post(f"/community/threads/{thread.id}/flag", data={"reason": "spam"})
    assert ok.status_code == 302
    dup = bo.post(f"/community/threads/{thread.id}/flag", data={"reason": "spam"})
    assert dup.status_code == 409 and "already flagged" in dup.text



def test_no_one_flags_their_own_item(users_and_actors, thread, db, client_for):
    """Ana's own thread offers her no Flag and the service refuses it; Bo's contribution does."""
    users, actors = users_and_actors
    with pytest.raises(Forbidden):
        flags.flag_thread(actors["ana"], thread.id, "spam")
    with pytest.raises(Forbidden):
        flags.flag_reply(actors["bo"], reply_of(db, thread).id, "spam")
    page = client_for(users["ana"]).get(f"/community/threads/{thread.id}/{thread.slug}").text
    assert page.count("<summary>Flag</summary>") == 1  # Bo's contribution, not her thread
    assert db.session.scalar(select(Flag.id)) is None


def test_moderators_see_the_open_flag_count_in_the_header(users_and_actors, thread, db,
                                                           client_for):
    users, actors = users_and_actors
    flags.flag_thread(actors["bo"], thread.id, "spam")
    flags.flag_reply(actors["ana"], reply_of(db, thread).id, "off-topic")
    header = client_for(users["mo"]).get("/community/").text
    assert '>Flags <span class="badge">2<span class="visually-hidden"> open</span>' in header
    assert "visually-hidden\"> open" not in client_for(users["ana"]).get("/community/").text
