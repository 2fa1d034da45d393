"""The composer in Chromium: Preview in place, a draft saved as you type and restored on another
device, and Reply quoting the passage selected in a contribution; axe-core clean."""
import re

from playwright.sync_api import expect

from tests.e2e.conftest import SCREENSHOTS, log_in, run_axe

BODY_LABEL = "Your contribution (Markdown)"


def test_preview_in_place_renders_through_the_sanitizer(page, live_site, fresh_thread,
                                                        axe_source):
    log_in(page, live_site.create_account())
    page.goto(fresh_thread["url"])
    page.get_by_label(BODY_LABEL).fill("**Name the pattern** <script>window.bad = 1</script>")
    url = page.url
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#reply-preview")
    expect(preview).to_be_visible()
    expect(preview.locator("strong")).to_have_text("Name the pattern")
    assert page.url == url  # in place: no page load
    assert page.evaluate("() => window.bad") is None
    expect(page.get_by_label(BODY_LABEL)).to_have_value(
        "**Name the pattern** <script>window.bad = 1</script>")
    expect(page.locator(".reply")).to_have_count(3)  # nothing posted
    assert run_axe(page, axe_source) == []


def test_a_draft_typed_on_one_device_is_back_on_another(new_context, problems, live_site,
                                                        fresh_thread):
    name = live_site.create_account()
    laptop = new_context().new_page()
    problems.watch(laptop)
    log_in(laptop, name)
    laptop.goto(fresh_thread["url"])
    laptop.get_by_label(BODY_LABEL).fill("Half a thought about recaps")
    expect(laptop.get_by_text("Draft saved at")).to_be_visible()
    phone = new_context().new_page()
    problems.watch(phone)
    log_in(phone, name)
    phone.goto(fresh_thread["url"])
    expect(phone.get_by_label(BODY_LABEL)).to_have_value("Half a thought about recaps")
    expect(phone.get_by_text("is back in the form")).to_be_visible()
    phone.get_by_label(BODY_LABEL).fill("A whole thought about recaps.")
    phone.get_by_role("button", name="Post contribution").click()
    expect(phone.locator(".reply").last).to_contain_text("A whole thought about recaps.")
    laptop.goto(fresh_thread["url"])
    expect(laptop.get_by_label(BODY_LABEL)).to_have_value("")


def test_reply_quotes_the_selected_passage_and_links_back(page, live_site, fresh_thread,
                                                          axe_source):
    log_in(page, live_site.create_account())
    page.goto(fresh_thread["url"])
    first = page.locator(f"#reply-{fresh_thread['reply_ids'][0]}")
    page.evaluate("""(id) => {
        const strong = document.querySelector('#reply-' + id + ' .reply-body strong');
        const range = document.createRange();
        range.selectNodeContents(strong);
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
    }""", fresh_thread["reply_ids"][0])
    first.get_by_role("link", name="Reply to this contribution").click()
    body = page.get_by_label(BODY_LABEL)
    expect(body).to_be_focused()
    expect(body).to_have_value("> Ask, don't assume.\n\n")
    expect(page.locator("[data-replying-to]")).to_contain_text(
        f"In reply to {fresh_thread['other']}’s contribution")
    assert run_axe(page, axe_source) == []
    body.press("End")
    body.type("Asking first saved me twice.")
    page.get_by_role("button", name="Post contribution").click()
    newest = page.locator(".reply").last
    expect(newest.locator(".in-reply-to")).to_contain_text(
        f"In reply to {fresh_thread['other']}’s contribution")
    expect(newest.locator("blockquote")).to_have_text("Ask, don't assume.")
    expect(first.locator(".reply-children")).to_contain_text("1 reply")
    answer_id = newest.get_attribute("id")
    first.locator(".reply-children a").click()
    expect(page).to_have_url(re.compile(f"#{answer_id}$"))


def test_the_moderation_log_fits_a_390_px_phone(open_page, live_site, fresh_thread, axe_source):
    from forum.services import moderation

    moderator = live_site.create_account(role="moderator")
    with live_site.app.test_request_context():
        moderation.hide_reply(live_site.actor(moderator), fresh_thread["reply_ids"][1],
                              "Off-topic: a long reason that must wrap on a narrow phone screen")
    page = open_page(viewport={"width": 390, "height": 844})
    log_in(page, moderator)
    page.goto("/moderation/log")
    entry = page.locator(".log-entry").first
    expect(entry).to_contain_text(f"{moderator} hid {fresh_thread['author']}’s contribution in")
    expect(entry.get_by_role("link", name=fresh_thread["title"])).to_be_visible()
    expect(entry.locator("details")).not_to_have_attribute("open", "")
    assert not page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth")
    assert run_axe(page, axe_source) == []
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "moderation-log-390px.png", full_page=True)


def test_without_javascript_preview_save_draft_and_reply_are_form_steps(open_page, live_site,
                                                                        fresh_thread):
    page = open_page(java_script_enabled=False)
    log_in(page, live_site.create_account())
    page.goto(fresh_thread["url"])
    first = page.locator(f"#reply-{fresh_thread['reply_ids'][0]}")
    first.get_by_role("link", name="Reply to this contribution").click()
    expect(page.locator("[data-replying-to]")).to_contain_text(
        f"In reply to {fresh_thread['other']}’s contribution")
    page.get_by_label(BODY_LABEL).fill("_Asking first_ works for me.")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#reply-preview em")).to_have_text("Asking first")
    expect(page.get_by_label(BODY_LABEL)).to_have_value("_Asking first_ works for me.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    page.goto(fresh_thread["url"])
    expect(page.get_by_label(BODY_LABEL)).to_have_value("_Asking first_ works for me.")
    expect(page.locator("[data-replying-to]")).to_contain_text("In reply to")
    page.get_by_role("button", name="Post contribution").click()
    expect(page.locator(".reply").last.locator(".in-reply-to")).to_contain_text(
        f"{fresh_thread['other']}’s contribution")


def test_a_question_previews_in_place_and_its_draft_follows_the_member(new_context, problems,
                                                                      live_site, axe_source):
    """Asking a question with JavaScript: Preview shows title, lead, prompts and call to action
    without a page load; the draft saved as you type is back on another device; publishing
    discards it."""
    name = live_site.create_account()
    laptop = new_context().new_page()
    problems.watch(laptop)
    log_in(laptop, name)
    laptop.goto("/new")
    title = "How do you end a coaching engagement that drifts?"
    laptop.get_by_label("Question (the thread's title)").fill(title)
    laptop.get_by_label("Lead paragraph").fill("Some clients *fade out* <script>window.bad = 1</script>")
    laptop.get_by_label('Prompts, one per line as "Label: text"').fill(
        "Name it: Say what you notice.\nClose well: Plan the last session.")
    laptop.get_by_label("Call to share").fill("What has worked for you?")
    url = laptop.url
    laptop.get_by_role("button", name="Preview").click()
    preview = laptop.locator("#thread-preview")
    expect(preview.locator("[data-preview-title]")).to_have_text(title)
    expect(preview.locator("em")).to_have_text("fade out")
    expect(preview.locator(".prompts li")).to_have_text(
        ["Name it: Say what you notice.", "Close well: Plan the last session."])
    expect(preview.locator(".prompts strong").first).to_have_text("Name it:")
    expect(preview.locator(".call-to-action")).to_have_text("What has worked for you?")
    assert laptop.url == url and laptop.evaluate("() => window.bad") is None
    assert run_axe(laptop, axe_source) == []
    expect(laptop.get_by_text("Draft saved at")).to_be_visible()

    phone = new_context().new_page()
    problems.watch(phone)
    log_in(phone, name)
    phone.goto("/new")
    expect(phone.get_by_label("Question (the thread's title)")).to_have_value(title)
    expect(phone.get_by_label("Call to share")).to_have_value("What has worked for you?")
    expect(phone.get_by_text("is back in the form")).to_be_visible()
    phone.get_by_role("button", name="Publish the question").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(title)
    laptop.goto("/new")
    expect(laptop.get_by_label("Question (the thread's title)")).to_have_value("")
