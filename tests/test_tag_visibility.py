"""Tags count and show live content only (issue #15 item 5): a tag used only on hidden or
deleted items (say #clientjohnsmith, hidden as identifiable client information) is unknown to
members everywhere: suggestions, the API's tag list, its page, its feed, filters and search."""
import pytest

from forum.services import moderation, replies, threads

PREFIX = "/community"
SECRET = "clientjohnsmith"


@pytest.fixture
def board(make_user, actor_for):
    """A live thread tagged #listening; #clientjohnsmith only on hidden or deleted items."""
    ana, ben, mo = make_user("Ana"), make_user("Ben"), make_user("Mo", staff=True)
    moderator = actor_for(mo)
    thread = threads.start_thread(actor_for(ana), "What opens up a resistant client?",
                                  tags="listening")
    hidden = replies.add_reply(actor_for(ben), thread.id, "John Smith said so.",
                               tags=f"{SECRET}, listening")
    moderation.hide_reply(moderator, hidden.id, reason="Client named")
    deleted = replies.add_reply(actor_for(ben), thread.id, "Ask John.", tags=SECRET)
    replies.delete_reply(actor_for(ben), deleted.id)
    gone = threads.start_thread(actor_for(ana), "How is John Smith doing this week?",
                                tags=f"{SECRET}, listening")
    moderation.hide_thread(moderator, gone.id, reason="Client named")
    return {"ben": ben, "mo": mo, "moderator": moderator, "hidden": hidden.id,
            "thread": thread.id, "gone": gone.id}


def test_a_tag_of_hidden_items_is_unknown_to_members(board, client, client_for):
    """404 for its page, feed, thread filters; absent from suggestions, the tag list, search."""
    for viewer in (client, client_for(board["ben"])):
        assert viewer.get(f"{PREFIX}/tags/suggest?q=client").get_json() == {"tags": []}
        assert SECRET not in viewer.get(f"{PREFIX}/api/tags").text
        for path in (f"/tags/{SECRET}", f"/feeds/tags/{SECRET}.atom", f"/?tag={SECRET}",
                     f"/api/threads?tag={SECRET}"):
            response = viewer.get(PREFIX + path)
            assert response.status_code == 404, path
            assert "John" not in response.text
        search = viewer.get(f"{PREFIX}/search?q=john&tag={SECRET}").text
        assert "No tag" in search and "John Smith said" not in search


def test_moderators_still_reach_the_tag(board, client_for):
    """Moderators see hidden content, so they see its tag (to review or merge it)."""
    mod = client_for(board["mo"])
    page = mod.get(f"{PREFIX}/tags/{SECRET}")
    assert page.status_code == 200 and "How is John Smith doing" in page.text
    assert mod.get(f"{PREFIX}/api/threads?tag={SECRET}").status_code == 200


def test_uses_count_live_content_only(board, client):
    """#listening is on a live thread, a hidden reply and a hidden thread: it counts 1."""
    suggested = client.get(f"{PREFIX}/tags/suggest?q=list").get_json()["tags"]
    assert suggested == [{"name": "listening", "slug": "listening", "uses": 1}]
    listed = client.get(f"{PREFIX}/api/tags").get_json()["items"]
    assert listed == [{"name": "listening", "slug": "listening", "thread_count": 1,
                       "reply_count": 0}]
    feed = client.get(f"{PREFIX}/feeds/tags/listening.atom").text
    assert "new threads and contributions tagged #listening" in feed and "John" not in feed


def test_restoring_an_item_brings_its_tag_back(board, client):
    """A moderator's restore makes the tag live again, counted and reachable."""
    moderation.restore_reply(board["moderator"], board["hidden"], reason="Name removed")
    assert client.get(f"{PREFIX}/tags/{SECRET}").status_code == 200
    suggested = client.get(f"{PREFIX}/tags/suggest?q=client").get_json()["tags"]
    assert suggested == [{"name": SECRET, "slug": SECRET, "uses": 1}]
    listed = {item["slug"]: item for item in client.get(f"{PREFIX}/api/tags").get_json()["items"]}
    assert listed[SECRET]["thread_count"] == 0 and listed["listening"]["thread_count"] == 1
