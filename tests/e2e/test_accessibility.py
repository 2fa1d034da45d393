"""axe-core finds no serious or critical problem; keyboard users see where they are."""
from playwright.sync_api import expect

from tests.e2e.conftest import log_in, run_axe

ANONYMOUS_PAGES = ["/", "/login", "/register", "/tags/commitment", "/threads/999999",
                   "/search?q=client"]


def test_axe_on_thread_page_and_lists(page, demo_thread, axe_source, problems):
    for path in ANONYMOUS_PAGES + [demo_thread["url"]]:
        response = page.goto(path)
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self';" in policy and "style-src 'self';" in policy, path
        assert run_axe(page, axe_source) == [], path
    problems.expect("status of 404")


def test_axe_on_forms_as_a_member_in_light_and_dark_mode(page, live_site, demo_thread, axe_source):
    log_in(page, live_site.create_account())
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        for path in ["/new", demo_thread["url"], "/notifications", "/following"]:
            page.goto(path)
            page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
            assert run_axe(page, axe_source) == [], f"{path} ({scheme})"


def test_axe_on_moderator_pages(page, live_site, demo_thread, fresh_thread, axe_source):
    from forum.services import flags, moderation

    moderator = live_site.create_account(role="moderator")
    with live_site.app.test_request_context():  # the queue and the log are never empty
        flags.flag_reply(live_site.actor(fresh_thread["author"]), fresh_thread["reply_ids"][0],
                         "other", "Please check: it may name a client's employer.")
        moderation.hide_reply(live_site.actor(moderator), fresh_thread["reply_ids"][2],
                              "Repeats the contribution above")
    log_in(page, moderator)
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        for path in [demo_thread["url"], "/moderation/flags", "/moderation/log"]:
            page.goto(path)
            page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
            assert run_axe(page, axe_source) == [], f"{path} ({scheme})"


def test_form_errors_are_announced_and_pass_axe(page, axe_source, problems):
    page.goto("/register")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("[aria-invalid=true]").first).to_be_visible()
    assert run_axe(page, axe_source) == []
    problems.expect("status of 422")


def test_keyboard_reaches_skip_link_first_with_a_visible_focus_ring(page, demo_thread):
    page.goto(demo_thread["url"])
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    outline = skip.evaluate("el => getComputedStyle(el).outlineStyle + ' ' + getComputedStyle(el).outlineWidth")
    assert outline.startswith("solid") and not outline.endswith(" 0px")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.closest('main') !== null")
    assert focused, "after the skip link, Tab lands inside the main content"


def test_pages_have_language_title_and_heading_order(page, demo_thread):
    page.goto(demo_thread["url"])
    assert page.evaluate("() => document.documentElement.lang") == "en"
    expect(page).to_have_title(f"{demo_thread['title']} · Coaching Community")
    levels = page.evaluate(
        "() => [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1])")
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), levels
