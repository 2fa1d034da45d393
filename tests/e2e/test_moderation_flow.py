"""As a moderator: curate "More relevant reading", hide a contribution, resolve a member's flag."""
import re

from playwright.sync_api import expect

from tests.e2e.conftest import log_in


def add_reading(page, category, title, url):
    """Fill and send the "Add a reading entry" form under the thread."""
    section = page.locator("#related-reading")
    section.locator("summary", has_text="Add a reading entry").click()
    form = section.locator("details.related-add form:not(.related-find):not([data-candidate])")
    form.get_by_label("Category").fill(category)
    form.get_by_label("Title").fill(title)
    form.get_by_label("Web address (http/https)").fill(url)
    form.get_by_role("button", name="Add entry").click()
    expect(page.locator(".flashes")).to_contain_text("Reading entry added.")


def reading_titles(page):
    """The titles of the reading list, in order (without the external-link mark)."""
    return page.locator("#related-reading .related-title").evaluate_all(
        "links => links.map(link => link.firstChild.textContent)")


def test_moderator_adds_reorders_and_removes_related_reading(page, live_site, fresh_thread):
    log_in(page, live_site.create_account(role="moderator"))
    page.goto(fresh_thread["url"])
    add_reading(page, "Life Coaching", "How do you pick a niche you can grow with?",
                "https://example.org/niche")
    add_reading(page, "Business Coaching", "When should a coach raise their rates?",
                "https://example.org/rates")
    assert reading_titles(page) == ["How do you pick a niche you can grow with?",
                                    "When should a coach raise their rates?"]

    page.get_by_role("button", name='Move "When should a coach raise their rates?" up').click()
    expect(page.locator("#related-reading .related-title").first).to_contain_text(
        "When should a coach raise their rates?")

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(".related-entry", has_text="pick a niche").get_by_role(
        "button", name="Remove").click()
    expect(page.locator(".flashes")).to_contain_text("Removed")
    assert reading_titles(page) == ["When should a coach raise their rates?"]

    visitor = page.context.browser.new_context(base_url=live_site.base_url).new_page()
    visitor.goto(fresh_thread["url"])
    expect(visitor.get_by_role("heading", name="More relevant reading")).to_be_visible()
    expect(visitor.get_by_role("button", name="Remove")).to_have_count(0)
    visitor.context.close()


def test_moderator_hides_a_contribution_with_a_reason(page, live_site, fresh_thread):
    log_in(page, live_site.create_account(role="moderator"))
    page.goto(fresh_thread["url"])
    card = page.locator(f"#reply-{fresh_thread['reply_ids'][0]}")
    card.locator("summary", has_text="Hide").click()
    card.get_by_label("Reason").fill("Names a client")
    card.get_by_role("button", name="Hide contribution").click()
    expect(page.locator(".flashes")).to_contain_text("hidden")
    card = page.locator(f"#reply-{fresh_thread['reply_ids'][0]}")
    expect(card).to_have_class(re.compile(r"\bhidden-item\b"))
    expect(card.get_by_text("Names a client")).to_be_visible()

    visitor = page.context.browser.new_context(base_url=live_site.base_url).new_page()
    visitor.goto(fresh_thread["url"])
    expect(visitor.locator(".reply")).to_have_count(2)
    visitor.context.close()


def test_member_flags_and_moderator_resolves_from_the_queue(open_page, live_site, fresh_thread):
    member = open_page()
    log_in(member, live_site.create_account())
    member.goto(fresh_thread["url"])
    card = member.locator(f"#reply-{fresh_thread['reply_ids'][1]}")
    card.locator("summary", has_text="Flag").click()
    card.get_by_label("Identifiable client information").check()
    card.get_by_role("button", name="Send flag").click()
    expect(member.locator(".flashes")).to_contain_text("a moderator will review your flag")

    moderator = open_page()
    log_in(moderator, live_site.create_account(role="moderator"))
    moderator.goto("/moderation/flags")
    item = moderator.locator(".flag-item", has_text=fresh_thread["title"])
    expect(item).to_contain_text("Identifiable client information")
    item.get_by_role("button", name="Hide the contribution").click()
    expect(moderator.locator(".flashes")).to_contain_text("Item hidden and its flags closed.")
    expect(moderator.locator(".flag-item", has_text=fresh_thread["title"])).to_have_count(0)

    moderator.goto("/moderation/log")
    expect(moderator.locator("main .log-entry", has_text="flag.hide").first).to_contain_text(
        "resolved (hide) flag #")


def test_linking_a_thread_by_searching_its_title_as_you_type(page, live_site, fresh_thread,
                                                             axe_source):
    from tests.e2e.conftest import run_axe, seed_thread, unique

    key = unique("Searchable niche ")  # no other thread's title contains it
    other = seed_thread(live_site, title=f"{key}: which one grows with a coach?")
    log_in(page, live_site.create_account(role="moderator"))
    page.goto(fresh_thread["url"])
    section = page.locator("#related-reading")
    section.locator("summary", has_text="Add a reading entry").click()
    section.get_by_label("Find a thread by its title").press_sequentially(key.lower())
    found = section.locator("[data-related-found] li")
    expect(found).to_have_count(1)
    expect(found).to_contain_text(other["title"])
    expect(found.locator(".related-category")).to_have_text("Accountability")  # first tag
    assert run_axe(page, axe_source) == []
    found.get_by_role("button", name="Add").click()
    expect(page.locator(".flashes")).to_contain_text("Reading entry added.")
    entry = page.locator(".related-entry", has_text=other["title"])
    expect(entry.locator(".related-category")).to_have_text("Accountability")
    expect(entry.get_by_role("link", name=other["title"])).to_have_attribute(
        "href", re.compile(f"/threads/{other['id']}/"))
