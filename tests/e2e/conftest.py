"""End-to-end fixtures: the standalone site on 127.0.0.1 and Debian's Chromium driven by Playwright.

One server and one browser per session keep the suite fast; every test gets a fresh browser
context (its own cookies) and fails on any console error, CSP violation or server exception.
Which other files share a session, and in what order, changes with xdist's deal: a test makes
what it changes or looks for in a list (fresh_thread, seed_thread, unique names) and finds items
by id or name, never by position; demo_thread is read-only, checked after every test using it.
"""
import itertools
import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from flask import got_request_exception, request_started, request_tearing_down
from werkzeug.serving import WSGIRequestHandler, make_server

HERE = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("FORUM_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
AXE_DIR = HERE / ".npm"
AXE_JS = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = HERE / "screenshots"
PASSWORD = "correct horse battery"
IN_CI = os.environ.get("FORUM_TEST_REQUIRE_POSTGRES") == "1"
_names = itertools.count(1)


def pytest_collection_modifyitems(items):
    """Every test in tests/e2e/ carries the e2e marker (select with -m e2e, skip with -m 'not e2e')."""
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


def unavailable(reason):
    """Skip with a visible reason on a developer machine; fail in CI, where the browser must be."""
    if IN_CI:
        pytest.fail(f"{reason} (CI must run the browser tests: .ci/run installs chromium)")
    pytest.skip(reason)


def unique(prefix):
    """A name no other test in this session uses (the server and database are shared); the
    number has a fixed width, so no name is the start of another (Coach0001, never Coach1 and
    Coach12, which a substring or prefix match would confuse)."""
    return f"{prefix}{next(_names):04d}"


@pytest.fixture(scope="session")
def playwright_driver():
    """Playwright's driver (its bundled browsers are never downloaded or used)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("e2e tests skipped: playwright is not installed (pip install -e '.[dev]')")
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright_driver):
    """Debian's Chromium, headless, launched once per session."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        unavailable(f"e2e tests skipped: Chromium not found at {CHROMIUM} "
                    "(apt-get install chromium, or set FORUM_TEST_CHROMIUM)")
    browser = playwright_driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


class LiveSite:
    """The running standalone site: its base URL, its Flask app, and what went wrong on it."""

    def __init__(self, app, base_url):
        self.app = app
        self.base_url = base_url
        self.exceptions = []
        self._busy = 0  # requests being served right now
        self._idle = threading.Condition()

    def url(self, path="/"):
        """Absolute URL of a path on the site."""
        return self.base_url + path

    def create_account(self, name=None, role="member"):
        """A built-in account made directly through the service (for roles the UI cannot grant)."""
        from forum.services import builtin_accounts

        name = name or unique("Coach")
        with self.app.app_context():
            builtin_accounts.create_account(name, PASSWORD, role=role)
        return name

    def actor(self, name):
        """The service-layer Actor of an account, to seed content without the browser."""
        from forum.builtin_login import AccountUser
        from forum.services import builtin_accounts
        from forum.web.context import actor_for_user

        return actor_for_user(AccountUser(builtin_accounts.find_account(name)))

    def _record(self, sender, exception, **extra):
        """Remember an exception raised while serving a request (the test then fails)."""
        self.exceptions.append(repr(exception))

    def _started(self, sender, **extra):
        """Count a request in (request_started)."""
        with self._idle:
            self._busy += 1

    def _finished(self, sender, **extra):
        """Count a request out (request_tearing_down, sent for every request, failed or not)."""
        with self._idle:
            self._busy -= 1
            self._idle.notify_all()

    def wait_idle(self, timeout=5):
        """Wait until no request is being served, so what a test's pages set off is over (and
        blamed on that test, not the next) before it is checked."""
        with self._idle:
            return self._idle.wait_for(lambda: self._busy <= 0, timeout=timeout)


class _QuietHandler(WSGIRequestHandler):
    """Werkzeug's request handler without one log line per request."""

    def log_request(self, *args, **kwargs):
        """Stay quiet: pytest shows failures, not access logs."""


@pytest.fixture(scope="session")
def live_site(tmp_path_factory):
    """wsgi.create_app on a temporary SQLite file, CSRF on, rate limits off, the site's own strict
    Content-Security-Policy, served in a thread."""
    import wsgi
    from forum import migrate

    path = tmp_path_factory.mktemp("e2e") / "site.sqlite3"
    app = wsgi.create_app({
        "SECRET_KEY": "e2e-secret-key-" + "x" * 32,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
        "WTF_CSRF_ENABLED": True,
        "FORUM_RATELIMIT_ENABLED": False,
        "FORUM_SECURE_COOKIES": False,  # plain HTTP on the loopback
    })
    with app.app_context():
        migrate.upgrade()
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    site = LiveSite(app, f"http://127.0.0.1:{server.server_port}")
    got_request_exception.connect(site._record, app)
    request_started.connect(site._started, app)
    request_tearing_down.connect(site._finished, app)
    thread = threading.Thread(target=server.serve_forever, name="e2e-site", daemon=True)
    thread.start()
    yield site
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        app.extensions["sqlalchemy"].engine.dispose()


@pytest.fixture(scope="session")
def axe_source():
    """axe-core's source, installed from the npm registry into tests/e2e/.npm when missing."""
    if not AXE_JS.exists():
        npm = shutil.which("npm")
        if npm is None:
            unavailable("axe tests skipped: npm is not installed")
        result = subprocess.run(
            [npm, "install", "--prefix", str(AXE_DIR), "--no-audit", "--no-fund", "axe-core@4"],
            capture_output=True, text=True, timeout=180)
        if result.returncode != 0 or not AXE_JS.exists():
            unavailable(f"axe tests skipped: npm install axe-core failed: {result.stderr[-500:]}")
    return AXE_JS.read_text(encoding="utf-8")


class PageProblems:
    """Console errors, uncaught page errors and failed same-site requests seen by one page."""

    def __init__(self, site):
        self.site = site
        self.messages = []

    def watch(self, page):
        """Listen to a page's console, script errors and responses."""
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.messages.append(f"page error: {error}"))
        page.on("response", self._response)

    def _console(self, message):
        """Record console errors (CSP violations are reported here too)."""
        if message.type == "error":
            where = message.location.get("url", "")
            self.messages.append(f"console error: {message.text} (at {where})")

    def _response(self, response):
        """A 5xx from our own site is a bug even when the page hides it."""
        if response.url.startswith(self.site.base_url) and response.status >= 500:
            self.messages.append(f"{response.status} from {response.url}")

    def expect(self, fragment):
        """Accept (and forget) console errors containing fragment: an expected 4xx, say."""
        self.messages = [m for m in self.messages if fragment not in m]


@pytest.fixture
def new_context(browser, live_site, problems):
    """Factory for browser contexts on the site (fresh cookies), closed after the test and
    before `problems` is checked (which depends on it for that order)."""
    contexts = []

    def make(**options):
        options.setdefault("base_url", live_site.base_url)
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def problems(live_site):
    """What went wrong in the browser or on the server during this test; must stay empty."""
    seen = PageProblems(live_site)
    before = len(live_site.exceptions)
    yield seen
    live_site.wait_idle()  # the test's contexts are closed: let their last requests finish
    server_errors = live_site.exceptions[before:]
    assert not server_errors, f"the server raised: {server_errors}"
    assert not seen.messages, "problems in the browser:\n" + "\n".join(seen.messages)


@pytest.fixture
def page(new_context, problems):
    """A page in a fresh context, watched for console errors and CSP violations."""
    page = new_context().new_page()
    problems.watch(page)
    return page


@pytest.fixture
def open_page(new_context, problems):
    """Factory for more watched pages: open_page(color_scheme="dark", viewport=...)."""
    def make(**options):
        page = new_context(**options).new_page()
        problems.watch(page)
        return page
    return make


def log_in(page, name, password=PASSWORD):
    """Log in through the real form and wait for the front page."""
    page.goto("/login")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")


def run_axe(page, axe_source):
    """Run axe-core in the page; return the serious and critical violations, readable."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source)
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in violations if v["impact"] in ("serious", "critical")
    ]


DEMO_THREAD = {
    "title": "A client keeps cancelling sessions: how do you rebuild commitment?",
    "lead": ("Late cancellations rarely mean a client has stopped caring. More often the "
             "sessions have drifted away from what matters to them. Before you raise the "
             "cancellation policy, try this:"),
    "prompts": ("Name the pattern: Describe what you notice, without blame, and ask what it means.\n"
                "Reconnect to the why: Revisit the goal the client came with and check it still fits.\n"
                "Shrink the next step: Agree on one action small enough to finish before the next call."),
    "call_to_action": "What has helped you bring a drifting client back? Share what worked.",
    "tags": "commitment, accountability",
}
DEMO_REPLIES = [
    ("**Ask, don't assume.** I say what I see (three moves in a month) and ask what is "
     "getting in the way. Twice it was a new job, not a lack of interest.", 0, "active listening"),
    ("We went back to the intake notes together. The goal had changed:\n\n"
     "- from *get promoted* to *keep my evenings*\n- so we rewrote the plan around that\n\n"
     "Attendance came back within two sessions.", 1, "goal setting, values"),
    ("> One action before the next call.\n\nThat line works for me too; I also send a short "
     "recap after each session so the step is in writing.", 2, ""),
]


def seed_thread(site, title=DEMO_THREAD["title"], replies=DEMO_REPLIES,
                tags=DEMO_THREAD["tags"]):
    """A thread in the discussion format with contributions, made through the services."""
    from forum.services import replies as reply_service
    from forum.services import threads

    author, other = site.create_account(), site.create_account()
    with site.app.test_request_context():
        thread = threads.start_thread(site.actor(author),
                                      **dict(DEMO_THREAD, title=title, tags=tags))
        ids = []
        for name, (body, prompt, reply_tags) in zip((other, author, other), replies):
            ids.append(reply_service.add_reply(site.actor(name), thread.id, body, prompt,
                                               reply_tags).id)
        return {"id": thread.id, "slug": thread.slug, "url": f"/threads/{thread.id}/{thread.slug}",
                "author": author, "other": other, "title": title, "reply_ids": ids}


def thread_state(site, thread_id):
    """What readers of a thread see, as rows by table: the thread, its prompts and
    contributions, their tags, ratings, flags, outcomes and reading entries."""
    from sqlalchemy import or_, select

    from forum.models import (Flag, Outcome, Prompt, Rating, RelatedLink, Reply, ReplyTag,
                              Thread, ThreadTag)

    def rows(model, *where):
        table = model.__table__
        query = select(table).where(*where).order_by(*table.primary_key.columns)
        return [tuple(row) for row in connection.execute(query)]

    replies = select(Reply.id).where(Reply.thread_id == thread_id).scalar_subquery()
    with site.app.app_context(), site.app.extensions["sqlalchemy"].engine.connect() as connection:
        state = {
            "thread": rows(Thread, Thread.id == thread_id),
            "prompts": rows(Prompt, Prompt.thread_id == thread_id),
            "contributions": rows(Reply, Reply.thread_id == thread_id),
            "thread tags": rows(ThreadTag, ThreadTag.thread_id == thread_id),
            "contribution tags": rows(ReplyTag, ReplyTag.reply_id.in_(replies)),
            "outcomes": rows(Outcome, Outcome.reply_id.in_(replies)),
            "reading entries": rows(RelatedLink, RelatedLink.thread_id == thread_id),
            "ratings": rows(Rating, or_(Rating.thread_id == thread_id,
                                        Rating.reply_id.in_(replies))),
            "flags": rows(Flag, or_(Flag.thread_id == thread_id, Flag.reply_id.in_(replies))),
        }
    return state


@pytest.fixture(scope="session")
def _seeded_demo_thread(live_site):
    """The demo thread, seeded once per session (see demo_thread)."""
    return seed_thread(live_site)


@pytest.fixture
def demo_thread(live_site, _seeded_demo_thread):
    """The thread the read-only tests share (three contributions, prompts, tags). Any file may
    run before its readers, so no test may change it: one that does fails here, naming what it
    changed (use fresh_thread), rather than a later reader in another file."""
    before = thread_state(live_site, _seeded_demo_thread["id"])
    yield _seeded_demo_thread
    live_site.wait_idle()
    after = thread_state(live_site, _seeded_demo_thread["id"])
    changed = [part for part in before if before[part] != after[part]]
    assert not changed, (f"this test changed the shared demo thread's {', '.join(changed)}: "
                         "tests that change a thread use fresh_thread")


@pytest.fixture
def fresh_thread(live_site):
    """A thread of this test's own, for tests that change what they see."""
    return seed_thread(live_site, title=f"{unique('Practice question ')}: what worked for you?")
