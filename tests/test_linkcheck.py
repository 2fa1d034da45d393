"""Link health: `flask forum check-links` against a local HTTP server (never the internet)."""
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from forum.models import RelatedLink
from forum.services import related, threads


class Handler(BaseHTTPRequestHandler):
    """Answers by path: ok, redirect, missing, error, slow, no-head."""

    seen = []

    def _answer(self, with_body):
        try:
            self._respond(with_body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the checker gave up (timeout) or only needed the headers

    def _respond(self, with_body):
        Handler.seen.append((self.command, self.path, self.headers.get("User-Agent")))
        if self.path == "/slow":
            time.sleep(1.5)
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
