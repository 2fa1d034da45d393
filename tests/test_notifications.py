"""Following and in-app notifications: watch levels, tag follows, fan-out, display-time visibility."""
import pytest
from sqlalchemy import func, select

from forum.models import Notification, ThreadWatch
from forum.services import following, moderation, notifications, replies, threads


@pytest.fixture
def people(make_user, actor_for):
    """Ana asks, Ben and Cy contribute, Mo moderates."""
    users = {name: make_user(name, staff=name == "Mo") for name in ("Ana", "Ben", "Cy", "Mo")}
    return users, {name: actor_for(user) for name, user in users.items()}


def _ask(actor, tags="listening"):
    return threads.start_thread(actor, "How do you handle a client who cancels late?",
                                prompts="Boundaries: What do you agree up front?", tags=tags)


def _kinds(actor):
    """The kinds of the actor's notices that they may see now, sorted."""
    items = notifications.list_notifications(actor).items
    return sorted(notice.kind for notice in items)


def test_asking_and_contributing_watch_and_notify_once_per_member(people, db):
    users, a = people
    thread = _ask(a["Ana"])
    replies.add_reply(a["Ben"], thread.id, "Agree a cancellation rule in the first session.")
    assert _kinds(a["Ana"]) == ["question_reply"]
    assert following.watch_level(a["Ben"], thread.id) == "watching"
    replies.add_reply(a["Cy"], thread.id, "Charge the session, kindly.")
    assert _kinds(a["Ana"]) == ["question_reply", "question_reply"]
    assert _kinds(a["Ben"]) == ["watched_thread"]
    assert _kinds(a["Cy"]) == []  # never about one's own contribution
    assert notifications.unread_count(a["Ana"]) == 2


def test_pages_watch_follow_count_and_mark_read(people, client_for, db):
    users, a = people
    thread = _ask(a["Ana"])
    ben = client_for(users["Ben"])
    page = ben.get(f"/community/threads/{thread.id}/{thread.slug}").text
    assert 'name="level"' in page and '<option value="normal" selected>' in page
    assert ben.post(f"/community/threads/{thread.id}/watch",
                    data={"level": "watching"}).status_code == 302
    assert ben.post("/community/tags/listening/follow", data={"follow": "1"}).status_code == 302
    following_page = ben.get("/community/following").text
    assert thread.title in following_page and "#listening" in following_page
    assert "Unfollow #listening" in ben.get("/community/tags/listening").text

    replies.add_reply(a["Cy"], thread.id, "Put the policy in writing before session one.")
    ana = client_for(users["Ana"])
    header = ana.get("/community/").text
    assert 'Notifications <span class="badge">1<span class="visually-hidden"> unread' in header
    listing = ben.get("/community/notifications").text
    assert "Cy contributed to a thread you watch" in listing
    assert "Put the policy in writing" in listing and 'class="notification unread"' in listing
    again = ben.get("/community/notifications").text  # the visit marked it read
    assert 'class="notification unread"' not in again and "Cy contributed" in again

    ana.get(f"/community/threads/{thread.id}/{thread.slug}")  # visiting the thread marks read
    assert notifications.unread_count(a["Ana"]) == 0
    assert 'Notifications <span class="badge">' not in ana.get("/community/").text


def test_mark_all_read_and_a_bad_level_change_nothing(people, client_for, db):
    users, a = people
    thread = _ask(a["Ana"])
    for text in ("One way is to ask.", "Another is to wait."):
        replies.add_reply(a["Ben"], thread.id, text)
    ana = client_for(users["Ana"])
    response = ana.post(f"/community/threads/{thread.id}/watch", data={"level": "loud"})
    assert response.status_code == 422 and "Choose one of watching, normal, muted" in response.text
    assert following.watch_level(a["Ana"], thread.id) == "watching"
    assert notifications.unread_count(a["Ana"]) == 2
    assert ana.post("/community/notifications/read").status_code == 302
    assert notifications.unread_count(a["Ana"]) == 0


def test_muted_thread_notifies_no_one_and_tag_followers_hear_of_new_threads(people, db):
    users, a = people
    thread = _ask(a["Ana"])
    following.follow_tag(a["Cy"], "listening")
    following.set_watch_level(a["Ana"], thread.id, "muted")
    replies.add_reply(a["Ben"], thread.id, "Ask what the late cancel protects.")
    assert _kinds(a["Ana"]) == []  # muted: not even replies to her own question
    assert _kinds(a["Cy"]) == ["tag_reply"]
    threads.start_thread(a["Ben"], "What do you say when a client goes silent?",
                         tags="Listening")
    assert _kinds(a["Cy"]) == ["tag_reply", "tag_thread"]
    assert db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.recipient_id == a["Ben"].require_member().id)) == 0


def test_a_notice_never_shows_content_hidden_or_deleted_after_it_was_made(people, client_for, db):
    users, a = people
    thread = _ask(a["Ana"])
    hidden = replies.add_reply(a["Ben"], thread.id, "The client zanzibarsecret said so.")
    deleted = replies.add_reply(a["Cy"], thread.id, "Oops quokkaoops wrong thread.")
    kept = replies.add_reply(a["Cy"], thread.id, "Name the pattern gently.")
    moderation.hide_reply(a["Mo"], hidden.id, reason="Client named")
    replies.delete_reply(a["Cy"], deleted.id)
    ana = client_for(users["Ana"])
    assert notifications.unread_count(a["Ana"]) == 1
    page = ana.get("/community/notifications").text
    assert "zanzibarsecret" not in page and "quokkaoops" not in page
    assert "Name the pattern gently." in page
    api = ana.get("/community/api/notifications").json
    assert [item["reply_id"] for item in api["items"]] == [kept.id]
    moderation.hide_thread(a["Mo"], thread.id, reason="Client named")
    assert ana.get("/community/notifications").text.count('class="notification') == 0
    assert ana.get("/community/api/notifications").json["items"] == []
    assert notifications.unread_count(a["Ana"]) == 0
    assert db.session.scalar(select(func.count()).select_from(ThreadWatch)) == 3  # Ana, Ben, Cy
