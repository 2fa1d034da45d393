"""In a real browser: a member says "I'll try this", is reminded three weeks later (the clock is
moved through the service), reports how it went, and the card's figures follow; axe-core finds
nothing serious on the thread page with the outcome parts shown."""
from datetime import timedelta

from playwright.sync_api import expect

from tests.e2e.conftest import log_in, run_axe


def seed_reports(site, reply_id, values):
    """Reports from other members, given through the service."""
    from forum.services import outcomes

    names = [site.create_account() for _ in values]
    with site.app.test_request_context():
        for name, value in zip(names, values):
            outcomes.report(site.actor(name), reply_id, value)


def test_try_be_reminded_and_report(page, live_site, fresh_thread, axe_source):
    from forum.models import utcnow
    from forum.services import outcomes

    reply_id = fresh_thread["reply_ids"][0]
    log_in(page, live_site.create_account())
    page.goto(fresh_thread["url"])
    card = page.locator(f"#reply-{reply_id}")
    card.get_by_label("Ask me how it went").select_option("21")
    card.get_by_role("button", name="I'll try this").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Noted: you are trying this. We will ask how it went in 21 days.")
    expect(card.locator(".outcome-status")).to_contain_text("You are trying this; we will ask")

    with live_site.app.app_context():  # three weeks and a day later
        assert outcomes.send_due_reminders(now=utcnow() + timedelta(days=22)) >= 1
    page.goto("/notifications")
    page.get_by_role("link", name="shared advice you said you would try. How did it go?").first.click()
    card = page.locator(f"#reply-{reply_id}")
    form = card.locator(".outcome-report")
    expect(form).to_have_attribute("open", "")  # reminded: the report form is open
    form.get_by_label("Somewhat better than expected").check()
    form.get_by_label("A short note for other members (optional)").fill(
        "Worked after I shortened the first step.")
    form.get_by_role("button", name="Report outcome").click()
    expect(page.get_by_role("status").first).to_contain_text(
        'you reported "somewhat better than expected"')
    card = page.locator(f"#reply-{reply_id}")
    expect(card.locator(".outcome-status")).to_have_text(
        "You reported: somewhat better than expected.")
    expect(card.locator("[data-outcome-figures]")).to_have_count(0)  # 1 report: below 3

    seed_reports(live_site, reply_id, [2, -1])
    page.reload()
    expect(card.locator("[data-outcome-figures]")).to_contain_text("Tried by 3 · worked for 2")
    card.get_by_text("How it went for members (1 note)").click()
    expect(card.locator(".outcome-note")).to_contain_text("shortened the first step")
    assert run_axe(page, axe_source) == []


def test_field_tested_order_in_the_browser(page, live_site, fresh_thread):
    first, second = fresh_thread["reply_ids"][0], fresh_thread["reply_ids"][2]
    seed_reports(live_site, first, [2, 1, 2])
    seed_reports(live_site, second, [2, 2, 1, 1, 0, 2, 1, 2])
    page.goto(fresh_thread["url"])
    page.get_by_role("link", name="Field-tested first").click()
    cards = page.locator(".reply-list > li")
    expect(cards.first).to_have_attribute("id", f"reply-{second}")
    expect(cards.nth(1)).to_have_attribute("id", f"reply-{first}")
