"""The notification kinds beyond the fan-out: a followed member's new thread, grouped ratings,
moderation with its reason, related reading, resolved flags, and replies naming their prompt;
each on the page and in the API, none leaking a hidden item's text."""
import pytest

from forum.services import (
    flags, following, member_follows, moderation, notifications, ratings, related, replies,
    threads,
)


@pytest.fixture
def people(make_user, actor_for):
    """Ana asks, Ben and Cy contribute, Mo moderates."""
    users = {name: make_user(name, staff=name == "Mo") for name in ("Ana", "Ben", "Cy", "Mo")}
    return users, {name: actor_for(user) for name, user in users.items()}


def _ask(actor, title="How do you handle a client who cancels late?"):
    return threads.start_thread(actor, title, prompts="Boundaries: What do you agree up front?",
                                tags="listening")


def _texts(actor):
    """(kind, text) of the actor's notices they may see now, newest first."""
    return [(notice.kind, notifications.describe(notice))
            for notice in notifications.list_notifications(actor).items]


def test_a_followed_members_new_thread_notifies_followers(people, client_for, db):
    users, a = people
    ana_id = a["Ana"].require_member().id
    db.session.commit()
    member_follows.follow_member(a["Ben"], ana_id)
    member_follows.follow_member(a["Cy"], ana_id)
    member_follows.follow_member(a["Cy"], ana_id, follow=False)
    thread = _ask(a["Ana"])
    assert _texts(a["Ben"]) == [("member_thread", "Ana asked a new question")]
    assert _texts(a["Cy"]) == [] and _texts(a["Ana"]) == []
    page = client_for(users["Ben"]).get("/community/notifications").text
    assert "Ana asked a new question" in page and thread.title in page
    member_follows.follow_member(a["Cy"], ana_id)
    threads.start_thread(a["Ben"], "What do you say when a client goes silent?",
                         tags="listening")
    assert _texts(a["Cy"]) == []  # following Ana says nothing about Ben's threads


def test_ratings_group_into_one_unread_notice_per_contribution(people, make_user, actor_for,
                                                                client_for, db):
    users, a = people
    thread = _ask(a["Ana"])
    reply = replies.add_reply(a["Ben"], thread.id, "Agree the rule in the first session.")
    raters = [actor_for(make_user(f"Rater {number}")) for number in range(3)]
    for rater in raters:
        ratings.rate(rater, "reply", reply.id, 4)
    ratings.rate(raters[0], "reply", reply.id, 5)  # a changed rating is not a new one
    ratings.rate(a["Ben"], "thread", thread.id, 5)
    assert _texts(a["Ben"]) == [("rating", "3 new ratings on your contribution")]
    assert _texts(a["Ana"])[0] == ("rating", "1 new rating on your question")
    ben = client_for(users["Ben"])
    item = ben.get("/community/api/notifications").json["items"][0]
    assert (item["kind"], item["count"], item["text"], item["actor"]) == (
        "rating", 3, "3 new ratings on your contribution", None)
    assert "3 new ratings on your contribution" in ben.get("/community/notifications").text
    ratings.rate(actor_for(make_user("Rater late")), "reply", reply.id, 2)  # after reading
    assert [notice.count for notice in notifications.list_notifications(a["Ben"]).items] == [
        1, 3]


def test_moderation_tells_the_author_with_the_reason_without_leaking_text(people, client_for,
                                                                          db):
    users, a = people
    thread = _ask(a["Ana"])
    reply = replies.add_reply(a["Ben"], thread.id, "The client zanzibarsecret said so.")
    moderation.hide_reply(a["Mo"], reply.id, reason="Names a client")
    moderation.lock_thread(a["Mo"], thread.id, reason="Answered enough")
    moderation.pin_thread(a["Mo"], thread.id)  # pinning tells nobody
    assert _texts(a["Ben"]) == [("moderation", "A moderator hid your contribution: "
                                               "Names a client")]
    assert _texts(a["Ana"])[0] == ("moderation", "A moderator locked your question: "
                                                 "Answered enough")
    ben = client_for(users["Ben"])
    page = ben.get("/community/notifications").text
    assert "A moderator hid your contribution: Names a client" in page
    assert "zanzibarsecret" not in page and f"#reply-{reply.id}" not in page
    item = ben.get("/community/api/notifications").json["items"][0]
    assert (item["excerpt"], item["thread_title"]) == (None, thread.title)
    moderation.restore_reply(a["Mo"], reply.id, reason="Edited out")
    assert _texts(a["Ben"])[0] == ("moderation",
                                   "A moderator restored your contribution: Edited out")
    assert notifications.list_notifications(a["Ben"]).items[0].shows_reply


def test_related_reading_and_resolved_flags(people, client_for, db):
    users, a = people
    thread = _ask(a["Ana"])
    related.add_link(a["Mo"], thread.id, "Reading", "A guide to silence",
                     url="https://example.org/silence")
    assert _texts(a["Ana"]) == [("related_added",
                                 "Mo added related reading to your question: A guide to silence")]
    removed = related.add_link(a["Mo"], thread.id, "Reading", "A retracted guide",
                               url="https://example.org/retracted")
    related.delete_link(a["Mo"], removed.id)  # its notice goes with it
    assert [text for _, text in _texts(a["Ana"])] == [
        "Mo added related reading to your question: A guide to silence"]
    reply = replies.add_reply(a["Ben"], thread.id, "Call the client quokkaoops by name.")
    first = flags.flag_reply(a["Ana"], reply.id, "client-info")
    flags.flag_reply(a["Cy"], reply.id, "inappropriate")
    flags.resolve_flag(a["Mo"], first.id, "hide")
    for name in ("Ana", "Cy"):
        assert _texts(a[name])[0] == ("flag_resolved", "Your flag on a contribution was "
                                                       "resolved: a moderator hid it")
    cy = client_for(users["Cy"])
    page = cy.get("/community/notifications").text
    assert "Your flag on a contribution was resolved" in page and "quokkaoops" not in page
    other = flags.flag_thread(a["Cy"], thread.id, "off-topic")
    flags.resolve_flag(a["Mo"], other.id, "dismiss")
    assert _texts(a["Cy"])[0] == ("flag_resolved", "Your flag on a thread was resolved: a "
                                                   "moderator looked and left it as it is")


def test_a_contribution_to_a_prompt_names_the_prompt(people, client_for, db):
    users, a = people
    thread = _ask(a["Ana"])
    replies.add_reply(a["Ben"], thread.id, "Agree it in writing.", prompt_position=0)
    assert _texts(a["Ana"]) == [
        ("question_reply", "Ben contributed to the prompt “Boundaries” of your question")]
    items = client_for(users["Ana"]).get("/community/api/notifications").json["items"]
    assert items[0]["text"] == "Ben contributed to the prompt “Boundaries” of your question"


def test_a_hidden_threads_notices_hide_its_title_for_everyone_but_moderators(people,
                                                                              client_for, db):
    users, a = people
    thread = _ask(a["Ana"], title="Working with client Zanzibar Quokka")
    replies.add_reply(a["Ben"], thread.id, "Start with what they want.")
    flag = flags.flag_thread(a["Cy"], thread.id, "client-info")
    flags.resolve_flag(a["Mo"], flag.id, "hide")
    for name in ("Ana", "Cy"):
        page = client_for(users[name]).get("/community/notifications").text
        assert "Zanzibar" not in page and "A hidden thread" in page
    assert [kind for kind, _ in _texts(a["Ana"])] == ["moderation"]  # Ben's reply is gone
    assert _texts(a["Cy"])[0][0] == "flag_resolved"


def test_a_muted_thread_sends_no_ratings_or_reading_but_moderation_still_reaches(people, db):
    users, a = people
    thread = _ask(a["Ana"])
    following.set_watch_level(a["Ana"], thread.id, "muted")
    reply = replies.add_reply(a["Ben"], thread.id, "Agree the rule in the first session.")
    following.set_watch_level(a["Ben"], thread.id, "muted")
    ratings.rate(a["Cy"], "reply", reply.id, 5)
    ratings.rate(a["Cy"], "thread", thread.id, 4)
    related.add_link(a["Mo"], thread.id, "Reading", "A guide to silence",
                     url="https://example.org/silence")
    assert _texts(a["Ben"]) == [] and _texts(a["Ana"]) == []  # muted: nothing from it
    moderation.hide_reply(a["Mo"], reply.id, reason="Names a client")
    assert _texts(a["Ben"]) == [("moderation", "A moderator hid your contribution: "
                                               "Names a client")]
    following.set_watch_level(a["Ben"], thread.id, "normal")
    moderation.restore_reply(a["Mo"], reply.id, reason="Edited out")
    ratings.rate(a["Mo"], "reply", reply.id, 4)
    assert _texts(a["Ben"])[0] == ("rating", "1 new rating on your contribution")
