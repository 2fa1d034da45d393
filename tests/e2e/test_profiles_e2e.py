"""Profiles, the home page for a first-time visitor and the moderators' community page in
Chromium: what people see and do, with and without JavaScript, and axe-core clean."""
from playwright.sync_api import expect

from tests.e2e.conftest import log_in, run_axe


def test_a_visitor_understands_the_home_page_and_finds_tags_and_feeds(page, fresh_thread,
                                                                      axe_source):
    # A thread of its own: the newest activity, so on the home page's first page (the shared
    # demo thread falls to page two after 20 other threads), and unrated whatever ran before.
    page.goto("/")
    welcome = page.locator(".welcome")
    expect(welcome).to_contain_text("Coaches ask each other practice questions here")
    expect(welcome.get_by_role("link", name="Ask a question")).to_be_visible()
    expect(welcome.get_by_role("link", name="Register")).to_be_visible()
    card = page.locator(".thread-item", has_text=fresh_thread["title"])
    expect(card.locator(".thread-excerpt")).to_contain_text("Late cancellations rarely mean")
    expect(card).to_contain_text("needs more ratings")
    expect(card).to_contain_text("last contribution by")
    expect(page.get_by_role("link", name="Atom feed of new questions")).to_be_visible()
    assert run_axe(page, axe_source) == []
    page.get_by_role("link", name="All tags").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tags")
    tag = page.get_by_role("link", name="#commitment", exact=True)
    expect(tag).to_be_visible()
    assert run_axe(page, axe_source) == []
    tag.click()
    expect(page.get_by_role("link", name="Atom feed of #commitment")).to_be_visible()


def test_member_fills_in_a_profile_a_moderator_verifies_a_credential(
        live_site, open_page, fresh_thread, axe_source, problems):
    demo_thread = fresh_thread  # this test changes what the thread's cards show
    coach = demo_thread["other"]  # wrote contributions 1 and 3 of the thread
    member = open_page(java_script_enabled=False)  # every step works without JavaScript
    log_in(member, coach)
    member.goto("/profile")
    member.get_by_label("Coaching focus").fill("Burnout recovery for nurses")
    member.get_by_label("A short bio").fill("Nurse for ten years, coach for four.")
    member.get_by_role("button", name="Save your profile").click()
    expect(member.get_by_role("heading", level=1)).to_have_text(coach)
    expect(member.locator(".member-focus")).to_have_text("Coaching focus: Burnout recovery for nurses")
    member.goto("/profile")
    member.get_by_role("textbox", name="Credential").fill("ICF PCC")
    member.get_by_label("Verification link").fill("ftp://example.org/me")
    member.get_by_role("button", name="Add the credential").click()
    expect(member.locator(".error")).to_contain_text("starts with http:// or https://")
    expect(member.get_by_role("textbox", name="Credential")).to_have_value("ICF PCC")  # kept
    member.get_by_label("Verification link").fill("https://example.org/verify/42")
    member.get_by_role("button", name="Add the credential").click()
    expect(member.locator(".credentials")).to_contain_text("waiting for a moderator")
    problems.expect("status of 422")

    moderator = open_page()
    log_in(moderator, live_site.create_account(role="moderator"))
    moderator.goto(demo_thread["url"])
    card = moderator.locator(f"#reply-{demo_thread['reply_ids'][0]}")
    expect(card.locator(".badge-credential")).to_have_count(0)
    card.get_by_role("link", name=coach).click()
    expect(moderator.get_by_role("heading", level=1)).to_have_text(coach)
    for scheme in ("light", "dark"):
        moderator.emulate_media(color_scheme=scheme)
        assert run_axe(moderator, axe_source) == [], scheme
    moderator.get_by_role("button", name="Mark verified: ICF PCC").click()
    expect(moderator.locator("#credentials")).to_contain_text("verified")
    moderator.goto(demo_thread["url"])
    expect(card.locator(".badge-credential")).to_contain_text("ICF PCC")
    moderator.goto("/moderation/log")
    entry = moderator.locator(".log-entry").first  # the log reads as a sentence with a link
    expect(entry.locator(".log-sentence")).to_contain_text(f"verified {coach}’s credential ICF PCC")
    entry.get_by_role("link", name="ICF PCC").click()
    expect(moderator.get_by_role("heading", level=1)).to_have_text(coach)


def test_community_page_chart_table_and_star_distribution(live_site, page, fresh_thread,
                                                          axe_source):
    from forum.services import ratings

    demo_thread = fresh_thread  # this test rates one of its contributions
    rater = live_site.create_account()
    with live_site.app.test_request_context():
        ratings.rate(live_site.actor(rater), "reply", demo_thread["reply_ids"][1], 4)
    log_in(page, live_site.create_account(role="moderator"))
    page.get_by_role("link", name="Community", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Community at a glance")
    chart = page.get_by_role("img", name="Contributions, new questions and new members per week")
    expect(chart).to_be_visible()
    expect(page.locator("table.community-table tbody tr")).to_have_count(26)
    expect(page.locator(".community-figures")).to_contain_text("median time")
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        assert run_axe(page, axe_source) == [], scheme
    page.goto(demo_thread["url"])
    dist = page.locator(f"#reply-{demo_thread['reply_ids'][1]} .rating-dist")
    popup = dist.locator(".rating-dist-popup")
    assert popup.bounding_box()["width"] <= 1  # folded away until hover or focus
    dist.focus()
    expect(popup.locator(".rating-dist-chart")).to_be_visible()
    assert popup.bounding_box()["width"] > 100
    expect(popup).to_contain_text("4 stars: 1")
    assert run_axe(page, axe_source) == []
