"""#16's "done when" with real processes: two `flask --app wsgi forum worker` processes on one
Redis queue and one PostgreSQL, a real SMTP server on loopback, the site in this process with
CSRF on. The site works with no worker; the queue drains when workers come; one worker killed
with SIGKILL loses and doubles nothing; the email's one-click unsubscribe works logged out."""
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from forum import jobs
from forum.database import atomic, session
from forum.models import Account, Delivery, Member, Notification, utcnow
from forum.services import builtin_accounts, email_settings
from tests.conftest import _empty_postgres

REDIS_URL = os.environ.get("FORUM_TEST_REDIS_URL")  # this xdist worker's own db (tests/workers.py)
pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.skipif(
    not REDIS_URL, reason="worker processes share a Redis queue: set FORUM_TEST_REDIS_URL")]
ROOT = Path(__file__).resolve().parent.parent
SECRET = "worker-processes-share-this-long-secret-key-42"
PASSWORD = "correct horse battery staple"
PUBLIC_URL = "https://coach.example"
CLAIM_SECONDS = 3  # FORUM_EMAIL_CLAIM_MINUTES here: a dead worker's claim is taken over after
META_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
FORM_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
BADGE = re.compile(r'Notifications <span class="badge">(\d+)<span class="visually-hidden"> unread')
# huey's own log lines: "Executing <name>: <id>[ 3 retries]", "<name>: <id>[ 3 retries] executed
# in 0.012s" or "Unhandled exception in task <id>."
STARTED = re.compile(r"Executing \S+: ([0-9a-f-]{36})")
FINISHED = re.compile(r": ([0-9a-f-]{36})(?: \d+ retries)? executed in "
                      r"|Unhandled exception in task ([0-9a-f-]{36})")


@pytest.fixture
def site(postgres_ready, smtp, tmp_path):
    """The standalone site on PostgreSQL (emptied) with jobs queued in Redis (flushed)."""
    import redis
    import wsgi

    with redis.Redis.from_url(REDIS_URL) as client:
        client.flushdb()
    _empty_postgres(postgres_ready)
    app = wsgi.create_app(dict(
        smtp.config, TESTING=True, SECRET_KEY=SECRET, SQLALCHEMY_DATABASE_URI=postgres_ready,
        FORUM_JOBS_IMMEDIATE=False, FORUM_JOBS_URL=REDIS_URL, FORUM_EMAIL_BATCH_MINUTES=0,
        FORUM_RATELIMIT_ENABLED=False, FORUM_CONFIDENTIALITY="off"))
    yield app
    with app.app_context():
        huey = app.extensions["forum"].jobs
        if huey is not None:
            huey[0].storage.conn.connection_pool.disconnect()
        app.extensions["sqlalchemy"].session.remove()
        app.extensions["sqlalchemy"].engine.dispose()


class Worker:
    """One `flask --app wsgi forum worker` process, its log in its own file."""

    def __init__(self, env, log_path):
        self.log_path = log_path
        self.log = open(log_path, "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "forum", "worker", "--workers", "1"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def text(self):
        return self.log_path.read_text(errors="replace")

    def running(self):
        """Whether it is alive and its consumer has started."""
        if self.process.poll() is not None:
            raise AssertionError(f"the worker exited:\n{self.text()[-3000:]}")
        return "Huey consumer started" in self.text()

    def in_flight(self):
        """Ids of the jobs it started and has not finished."""
        text = self.text()
        finished = {a or b for a, b in FINISHED.findall(text)}
        return set(STARTED.findall(text)) - finished

    def kill(self):
        """As a machine dies: SIGKILL, no chance to finish anything."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)  # graceful: running jobs finish
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()


def worker_env(database_url, smtp):
    """What a systemd unit would give the worker: the site's database, queue, key and mail."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("FORUM_", "MAIL_"))}
    env.update(
        DATABASE_URL=database_url, SECRET_KEY=SECRET, FORUM_ENV="development",
        FORUM_JOBS_URL=REDIS_URL, FORUM_JOBS_WORKERS="1", FORUM_EMAIL_BATCH_MINUTES="0",
        FORUM_EMAIL_CLAIM_MINUTES=str(CLAIM_SECONDS / 60),
        FORUM_RATELIMIT_STORAGE_URI=REDIS_URL, FORUM_CONFIDENTIALITY="off",
        FORUM_PUBLIC_URL=PUBLIC_URL, PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1",
        **{key: str(value) for key, value in smtp.config.items() if key.startswith("MAIL_")})
    return env


def wait_until(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def log_in(app, name):
    """A client of the site with a session from the real log-in form (CSRF on)."""
    client = app.test_client()
    token = FORM_CSRF.search(client.get("/login").text).group(1)
    response = client.post("/login", data={"name": name, "password": PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302, response.text[:300]
    return client


def post(client, path, **data):
    """A form POST with the CSRF token of the member's current page (the index: reading a
    thread would mark its notices read)."""
    token = META_CSRF.search(client.get("/").text).group(1)
    response = client.post(path, data=dict(data, csrf_token=token))
    assert response.status_code == 302, response.text[:500]
    return response.headers["Location"]


def ask(client, title):
    """Ask a question; its replies path."""
    location = post(client, "/new", title=title, prompts="Boundaries: What do you agree up front?")
    return re.sub(r"(/threads/\d+)/.*", r"\1/replies", location)


def unread_count(client):
    match = BADGE.search(client.get("/").text)
    return int(match.group(1)) if match else 0


def test_two_worker_processes_email_once_survive_a_kill_and_honour_one_click_unsubscribe(
        site, smtp, tmp_path, postgres_ready):
    with site.app_context():
        for name in ("Ana", "Ben", "Cy", "Dee"):
            builtin_accounts.create_account(name, PASSWORD)
        with atomic():  # Ana has a verified address (the others none: their notices stay in-app)
            ana_account = session().scalar(select(Account).where(Account.name == "Ana"))
            ana_account.email, ana_account.email_verified_at = "ana@example.org", utcnow()
            ana_key = f"account:{ana_account.id}"
    ana, ben, cy, dee = (log_in(site, name) for name in ("Ana", "Ben", "Cy", "Dee"))
    huey, _ = jobs.queue(site)
    inbox = smtp.inbox

    def to_ana():
        return inbox.to("ana@example.org")

    def ana_text():
        return "\n".join(inbox.text(message) for message in to_ana())

    # (1) No worker: asking and answering work, nothing is emailed, the jobs wait.
    question = ask(ana, "How do you handle a client who cancels at the last minute?")
    post(ben, question, body="Agree a cancellation rule in the first session.")
    page = ben.get(question.removesuffix("/replies"), follow_redirects=True)
    assert page.status_code == 200 and "Agree a cancellation rule" in page.text
    assert huey.pending_count() == 2  # the two fan-outs
    assert to_ana() == [] and unread_count(ana) == 0

    env = worker_env(postgres_ready, smtp)
    workers = []
    try:
        # (2) Two worker processes come: the queue drains, Ana gets exactly one email.
        workers = [Worker(env, tmp_path / f"worker{n}.log") for n in range(2)]
        wait_until(lambda: all(worker.running() for worker in workers), 15, "both workers")

        def settled(*live):
            return (huey.pending_count() == 0
                    and not any(worker.in_flight() for worker in live))

        wait_until(lambda: to_ana() and settled(*workers), 10, "the first email")
        [message] = to_ana()
        assert message["Subject"].startswith("Ben contributed to your question: ")
        assert "Agree a cancellation rule" in inbox.text(message)
        assert unread_count(ana) == 1

        # (3) The worker sending the next email dies (SIGKILL) before the mail server answers;
        # the other carries on, and takes the dead worker's claim over once it is
        # FORUM_EMAIL_CLAIM_MINUTES old: every notice is emailed, each exactly once.
        second = ask(ana, "What do you say when a client goes quiet for a month?")
        inbox.delay = 5  # the mail server is slow to answer
        post(cy, question, body="Charge the session, kindly.")
        wait_until(lambda: inbox.receiving == 2, 10, "the second email on the wire")
        wait_until(lambda: [worker.in_flight() for worker in workers].count(set()) == 1, 5,
                   "one worker sending, one idle")
        sender = next(worker for worker in workers if worker.in_flight())
        survivor = next(worker for worker in workers if worker is not sender)
        sender.kill()
        killed_at = time.monotonic()
        inbox.delay = 0
        answers = [(dee, question, "Offer one reschedule, then charge."),
                   (ben, second, "Send one short check-in, then wait.")]
        for client, path, body in answers:
            post(client, path, body=body)
        wait_until(lambda: all(body in ana_text() for *_, body in answers)
                   and settled(survivor), 10, "the answers' emails")
        if time.monotonic() - killed_at < CLAIM_SECONDS:  # its claim is young: a live worker
            assert "Charge the session" not in ana_text()  # might still be sending it
        time.sleep(max(0, killed_at + CLAIM_SECONDS + 0.5 - time.monotonic()))
        answers.append((cy, second, "Ask what changed for them."))
        post(cy, second, body=answers[-1][2])  # the sweep after it takes the old claim over
        bodies = ["Agree a cancellation rule", "Charge the session, kindly."] + [
            body for *_, body in answers]
        wait_until(lambda: all(body in ana_text() for body in bodies) and settled(survivor), 10,
                   "every notice's email")
        time.sleep(0.5)  # a double would come from a second sweep: give it the chance
        text = ana_text()
        for body in bodies:
            assert text.count(body) == 1, (body, [m["Subject"] for m in to_ana()])
        ids = [message["Message-ID"] for message in to_ana()]
        assert len(set(ids)) == len(ids)
        assert unread_count(ana) == 5
        with site.app_context():
            member_id = session().scalar(select(Member.id).where(
                Member.user_key == ana_key))
            statuses = session().execute(select(Delivery.status).join(
                Notification, Notification.id == Delivery.notification_id).where(
                Notification.recipient_id == member_id, Delivery.channel == "email")).scalars()
            assert sorted(statuses) == ["sent"] * 5  # one delivery per notice, each sent
            session().remove()

        # (4) One click in the mail program, logged out: that kind is off, notices still count.
        latest = to_ana()[-1]
        assert latest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        url = "".join(latest["List-Unsubscribe"].split()).strip("<>")
        assert url.startswith(PUBLIC_URL + "/email/unsubscribe/")
        clicked = site.test_client().post(  # no session, no CSRF token: what RFC 8058 sends
            url.removeprefix(PUBLIC_URL), data="List-Unsubscribe=One-Click",
            headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert clicked.status_code == 200
        with site.app_context():
            assert email_settings.settings_of(member_id)["kinds"]["question_reply"] == "off"
            session().remove()
        emailed = len(to_ana())
        post(dee, second, body="Name the pattern gently.")
        wait_until(lambda: unread_count(ana) == 6 and settled(survivor), 10,
                   "the last answer's notice")
        time.sleep(0.5)
        assert len(to_ana()) == emailed  # no email for the kind turned off...
        assert unread_count(ana) == 6  # ...but the notice is there, counted in the header
        assert survivor.process.poll() is None
        assert "Traceback" not in survivor.text(), survivor.text()[-3000:]
    finally:
        for worker in workers:
            worker.stop()
