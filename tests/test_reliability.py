"""Faults and big inputs: a database error mid-request rolls back and answers kindly; huge
inputs get a 413 or a form error, fast."""
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, event, func, select
from sqlalchemy.exc import OperationalError

from forum.models import Reply, ReplyTag, Thread
from forum.services import tokens

ROOT = Path(__file__).resolve().parent.parent
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
    # The requests shared this test's app context, so read through its session, fresh.
    db_session = site.extensions["sqlalchemy"].session
    db_session.rollback()
    assert db_session.scalars(select(Reply.body)).all() == [longest]


def test_huge_api_body_is_a_json_413(site, login_site):
    client = login_site("Coach Ana")
    response = client.post("/api/threads", data=b"{" + b" " * 5_000_000 + b"}",
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 413 and response.json["error"]["code"] == "too_large"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn_site(database_url, workers=3, **settings):
    """The standalone site under gunicorn on a free loopback port, production settings except
    CSRF and rate limits (the load client is a script, not a browser); `settings` adds or
    overrides environment variables."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FORUM_", "FLASK_"))}
    env.update(DATABASE_URL=database_url, SECRET_KEY="load-test-" + "k9Xq2Lp7Wz4Rt8Vb" * 3,
               FORUM_RATELIMIT_ENABLED="false", PYTHONPATH=str(ROOT),
               FORUM_SECURE_COOKIES="false")  # plain HTTP on the loopback
    env.update(settings)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--timeout", "60", "wsgi:create_app({'WTF_CSRF_ENABLED': False})"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/", timeout=20).status_code == 200:
                    break
            except httpx.TransportError:  # refused, reset or timed out while workers boot
                pass
            assert server.poll() is None, server.stdout.read().decode()
            assert time.monotonic() < deadline, "gunicorn did not start in 60 s"
            time.sleep(0.2)
        yield base
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        server.stdout.close()


@pytest.mark.slow
def test_several_workers_mixed_load_no_5xx_and_no_lost_write(database_url):
    """120 mixed requests from 6 threads: zero 5xx, and every acknowledged write is stored."""
    rng = random.Random(8)
    with gunicorn_site(database_url) as base, ExitStack() as clients:
        members = []
        for number in range(4):
            member = clients.enter_context(httpx.Client(follow_redirects=True))
            response = member.post(base + "/register", follow_redirects=False, timeout=30, data={
                "name": f"Coach {number}", "password": "load test password",
                "confirm": "load test password"})
            assert response.status_code == 302, response.text
            members.append(member)
        threads, replies, statuses = [], [], []
        for member in members:
            made = member.post(base + "/new", data=THREAD, follow_redirects=False, timeout=30)
            threads.append(int(re.search(r"/threads/(\d+)", made.headers["Location"]).group(1)))

        def one(step):
            member = members[step % len(members)]
            roll = rng.random()
            if roll < 0.45:
                url = base + (f"/threads/{rng.choice(threads)}" if roll < 0.3 else "/")
                response = member.get(url, timeout=30)
            elif roll < 0.9:
                response = member.post(f"{base}/threads/{rng.choice(threads)}/replies",
                                       data={"body": f"Load reply {step}.", "tags": "load"},
                                       follow_redirects=False, timeout=30)
                if response.status_code == 302:
                    replies.append(int(response.headers["Location"].split("#reply-")[1]))
            else:
                response = member.post(base + "/new", data=dict(
                    THREAD, title=f"Load question number {step}?"), follow_redirects=False,
                    timeout=30)
                if response.status_code == 302:
                    threads.append(int(re.search(r"/threads/(\d+)",
                                                 response.headers["Location"]).group(1)))
            statuses.append(response.status_code)

        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=6) as pool:
            list(pool.map(one, range(120)))
        elapsed = time.monotonic() - started
    assert not [status for status in statuses if status >= 500], statuses
    assert len(statuses) == 120 and elapsed < 60
    engine = create_engine(database_url)
    with engine.connect() as connection:
        stored = set(connection.scalars(select(Reply.id)))
        assert set(replies) <= stored and len(stored) == len(replies)
        assert set(threads) <= set(connection.scalars(select(Thread.id)))
        counted = dict(connection.execute(
            select(Reply.thread_id, func.count(Reply.id)).group_by(Reply.thread_id)).all())
        for thread_id, reply_count in connection.execute(select(Thread.id, Thread.reply_count)):
            assert reply_count == counted.get(thread_id, 0)
    engine.dispose()
