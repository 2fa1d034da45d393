"""Bad input gets a 4xx in the forum's error shape, never a 500 (issue 15, item 7)."""
import io
import json

import pytest

from forum.services import threads
from tests.test_api import API  # noqa: F401  (the API prefix the suite mounts)

HUGE = "99999999999999999999"


@pytest.fixture
def thread(app, make_user, actor_for):
    ana = actor_for(make_user("Ana"))
    return threads.start_thread(ana, "How do you end a session that overruns?", tags=["time"])


@pytest.mark.parametrize("path", [
    f"/community/?page={HUGE}", f"/community/tags/time?page={HUGE}",
    f"/community/search?q=session&page={HUGE}", f"/community/threads/{HUGE}",
    f"/community/threads/{HUGE}/some-slug", f"/community/replies/{HUGE}/history",
])
def test_huge_numbers_in_pages_are_a_404_page(client, thread, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_a_huge_page_of_a_thread_is_a_404(client, thread):
    response = client.get(f"/community/threads/{thread.id}?page={HUGE}", follow_redirects=True)
    assert response.status_code == 404


@pytest.mark.parametrize("value", [HUGE, "-5", "0"])
def test_tag_page_refuses_impossible_replies_before(client, thread, value):
    response = client.get(f"/community/tags/time?replies_before={value}")
    assert response.status_code == 400
    assert "That request did not work" in response.text


def test_huge_ids_in_the_api_are_a_json_404(client, thread):
    response = client.get(f"{API}/threads/{HUGE}")
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"


def test_json_nested_100000_deep_is_a_json_400(app, make_user, thread):
    ana = app.test_client(user=make_user("Bo"))
    body = "[" * 100_000 + "]" * 100_000
    response = ana.post(f"{API}/threads/{thread.id}/replies", data=body,
                        content_type="application/json")
    assert response.status_code == 400
    assert response.json["error"] == {"code": "bad_request",
                                      "message": "The body is nested too deeply."}


def test_a_chunked_api_body_cannot_pass_the_256_kib_limit(app, make_user, thread):
    ana = app.test_client(user=make_user("Bo"))
    big = json.dumps({"body": "x" * (300 * 1024)}).encode()
    # What a server hands on for a chunked body: no Content-Length, a stream that ends.
    response = ana.post(f"{API}/threads/{thread.id}/replies", input_stream=io.BytesIO(big),
                        headers={"Content-Type": "application/json",
                                 "Transfer-Encoding": "chunked"},
                        environ_overrides={"wsgi.input_terminated": True})
    assert response.status_code == 413, response.json
    assert response.json["error"]["code"] == "too_large"
