"""Search finds a contribution; a tag link leads to the tag page with its threads and replies."""
from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_REPLIES, DEMO_THREAD, seed_thread, unique


def searchable_thread(site):
    """A thread of this test's own: one word and two tags no other thread has, so what it
    looks for is on the first page of results whatever other tests added before."""
    word, reply_tag, thread_tag = unique("recapsheet"), unique("goal setting "), unique("restart ")
    (body, prompt, _), replies = DEMO_REPLIES[1], list(DEMO_REPLIES)
    replies[1] = (f"{body}\n\nThe worksheet we used: {word}.", prompt, f"{reply_tag}, values")
    thread = seed_thread(site, title=f"{unique('Practice question ')}: what worked for you?",
                         replies=replies, tags=f"{DEMO_THREAD['tags']}, {thread_tag}")
    return dict(thread, word=word, reply_tag=reply_tag, thread_tag=thread_tag)


def test_search_then_follow_a_tag_page(page, live_site):
    thread = searchable_thread(live_site)
    page.goto("/")
    page.get_by_role("link", name="Search", exact=True).click()
    page.get_by_label('Words or "an exact phrase"').fill(f"intake notes {thread['word']}")
    page.get_by_role("button", name="Search").click()
    hit = page.locator(".search-hit", has=page.get_by_role("link", name=thread["title"]))
    expect(hit).to_have_count(1)
    expect(hit.locator("mark").first).to_have_text("intake", ignore_case=True)
    hit.get_by_role("link", name=thread["title"]).click()  # the hit also links its author
    expect(page.get_by_role("heading", level=1)).to_have_text(thread["title"])

    page.locator(".reply").nth(1).get_by_role("link", name=f"#{thread['reply_tag']}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"#{thread['reply_tag']}")
    reply = page.locator(f"#reply-{thread['reply_ids'][1]}")
    expect(reply.get_by_role("link", name=thread["title"])).to_be_visible()
    expect(page.locator(".reply")).to_have_count(1)  # the tag's one contribution, nothing else
    expect(reply).to_contain_text("rewrote the plan")

    # A thread's tag link leads to the tag page, which lists the thread.
    page.goto(thread["url"])
    page.locator(".thread-header").get_by_role("link", name=f"#{thread['thread_tag']}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"#{thread['thread_tag']}")
    expect(page.locator(".thread-list").get_by_role("link", name=thread["title"])).to_be_visible()


def test_search_with_no_match_says_what_to_try(page):
    page.goto("/search?q=zebracrossingunicorn")
    expect(page.get_by_text("Nothing matches. Try fewer or different words.")).to_be_visible()
