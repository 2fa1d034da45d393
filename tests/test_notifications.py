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
    """{(recipient's notices) kind: count} for the actor, as they would see them now."""
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
