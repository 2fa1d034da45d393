"""With JavaScript off, a member can still log in, read a thread and contribute."""
from playwright.sync_api import expect

from tests.e2e.conftest import log_in


def test_log_in_and_contribute_with_javascript_disabled(open_page, live_site, fresh_thread):
    page = open_page(java_script_enabled=False)
    log_in(page, live_site.create_account())
    page.goto(fresh_thread["url"])  # it posts: the shared demo thread stays as seeded
    page.get_by_label("Your contribution (Markdown)").fill("Plain forms work: *no script* needed.")
    page.get_by_label("Answers prompt").select_option(label="3. Shrink the next step")
    page.get_by_role("button", name="Post contribution").click()
    card = page.locator(".reply").last
    expect(card.locator("em")).to_have_text("no script")
    expect(card.get_by_role("link", name="answers prompt 3: Shrink the next step")).to_be_visible()


def test_rate_and_flag_a_contribution_without_javascript(open_page, live_site, fresh_thread):
    """A card's stars are plain submit buttons; its "Flag" box links to the flag page."""
    reply_id = fresh_thread["reply_ids"][0]
    page = open_page(java_script_enabled=False)
    log_in(page, live_site.create_account())
    page.goto(fresh_thread["url"])
    card = page.locator(f"#reply-{reply_id}")
    card.get_by_role("button", name="Rate 3 stars").click()
    expect(page.locator(".flashes")).to_contain_text("You rated this contribution 3 stars.")
    card = page.locator(f"#reply-{reply_id}")
    expect(card.locator("[data-rating-figures]")).to_contain_text("Your rating: 3 stars.")
    expect(card.get_by_role("button", name="Rate 3 stars")).to_have_attribute("aria-pressed", "true")
    card.get_by_role("button", name="Remove my rating").click()
    expect(page.locator(".flashes")).to_contain_text("Your rating of this contribution was removed.")
    expect(page.locator(f"#reply-{reply_id} [data-rating-figures]")).not_to_contain_text("Your rating")

    card = page.locator(f"#reply-{reply_id}")
    card.locator("summary", has_text="Flag").click()
    card.get_by_role("link", name="Flag this contribution").click()
    page.get_by_label("Spam", exact=True).check()
    page.get_by_role("button", name="Send flag").click()
    expect(page.locator(".flashes")).to_contain_text("a moderator will review your flag")
