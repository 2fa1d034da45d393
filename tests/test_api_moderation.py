"""API for moderators, flags, related reading, and editing or deleting contributions."""
import pytest

from tests.test_api import bearer_for

API = "/community/api"
THREAD = {"title": "How do you end a session that runs over?", "lead": "Time is tight.",
          "tags": ["time"]}


@pytest.fixture
def api(client, make_user, actor_for):
    """A client with bearer headers for Ana, Bo (members) and Mo (moderator), and a thread."""
    client.ana = bearer_for(actor_for, make_user("Ana"))
    client.bo = bearer_for(actor_for, make_user("Bo"))
    client.mo = bearer_for(actor_for, make_user("Mo", staff=True))
    client.thread = client.post(f"{API}/threads", json=THREAD, headers=client.ana).json["id"]
    client.reply = client.post(f"{API}/threads/{client.thread}/replies", headers=client.ana,
                               json={"body": "I name the time **early**."}).json["id"]
    return client


def test_thread_switches_are_for_moderators_and_logged(api):
    url = f"{API}/threads/{api.thread}"
    assert api.post(f"{url}/pin", json={}, headers=api.ana).status_code == 403
    pinned = api.post(f"{url}/pin", json={"reason": "Useful"}, headers=api.mo)
    assert pinned.status_code == 200 and pinned.json["is_pinned"] is True
    assert api.post(f"{url}/pin", json={}, headers=api.mo).status_code == 409
    locked = api.post(f"{url}/lock", json={}, headers=api.mo).json
    assert locked["is_locked"] is True
    assert api.post(f"{url}/replies", json={"body": "Late"}, headers=api.bo).status_code == 409
    assert api.post(f"{url}/hide", json={}, headers=api.mo).status_code == 422
    assert api.post(f"{url}/hide", json={"reason": "Spam"}, headers=api.mo).status_code == 200
    assert api.get(url, headers=api.bo).status_code == 404
    log = api.get(f"{API}/moderation-log", headers=api.mo).json
    assert [e["action"] for e in log["items"]] == ["thread.hide", "thread.lock", "thread.pin"]
    assert log["items"][2]["reason"] == "Useful" and log["items"][2]["after"] == {
        "is_pinned": True}
    assert api.get(f"{API}/moderation-log", headers=api.ana).status_code == 403


def test_reply_hide_and_restore(api):
    url = f"{API}/replies/{api.reply}"
    assert api.post(f"{url}/hide", json={"reason": "Off"}, headers=api.bo).status_code == 403
    hidden = api.post(f"{url}/hide", json={"reason": "Client named"}, headers=api.mo)
    assert hidden.status_code == 200 and hidden.json["is_hidden"] is True
    assert api.get(url, headers=api.bo).status_code == 404
    assert api.post(f"{url}/restore", json={}, headers=api.mo).json["is_hidden"] is False
    assert api.get(url, headers=api.bo).status_code == 200


def test_flags_queue_and_resolution(api):
    flag = api.post(f"{API}/replies/{api.reply}/flags", json={"reason": "spam"},
                    headers=api.bo)
    assert flag.status_code == 201 and flag.json["status"] == "open"
    again = api.post(f"{API}/replies/{api.reply}/flags", json={"reason": "spam"},
                     headers=api.bo)
    assert again.status_code == 409
    other = api.post(f"{API}/threads/{api.thread}/flags", json={"reason": "other"},
                     headers=api.bo)
    assert other.status_code == 422 and other.json["error"]["field"] == "text"
    assert api.get(f"{API}/flags", headers=api.bo).status_code == 403
    queue = api.get(f"{API}/flags", headers=api.mo).json
    assert [f["id"] for f in queue["items"]] == [flag.json["id"]]
    resolved = api.post(f"{API}/flags/{flag.json['id']}/resolve", json={"action": "hide"},
                        headers=api.mo)
    assert resolved.status_code == 200 and resolved.json["status"] == "actioned"
    assert api.get(f"{API}/replies/{api.reply}", headers=api.bo).status_code == 404
    assert api.get(f"{API}/flags", headers=api.mo).json["total"] == 0


def test_related_reading_curation(api):
    other = api.post(f"{API}/threads", headers=api.ana, json={
        "title": "What do you do when a client is always late?"}).json["id"]
    url = f"{API}/threads/{api.thread}/related"
    entry = {"category": "Time", "title": "Timeboxing", "url": "https://example.org/timebox"}
    assert api.post(url, json=entry, headers=api.ana).status_code == 403
    first = api.post(url, json=entry, headers=api.mo).json
    second = api.post(url, headers=api.mo, json={
        "category": "Related discussion", "title": "Late clients", "thread_id": other}).json
    assert second["thread_id"] == other and second["position"] == 1
    bad = api.post(url, json=dict(entry, url="javascript:alert(1)"), headers=api.mo)
    assert bad.status_code == 422 and bad.json["error"]["field"] == "url"
    moved = api.patch(f"{API}/related/{second['id']}", json={"position": 0}, headers=api.mo)
    assert moved.status_code == 200 and moved.json["position"] == 0
    assert [e["id"] for e in api.get(url).json["items"]] == [second["id"], first["id"]]
    assert [e["title"] for e in api.get(f"{API}/threads/{api.thread}").json["related"]] == [
        "Late clients", "Timeboxing"]
    renamed = api.patch(f"{API}/related/{first['id']}", json={"title": "Timeboxing, again"},
                        headers=api.mo).json
    assert renamed["title"] == "Timeboxing, again" and renamed["url"] == entry["url"]
    assert api.delete(f"{API}/related/{second['id']}", headers=api.mo).status_code == 204
    assert [e["id"] for e in api.get(url).json["items"]] == [first["id"]]


def test_edit_and_delete_a_reply(api):
    url = f"{API}/replies/{api.reply}"
    assert api.patch(url, json={"body": "Mine now"}, headers=api.bo).status_code == 403
    edited = api.patch(url, json={"body": "I name the end time *first*."}, headers=api.ana)
    assert edited.status_code == 200
    assert edited.json["html"] == "<p>I name the end time <em>first</em>.</p>\n"
    assert edited.json["edited_at"] is not None
    tagged = api.patch(url, json={"tags": ["endings"]}, headers=api.ana).json
    assert tagged["tags"] == ["endings"] and tagged["body"] == "I name the end time *first*."
    assert api.delete(url, headers=api.bo).status_code == 403
    assert api.delete(url, headers=api.ana).status_code == 204
    assert api.get(url, headers=api.bo).status_code == 404
    assert api.get(f"{API}/threads/{api.thread}").json["reply_count"] == 0


def test_thread_tags_change_by_author_only(api):
    url = f"{API}/threads/{api.thread}"
    assert api.patch(url, json={"tags": ["x-y"]}, headers=api.bo).status_code == 403
    changed = api.patch(url, json={"tags": ["timing", "endings"]}, headers=api.ana)
    assert changed.status_code == 200 and sorted(changed.json["tags"]) == ["endings", "timing"]
