"""API ratings: PUT/DELETE {"stars": n} on threads and contributions, summaries everywhere."""
import pytest

from tests.test_api import API, THREAD, bearer_for


@pytest.fixture
def api(client, make_user, actor_for):
    """Ana writes; Bo and Cy rate."""
    client.ana = bearer_for(actor_for, make_user("Ana"))
    client.bo = bearer_for(actor_for, make_user("Bo"))
    client.cy = bearer_for(actor_for, make_user("Cy"))
    client.thread = client.post(f"{API}/threads", json=THREAD, headers=client.ana).json["id"]
    return client


def test_rate_change_and_remove_a_thread(api):
    url = f"{API}/threads/{api.thread}/rating"
    first = api.put(url, json={"stars": 4}, headers=api.bo)
    assert first.status_code == 200
    assert first.json["count"] == 1 and first.json["average"] == 4 and first.json["mine"] == 4
    changed = api.put(url, json={"stars": 2}, headers=api.bo).json
    assert changed["count"] == 1 and changed["average"] == 2
    api.put(url, json={"stars": 5}, headers=api.cy)
    summary = api.get(f"{API}/threads/{api.thread}").json["rating"]
    assert summary["count"] == 2 and summary["average"] == 3.5 and summary["score"] > 0
    removed = api.delete(url, headers=api.bo).json
    assert removed["count"] == 1 and removed["average"] == 5 and removed["mine"] is None


@pytest.mark.parametrize("payload", [{"stars": 0}, {"stars": 6}, {"stars": "5"}, {}])
def test_bad_stars_are_422(api, payload):
    response = api.put(f"{API}/threads/{api.thread}/rating", json=payload, headers=api.bo)
    assert response.status_code == 422 and response.json["error"]["field"] == "stars"


def test_own_items_cannot_be_rated_and_anonymous_is_401(api):
    url = f"{API}/threads/{api.thread}/rating"
    assert api.put(url, json={"stars": 5}, headers=api.ana).status_code == 403
    assert api.put(url, json={"stars": 5}).status_code == 401


def test_best_sort_puts_rated_replies_first(api):
    ids = [api.post(f"{API}/threads/{api.thread}/replies", json={"body": f"Idea {n}"},
                    headers=api.ana).json["id"] for n in range(3)]
    for headers in (api.bo, api.cy):
        assert api.put(f"{API}/replies/{ids[2]}/rating", json={"stars": 5},
                       headers=headers).status_code == 200
    best = api.get(f"{API}/threads/{api.thread}/replies?sort=best").json["items"]
    assert best[0]["id"] == ids[2] and best[0]["rating"]["count"] == 2
    oldest = api.get(f"{API}/threads/{api.thread}/replies?sort=oldest").json["items"]
    assert [r["id"] for r in oldest] == ids
