"""Rate limits: login per account and per address, registration, posting; 429 with Retry-After."""
import json
import os
import re
import time
import uuid

import pytest
from sqlalchemy import func, select

from forum.limit_storage import storage_uri
from forum.limits import LIMITS, MEMORY_WARNING, limit
from forum.models import Reply
from tests.conftest import SITE_TEST_CONFIG

REDIS_URL = os.environ.get("FORUM_TEST_REDIS_URL")
PASSWORD = "correct horse battery"
THREAD = {"title": "How do you close a coaching engagement well?", "lead": "Endings matter.",
          "prompts": "Review: What do you look back on?", "call_to_action": "Share.",
          "tags": "endings"}


@pytest.fixture
def limited(database_url):
    """Build standalone sites with rate limits on (the suite's fixtures turn them off)."""
    import wsgi

    apps = []

    def make(rates=None, storage="memory://"):
        app = wsgi.create_app(dict(
            SITE_TEST_CONFIG, SQLALCHEMY_DATABASE_URI=database_url, FORUM_RATELIMIT_ENABLED=True,
            FORUM_RATELIMIT_STORAGE_URI=storage, FORUM_RATELIMITS=rates or {}))
        apps.append(app)
        return app

    yield make
    for app in apps:
        with app.app_context():
            app.extensions["sqlalchemy"].engine.dispose()


def create_account(app, name, password=PASSWORD):
    from forum.services import builtin_accounts

    with app.app_context():
        builtin_accounts.create_account(name, password)


def login(client, name, password=PASSWORD):
    return client.post("/login", data={"name": name, "password": password})


def logged_in(app, name):
    """A client of app logged in as a new account."""
    create_account(app, name)
    client = app.test_client()
    assert login(client, name).status_code == 302
    return client


def assert_too_many(response, window=60):
    assert response.status_code == 429
    assert "Too many requests" in response.text
    assert 0 < int(response.headers["Retry-After"]) <= window


def test_login_is_limited_per_account_name_with_retry_after(limited):
    app = limited({"login_account": "3 per minute"})
    create_account(app, "Coach Ana")
    client = app.test_client()
    for _ in range(3):
        assert login(client, "Coach Ana", "wrong password!").status_code == 422
    assert_too_many(login(client, "Coach Ana"))  # even the right password waits now
    assert_too_many(login(client, "coach ANA"))  # same account, any case
    assert login(client, "Somebody Else").status_code == 422  # other names are not blocked
    for _ in range(3):
        login(client, "No Such Coach")
    assert_too_many(login(client, "No Such Coach"))  # unknown names look the same


def test_login_is_limited_per_address(limited):
    app = limited({"login_address": "4 per minute"})
    client = app.test_client()
    for number in range(4):
        assert login(client, f"Coach {number}").status_code == 422
    assert_too_many(login(client, "Coach Fresh"))
    other = app.test_client()
    response = other.post("/login", data={"name": "Coach Fresh", "password": "x" * 12},
                          environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert response.status_code == 422


def test_registration_is_limited_per_address(limited):
    app = limited({"register": "2 per hour"})
    client = app.test_client()
    for number in range(2):
        client.post("/logout")
        response = client.post("/register", data={
            "name": f"Coach {number}", "password": PASSWORD, "confirm": PASSWORD})
        assert response.status_code == 302
    client.post("/logout")
    assert_too_many(client.post("/register", data={
        "name": "Coach Three", "password": PASSWORD, "confirm": PASSWORD}), window=3600)
    assert client.get("/register").status_code == 200  # only submissions count


def test_posting_is_limited_per_member_and_the_refused_post_saves_nothing(limited):
    app = limited({"posting": "3 per minute"})
    ana, bo = logged_in(app, "Coach Ana"), logged_in(app, "Coach Bo")
    location = ana.post("/new", data=THREAD).headers["Location"]
    thread_id = re.search(r"/threads/(\d+)", location).group(1)
    replies = f"/threads/{thread_id}/replies"
    assert ana.post(replies, data={"body": "First thought."}).status_code == 302
    assert ana.post(replies, data={"body": "Second thought."}).status_code == 302
    assert_too_many(ana.post(replies, data={"body": "Third thought."}))
    assert_too_many(ana.post("/new", data=dict(THREAD, title="Another question, is it ok?")))
    assert bo.post(replies, data={"body": "My own view."}).status_code == 302
    with app.app_context():
        bodies = app.extensions["sqlalchemy"].session.scalars(select(Reply.body)).all()
    assert sorted(bodies) == ["First thought.", "My own view.", "Second thought."]


def test_limits_off_when_disabled(site, make_account):
    make_account("Coach Ana")
    client = site.test_client()
    for _ in range(LIMITS_MAX_TRIES):
        assert login(client, "Coach Ana", "wrong password!").status_code == 422
    assert login(client, "Coach Ana").status_code == 302


LIMITS_MAX_TRIES = 12  # above the default login_account limit of 10 per minute


def test_empty_rate_turns_one_limit_off(limited):
    app = limited({"login_account": "", "login_address": ""})
    client = app.test_client()
    for _ in range(LIMITS_MAX_TRIES):
        assert login(client, "Coach Ana").status_code == 422


def test_unknown_limit_names_fail_loudly(limited):
    with pytest.raises(RuntimeError, match="Unknown rate limit name"):
        limited({"postings": "1 per minute"})
    with pytest.raises(ValueError, match="Unknown rate limit 'likes'"):
        limit("likes")
    assert {"login_account", "login_address", "register", "posting", "rating", "flagging",
            "api"} <= set(LIMITS)


@pytest.mark.skipif(not REDIS_URL, reason="Redis tests skipped: set FORUM_TEST_REDIS_URL "
                                          "(e.g. redis://127.0.0.1:6379) to run them")
def test_redis_storage_shares_limits_between_workers(limited):
    name = f"Coach {uuid.uuid4().hex[:8]}"  # a fresh bucket, whatever earlier runs left
    first = limited({"login_account": "3 per minute"}, storage=REDIS_URL)
    second = limited({"login_account": "3 per minute"}, storage=REDIS_URL)
    for _ in range(2):
        assert login(first.test_client(), name).status_code == 422
    assert login(second.test_client(), name).status_code == 422
    assert_too_many(login(second.test_client(), name))
    assert_too_many(login(first.test_client(), name))


def api_headers(app, name):
    """Create an account and a bearer token for it."""
    from forum.builtin_login import AccountUser
    from forum.services import builtin_accounts
    from forum.services import tokens
    from forum.web.context import actor_for_user

    with app.test_request_context():
        account = builtin_accounts.create_account(name, PASSWORD)
        _, raw = tokens.create_token(actor_for_user(AccountUser(account)), "tests")
    return {"Authorization": f"Bearer {raw}"}


def test_api_calls_are_limited_per_token_with_a_json_429(limited):
    app = limited({"api": "3 per minute"})
    ana, bo = api_headers(app, "Coach Ana"), api_headers(app, "Coach Bo")
    client = app.test_client()
    for _ in range(3):
        assert client.get("/api/threads", headers=ana).status_code == 200
    refused = client.get("/api/threads", headers=ana)
    assert refused.status_code == 429
    assert refused.json["error"]["code"] == "rate_limited"
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert client.get("/api/me", headers=bo).status_code == 200


def test_api_and_pages_share_the_posting_limit(limited):
    app = limited({"posting": "2 per minute"})
    headers = api_headers(app, "Coach Ana")
    client = app.test_client()
    login(client, "Coach Ana")
    assert client.post("/new", data=THREAD).status_code == 302
    api_thread = {"title": "What do you ask in a chemistry call?", "tags": ["intake"]}
    assert client.post("/api/threads", json=api_thread, headers=headers).status_code == 201
    refused = client.post("/api/threads", json=dict(api_thread, title="One question more, ok?"),
                          headers=headers)
    assert refused.status_code == 429 and refused.json["error"]["code"] == "rate_limited"


def test_flagging_is_limited_per_member(limited):
    app = limited({"flagging": "2 per hour"})
    ana, bo = logged_in(app, "Coach Ana"), logged_in(app, "Coach Bo")
    ids = []
    for number in range(3):
        location = ana.post("/new", data=dict(THREAD, title=f"Question number {number}, ok?"))
        ids.append(re.search(r"/threads/(\d+)", location.headers["Location"]).group(1))
    for thread_id in ids[:2]:
        assert bo.post(f"/threads/{thread_id}/flag", data={"reason": "spam"}).status_code == 302
    assert_too_many(bo.post(f"/threads/{ids[2]}/flag", data={"reason": "spam"}), window=3600)
    cy = logged_in(app, "Coach Cy")  # another member's bucket is full still
    assert cy.post(f"/threads/{ids[2]}/flag", data={"reason": "spam"}).status_code == 302


def test_rating_is_limited_per_member(limited):
    app = limited({"rating": "2 per minute"})
    ana = logged_in(app, "Coach Ana")
    location = ana.post("/new", data=THREAD).headers["Location"]
    thread_id = re.search(r"/threads/(\d+)", location).group(1)
    bo = logged_in(app, "Coach Bo")
    for stars in ("4", "5"):
        assert bo.post(f"/threads/{thread_id}/rating", data={"stars": stars}).status_code == 303
    assert_too_many(bo.post(f"/threads/{thread_id}/rating", data={"stars": "3"}))
    assert ana.post(f"/threads/{thread_id}/rating", data={"stars": "3"}).status_code != 429


def new_thread_id(client, **changes):
    location = client.post("/new", data=dict(THREAD, **changes)).headers["Location"]
    return re.search(r"/threads/(\d+)", location).group(1)


def test_api_writes_take_the_same_buckets_as_their_web_twins(limited):
    app = limited({"posting": "4 per minute", "rating": "1 per minute",
                   "flagging": "1 per hour"})
    headers = api_headers(app, "Coach Ana")
    ana = app.test_client()
    login(ana, "Coach Ana")
    thread_id = new_thread_id(ana)  # posting 1
    api = app.test_client()
    made = api.post(f"/api/threads/{thread_id}/replies", json={"body": "First."},
                    headers=headers)  # posting 2
    reply_id = made.json["id"]
    assert ana.post(f"/replies/{reply_id}/edit", data={"body": "First, edited."}
                    ).status_code == 302  # posting 3
    assert api.patch(f"/api/threads/{thread_id}", json={"tags": ["closing"]},
                     headers=headers).status_code == 200  # posting 4
    for refused in (api.patch(f"/api/replies/{reply_id}", json={"body": "Again."},
                              headers=headers),
                    api.patch(f"/api/replies/{reply_id}", json={"tags": ["again"]},
                              headers=headers),
                    api.patch(f"/api/threads/{thread_id}", json={"tags": ["x"]},
                              headers=headers)):
        assert refused.status_code == 429 and refused.json["error"]["code"] == "rate_limited"
    assert_too_many(ana.post(f"/threads/{thread_id}/tags", data={"tags": "web"}))
    bo_headers = api_headers(app, "Coach Bo")
    bo = app.test_client()
    login(bo, "Coach Bo")
    assert bo.post(f"/threads/{thread_id}/rating", data={"stars": "4"}).status_code == 303
    assert api.put(f"/api/replies/{reply_id}/rating", json={"stars": 5},
                   headers=bo_headers).status_code == 429
    assert api.delete(f"/api/threads/{thread_id}/rating", headers=bo_headers).status_code == 429
    assert api.post(f"/api/threads/{thread_id}/flags", json={"reason": "spam"},
                    headers=bo_headers).status_code == 201
    assert_too_many(bo.post(f"/replies/{reply_id}/flag", data={"reason": "spam"}), window=3600)


def test_the_api_bucket_is_the_tokens_however_the_header_is_spelled(limited):
    app = limited({"api": "3 per minute"})
    token = api_headers(app, "Coach Ana")["Authorization"].split(" ", 1)[1]
    client = app.test_client()
    for spelling in ("Bearer", "bearer", "BEARER"):
        response = client.get("/api/me", headers={"Authorization": f"{spelling} {token}"})
        assert response.status_code == 200
    refused = client.get("/api/me", headers={"Authorization": f"Bearer  {token}"})
    assert refused.status_code == 429 and refused.json["error"]["code"] == "rate_limited"


def test_only_successful_posts_count_and_the_429_page_keeps_the_text(limited):
    app = limited({"posting": "2 per minute"})
    ana = logged_in(app, "Coach Ana")
    for _ in range(8):  # eight form errors: nothing saved, nothing counted
        assert ana.post("/new", data=dict(THREAD, title="Too short")).status_code == 422
    thread_id = new_thread_id(ana)
    replies = f"/threads/{thread_id}/replies"
    assert ana.post(replies, data={"body": ""}).status_code == 422
    assert ana.post(replies, data={"body": "First thought."}).status_code == 302
    refused = ana.post(replies, data={"body": "A long answer I **typed** for ten minutes.",
                                      "tags": "listening"})
    assert_too_many(refused)
    assert "A long answer I **typed** for ten minutes." in refused.text
    assert "listening" in refused.text and "Nothing was saved." in refused.text
    wait = re.search(r"You can try again in (\d+) seconds?\.", refused.text)
    assert wait and 0 < int(wait.group(1)) <= 60


def test_the_429_page_never_echoes_a_password(limited):
    app = limited({"login_account": "1 per minute"})
    client = app.test_client()
    login(client, "Coach Ana", "my secret guess")
    refused = login(client, "Coach Ana", "my other secret")
    assert_too_many(refused)
    assert "my other secret" not in refused.text and "Coach Ana" not in refused.text


def test_a_shared_counter_file_holds_the_limits_across_workers(limited, tmp_path):
    # Two apps with one counter file stand for two gunicorn workers (each has its own memory).
    shared = storage_uri(tmp_path / "rate-limits.sqlite3")
    first = limited({"login_account": "3 per minute", "posting": "2 per minute"}, shared)
    second = limited({"login_account": "3 per minute", "posting": "2 per minute"}, shared)
    create_account(first, "Coach Ana")
    for app in (first, second, first):
        assert login(app.test_client(), "Coach Ana", "wrong password!").status_code == 422
    assert_too_many(login(second.test_client(), "Coach Ana", "wrong password!"))
    bo_first, bo_second = logged_in(first, "Coach Bo"), second.test_client()
    assert login(bo_second, "Coach Bo").status_code == 302
    assert bo_first.post("/new", data=THREAD).status_code == 302
    assert bo_second.post("/new", data=dict(THREAD, title="A second question, is it ok?")
                          ).status_code == 302
    assert_too_many(bo_first.post("/new", data=dict(THREAD, title="A third question, ok?")))


def test_the_standalone_site_counts_in_a_shared_file_by_default(site):
    uri = site.config["FORUM_RATELIMIT_STORAGE_URI"]
    assert uri == storage_uri(os.path.join(site.instance_path, "rate-limits.sqlite3"))


def test_a_host_counting_in_memory_is_warned_at_start(app, caplog):
    from flask import Flask
    from flask_login import LoginManager
    from flask_sqlalchemy import SQLAlchemy

    from forum import Forum

    host = Flask("host_with_limits")
    host.config.update(SQLALCHEMY_DATABASE_URI="sqlite://", SECRET_KEY="x" * 40)
    SQLAlchemy(host)
    LoginManager(host)
    with caplog.at_level("WARNING"):
        Forum(host)
    assert MEMORY_WARNING in caplog.text and "forum-sqlite:///" in MEMORY_WARNING


@pytest.mark.slow
def test_limits_hold_under_gunicorn_with_two_workers(database_url, tmp_path):
    """The review's attack: 20 wrong logins against "10 per minute" on 2 workers."""
    import requests

    from tests.test_reliability import gunicorn_site

    with gunicorn_site(database_url, workers=2, FORUM_RATELIMIT_ENABLED="true",
                       FORUM_RATELIMITS=json.dumps({"login_account": "10 per minute"}),
                       FORUM_RATELIMIT_STORAGE_URI=storage_uri(tmp_path / "limits.sqlite3")
                       ) as base:
        statuses = [requests.post(f"{base}/login", timeout=30, data={
            "name": "Coach Ana", "password": "wrong password!"}).status_code
            for _ in range(20)]
    assert statuses == [422] * 10 + [429] * 10


def login_from(app, address, name, password=PASSWORD):
    return app.test_client().post("/login", data={"name": name, "password": password},
                                  environ_base={"REMOTE_ADDR": address})


def test_a_stranger_cannot_lock_a_coach_out(limited):
    app = limited({"login_account": "3 per minute"})
    create_account(app, "Coach Ana")
    for _ in range(3):
        assert login_from(app, "203.0.113.9", "Coach Ana", "guess guess!").status_code == 422
    assert_too_many(login_from(app, "203.0.113.9", "Coach Ana"))  # the stranger's pair
    assert login_from(app, "198.51.100.7", "Coach Ana").status_code == 302  # the coach


def test_an_account_under_attack_is_slowed_down_not_refused(limited, monkeypatch):
    from limits import parse

    from forum import limits

    monkeypatch.setattr(limits, "FAILED_LOGINS", parse("4 per minute"))
    app = limited()
    create_account(app, "Coach Ana")
    for number in range(4):  # a spread-out attack: four addresses, one guess each
        assert login_from(app, f"203.0.113.{number}", "Coach Ana", "guess guess!"
                          ).status_code == 422
    started = time.monotonic()
    assert login_from(app, "198.51.100.7", "Coach Ana").status_code == 302
    assert time.monotonic() - started >= limits.LOGIN_SLOWDOWN_S
    started = time.monotonic()
    assert login_from(app, "198.51.100.7", "Coach Bo").status_code == 422
    assert time.monotonic() - started < limits.LOGIN_SLOWDOWN_S  # other accounts: no wait


def test_logging_in_works_while_the_counters_fail(limited, monkeypatch, caplog):
    app = limited()
    create_account(app, "Coach Ana")
    strategy = app.extensions["forum_limiter"].limiter

    def unavailable(*args, **kwargs):
        raise ConnectionError("the counter storage is down")

    monkeypatch.setattr(strategy, "test", unavailable)
    monkeypatch.setattr(strategy, "hit", unavailable)
    assert login_from(app, "198.51.100.7", "Coach Ana", "guess guess!").status_code == 422
    assert login_from(app, "198.51.100.7", "Coach Ana").status_code == 302
    assert "Failed-login counter unavailable" in caplog.text


def test_previews_and_saved_drafts_do_not_count_as_posts(limited):
    app = limited({"posting": "2 per minute"})
    ana = logged_in(app, "Coach Ana")
    thread_id = new_thread_id(ana)  # one post
    replies = f"/threads/{thread_id}/replies"
    for step in ("preview", "save_draft", "preview", "save_draft"):
        assert ana.post(replies, data={"body": "Half a thought.", step: "1"}).status_code == 200
    assert ana.post(replies, data={"body": "The whole thought."}).status_code == 302
    assert_too_many(ana.post(replies, data={"body": "One too many."}))
