"""Following and in-app notifications: watch levels, tag follows, mentions, fan-out, and
visibility checked when a notice is shown."""
import pytest
from sqlalchemy import func, select

from forum.models import Member, Notification, ThreadWatch
from forum.services import following, moderation, notifications, replies, tags, threads


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
    assert '<option value="watching" selected>' in following_page
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
    page = ana.get("/community/notifications").text  # only the moderator's notice is left
    assert page.count('class="notification') == 3  # its group, list and item
    assert "A moderator hid your question: Client named" in page
    assert thread.title not in page and "Name the pattern" not in page
    items = ana.get("/community/api/notifications").json["items"]
    assert [(item["kind"], item["thread_title"], item["excerpt"]) for item in items] == [
        ("moderation", None, None)]
    assert notifications.unread_count(a["Ana"]) == 0  # listing it marked it read
    assert db.session.scalar(select(func.count()).select_from(ThreadWatch)) == 3  # Ana, Ben, Cy


def test_api_lists_pages_filters_and_marks_read(people, client_for, db):
    users, a = people
    thread = _ask(a["Ana"])
    made = [replies.add_reply(a["Ben"], thread.id, f"Idea number {n} for late cancels.")
            for n in range(3)]
    ana = client_for(users["Ana"])
    first = ana.get("/community/api/notifications?unread=true").json
    assert [item["reply_id"] for item in first["items"]] == [r.id for r in reversed(made)]
    assert first["items"][0]["text"] == "Ben contributed to your question"
    assert first["items"][0]["excerpt"] == "Idea number 2 for late cancels."
    assert first["next_cursor"] is None and not any(item["read"] for item in first["items"])
    oldest = first["items"][-1]["id"]
    marked = ana.post("/community/api/notifications/read", json={"ids": [oldest]}).json
    assert marked == {"marked": 1, "unread": 2}
    unread = ana.get("/community/api/notifications?unread=true").json["items"]
    assert oldest not in [item["id"] for item in unread]
    bad = ana.post("/community/api/notifications/read", json={"all": False})
    assert bad.status_code == 422 and bad.json["error"]["field"] == "ids"
    assert ana.get("/community/api/notifications?unread=maybe").status_code == 422
    ben = client_for(users["Ben"])  # someone else's ids change nothing
    assert ben.post("/community/api/notifications/read", json={"ids": [oldest + 1]}).json == {
        "marked": 0, "unread": 0}
    assert ana.post("/community/api/notifications/read", json={"all": True}).json == {
        "marked": 2, "unread": 0}


def test_api_cursor_paging(people, client_for, app, db):
    users, a = people
    app.config["FORUM_THREADS_PER_PAGE"] = 2
    thread = _ask(a["Ana"])
    made = [replies.add_reply(a["Ben"], thread.id, f"Step {n}.") for n in range(5)]
    ana = client_for(users["Ana"])
    seen, cursor = [], None
    while True:
        page = ana.get("/community/api/notifications"
                       + (f"?cursor={cursor}" if cursor else "")).json
        seen += [item["reply_id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [r.id for r in reversed(made)]


def test_api_watch_and_follow(people, client_for, db):
    users, a = people
    thread = _ask(a["Ana"], tags="Active Listening")
    ben = client_for(users["Ben"])
    url = f"/community/api/threads/{thread.id}/watch"
    assert ben.get(url).json == {"thread_id": thread.id, "level": "normal"}
    assert ben.put(url, json={"level": "muted"}).json["level"] == "muted"
    assert ben.get(url).json["level"] == "muted"
    refused = ben.put(url, json={"level": "loud"})
    assert refused.status_code == 422 and ben.get(url).json["level"] == "muted"
    assert ben.get("/community/api/threads/999999/watch").status_code == 404
    follow = "/community/api/tags/active-listening/follow"
    assert ben.get(follow).json == {"tag": {"name": "Active Listening",
                                            "slug": "active-listening"}, "following": False}
    assert ben.put(follow).json["following"] is True
    assert ben.get(follow).json["following"] is True
    assert ben.delete(follow).json["following"] is False
    assert ben.get("/community/api/tags/no-such-tag/follow").status_code == 404
    assert client_for(users["Cy"]).application.test_client().get(url).status_code == 401


def test_fan_out_is_one_statement_whatever_the_number_of_watchers(people, make_user, actor_for,
                                                                   count_queries, db):
    users, a = people
    quiet, busy = _ask(a["Ana"]), _ask(a["Ana"], tags="goals")
    for number in range(30):
        following.set_watch_level(actor_for(make_user(f"Watcher {number}")), busy.id, "watching")
    replies.add_reply(a["Ben"], quiet.id, "A first word, so Ben's member row exists.")
    counts = []
    for thread in (quiet, busy):
        with count_queries() as counted:
            replies.add_reply(a["Ben"], thread.id, "Agree the rule before the first session.")
        counts.append(counted[0])
    assert counts[0] == counts[1]
    assert db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.thread_id == busy.id)) == 31  # 30 watchers and the question's author


def test_followers_of_a_merged_tag_follow_its_target(people, db):
    users, a = people
    _ask(a["Ana"], tags="listening")
    threads.start_thread(a["Ana"], "What do you say when a client goes quiet?", tags="silence")
    following.follow_tag(a["Cy"], "silence")
    following.follow_tag(a["Ben"], "silence")
    following.follow_tag(a["Ben"], "listening")
    tags.merge_tags(a["Mo"], "silence", "listening")
    assert [tag.slug for tag in following.following(a["Cy"])[1]] == ["listening"]
    assert [tag.slug for tag in following.following(a["Ben"])[1]] == ["listening"]
    threads.start_thread(a["Ana"], "How do you hold a long pause with a client?", tags="silence")
    assert _kinds(a["Cy"]) == ["tag_thread"]


def test_following_page_queries_do_not_grow_with_threads(people, client_for, count_queries):
    users, a = people
    ben = client_for(users["Ben"])

    def queries():
        ben.get("/community/following")
        with count_queries() as counted:
            assert ben.get("/community/following").status_code == 200
        return counted[0]
    replies.add_reply(a["Ben"], _ask(a["Ana"]).id, "Watching this one.")
    few = queries()
    for number in range(3):
        thread = threads.start_thread(a["Ana"], f"Practice question {number} on late cancels",
                                      tags="listening")
        following.set_watch_level(a["Ben"], thread.id, "muted")
    assert queries() == few


def test_mentions_notify_named_members_outside_code_and_links(people, make_user, actor_for, db):
    users, a = people
    thread = _ask(a["Ana"])
    many = [make_user(f"coach{number}") for number in range(12)]
    for actor in [a["Cy"], a["Mo"], *(actor_for(user) for user in many)]:
        actor.require_member()  # a member row exists once someone has used the forum
    db.session.commit()
    names = " ".join(f"@coach{number}" for number in range(12))
    replies.add_reply(a["Ben"], thread.id,
                      f"Thanks @cy and @Ben! Not `@mo` nor [@mo](https://example.org). {names}")
    assert _kinds(a["Cy"]) == ["mention"]
    assert _kinds(a["Mo"]) == [] and _kinds(a["Ben"]) == []  # code, link, the author himself
    assert _kinds(a["Ana"]) == ["question_reply"]
    told = [bool(_kinds(actor_for(user))) for user in many]
    assert told == [True] * 8 + [False] * 4  # cy, Ben and eight coaches: the first ten names
    following.set_watch_level(a["Cy"], thread.id, "muted")
    replies.add_reply(a["Ana"], thread.id, "What do you think, @Cy?")
    assert _kinds(a["Cy"]) == ["mention"]  # nothing from a muted thread, not even a mention


def test_an_edit_that_corrects_a_mention_tells_that_member_once(people, db):
    users, a = people
    thread = _ask(a["Ana"])
    a["Cy"].require_member()  # Cy has used the forum, so @Cy names a member
    db.session.commit()
    reply = replies.add_reply(a["Ben"], thread.id, "What would @Cyy say about this?")
    assert _kinds(a["Cy"]) == [] and _kinds(a["Ana"]) == ["question_reply"]
    replies.edit_reply(a["Ben"], reply.id, "What would @Cy say about this?")
    assert _kinds(a["Cy"]) == ["mention"]
    assert notifications.describe(notifications.list_notifications(a["Cy"]).items[0]) == (
        "Ben mentioned you")
    replies.edit_reply(a["Ben"], reply.id, "What would @Cy and @Ana say about this?")
    assert _kinds(a["Cy"]) == ["mention"]  # told once of one contribution
    assert _kinds(a["Ana"]) == ["question_reply"]  # already told of it as the asker


def test_reading_pages_creates_no_member_row(people, client_for, db):
    users, a = people
    thread = _ask(a["Ana"])
    before = db.session.scalar(select(func.count()).select_from(Member))
    cy = client_for(users["Cy"])  # a signed-in user who never used the forum
    for path in ("/community/", f"/community/threads/{thread.id}/{thread.slug}",
                 "/community/notifications", "/community/following",
                 f"/community/api/threads/{thread.id}/watch",
                 "/community/api/tags/listening/follow", "/community/api/notifications"):
        assert cy.get(path).status_code == 200, path
    assert db.session.scalar(select(func.count()).select_from(Member)) == before
