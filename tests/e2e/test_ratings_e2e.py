"""In a real browser: rating a contribution in place (fetch, no reload) and rating without JavaScript."""
from playwright.sync_api import expect

from tests.e2e.conftest import log_in


def test_rating_updates_in_place_without_a_reload(page, live_site, demo_thread):
    name = live_site.create_account()
    log_in(page, name)
    page.goto(demo_thread["url"])
    page.evaluate("() => { window.noReload = true; }")
    card = page.locator(".reply").first
    card.get_by_role("button", name="Rate 4 stars").click()
    expect(card.locator("[data-rating-figures]")).to_contain_text("Your rating: 4 stars.")
    expect(card.locator("[data-rating-status]")).to_have_text(
        "You rated this contribution 4 stars.")
    expect(card.get_by_role("button", name="Rate 4 stars")).to_have_attribute(
        "aria-pressed", "true")
    card.get_by_role("button", name="Remove my rating").click()
    expect(card.locator("[data-rating-status]")).to_have_text(
        "Your rating of this contribution was removed.")
    expect(card.get_by_role("button", name="Remove my rating")).to_be_hidden()
    assert page.evaluate("() => window.noReload") is True
    page.reload()
    expect(page.locator(".reply").first.locator("[data-rating-figures]")).not_to_contain_text(
        "Your rating")


def test_rating_works_without_javascript(new_context, problems, live_site, demo_thread):
    page = new_context(java_script_enabled=False).new_page()
    problems.watch(page)
    log_in(page, live_site.create_account())
    page.goto(demo_thread["url"])
    rating = page.locator("#rate-thread")
    expect(rating.get_by_role("heading", name="Rate this article")).to_be_visible()
    rating.get_by_role("button", name="Rate 5 stars").click()
    expect(page.get_by_role("status").first).to_contain_text("You rated this question 5 stars.")
    expect(page.locator("#rate-thread [data-rating-figures]")).to_contain_text(
        "Your rating: 5 stars.")
