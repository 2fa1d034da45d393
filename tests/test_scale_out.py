"""Two standalone instances (two gunicorn processes on two ports, as two machines would run
them) sharing one PostgreSQL and one Redis, under load, with one instance killed and restarted;
and a database outage the site rides out by itself. Loopback only, bounded in time."""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.conftest import MIGRATION_SEEDS, _forum_tables

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
REDIS_URL = os.environ.get("FORUM_TEST_REDIS_URL")
ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery staple"
CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
FORM_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@pytest.fixture
def services(postgres_ready):
    """PostgreSQL (emptied) and Redis (its test database flushed), or a visible skip."""
    if not REDIS_URL:
        pytest.skip("two-instance tests need Redis: set FORUM_TEST_REDIS_URL")
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    engine = create_engine(postgres_ready)
    with engine.begin() as connection:
        connection.execute(text(
            f"TRUNCATE {', '.join(_forum_tables())} RESTART IDENTITY CASCADE"))
        for statement in MIGRATION_SEEDS:
            connection.execute(text(statement))
    yield postgres_ready, engine
    engine.dispose()


def free_port():
    """A loopback port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def site_env(database_url, **extra):
    """The environment of every instance: one database, one Redis, one secret key."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("FORUM_")}
    env.update(
        DATABASE_URL=database_url, SECRET_KEY="two-instances-share-this-long-secret-key-42",
        FORUM_ENV="production", FORUM_SECURE_COOKIES="false",  # plain HTTP on the loopback
        FORUM_RATELIMIT_STORAGE_URI=REDIS_URL, FORUM_CACHE_URL=REDIS_URL,
        FORUM_CONFIDENTIALITY="off", PYTHONPATH=str(ROOT),
        FORUM_RATELIMITS=json.dumps({"login_account": "3 per minute", "posting": "", "rating": ""}),
        **extra)
    return env


class Instance:
    """One standalone site: `gunicorn -c gunicorn.conf.py wsgi:app` on its own port."""

    def __init__(self, env, log):
        self.env, self.log = env, log
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None

    def start(self, timeout=40):
        self.launch()
        return self.wait(timeout)

    def launch(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
             "--workers", "1", "--bind", f"127.0.0.1:{self.port}", "wsgi:app"],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=self.log, start_new_session=True)

    def wait(self, timeout=40):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.flush()
                tail = Path(self.log.name).read_text()[-2000:]
                raise AssertionError(f"gunicorn exited:\n{tail}")
            try:
                if httpx.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise AssertionError("instance did not become healthy")

    def kill(self):
        """As a machine dies: SIGKILL to the master and its workers at once."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def instances(tmp_path):
    """Start instances with start(env); all are stopped afterwards."""
    started = []
    log = open(tmp_path / "gunicorn.log", "ab")

    def start(*envs):
        """One instance per environment, launched together; all healthy when this returns."""
        new = [Instance(env, log) for env in envs]
        for instance in new:
            instance.launch()
            started.append(instance)
        for instance in new:
            instance.wait()
        return new if len(new) > 1 else new[0]
    yield start
    for instance in started:
        instance.stop()
    log.close()


def seed(database_url):
    """Accounts (members and a moderator) and a thread with contributions, via the services."""
    os.environ.setdefault("FORUM_ENV", "development")
    import wsgi
    from forum.builtin_login import AccountUser
    from forum.services import builtin_accounts, replies, threads
    from forum.web.context import actor_for_user

    app = wsgi.create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True,
                           "SECRET_KEY": "seed", "FORUM_CONFIDENTIALITY": "off"})
    names = [f"member{n}" for n in range(4)] + ["moddy"]
    with app.test_request_context():
        for name in names:
            builtin_accounts.create_account(name, PASSWORD,
                                            role="moderator" if name == "moddy" else "member")
        actor = actor_for_user(AccountUser(builtin_accounts.find_account("member0")))
        thread = threads.start_thread(actor, "How do you restart momentum with a client?")
        reply_ids = [replies.add_reply(actor, thread.id, f"Seed contribution {n}.").id
                     for n in range(6)]
        path = f"/threads/{thread.id}/{thread.slug}"
        app.extensions["sqlalchemy"].session.remove()
        app.extensions["sqlalchemy"].engine.dispose()
    return names, thread.id, path, reply_ids


def log_in(base_url, name, password=PASSWORD):
    """An httpx client with a session from the real log-in form (any instance accepts it)."""
    client = httpx.Client(base_url=base_url, timeout=10)
    token = FORM_CSRF.search(client.get("/login").text).group(1)
    response = client.post("/login", data={"name": name, "password": password,
                                           "csrf_token": token})
    assert response.status_code == 302, response.text[:300]
    return client


class Load:
    """Readers and writers spread over every instance; every answer and acknowledgement kept."""

    def __init__(self, urls, sessions, thread_id, path, reply_ids):
        self.urls, self.sessions = urls, sessions
        self.thread_id, self.path, self.reply_ids = thread_id, path, reply_ids
        self.statuses = {url: [] for url in urls}
        self.refused = {url: 0 for url in urls}  # connection errors: an instance was down
        self.replies, self.ratings, self.hidden = [], [], []
        self.stop = threading.Event()
        self.lock = threading.Lock()

    def _send(self, url, client, method, path, **kwargs):
        try:
            response = client.request(method, url + path, **kwargs)
        except httpx.TransportError:
            with self.lock:
                self.refused[url] += 1
            return None
        with self.lock:
            self.statuses[url].append(response.status_code)
        return response

    def member(self, index, name):
        """One member's loop: read the thread, post a reply, rate a contribution."""
        client = self.sessions[name]
        n = 0
        while not self.stop.is_set():
            url = self.urls[(index + n) % len(self.urls)]
            n += 1
            page = self._send(url, client, "GET", self.path)
            if page is None or page.status_code != 200:
                time.sleep(0.05)
                continue
            token = CSRF.search(page.text).group(1)
            marker = f"load-{uuid.uuid4().hex[:12]}"
            posted = self._send(url, client, "POST", f"/threads/{self.thread_id}/replies",
                                data={"body": f"Tried it: {marker}.", "csrf_token": token})
            if posted is not None and posted.status_code in (302, 303):
                with self.lock:
                    self.replies.append(marker)
            target = self.reply_ids[n % len(self.reply_ids)]
            rated = self._send(url, client, "POST", "/ratings",
                               data={f"reply-{target}": str(1 + n % 5), "csrf_token": token})
            if rated is not None and rated.status_code in (302, 303):
                with self.lock:
                    self.ratings.append((name, target, 1 + n % 5))

    def moderator(self, name):
        """The moderator hides one seed contribution after another."""
        client = self.sessions[name]
        for n, reply_id in enumerate(self.reply_ids[3:]):
            if self.stop.is_set():
                return
            url = self.urls[n % len(self.urls)]
            page = self._send(url, client, "GET", self.path)
            if page is None or page.status_code != 200:
                continue
            hidden = self._send(url, client, "POST", f"/replies/{reply_id}/hide",
                                data={"reason": "Names a client", "csrf_token":
                                      CSRF.search(page.text).group(1)})
            if hidden is not None and hidden.status_code in (302, 303):
                with self.lock:
                    self.hidden.append(reply_id)
            time.sleep(1)


def test_two_instances_share_everything_and_survive_losing_one(services, instances):
    url, engine = services
    names, thread_id, path, reply_ids = seed(url)
    env = site_env(url)
    first, second = instances(env, env)
    urls = [first.url, second.url]

    # A session from one instance works on the other (one secret key, signed cookies).
    sessions = {name: log_in(first.url, name) for name in names}
    assert "Log out" in sessions["member1"].get(second.url + path).text

    load = Load(urls, sessions, thread_id, path, reply_ids)
    workers = [threading.Thread(target=load.member, args=(i, name))
               for i, name in enumerate(names[:4])]
    workers.append(threading.Thread(target=load.moderator, args=("moddy",)))
    for worker in workers:
        worker.start()
    try:
        time.sleep(2)
        second.kill()  # one machine dies mid-run...
        time.sleep(1)
        second.start()  # ...and comes back (same port)
        time.sleep(2)
    finally:
        load.stop.set()
        for worker in workers:
            worker.join(timeout=30)

    assert not [s for s in load.statuses[first.url] if s >= 500], "5xx from the live instance"
    assert not [s for s in load.statuses[second.url] if s >= 500]
    assert len(load.statuses[second.url]) > 0 and load.refused[first.url] == 0
    assert len(load.replies) >= 4 and load.ratings and load.hidden

    with engine.connect() as connection:  # every acknowledged write is there (recount)
        bodies = connection.execute(text(
            "SELECT body FROM forum_reply WHERE thread_id = :t"), {"t": thread_id}).scalars().all()
        stored = {marker for body in bodies for marker in re.findall(r"load-[0-9a-f]{12}", body)}
        assert set(load.replies) <= stored
        last = {}
        for name, target, stars in load.ratings:
            last[(name, target)] = stars
        rows = connection.execute(text(
            "SELECT a.name, r.reply_id, r.stars FROM forum_rating r "
            "JOIN forum_member m ON m.id = r.member_id "
            "JOIN forum_account a ON m.user_key = 'account:' || a.id::text")).all()
        assert {(n, t): s for n, t, s in rows if (n, t) in last} == last
        hidden = connection.execute(text(
            "SELECT id FROM forum_reply WHERE is_hidden")).scalars().all()
        assert set(load.hidden) <= set(hidden)

    # A write on one instance shows on the other's next page view (visitor: page cache on).
    visitor = httpx.Client(timeout=10)
    assert visitor.get(second.url + path).status_code == 200  # now cached on the second
    page = sessions["member2"].get(first.url + path)
    marker = f"cross-{uuid.uuid4().hex[:8]}"
    posted = sessions["member2"].post(f"{first.url}/threads/{thread_id}/replies", data={
        "body": f"Seen everywhere: {marker}.", "csrf_token": CSRF.search(page.text).group(1)})
    assert posted.status_code in (302, 303)
    where = posted.headers["Location"].split("#")[0]  # the page the new reply is on
    where = where if where.startswith("/") else httpx.URL(where).raw_path.decode()
    assert marker in visitor.get(second.url + where).text
    assert marker in sessions["member3"].get(second.url + where).text

    # Rate limits count across both: three tries per minute for one account name, in all.
    for base in (first.url, second.url, first.url):
        attempt = httpx.Client(base_url=base, timeout=10)
        token = FORM_CSRF.search(attempt.get("/login").text).group(1)
        assert attempt.post("/login", data={"name": "stranger", "password": "wrong",
                                            "csrf_token": token}).status_code == 422
    attempt = httpx.Client(base_url=second.url, timeout=10)
    token = FORM_CSRF.search(attempt.get("/login").text).group(1)
    assert attempt.post("/login", data={"name": "stranger", "password": "wrong",
                                        "csrf_token": token}).status_code == 429
    for client in list(sessions.values()) + [visitor]:
        client.close()


class CuttableProxy:
    """A TCP proxy to PostgreSQL that can be cut (every link dropped, new ones refused) and
    restored: what the app sees when the database restarts, without restarting the shared one."""

    def __init__(self, target_port):
        self.target = ("127.0.0.1", target_port)
        self.port = free_port()
        self.links = []
        self.listener = None
        self.lock = threading.Lock()

    def open(self):
        self.listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()
        return self

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self.lock:
                if self.listener is not listener:  # cut while this link was being made
                    client.close()
                    upstream.close()
                    return
                self.links += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for sock in (source, sink):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut(self):
        with self.lock:
            listener, self.listener = self.listener, None
            links, self.links = self.links, []
        listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread: no new links
        listener.close()
        for sock in links:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:  # its pipe already shut it down
                pass
            sock.close()


def test_a_database_outage_gets_the_friendly_503_and_recovers_by_itself(services, instances):
    url, _ = services
    names, thread_id, path, _ = seed(url)
    from sqlalchemy.engine import make_url

    real = make_url(url)
    proxy = CuttableProxy(real.port or 5432).open()
    site = instances(site_env(real.set(host="127.0.0.1", port=proxy.port)
                              .render_as_string(hide_password=False)))
    member = log_in(site.url, names[1])
    page = member.get(site.url + path)
    assert page.status_code == 200
    try:
        proxy.cut()
        during = [member.get(site.url + path) for _ in range(3)]
        assert {r.status_code for r in during} == {503}
        assert "Back in a moment" in during[-1].text and during[-1].headers["Retry-After"]
        assert httpx.get(site.url + "/healthz").status_code == 503
        posted = member.post(f"{site.url}/threads/{thread_id}/replies",
                             data={"body": "During the outage.",
                                   "csrf_token": CSRF.search(page.text).group(1)})
        assert posted.status_code == 503  # never a 500, never half-saved
    finally:
        proxy.open()  # the database is back
    deadline = time.monotonic() + 15
    while member.get(site.url + path).status_code != 200:
        assert time.monotonic() < deadline, "the site did not recover by itself"
        time.sleep(0.3)
    assert httpx.get(site.url + "/healthz").json()["status"] == "ok"
    member.close()
