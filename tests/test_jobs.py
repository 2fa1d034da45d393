"""Background jobs on Huey: queued with no worker, the site keeps working and the queue drains
when a worker comes; SQLite storage by default, Redis when FORUM_JOBS_URL says so (two
consumers never send an email twice); a failed send is retried with backoff and logged;
periodic jobs are registered for the worker; and the issue's "done when" scenario, answered,
emailed, counted and unsubscribed with one click, with two workers on each storage."""
import logging
import os
import re
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest
from flask_login import FlaskLoginClient
from sqlalchemy import event, func, select

from forum import jobs
from forum.models import Delivery, Notification, Reply, Thread, utcnow
from forum.services import (
    email_settings, member_follows, moderation, notifications, replies, threads,
)
from forum.web.context import actor_for_user
from tests.host import create_host_app

REDIS_URL = os.environ.get("FORUM_TEST_REDIS_URL")


def _queued_app(database_url, smtp, tmp_path, jobs_url=None):
    config = dict(smtp.config, FORUM_JOBS_IMMEDIATE=False, FORUM_JOBS_URL=jobs_url)
    app, db, _ = create_host_app(database_url, config=config, root_path=tmp_path,
                                 user_email=lambda user: f"{user.name.lower()}@example.org")
    app.test_client_class = FlaskLoginClient
    app.instance_path = str(tmp_path / "instance")
    return app, db


@pytest.fixture
def app(database_url, smtp, tmp_path):
    """The host app with jobs queued in SQLite (its instance folder), not run in requests."""
    app, db = _queued_app(database_url, smtp, tmp_path)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def _count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_site_works_with_the_worker_down_and_the_queue_drains_later(
        app, db, make_user, actor_for, client_for, smtp, tmp_path):
    huey, _ = jobs.queue(app)
    assert huey.storage.filename == str(tmp_path / "instance" / "forum-jobs.sqlite3")
    ana, ben = make_user("Ana"), make_user("Ben")
    thread = threads.start_thread(actor_for(ana), "How do you close a first session?",
                                  prompts="Endings: What do you say?", tags="endings")
    posted = client_for(ben).post(f"/community/threads/{thread.id}/replies",
                                  data={"body": "I summarise and agree one next step."})
    assert posted.status_code == 302  # posting works with no worker running
    assert _count(db, Notification) == 0 and smtp.inbox.messages == []
    assert huey.pending_count() == 2  # the two fan-outs (new thread, new contribution)

    result = app.test_cli_runner().invoke(args=["forum", "worker", "--drain"])
    assert result.exit_code == 0, result.output
    assert "Ran 4 queued job(s)" in result.output  # each fan-out queued an email sweep
    assert _count(db, Notification) == 1
    [message] = smtp.inbox.to("ana@example.org")
    assert "I summarise and agree one next step." in smtp.inbox.text(message)
    assert huey.pending_count() == 0


def test_the_worker_registers_the_periodic_jobs(app):
    huey, _ = jobs.queue(app)
    names = {task.name.rsplit(".", 1)[-1] for task in huey.read_periodic(
        datetime(2026, 1, 5, 10, 7))}
    assert {"send_digests", "deliver_batched_emails", "catch_up_fan_outs_minutely"} <= names
    hourly = {task.name for task in huey.read_periodic(datetime(2026, 1, 5, 10, 8))}
    assert not any(name.endswith("send_digests") for name in hourly)
    # #19's "How did it go?" reminders: hourly, at minute 17 (the minute sweep emails them)
    assert not any(name.endswith("send_reminders_hourly") for name in hourly)
    at_17 = {task.name for task in huey.read_periodic(datetime(2026, 1, 5, 10, 17))}
    assert any(name.endswith("send_reminders_hourly") for name in at_17)


LATER = timedelta(minutes=3)  # past notifications.FAN_OUT_GRACE


def _notices(db):
    """[(recipient name, kind, event key)] of every notice, sorted."""
    return sorted(db.session.execute(select(Notification.recipient_id, Notification.kind,
                                            Notification.event_key)).all())


def _pending_fan_outs(db):
    return [db.session.scalar(select(func.count()).where(model.fan_out_pending.is_(True)))
            for model in (Thread, Reply)]


def _post_and_lose_the_jobs(app, make_user, actor_for):
    """Ana asks (Dee follows her), Ben answers naming @Cy; then the queue loses both fan-outs
    (as Redis does when the worker holding them is killed). Returns (users, thread, reply)."""
    huey, _ = jobs.queue(app)
    ana, ben, cy, dee = (make_user(name) for name in ("Ana", "Ben", "Cy", "Dee"))
    actor_for(cy).require_member()  # a member @Cy can name
    member_follows.follow_member(actor_for(dee), actor_for(ana).require_member().id)
    jobs.drain(app)
    thread = threads.start_thread(actor_for(ana), "How do you restart a stalled client?",
                                  prompts="Momentum: What do you try first?")
    reply = replies.add_reply(actor_for(ben), thread.id, "Ask what changed. @Cy knows this one.")
    assert huey.pending_count() == 2  # the two fan-outs...
    huey.flush()  # ...lost
    return (ana, ben, cy, dee), thread, reply


def test_a_lost_fan_out_is_redone_by_the_catch_up_once_and_emailed(
        app, db, make_user, actor_for, smtp):
    (ana, ben, cy, dee), thread, reply = _post_and_lose_the_jobs(app, make_user, actor_for)
    assert _pending_fan_outs(db) == [1, 1]
    assert notifications.catch_up_fan_outs() == 0  # within the grace period: the job may run
    assert _notices(db) == []
    assert notifications.catch_up_fan_outs(now=utcnow() + LATER) == 2
    ids = {user.name: actor_for(user).require_member().id for user in (ana, cy, dee)}
    assert _notices(db) == sorted([
        (ids["Ana"], "question_reply", f"reply:{reply.id}"),
        (ids["Cy"], "mention", f"reply:{reply.id}"),
        (ids["Dee"], "member_thread", f"thread:{thread.id}"),
    ])  # each recipient once; Ben, the author, not at all
    assert _pending_fan_outs(db) == [0, 0]
    assert notifications.catch_up_fan_outs(now=utcnow() + LATER) == 0  # done: nothing to redo
    assert jobs.drain(app) == 2  # the email sweep each redone fan-out queued
    # per the default settings: a question's answer and a mention by email now, the rest in
    # the digest
    [to_ana] = smtp.inbox.to("ana@example.org")
    assert "Ask what changed." in smtp.inbox.text(to_ana)
    assert len(smtp.inbox.to("cy@example.org")) == 1
    assert smtp.inbox.to("dee@example.org") == []
    assert 'Notifications <span class="badge">1' in app.test_client(user=cy).get(
        "/community/").text


def test_the_catch_up_and_the_queued_job_together_notify_once(
        app, db, make_user, actor_for, smtp):
    huey, _ = jobs.queue(app)
    ana, ben = make_user("Ana"), make_user("Ben")
    thread = threads.start_thread(actor_for(ana), "How do you pace a first session?",
                                  prompts="Pace: How fast?")
    replies.add_reply(actor_for(ben), thread.id, "Slowly, with one question at a time.")
    # the worker was down past the grace period: the catch-up and the queue both run them
    assert notifications.catch_up_fan_outs(now=utcnow() + LATER) == 2
    assert notifications.catch_up_fan_outs(now=utcnow() + LATER) == 0
    assert huey.pending_count() == 4  # the two fan-outs, and the sweeps the catch-up queued
    jobs.drain(app)
    notices = _notices(db)
    assert [kind for _recipient, kind, _key in notices] == ["question_reply"]
    assert len(smtp.inbox.to("ana@example.org")) == 1


def test_concurrent_runs_of_one_fan_out_write_each_notice_once(
        app, db, make_user, actor_for):
    ana, ben = make_user("Ana"), make_user("Ben")
    thread = threads.start_thread(actor_for(ana), "How do you pace a second session?",
                                  prompts="Pace: How fast?")
    reply = replies.add_reply(actor_for(ben), thread.id, "Check in on the last homework.")
    db.session.remove()
    start, errors = threading.Barrier(3), []

    def run():
        with app.app_context():
            try:
                start.wait(10)
                notifications.fan_out_reply(reply.id)
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                db.session.remove()

    runners = [threading.Thread(target=run) for _ in range(3)]
    for runner in runners:
        runner.start()
    for runner in runners:
        runner.join(30)
    assert errors == []
    assert [kind for _recipient, kind, _key in _notices(db)] == ["question_reply"]
    assert _pending_fan_outs(db) == [1, 0]  # the thread's own fan-out is still queued


def test_the_catch_up_announces_nothing_hidden_since(app, db, make_user, actor_for):
    (ana, ben, cy, dee), thread, reply = _post_and_lose_the_jobs(app, make_user, actor_for)
    mod = make_user("Mo", staff=True)
    moderation.hide_reply(actor_for(mod), reply.id, "Names a client")
    moderation.hide_thread(actor_for(mod), thread.id, "Off topic")
    jobs.drain(app)
    before = _notices(db)  # the moderation notices to Ana and Ben
    assert {kind for _recipient, kind, _key in before} == {"moderation"}
    assert notifications.catch_up_fan_outs(now=utcnow() + LATER) == 0
    assert _notices(db) == before
    assert _pending_fan_outs(db) == [0, 0]  # marked done: restoring them later announces nothing


def test_posting_writes_the_marker_in_its_insert_with_no_statement_more(
        app, db, make_user, actor_for):
    ana, ben = make_user("Ana"), make_user("Ben")
    actor_for(ben).require_member()
    statements = []

    def record(_connection, _cursor, statement, *_args):
        statements.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        thread = threads.start_thread(actor_for(ana), "How do you open a first session?",
                                      prompts="Openings: What do you say?")
        replies.add_reply(actor_for(ben), thread.id, "I ask what brought them here today.")
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    marker = [statement.split(" (")[0] for statement in statements
              if "fan_out_pending" in statement and not statement.startswith("SELECT")]
    assert marker == ["INSERT INTO forum_thread", "INSERT INTO forum_reply"]  # no UPDATE
    assert _pending_fan_outs(db) == [1, 1]


def test_the_worker_explains_immediate_mode(database_url, smtp, tmp_path):
    app, db = _queued_app(database_url, smtp, tmp_path)
    app.config["FORUM_JOBS_IMMEDIATE"] = True
    result = app.test_cli_runner().invoke(args=["forum", "worker", "--drain"])
    assert result.exit_code == 1
    assert "FORUM_JOBS_IMMEDIATE is on" in result.output
    with app.app_context():
        db.engine.dispose()


def test_a_bad_jobs_url_is_refused_by_name(database_url, smtp, tmp_path):
    app, db = _queued_app(database_url, smtp, tmp_path, jobs_url="amqp://queue")
    with app.app_context():
        with pytest.raises(RuntimeError, match="FORUM_JOBS_URL='amqp://queue'"):
            jobs.queue(app)
        db.engine.dispose()


@pytest.mark.skipif(not REDIS_URL, reason="set FORUM_TEST_REDIS_URL to test Redis storage")
def test_two_consumers_drain_one_redis_queue_without_doubles(
        database_url, smtp, tmp_path, request):
    app, db = _queued_app(database_url, smtp, tmp_path, jobs_url=REDIS_URL)
    with app.app_context():
        huey, _ = jobs.queue(app)
        huey.flush()
        request.addfinalizer(huey.flush)
        ana, ben = app.host_user_model(name="Ana"), app.host_user_model(name="Ben")
        db.session.add_all([ana, ben])
        db.session.commit()
        asker, answerer = actor_for_user(ana), actor_for_user(ben)
        for number in range(8):
            thread = threads.start_thread(asker, f"Question number {number} on pacing?",
                                          prompts="Pace: How fast?", tags="pacing")
            replies.add_reply(answerer, thread.id, f"Answer {number}: slow down.")
        db.session.remove()
    assert huey.pending_count() == 16

    def consume():
        while huey.pending_count():
            jobs.drain(app)

    workers = [threading.Thread(target=consume) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    with app.app_context():
        subjects = [message["Subject"] for message in smtp.inbox.to("ana@example.org")]
        assert len(subjects) == 8 and len(set(subjects)) == 8
        assert _count(db, Delivery) == 8
        db.session.remove()
        db.engine.dispose()


def test_a_failed_send_is_retried_with_backoff_and_logged(app, db, make_user, actor_for, smtp,
                                                           caplog):
    huey, _ = jobs.queue(app)
    ana, ben = make_user("Ana"), make_user("Ben")
    thread = threads.start_thread(actor_for(ana), "How do you end a coaching contract?",
                                  prompts="Endings: What do you say?")
    jobs.drain(app)
    smtp.inbox.refuse = True  # the mail server answers "try again later"
    replies.add_reply(actor_for(ben), thread.id, "Name what changed, then say goodbye.")
    started = datetime.now(timezone.utc).replace(tzinfo=None)
    with caplog.at_level(logging.ERROR, logger="forum.email"):
        assert jobs.drain(app) == 2  # the fan-out, then the sweep that fails
    assert "it will be retried" in caplog.text and smtp.inbox.messages == []
    [retry] = huey.scheduled()
    delays = [(retry.eta - started).total_seconds()]
    assert huey.read_schedule(retry.eta) == [retry]  # due then: the worker runs it
    started = datetime.now(timezone.utc).replace(tzinfo=None)
    huey.execute(retry, timestamp=retry.eta)  # refused again
    [second] = huey.scheduled()
    delays.append((second.eta - started).total_seconds())
    assert [round(delay) for delay in delays] == [60, 120]  # a minute, then twice as long
    assert huey.read_schedule(second.eta) == [second]
    smtp.inbox.refuse = False
    huey.execute(second, timestamp=second.eta)
    assert huey.scheduled() == [] and huey.pending_count() == 0
    [message] = smtp.inbox.to("ana@example.org")
    assert "Name what changed" in smtp.inbox.text(message)


STORAGES = ["sqlite", pytest.param("redis", marks=pytest.mark.skipif(
    not REDIS_URL, reason="set FORUM_TEST_REDIS_URL to test Redis storage"))]


def _run_workers(huey, done, count=2, seconds=30):
    """Run `count` Huey consumers (as `flask forum worker` does) until done() or the time is up."""
    consumers = [huey.create_consumer(workers=1, worker_type="thread", periodic=False,
                                      initial_delay=0.05, max_delay=0.2)
                 for _ in range(count)]
    for consumer in consumers:
        consumer._set_signal_handlers = lambda: None  # the test runner keeps its own signals
        consumer.start()
    try:
        deadline = time.monotonic() + seconds
        while not done() and time.monotonic() < deadline:
            time.sleep(0.05)
        while huey.pending_count() and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        for consumer in consumers:
            consumer.stop(graceful=True)


@pytest.mark.parametrize("storage", STORAGES)
def test_done_when_a_coach_is_emailed_sees_the_count_and_unsubscribes_in_one_click(
        database_url, smtp, tmp_path, request, storage):
    """#16's scenario with two workers: jobs in SQLite (no extra service) or Redis, on each
    database."""
    app, db = _queued_app(database_url, smtp, tmp_path,
                          jobs_url=REDIS_URL if storage == "redis" else None)
    huey, _ = jobs.queue(app)
    huey.flush()
    request.addfinalizer(huey.flush)
    with app.app_context():
        ana, ben, cy = (app.host_user_model(name=name) for name in ("Ana", "Ben", "Cy"))
        db.session.add_all([ana, ben, cy])
        db.session.commit()
        coach, answerer, another = (app.test_client(user=user) for user in (ana, ben, cy))
        asked = coach.post("/community/new", data={
            "title": "How do you handle a client who cancels at the last minute?",
            "prompts": "Boundaries: What do you agree up front?"})
        assert asked.status_code == 302, asked.text
        replies_path = re.sub(r"(/threads/\d+)/.*", r"\1/replies", asked.headers["Location"])
        answered = answerer.post(replies_path, data={
            "body": "Agree a cancellation rule in the first session."})
        assert answered.status_code == 302, answered.text
        db.session.remove()
    _run_workers(huey, lambda: smtp.inbox.to("ana@example.org"))
    [message] = smtp.inbox.to("ana@example.org")
    assert message["Subject"].startswith("Ben contributed to your question: ")
    assert "Agree a cancellation rule" in smtp.inbox.text(message)
    header = coach.get("/community/").text
    assert 'Notifications <span class="badge">1<span class="visually-hidden"> unread' in header

    url = "".join(message["List-Unsubscribe"].split()).strip("<>")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    clicked = app.test_client().post(  # the mail program's one click: no session, no CSRF
        url.removeprefix("https://coach.example"), data="List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert clicked.status_code == 200
    with app.app_context():
        member_id = db.session.scalar(select(Notification.recipient_id))
        assert email_settings.settings_of(member_id)["kinds"]["question_reply"] == "off"
        again = another.post(replies_path, data={"body": "Charge the session, kindly."})
        assert again.status_code == 302
        db.session.remove()
    _run_workers(huey, lambda: False, seconds=3)
    assert len(smtp.inbox.to("ana@example.org")) == 1  # that kind is off now...
    assert 'Notifications <span class="badge">2' in coach.get("/community/").text  # ...not notices
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
