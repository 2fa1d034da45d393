"""The thread page reads well from a 360 px phone to a wide screen, in light and dark mode."""
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import SCREENSHOTS, log_in

WIDTHS = {"phone": 390, "desktop": 1280}


def page_overflows(page):
    """Whether anything sticks out sideways (a horizontal scrollbar on a phone)."""
    return page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", sorted(WIDTHS))
def test_thread_page_screenshot(open_page, demo_thread, size, scheme):
    page = open_page(viewport={"width": WIDTHS[size], "height": 900}, color_scheme=scheme)
    page.goto(demo_thread["url"])
    expect(page.get_by_role("heading", level=1)).to_have_text(demo_thread["title"])
    assert not page_overflows(page)
    background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    darkness = sum(int(c) for c in background[background.index("(") + 1:-1].split(",")[:3])
    assert (darkness < 200) == (scheme == "dark"), background
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"thread-{size}-{WIDTHS[size]}px-{scheme}.png", full_page=True)


def test_narrowest_phone_has_no_sideways_scrolling(open_page, live_site, demo_thread):
    page = open_page(viewport={"width": 360, "height": 740})
    log_in(page, live_site.create_account())
    for path in ["/", "/new", "/login", demo_thread["url"], "/tags/commitment"]:
        page.goto(path)
        assert not page_overflows(page), path


def test_contributions_come_as_cards_with_author_date_tags_and_prompt(page, demo_thread):
    page.goto(demo_thread["url"])
    cards = page.locator(".reply-list > li")
    expect(cards).to_have_count(3)
    first = cards.first
    expect(first.locator(".author")).to_have_text(demo_thread["other"])
    expect(first.locator("time")).to_have_attribute("datetime", __import__("re").compile(r"^\d{4}-"))
    expect(first.get_by_role("link", name="answers prompt 1: Name the pattern")).to_be_visible()
    expect(first.get_by_role("link", name="#active listening")).to_be_visible()
    radius = first.evaluate("el => parseFloat(getComputedStyle(el).borderTopLeftRadius)")
    assert radius > 0, "contributions are drawn as cards"
    order = page.evaluate(
        "() => [...document.querySelectorAll('.lead, .prompts, .call-to-action, .contributions')]"
        ".map(el => el.className)")
    assert order == ["lead", "prompts", "call-to-action", "contributions"]


def test_not_found_pages_are_in_the_forum_style(page, problems):
    page.goto("/threads/424242")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_role("link", name="Back to the practice questions")).to_be_visible()
    page.goto("/no/such/page")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.locator(".forum-header")).to_be_visible()
    problems.expect("status of 404")
