"""In a real browser: rating in place (fetch, no reload), with the keyboard only, and without JavaScript."""
from playwright.sync_api import expect

from tests.e2e.conftest import log_in, run_axe


def test_rating_updates_in_place_without_a_reload(page, live_site, fresh_thread):
    name = live_site.create_account()
    log_in(page, name)
    page.goto(fresh_thread["url"])  # it rates: the shared demo thread stays as seeded
    page.evaluate("() => { window.noReload = true; }")
    card = page.locator(".reply").first
    star = card.get_by_role("radio", name="Rate 4 stars")
    star.click()
    expect(card.locator("[data-rating-figures]")).to_contain_text("Your rating: 4 stars.")
    expect(card.locator("[data-rating-status]")).to_have_text(
        "You rated this contribution 4 stars.")
    expect(star).to_be_checked()
    # still hovered and focused after the click, the chosen star keeps the "on" colour
    on = page.evaluate("() => getComputedStyle(document.querySelector('.rating-star-on'))"
                       ".getPropertyValue('--focus') || ''")
    colour = star.evaluate("el => getComputedStyle(el).color")
    unrated = card.get_by_role("radio", name="Rate 5 stars").evaluate(
        "el => getComputedStyle(el).color")
    assert colour != unrated, (colour, unrated, on)
    card.get_by_role("button", name="Remove my rating").click()
    expect(card.locator("[data-rating-status]")).to_have_text(
        "Your rating of this contribution was removed.")
    expect(card.get_by_role("button", name="Remove my rating")).to_be_hidden()
    assert page.evaluate("() => window.noReload") is True
    page.reload()
    expect(page.locator(".reply").first.locator("[data-rating-figures]")).not_to_contain_text(
        "Your rating")


def test_rating_works_without_javascript(new_context, problems, live_site, fresh_thread):
    page = new_context(java_script_enabled=False).new_page()
    problems.watch(page)
    log_in(page, live_site.create_account())
    page.goto(fresh_thread["url"])  # its rating stays: the shared demo thread stays unrated
    rating = page.locator("#rate-thread")
    expect(rating.get_by_role("heading", name="Rate this article")).to_be_visible()
    rating.get_by_role("button", name="Rate 5 stars").click()
    expect(page.get_by_role("status").first).to_contain_text("You rated this question 5 stars.")
    expect(page.locator("#rate-thread [data-rating-figures]")).to_contain_text(
        "Your rating: 5 stars.")


def seed_ratings(site, reply_id, stars):
    """Ratings from other members, given through the service."""
    from forum.services import ratings

    names = [site.create_account() for _ in stars]
    with site.app.test_request_context():
        for name, n in zip(names, stars):
            ratings.rate(site.actor(name), "reply", reply_id, n)


def test_rate_a_contribution_with_the_keyboard_only(page, live_site, fresh_thread, axe_source):
    reply_id = fresh_thread["reply_ids"][0]
    seed_ratings(live_site, reply_id, [5, 4])
    log_in(page, live_site.create_account())
    page.goto(fresh_thread["url"])
    card = page.locator(f"#reply-{reply_id}")
    figures = card.locator("[data-rating-figures]")
    expect(figures).to_have_text("Needs more ratings (2 ratings so far).")
    first = card.get_by_role("radio", name="Rate 1 star")
    target = card.get_by_role("radio", name="Rate 2 stars")
    expect(card.get_by_role("radiogroup", name="Your rating of this contribution")).to_be_visible()
    assert run_axe(page, axe_source) == []

    page.evaluate("() => { window.notReloaded = true; }")
    for _ in range(80):
        if first.evaluate("el => el === document.activeElement"):
            break
        page.keyboard.press("Tab")
    expect(first).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(target).to_be_focused()
    expect(figures).to_have_text("★ 3.7 average from 3 ratings. Your rating: 2 stars.")
    expect(target).to_be_checked()
    assert page.evaluate("() => window.notReloaded === true"), "the page was not reloaded"
    page.keyboard.press("Tab")  # one tab stop: the next Tab leaves the stars
    assert not page.evaluate("() => document.activeElement.hasAttribute('data-stars')")

    page.keyboard.press("Shift+Tab")
    expect(target).to_be_focused()
    page.keyboard.press("ArrowLeft")
    expect(figures).to_have_text("★ 3.3 average from 3 ratings. Your rating: 1 star.")
    page.reload()
    expect(card.locator("[data-rating-figures]")).to_have_text(
        "★ 3.3 average from 3 ratings. Your rating: 1 star.")


def test_rate_this_article_comes_after_the_contributions(page, demo_thread):
    page.goto(demo_thread["url"])
    order = page.evaluate(
        "() => [...document.querySelectorAll('.contributions, #rate-thread, #related-reading')]"
        ".map(el => el.id || el.className)")
    assert order[:2] == ["contributions", "rate-thread"]
    expect(page.get_by_role("heading", name="Rate this article")).to_be_visible()
