"""@mention suggestions as you type: a list of member names under the contribution field, picked
with the keyboard; the posted contribution links the name to the member's page, where one can
follow them. axe-core finds nothing serious on the page with the list open."""
from playwright.sync_api import expect

from tests.e2e.conftest import log_in, run_axe


def test_suggest_pick_post_and_follow_a_mentioned_member(page, live_site, fresh_thread,
                                                        axe_source):
    mentioned = fresh_thread["author"]  # a member: they asked the question
    log_in(page, live_site.create_account())
    page.goto(fresh_thread["url"])
    field = page.get_by_label("Your contribution (Markdown)")
    field.click()
    field.press_sequentially(f"What would @{mentioned}", delay=20)  # the whole, unique name
    suggestions = page.get_by_role("listbox", name="Members to mention")
    expect(suggestions).to_be_visible()
    option = suggestions.get_by_role("option", name=f"@{mentioned}", exact=True)
    expect(option).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="to mention")).to_have_count(1)
    for scheme in ("dark", "light"):  # the open list, in both palettes
        page.emulate_media(color_scheme=scheme)
        assert run_axe(page, axe_source) == [], scheme

    for _ in range(10):  # other tests' members may share the prefix: arrow down to this one
        if option.get_attribute("aria-selected") == "true":
            break
        page.keyboard.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")  # picks the highlighted name, does not submit the form
    expect(suggestions).to_be_hidden()
    expect(field).to_have_value(f"What would @{mentioned} ")
    field.press_sequentially("say about a client who cancels twice in a row?", delay=5)
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Post contribution").click()

    link = page.locator(".reply").last.get_by_role("link", name=f"@{mentioned}")
    expect(link).to_be_visible()
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(mentioned)
    page.get_by_role("button", name=f"Follow {mentioned}").click()
    expect(page.get_by_role("button", name=f"Unfollow {mentioned}")).to_be_visible()
    assert run_axe(page, axe_source) == []  # the member's page


def test_no_suggestions_for_text_that_is_no_mention(page, live_site, fresh_thread):
    log_in(page, live_site.create_account())
    page.goto(fresh_thread["url"])
    field = page.get_by_label("Your contribution (Markdown)")
    field.click()
    field.press_sequentially("mail me at coach@Coa", delay=20)
    page.wait_for_timeout(400)
    expect(page.get_by_role("listbox", name="Members to mention")).to_be_hidden()
