"""The confidentiality guard in a browser: the hint while typing, each detail flagged with its
stand-in on submit, one click to replace, and posting the clean text (with and without script)."""
from playwright.sync_api import expect

from tests.e2e.conftest import log_in, run_axe

DONE = ("my client Sarah Jones (sarah.jones@acme.com, 07700 900123), a nurse at St Mary's "
        "in Leeds")
REDACTED = "my client Client A ([email], [phone]), a nurse at [employer] in [town]"


def test_typing_hint_then_flag_replace_and_post(page, live_site, fresh_thread, axe_source,
                                                problems):
    log_in(page, live_site.create_account())
    page.goto(fresh_thread["url"])
    body = page.get_by_label("Your contribution (Markdown)")
    body.fill(DONE)
    hint = page.locator("[data-confidentiality-hint]")
    expect(hint).to_contain_text("Sarah Jones looks like a client's name")
    expect(hint).to_contain_text("Client A")
    page.get_by_role("button", name="Post contribution").click()
    box = page.locator("section.confidentiality")
    expect(box).to_contain_text("This may identify a client")
    problems.expect("status of 422")
    for stand_in in ("Client A", "[email]", "[phone]", "[employer]", "[town]"):
        expect(box.get_by_role("button", name=f"Replace with “{stand_in}”")).to_be_visible()
    assert run_axe(page, axe_source) == []
    box.get_by_role("button", name="Replace with “[phone]”").click()
    expect(page.get_by_label("Your contribution (Markdown)")).to_have_value(
        DONE.replace("07700 900123", "[phone]"))
    page.get_by_role("button", name="Replace all with stand-ins").click()
    expect(page.get_by_label("Your contribution (Markdown)")).to_have_value(REDACTED)
    expect(page.get_by_text("Nothing has been saved")).to_be_visible()
    page.get_by_role("button", name="Post contribution").click()
    expect(page.locator(".reply").last).to_contain_text(REDACTED)


def test_without_javascript_the_coach_may_post_anyway_with_consent(open_page, live_site,
                                                                   fresh_thread, problems):
    page = open_page(java_script_enabled=False)
    log_in(page, live_site.create_account())
    page.goto(fresh_thread["url"])
    page.get_by_label("Your contribution (Markdown)").fill(DONE)
    page.get_by_role("button", name="Post contribution").click()
    consent = page.get_by_label("I have the client's consent or this is not a real person")
    expect(consent).to_be_visible()
    problems.expect("status of 422")
    consent.check()
    page.get_by_role("button", name="Post contribution").click()
    expect(page.locator(".reply").last).to_contain_text("sarah.jones@acme.com")
