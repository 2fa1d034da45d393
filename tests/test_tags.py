"""Tags: limits, hashtags, case-insensitive slugs, suggestions, tag pages, merging, retagging."""
import json
import re

import pytest
from sqlalchemy import func, select

from forum.models import ModerationLog, Reply, ReplyTag, Tag, ThreadTag
from forum.services import moderation
from forum.services import replies as reply_service
from forum.services import tags as tag_service
from forum.services import threads as thread_service

from tests.discussion_fixtures import PREFIX


@pytest.fixture
def thread(host_users, actor_for):
    """A thread tagged "Active Listening"."""
    return thread_service.start_thread(actor_for(host_users["ana"]),
                                       "What opens up a resistant client?",
                                       tags="Active Listening")


def _reply_slugs(db, reply_id):
    """Slugs of a reply's tags."""
    return sorted(db.session.scalars(select(Tag.slug).join(ReplyTag, ReplyTag.tag_id == Tag.id)
                                     .where(ReplyTag.reply_id == reply_id)))


def test_tags_are_case_insensitive_slugs(host_users, thread, actor_for, db):
    """"active listening", "ACTIVE-LISTENING" and "#Active_Listening" are one tag."""
    ben = actor_for(host_users["ben"])
    reply = reply_service.add_reply(ben, thread.id, "Mirror their words.",
                                    tags="active listening, ACTIVE-LISTENING, #Active_Listening")
    assert _reply_slugs(db, reply.id) == ["active-listening"]
    assert db.session.scalar(select(func.count()).select_from(Tag)) == 1
    assert tag_service.slugify("Écoute Active!") == "ecoute-active"


def test_hashtags_in_the_text_become_tags_within_the_limit(host_users, thread, actor_for, db):
    """#hashtags are added to chosen tags, up to FORUM_MAX_TAGS in all."""
    ben = actor_for(host_users["ben"])
    reply = reply_service.add_reply(
        ben, thread.id, "Just listen. #listeningforthewin #Trust `#code` #a", tags="empathy")
    assert _reply_slugs(db, reply.id) == ["empathy", "listeningforthewin", "trust"]
    crowded = reply_service.add_reply(
        ben, thread.id, "#six #seven", tags="one1, two2, three3, four4, five5")
    assert len(_reply_slugs(db, crowded.id)) == 5


@pytest.mark.parametrize("tags, message", [
    ("a1, b2, c3, d4, e5, f6", "at most 5 tags"),
    ("...,!!", "at least 2 letters or digits"),
    ("x", "at least 2 letters or digits"),
    ("y" * 41, "2 to 40 characters"),
])
def test_bad_reply_tags_show_error_beside_field(host_users, thread, client_for, db, tags, message):
    """Too many tags, punctuation-only or too short/long tags: 422 beside the tags field."""
    response = client_for(host_users["ben"]).post(
        f"{PREFIX}/threads/{thread.id}/replies", data={"body": "My kept words", "tags": tags})
    assert response.status_code == 422
    assert 'id="tags-error"' in response.text and message in response.text
    assert "My kept words" in response.text
    assert db.session.scalar(select(func.count()).select_from(Reply)) == 0


def test_suggestions_as_you_type(host_users, thread, actor_for, client):
    """GET tags/suggest?q= answers JSON with matching tags, most used first."""
    ben = actor_for(host_users["ben"])
    reply_service.add_reply(ben, thread.id, "one", tags="accountability")
    reply_service.add_reply(ben, thread.id, "two", tags="accountability, active-goals")
    response = client.get(f"{PREFIX}/tags/suggest?q=AC")
    assert response.status_code == 200 and response.is_json
    assert [t["slug"] for t in response.get_json()["tags"]] == [
        "accountability", "active-goals", "active-listening"]
    assert client.get(f"{PREFIX}/tags/suggest?q=").get_json() == {"tags": []}
    assert client.get(f"{PREFIX}/tags/suggest?q=%3Cscript%3E").get_json() == {"tags": []}


def test_tag_fields_offer_suggestions_without_requiring_javascript(host_users, thread, client_for):
    """The tags field is plain text with a datalist the script fills; the form works without."""
    page = client_for(host_users["ben"]).get(f"{PREFIX}/threads/{thread.id}/{thread.slug}").text
    assert 'data-tag-suggest="/community/tags/suggest"' in page
    assert 'list="tags-suggestions"' in page and '<datalist id="tags-suggestions">' in page


def test_tag_page_lists_threads_and_replies_across_threads(host_users, thread, actor_for, client):
    """A tag page shows the threads and the individual replies carrying the tag."""
    ana, ben = actor_for(host_users["ana"]), actor_for(host_users["ben"])
    other = thread_service.start_thread(ana, "How do you close a coaching engagement?")
    reply_service.add_reply(ben, thread.id, "Strengths first. #strength-based")
    reply_service.add_reply(ben, other.id, "Review their strengths at the end.",
                            tags="Strength-Based")
    reply_service.add_reply(ben, other.id, "Untagged reply here.")
    page = client.get(f"{PREFIX}/tags/strength-based").text
    assert "Strengths first." in page and "Review their strengths at the end." in page
    assert "Untagged reply here." not in page
    assert "How do you close a coaching engagement?" in page
    assert "No question carries this tag." in page
    thread_page = client.get(f"{PREFIX}/tags/active-listening").text
    assert "What opens up a resistant client?" in thread_page
    assert client.get(f"{PREFIX}/tags/unknown-tag").status_code == 404


def test_tag_page_pages_through_replies_newest_first_with_a_cursor(host_users, thread, actor_for,
                                                                   client, app):
    """?replies_before=<id> continues below the last contribution shown; hidden ones never show."""
    app.config["FORUM_THREADS_PER_PAGE"] = 2
    ben = actor_for(host_users["ben"])
    made = [reply_service.add_reply(ben, thread.id, f"Tagged answer {n}", tags="paging")
            for n in range(5)]
    moderation.hide_reply(actor_for(host_users["mo"]), made[3].id, reason="Off topic")
    first = client.get(f"{PREFIX}/tags/paging").text
    assert "Tagged answer 4" in first and "Tagged answer 2" in first
    assert "Tagged answer 3" not in first and "Tagged answer 1" not in first
    older = re.search(r'href="([^"]*replies_before=(\d+))"', first)
    assert older and int(older.group(2)) == made[2].id
    second = client.get(older.group(1).replace("&amp;", "&")).text
    assert "Tagged answer 1" in second and "Tagged answer 0" in second
    assert "Tagged answer 2" not in second and "replies_before" not in second  # the end
    assert "Newest" in second


def test_moderator_merges_a_tag_and_the_old_name_keeps_resolving(host_users, thread, actor_for,
                                                                 client_for, client, db):
    """Merging moves threads and replies to the target, logs it, and the old slug redirects."""
    ben = actor_for(host_users["ben"])
    reply = reply_service.add_reply(ben, thread.id, "Reflect back.", tags="listening, reflect")
    other = thread_service.start_thread(actor_for(host_users["ana"]),
                                        "Another question on listening", tags="listening")
    response = client_for(host_users["mo"]).post(
        f"{PREFIX}/tags/listening/merge", data={"into": "Active Listening", "reason": "duplicate"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/tags/active-listening")
    assert _reply_slugs(db, reply.id) == ["active-listening", "reflect"]
    thread_tags = db.session.scalars(
        select(Tag.slug).join(ThreadTag, ThreadTag.tag_id == Tag.id)
        .where(ThreadTag.thread_id == other.id)).all()
    assert thread_tags == ["active-listening"]
    redirect = client.get(f"{PREFIX}/tags/listening")
    assert redirect.status_code == 301 and redirect.headers["Location"].endswith(
        "/tags/active-listening")
    assert client.get(f"{PREFIX}/?tag=listening").status_code == 200
    # new uses of the old name land on the canonical tag
    later = reply_service.add_reply(ben, thread.id, "Later #listening")
    assert _reply_slugs(db, later.id) == ["active-listening"]
    entry = db.session.scalars(select(ModerationLog)).one()
    assert entry.action == "tag.merge" and entry.reason == "duplicate"
    assert json.loads(entry.after)["into"] == "active-listening"
    assert [t["slug"] for t in tag_service.suggest_tags("listen")] == ["active-listening"]


def test_merge_errors_and_permissions(host_users, thread, actor_for, client_for, db):
    """Members cannot merge; merging into itself or a missing tag is an error beside the field."""
    member = client_for(host_users["ben"])
    assert member.post(f"{PREFIX}/tags/active-listening/merge",
                       data={"into": "other"}).status_code == 403
    mo = client_for(host_users["mo"])
    same = mo.post(f"{PREFIX}/tags/active-listening/merge", data={"into": "ACTIVE listening"})
    assert same.status_code == 422 and 'id="into-error"' in same.text
    missing = mo.post(f"{PREFIX}/tags/active-listening/merge", data={"into": "nowhere-tag"})
    assert missing.status_code == 422 and "nowhere-tag" in missing.text
    assert db.session.scalar(select(func.count()).select_from(ModerationLog)) == 0


def test_retagging_by_author_is_quiet_and_by_moderator_is_logged(host_users, thread, actor_for,
                                                                client_for, db):
    """Authors retag their own reply; moderators retag any thread or reply, with a log entry."""
    reply = reply_service.add_reply(actor_for(host_users["ben"]), thread.id, "Answer", tags="first")
    ben = client_for(host_users["ben"])
    assert ben.get(f"{PREFIX}/replies/{reply.id}/tags").status_code == 200
    assert ben.post(f"{PREFIX}/replies/{reply.id}/tags",
                    data={"tags": "second, third"}).status_code == 302
    assert _reply_slugs(db, reply.id) == ["second", "third"]
    assert db.session.scalar(select(func.count()).select_from(ModerationLog)) == 0
    assert ben.post(f"{PREFIX}/threads/{thread.id}/tags", data={"tags": "x1"}).status_code == 403

    mo = client_for(host_users["mo"])
    assert mo.post(f"{PREFIX}/replies/{reply.id}/tags",
                   data={"tags": "fourth", "reason": "clearer"}).status_code == 302
    assert mo.post(f"{PREFIX}/threads/{thread.id}/tags",
                   data={"tags": "resistance, listening"}).status_code == 302
    bad = mo.post(f"{PREFIX}/threads/{thread.id}/tags", data={"tags": "a, b, c, d, e, f"})
    assert bad.status_code == 422 and 'value="a, b, c, d, e, f"' in bad.text
    actions = db.session.scalars(select(ModerationLog.action).order_by(ModerationLog.id)).all()
    assert actions == ["reply.tags", "thread.tags"]
    assert _reply_slugs(db, reply.id) == ["fourth"]
