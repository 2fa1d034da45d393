"""With JavaScript off, a member can still log in, read a thread and contribute."""
from playwright.sync_api import expect

from tests.e2e.conftest import log_in


def test_log_in_and_contribute_with_javascript_disabled(open_page, live_site, demo_thread):
    page = open_page(java_script_enabled=False)
    log_in(page, live_site.create_account())
    page.goto(demo_thread["url"])
    page.get_by_label("Your contribution (Markdown)").fill("Plain forms work: *no script* needed.")
    page.get_by_label("Answers prompt").select_option(label="3. Shrink the next step")
    page.get_by_role("button", name="Post contribution").click()
    card = page.locator(".reply").last
    expect(card.locator("em")).to_have_text("no script")
    expect(card.get_by_role("link", name="answers prompt 3: Shrink the next step")).to_be_visible()
