"""Search finds a contribution; a tag link leads to the tag page with its threads and replies."""
from playwright.sync_api import expect


def test_search_then_follow_a_tag_page(page, demo_thread, fresh_thread):
    page.goto("/")
    page.get_by_role("link", name="Search", exact=True).click()
    page.get_by_label('Words or "an exact phrase"').fill("intake notes")
    page.get_by_role("button", name="Search").click()
    hit = page.locator(".search-hit", has=page.get_by_role("link", name=demo_thread["title"])).first
    expect(hit.locator("mark").first).to_have_text("intake", ignore_case=True)
    hit.get_by_role("link", name=demo_thread["title"]).click()  # the hit also links its author
    expect(page.get_by_role("heading", level=1)).to_have_text(demo_thread["title"])

    page.locator(".reply").nth(1).get_by_role("link", name="#goal setting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("#goal setting")
    reply = page.locator(f"#reply-{demo_thread['reply_ids'][1]}")
    expect(reply.get_by_role("link", name=demo_thread["title"])).to_be_visible()
    expect(page.locator(".reply", has_text="rewrote the plan")).to_have_count(
        page.locator(".reply").count())

    # A thread's tag link leads to the tag page, newest first: a thread just asked is on its
    # first page (the shared demo thread may be pages down after a full run's other threads).
    page.goto(fresh_thread["url"])
    page.locator(".thread-header").get_by_role("link", name="#commitment").click()
    expect(page.locator(".thread-list").get_by_role("link", name=fresh_thread["title"])).to_be_visible()


def test_search_with_no_match_says_what_to_try(page):
    page.goto("/search?q=zebracrossingunicorn")
    expect(page.get_by_text("Nothing matches. Try fewer or different words.")).to_be_visible()
