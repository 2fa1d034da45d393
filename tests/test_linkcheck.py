"""Link health: `flask forum check-links` against a local HTTP server (never the internet)."""
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from forum.models import RelatedLink
from forum.services import linkfetch, outbound, related, threads

# Stands for a public web server in tests: checked as public, then reached on 127.0.0.1.
PUBLIC_IP = "93.184.215.14"


class Handler(BaseHTTPRequestHandler):
    """Answers by path: ok, redirect, missing, error, slow, no-head, drip, to-loopback."""

    seen = []
    loopback = ""  # where /to-loopback sends the checker

    def _answer(self, with_body):
        try:
            self._respond(with_body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the checker gave up (timeout) or only needed the headers

    def _respond(self, with_body):
        Handler.seen.append((self.command, self.path, self.headers.get("User-Agent")))
        if self.path == "/slow":
            time.sleep(1.5)
        if self.path == "/drip":
            return self._drip()
        if self.path == "/to-loopback":
            self.send_response(302)
            self.send_header("Location", Handler.loopback)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/ok")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        status = {"/ok": 200, "/missing": 404, "/error": 500, "/slow": 200}.get(self.path, 200)
        if self.path == "/no-head" and self.command == "HEAD":
            status = 405
        body = b"coaching notes"
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def _drip(self):
        """One header line every 0.3 s: each read is quick, the whole answer never ends."""
        self.wfile.write(b"HTTP/1.1 200 OK\r\n")
        for number in range(40):
            self.wfile.write(f"X-Drip-{number}: still coming\r\n".encode())
            self.wfile.flush()
            time.sleep(0.3)

    def do_HEAD(self):
        self._answer(False)

    def do_GET(self):
        self._answer(True)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    """A local HTTP server on a free port, stopped after the test."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    Handler.seen = []
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def links(app, make_user, actor_for, server):
    """A thread whose reading list points at each kind of answer, plus an unreachable port."""
    app.config.update(FORUM_LINK_CHECK_ALLOW_PRIVATE=True)  # the servers here are local
    mo = actor_for(make_user("Mo", staff=True))
    thread = threads.start_thread(mo, "Which reading helped your first year of coaching?")
    made = {}
    for name in ("ok", "redirect", "missing", "error", "slow", "no-head"):
        made[name] = related.add_link(mo, thread.id, "Life Coaching", f"{name}?",
                                      url=f"{server}/{name}").id
    made["refused"] = related.add_link(mo, thread.id, "Life Coaching", "closed?",
                                       url="http://127.0.0.1:9/closed").id
    return thread, made


def test_check_links_records_status_final_url_and_errors(app, db, links, server):
    thread, made = links
    app.config.update(FORUM_LINK_CHECK_TIMEOUT=0.5, FORUM_LINK_CHECK_CONCURRENCY=3)
    started = time.monotonic()
    result = app.test_cli_runner().invoke(args=["forum", "check-links"])
    elapsed = time.monotonic() - started
    assert result.exit_code == 0, result.output
    assert "Checked 7 links: 4 broken." in result.output
    # not a terminal: one plain progress line a link (a bar on a terminal: test_cli_progress)
    assert result.stderr.splitlines() == [f"Checking: {n}/7" for n in range(1, 8)]
    db.session.expire_all()
    rows = {link.id: link for link in db.session.scalars(select(RelatedLink))}
    ok, moved = rows[made["ok"]], rows[made["redirect"]]
    assert (ok.check_status, ok.check_error) == (200, None) and ok.checked_at is not None
    assert moved.check_status == 200 and moved.check_final_url == f"{server}/ok"
    assert rows[made["missing"]].check_status == 404
    assert rows[made["error"]].check_status == 500
    assert rows[made["slow"]].check_error == "Timed out" and rows[made["slow"]].check_status is None
    assert rows[made["no-head"]].check_status == 200
    assert rows[made["refused"]].check_error.startswith("Could not connect")
    assert ("GET", "/no-head") in [(method, path) for method, path, _ in Handler.seen]
    assert {agent for _, _, agent in Handler.seen} == {
        f"CoachingForumLinkChecker/0.1.0 (+checks 'More relevant reading' links)"}
    assert elapsed < 6


def test_broken_links_marked_for_moderators_only(app, db, links, client_for, make_user):
    thread, made = links
    app.config.update(FORUM_LINK_CHECK_TIMEOUT=0.5)
    app.test_cli_runner().invoke(args=["forum", "check-links"])
    mo = client_for(db.session.scalar(select(app.host_user_model).where(
        app.host_user_model.name == "Mo")))
    page = mo.get(f"/community/threads/{thread.id}", follow_redirects=True).text
    assert page.count("Broken link:") == 4 and "Broken link: HTTP 404" in page
    listing = mo.get("/community/moderation/links")
    assert listing.status_code == 200 and "missing?" in listing.text
    assert "ok?" not in listing.text and "Timed out" in listing.text
    member = client_for(make_user("Ana"))
    assert "Broken link" not in member.get(f"/community/threads/{thread.id}",
                                           follow_redirects=True).text
    assert member.get("/community/moderation/links").status_code == 403


def test_editing_the_address_clears_the_old_check(app, db, links, actor_for):
    thread, made = links
    app.config.update(FORUM_LINK_CHECK_TIMEOUT=0.5)
    app.test_cli_runner().invoke(args=["forum", "check-links"])
    mo = actor_for(db.session.scalar(select(app.host_user_model)))
    link = related.update_link(mo, made["missing"], "Life Coaching", "fixed?",
                               url="https://example.org/fixed")
    assert link.checked_at is None and link.check_status is None


@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "10.1.2.3",
    "172.16.0.1", "192.168.1.1", "169.254.169.254", "fe80::1", "fc00::1", "100.64.0.1",
    "0.0.0.0", "::", "224.0.0.1", "ff02::1", "240.0.0.1", "255.255.255.255", "192.0.2.1",
    "2002:7f00:1::", "64:ff9b::a00:1", "2001:db8::1",
])
def test_non_public_addresses_are_refused(address):
    assert not outbound.is_public(address)


@pytest.mark.parametrize("address", [PUBLIC_IP, "8.8.8.8", "2606:4700:4700::1111"])
def test_public_addresses_pass(address):
    assert outbound.is_public(address)


def test_every_spelling_of_a_private_address_is_refused_unfetched(app, server):
    port = server.rsplit(":", 1)[1]
    hosts = ["127.0.0.1", "localhost", "2130706433", "0x7f000001", "127.1", "[::1]",
             "[::ffff:127.0.0.1]", "0.0.0.0", "169.254.169.254", "224.0.0.1", "240.0.0.1"]
    urls = [f"http://{host}:{port}/missing" for host in hosts]
    results = linkfetch.check_urls(urls + ["http://127.0.0.1:9/closed"], 2, 4)
    assert {url: (r.status, r.error) for url, r in results.items()} == {
        url: (None, "not a public address") for url in urls + ["http://127.0.0.1:9/closed"]}
    assert Handler.seen == []


@pytest.fixture
def public_name(monkeypatch):
    """"coach-blog.example" resolves to PUBLIC_IP once (then to 127.0.0.1, as a rebinding DNS
    would), and a connection to PUBLIC_IP lands on 127.0.0.1; returns (answers, connected to)."""
    real_resolve, real_connect = socket.getaddrinfo, socket.create_connection
    answers, connected = [PUBLIC_IP], []

    def getaddrinfo(host, port, *args, **kwargs):
        if host == "coach-blog.example":
            address = answers.pop(0) if answers else "127.0.0.1"
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]
        return real_resolve(host, port, *args, **kwargs)

    def create_connection(address, *args, **kwargs):
        connected.append(address[0])
        host = "127.0.0.1" if address[0] == PUBLIC_IP else address[0]
        return real_connect((host, address[1]), *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    return answers, connected


def test_the_connection_goes_to_the_address_that_was_checked(app, server, public_name):
    port = server.rsplit(":", 1)[1]
    result = linkfetch.fetch(f"http://coach-blog.example:{port}/ok", 2)
    assert (result.status, result.error) == (200, None)
    assert public_name[1] == [PUBLIC_IP]  # not the name, which now answers 127.0.0.1


def test_a_redirect_to_a_private_address_is_refused(app, server, public_name):
    port = server.rsplit(":", 1)[1]
    answers, connected = public_name
    for target in (f"{server}/ok", f"http://[::1]:{port}/ok", f"http://2130706433:{port}/ok",
                   f"http://coach-blog.example:{port}/ok"):  # the name now answers 127.0.0.1
        answers[:], connected[:], Handler.seen = [PUBLIC_IP], [], []
        Handler.loopback = target
        result = linkfetch.fetch(f"http://coach-blog.example:{port}/to-loopback", 2)
        assert (result.status, result.error) == (None, "not a public address")
        assert [path for _, path, _ in Handler.seen] == ["/to-loopback"]
        assert connected == [PUBLIC_IP]


def test_a_dripping_server_cannot_hold_a_url_past_its_deadline(app, db, links, server,
                                                               actor_for):
    thread, made = links
    mo = actor_for(db.session.scalar(select(app.host_user_model)))
    link = related.update_link(mo, made["ok"], "Life Coaching", "drip?", url=f"{server}/drip")
    app.config.update(FORUM_LINK_CHECK_TIMEOUT=1.0, FORUM_LINK_CHECK_CONCURRENCY=8)
    started = time.monotonic()
    result = app.test_cli_runner().invoke(args=["forum", "check-links"])
    assert result.exit_code == 0, result.output
    assert time.monotonic() - started < 3  # 40 lines x 0.3 s = 12 s without the deadline
    db.session.expire_all()
    assert db.session.get(RelatedLink, link.id).check_error == "Timed out"


def test_moderators_see_only_not_a_public_address_for_refused_links(
        app, db, links, client_for):
    thread, made = links
    app.config.update(FORUM_LINK_CHECK_TIMEOUT=0.5, FORUM_LINK_CHECK_ALLOW_PRIVATE=False)
    result = app.test_cli_runner().invoke(args=["forum", "check-links"])
    assert "Checked 7 links: 7 broken." in result.output
    mo = client_for(db.session.scalar(select(app.host_user_model).where(
        app.host_user_model.name == "Mo")))
    listing = mo.get("/community/moderation/links").text
    assert listing.count("not a public address") == 7
    for leak in ("HTTP 404", "HTTP 500", "Could not connect", "refused", "Timed out"):
        assert leak not in listing
    assert Handler.seen == []
