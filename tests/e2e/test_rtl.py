"""Right to left: an Arabic page mirrors (header, prompts, pager), member text keeps its own
direction on any page. Checked in Chromium, with a screenshot of the mirrored thread page."""
import threading

import pytest
from flask_babel import Babel
from playwright.sync_api import expect
from werkzeug.serving import make_server

from tests.e2e.conftest import SCREENSHOTS, _QuietHandler, seed_thread

ARABIC_TITLE = "كيف تتعامل مع العميل الصامت في الجلسة الأولى؟"


@pytest.fixture(scope="module")
def rtl_site(tmp_path_factory):
    """The standalone site whose host-side Flask-Babel picks Arabic (a right-to-left locale)."""
    import wsgi
    from forum import migrate

    from tests.e2e.conftest import LiveSite

    path = tmp_path_factory.mktemp("rtl") / "site.sqlite3"
    app = wsgi.create_app({"SECRET_KEY": "rtl-secret-key-" + "x" * 32,
                           "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                           "FORUM_RATELIMIT_ENABLED": False, "FORUM_SECURE_COOKIES": False})
    Babel(app, locale_selector=lambda: "ar")  # the host's selector wins
    with app.app_context():
        migrate.upgrade()
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="rtl-site", daemon=True)
    thread.start()
    yield LiveSite(app, f"http://127.0.0.1:{server.server_port}")
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        app.extensions["sqlalchemy"].engine.dispose()


def box(page, selector):
    """The element's rectangle in the viewport."""
    return page.locator(selector).first.evaluate("e => e.getBoundingClientRect().toJSON()")


def test_an_rtl_locale_mirrors_the_layout(browser, rtl_site):
    thread = seed_thread(rtl_site, title=ARABIC_TITLE)
    context = browser.new_context(base_url=rtl_site.base_url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(thread["url"])
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert page.evaluate("getComputedStyle(document.querySelector('.forum')).direction") == "rtl"
    width = page.evaluate("window.innerWidth")
    brand, nav = box(page, ".forum-brand"), box(page, ".forum-nav")
    assert brand["left"] > nav["left"], (brand, nav)  # the site name on the right, links left
    assert brand["right"] > width * 0.7
    author, date = box(page, ".reply-meta .author"), box(page, ".reply-meta .permalink")
    assert author["left"] > date["left"], (author, date)  # a card's header reads from the right
    # An English prompt keeps its number at its own start (dir="auto"), the left edge.
    badge = page.evaluate("getComputedStyle(document.querySelector('.prompts li'), '::before').left")
    assert badge == "0px", badge
    assert page.locator("h1").evaluate("e => getComputedStyle(e).direction") == "rtl"
    # English member text inside the Arabic page keeps its own direction (dir="auto").
    reply = page.locator(".reply-body").first
    assert reply.evaluate("e => getComputedStyle(e).direction") == "ltr"
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "thread-rtl-ar.png", full_page=True)
    context.close()
    assert rtl_site.exceptions == [] and errors == []


def test_rtl_content_in_an_english_page_reads_right_to_left(page, live_site):
    thread = seed_thread(live_site, title=ARABIC_TITLE + " 2")
    page.goto(thread["url"])
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    title = page.locator("h1")
    assert title.evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert title.evaluate("e => e.getBoundingClientRect().right") > \
        page.locator(".reply-body").first.evaluate("e => e.getBoundingClientRect().left")
