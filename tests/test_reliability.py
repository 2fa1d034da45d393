"""Faults and big inputs: a database error mid-request rolls back and answers kindly; huge
inputs get a 413 or a form error, fast."""
import re
import time

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from forum.models import Reply, ReplyTag, Thread
from forum.services import tokens

THREAD = {"title": "How do you handle a client who cancels often?", "lead": "Patterns.",
          "prompts": "Boundaries: What do you agree on?", "call_to_action": "Share.",
          "tags": "boundaries"}


@pytest.fixture
def failing_insert(db):
    """Make the next INSERT into a table fail like a broken disk would, until the test ends."""
    armed = {}

    def before(_conn, _cursor, statement, *_args):
        table = armed.get("table")
        if table and statement.lstrip().upper().startswith(f"INSERT INTO {table.upper()}"):
            raise OperationalError(statement, {}, Exception("simulated disk I/O error"))

    event.listen(db.engine, "before_cursor_execute", before)
    yield armed
    event.remove(db.engine, "before_cursor_execute", before)


def counts(db):
    session = db.session
    thread = session.scalar(select(Thread))
    session.refresh(thread)
    return (session.scalar(select(func.count(Reply.id))),
            session.scalar(select(func.count(ReplyTag.reply_id))), thread.reply_count)


def test_database_error_mid_request_rolls_back_and_shows_a_kind_page(
        app, db, make_user, client_for, failing_insert):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production
    client = client_for(make_user("Ana"))
    thread_url = client.post("/community/new", data=THREAD).headers["Location"]
    replies_url = re.sub(r"(/threads/\d+).*", r"\1/replies", thread_url)
    before = counts(db)
    failing_insert["table"] = "forum_reply_tag"  # fails after the reply row was written
    response = client.post(replies_url, data={"body": "Agree on a policy.", "tags": "policy"})
    assert response.status_code == 500
    assert "nothing was saved" in response.text and "Traceback" not in response.text
    assert counts(db) == before
    failing_insert["table"] = None
    again = client.post(replies_url, data={"body": "Agree on a policy.", "tags": "policy"})
    assert again.status_code == 302
    assert counts(db) == (before[0] + 1, before[1] + 1, before[2] + 1)


def test_database_error_in_the_api_is_a_json_500(app, db, make_user, actor_for, client,
                                                 failing_insert):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    _token, raw = tokens.create_token(actor_for(make_user("Ana")), "tests")
    headers = {"Authorization": f"Bearer {raw}"}
    thread = client.post("/community/api/threads", headers=headers, json={
        "title": "What do you do when a session runs over?"}).json
    before = counts(db)
    failing_insert["table"] = "forum_reply_tag"
    url = f"/community/api/threads/{thread['id']}/replies"
    response = client.post(url, headers=headers, json={"body": "I stop.", "tags": ["time"]})
    assert response.status_code == 500 and response.json["error"]["code"] == "server_error"
    assert counts(db) == before
    failing_insert["table"] = None
    assert client.post(url, headers=headers, json={"body": "I stop.", "tags": ["time"]}
                       ).status_code == 201


def timed(call):
    start = time.perf_counter()
    response = call()
    return response, time.perf_counter() - start


def test_large_inputs_get_a_form_error_or_413_fast(site, login_site):
    client = login_site("Coach Ana")
    thread_url = client.post("/new", data=THREAD).headers["Location"]
    replies_url = re.sub(r"(/threads/\d+).*", r"\1/replies", thread_url)
    longest = "Listening. " * 1818 + "ok"
    assert len(longest) == 20_000
    accepted, _ = timed(lambda: client.post(replies_url, data={"body": longest}))
    assert accepted.status_code == 302
    refused, seconds = timed(lambda: client.post(replies_url, data={"body": longest + "!"}))
    assert refused.status_code == 422 and "at most 20,000 characters" in refused.text
    assert seconds < 5
    many_tags = ", ".join(f"tag{number}" for number in range(1000))
    tagged, seconds = timed(lambda: client.post(replies_url, data={"body": "Hi.",
                                                                    "tags": many_tags}))
    assert tagged.status_code == 422 and 'class="error"' in tagged.text
    assert seconds < 5
    huge, seconds = timed(lambda: client.post(replies_url, data={"body": "x" * 5_000_000}))
    assert huge.status_code == 413 and "too large" in huge.text
    assert seconds < 5
    with site.app_context():
        bodies = site.extensions["sqlalchemy"].session.scalars(select(Reply.body)).all()
    assert bodies == [longest]


def test_huge_api_body_is_a_json_413(site, login_site):
    client = login_site("Coach Ana")
    response = client.post("/api/threads", data=b"{" + b" " * 5_000_000 + b"}",
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 413 and response.json["error"]["code"] == "too_large"
