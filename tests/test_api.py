"""The JSON API for threads and contributions: same rules as the pages, JSON errors only."""
import pytest

from forum.services import tokens

API = "/community/api"
THREAD = {"title": "How do you close a coaching session well?", "lead": "Endings *matter*.",
          "prompts": [{"label": "Summary", "text": "Who summarizes, coach or client?"},
                      {"label": "Next step", "text": "How concrete is the commitment?"}],
          "call_to_action": "Share your closing ritual.", "tags": ["endings", "Rituals"]}


def bearer_for(actor_for, user):
    """Authorization headers with a fresh personal token of user."""
    _token, raw = tokens.create_token(actor_for(user), "tests")
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def api(client, make_user, actor_for):
    """A client plus bearer headers for a member ("Ana") and a moderator ("Mo")."""
    client.ana = bearer_for(actor_for, make_user("Ana"))
    client.mo = bearer_for(actor_for, make_user("Mo", staff=True))
    return client


def test_create_and_read_a_thread(api):
    created = api.post(f"{API}/threads", json=THREAD, headers=api.ana)
    assert created.status_code == 201
    thread = created.json
    assert thread["id"] > 0 and thread["title"] == THREAD["title"]
    assert thread["html"] == "<p>Endings <em>matter</em>.</p>\n"
    assert [p["label"] for p in thread["prompts"]] == ["Summary", "Next step"]
    assert sorted(thread["tags"]) == ["Rituals", "endings"]
    assert thread["rating"]["count"] == 0 and thread["rating"]["average"] is None
    assert thread["author"]["display_name"] == "Ana"
    fetched = api.get(f"{API}/threads/{thread['id']}").json
    assert fetched["call_to_action"] == "Share your closing ritual."
    listing = api.get(f"{API}/threads?tag=rituals&sort=newest").json
    assert [t["id"] for t in listing["items"]] == [thread["id"]] and listing["total"] == 1


def test_reply_round_trip_sanitizes_and_tags(api):
    thread_id = api.post(f"{API}/threads", json=THREAD, headers=api.ana).json["id"]
    body = "I ask <script>alert(1)</script> **one** question. #closing"
    created = api.post(f"{API}/threads/{thread_id}/replies", headers=api.mo,
                       json={"body": body, "tags": ["endings"], "prompt": 1})
    assert created.status_code == 201
    reply = created.json
    assert reply["body"] == body and "<script>" not in reply["html"]
    assert "<strong>one</strong>" in reply["html"]
    assert sorted(reply["tags"]) == ["closing", "endings"] and reply["prompt"] == 1
    assert api.get(f"{API}/replies/{reply['id']}").json["html"] == reply["html"]
    page = api.get(f"{API}/threads/{thread_id}/replies").json
    assert [r["id"] for r in page["items"]] == [reply["id"]]
    assert api.get(f"{API}/threads/{thread_id}").json["reply_count"] == 1


@pytest.mark.parametrize("payload, status, field", [
    ({"title": "short"}, 422, "title"),
    ({"title": 42}, 422, "title"),
    ({"title": "A long enough question?", "tags": ["x"]}, 422, "tags"),
    ({"title": "A long enough question?", "surprise": 1}, 422, None),
])
def test_invalid_threads_are_422_with_the_field(api, payload, status, field):
    response = api.post(f"{API}/threads", json=payload, headers=api.ana)
    assert response.status_code == status
    assert response.json["error"]["code"] == "invalid"
    assert response.json["error"].get("field") == field
    assert api.get(f"{API}/threads").json["total"] == 0


def test_errors_are_json_never_html(api):
    cases = [
        (api.get(f"{API}/threads/999"), 404, "not_found"),
        (api.get(f"{API}/threads/99999999999"), 404, "not_found"),
        (api.get(f"{API}/no/such/thing"), 404, "not_found"),
        (api.delete(f"{API}/threads"), 405, "method_not_allowed"),
        (api.post(f"{API}/threads", json=THREAD), 401, "unauthorized"),
        (api.get(f"{API}/me"), 401, "unauthorized"),
        (api.post(f"{API}/threads", data="{not json", headers=dict(
            api.ana, **{"Content-Type": "application/json"})), 400, "bad_request"),
        (api.post(f"{API}/threads", data="x" * 300_000, headers=api.ana), 413, "too_large"),
        (api.get(f"{API}/threads?sort=sideways"), 422, "invalid"),
        (api.get(f"{API}/threads?page=0"), 422, "invalid"),
    ]
    for response, status, code in cases:
        assert response.status_code == status, response.text
        assert response.is_json and response.json["error"]["code"] == code
        assert response.json["error"]["message"]


def test_locked_thread_is_409(api, db):
    from forum.models import Thread

    thread_id = api.post(f"{API}/threads", json=THREAD, headers=api.ana).json["id"]
    db.session.get(Thread, thread_id).is_locked = True
    db.session.commit()
    response = api.post(f"{API}/threads/{thread_id}/replies", json={"body": "Hi"},
                        headers=api.ana)
    assert response.status_code == 409 and response.json["error"]["code"] == "conflict"


def test_hidden_threads_and_replies_are_404_for_members(api, db):
    from forum.models import Reply, Thread

    thread_id = api.post(f"{API}/threads", json=THREAD, headers=api.ana).json["id"]
    reply_id = api.post(f"{API}/threads/{thread_id}/replies", json={"body": "Hello there"},
                        headers=api.ana).json["id"]
    db.session.get(Reply, reply_id).is_hidden = True
    db.session.commit()
    assert api.get(f"{API}/replies/{reply_id}", headers=api.ana).status_code == 404
    assert api.get(f"{API}/replies/{reply_id}", headers=api.mo).status_code == 200
    db.session.get(Thread, thread_id).is_hidden = True
    db.session.commit()
    assert api.get(f"{API}/threads/{thread_id}").status_code == 404
    assert api.get(f"{API}/threads").json["total"] == 0
    assert api.get(f"{API}/threads/{thread_id}", headers=api.mo).status_code == 200


def test_tags_lists_canonical_tags_with_counts(api):
    api.post(f"{API}/threads", json=THREAD, headers=api.ana)
    tags = {t["slug"]: t["thread_count"] for t in api.get(f"{API}/tags").json["items"]}
    assert tags == {"endings": 1, "rituals": 1}


def test_session_mutations_need_the_csrf_header(app, make_user, client_for):
    app.config["WTF_CSRF_ENABLED"] = True
    ana = client_for(make_user("Ana"))
    assert ana.get(f"{API}/me").json["auth"] == "session"
    refused = ana.post(f"{API}/threads", json=THREAD)
    assert refused.status_code == 400 and refused.json["error"]["code"] == "csrf_failed"
    page = ana.get("/community/")
    import re

    token = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)
    accepted = ana.post(f"{API}/threads", json=THREAD, headers={"X-CSRFToken": token})
    assert accepted.status_code == 201


def test_bearer_calls_need_no_csrf(api, app):
    app.config["WTF_CSRF_ENABLED"] = True
    assert api.post(f"{API}/threads", json=THREAD, headers=api.ana).status_code == 201


def test_api_is_exempt_from_a_host_wide_csrf_check(database_url):
    from flask_wtf.csrf import CSRFProtect

    from tests.host import create_host_app

    app, db, _user = create_host_app(database_url, config={"WTF_CSRF_ENABLED": True, "WTF_CSRF_CHECK_DEFAULT": True})
    CSRFProtect(app)  # the host's own, app-wide, made after Forum(app)
    with app.app_context():
        response = app.test_client().post(f"{API}/threads", json=THREAD)
        assert response.status_code == 401 and response.is_json
        db.engine.dispose()


def test_rate_limited_calls_get_a_json_429(database_url):
    from flask import abort, request

    from tests.host import create_host_app

    app, db, _user = create_host_app(database_url)

    @app.before_request
    def over_the_limit():
        if request.path.startswith(f"{API}/"):
            abort(429, "Too many requests: 60 per 1 minute.")

    with app.app_context():
        response = app.test_client().get(f"{API}/threads")
        assert response.status_code == 429 and response.is_json
        assert response.json["error"] == {"code": "rate_limited",
                                          "message": "Too many requests: 60 per 1 minute."}
        db.engine.dispose()


def test_list_query_counts_do_not_grow(api, count_queries):
    thread_id = api.post(f"{API}/threads", json=THREAD, headers=api.ana).json["id"]
    api.post(f"{API}/threads/{thread_id}/replies", json={"body": "One #a1"}, headers=api.ana)
    api.get(f"{API}/threads", headers=api.ana)
    counts = []
    for extra in (0, 6):
        for n in range(extra):
            api.post(f"{API}/threads/{thread_id}/replies", headers=api.mo,
                     json={"body": f"More {n} #t{n}", "prompt": n % 2})
            api.post(f"{API}/threads", headers=api.mo,
                     json=dict(THREAD, title=f"{THREAD['title']} {n}"))
        with count_queries() as replies_page:
            response = api.get(f"{API}/threads/{thread_id}/replies", headers=api.ana)
            assert response.status_code == 200
        with count_queries() as threads_page:
            assert api.get(f"{API}/threads", headers=api.ana).status_code == 200
        counts.append((replies_page[0], threads_page[0]))
    assert counts[0] == counts[1], counts
