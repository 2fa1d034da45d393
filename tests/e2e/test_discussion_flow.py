"""In a real browser: register, log out and in, start a thread, answer a prompt, edit the answer."""
import re

from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, log_in, unique


def register(page, name):
    """Create an account through the register form (CSRF on) and land logged in."""
    page.goto("/")
    page.get_by_role("navigation", name="Forum").get_by_role("link", name="Register").click()
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.locator(".flashes")).to_contain_text(f"Welcome, {name}!")


def test_register_log_in_start_thread_answer_a_prompt_and_edit_it(page):
    name = unique("Rowan")
    register(page, name)
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    log_in(page, name)
    expect(page.get_by_text(name)).to_be_visible()

    page.get_by_role("link", name="Ask a question").click()
    page.get_by_label("Question (the thread's title)").fill(
        "Coaching a client through a career change: where do you start?")
    page.get_by_label("Lead paragraph").fill("Career changes stall when the first step is too big.")
    page.get_by_label("Prompts, one per line").fill(
        "Map the strengths: List what already transfers to the new field.\n"
        "Test cheaply: Find a one-week experiment before any big decision.")
    page.get_by_label("Call to share").fill("What first step has worked for your clients?")
    page.get_by_label("Tags, separated by commas").fill("career change")
    page.get_by_role("button", name="Publish the question").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Coaching a client through a career change: where do you start?")
    expect(page.locator(".prompts li")).to_have_count(2)
    expect(page.get_by_text("No contributions yet: be the first to share what worked.")).to_be_visible()

    page.get_by_label("Your contribution (Markdown)").fill(
        "Start with **values**, then skills:\n\n- one coffee chat a week\n- a small paid project")
    page.get_by_label("Answers prompt").select_option(label="2. Test cheaply")
    page.get_by_label("Tags, separated by commas").fill("experiments, career change")
    page.get_by_role("button", name="Post contribution").click()

    card = page.locator(".reply").first
    expect(card).to_be_visible()
    expect(card.locator("strong", has_text="values")).to_be_visible()
    expect(card.locator(".reply-body li")).to_have_count(2)
    expect(card.get_by_role("link", name=re.compile("answers prompt 2"))).to_be_visible()
    expect(card.get_by_role("link", name="#experiments")).to_be_visible()
    expect(card.locator(".author")).to_have_text(name)
    expect(page.get_by_role("heading", name="1 contribution")).to_be_visible()
    expect(card.locator(".edited")).to_have_count(0)

    card.get_by_role("link", name="Edit").click()
    page.get_by_label("Your contribution (Markdown)").fill(
        "Start with **values**, then skills:\n\n- one coffee chat a week\n- a small paid project"
        "\n- a _reflection_ after each")
    page.get_by_role("button", name="Save changes").click()
    card = page.locator(".reply").first
    expect(card.locator(".reply-body li")).to_have_count(3)
    expect(card.locator(".reply-body em")).to_have_text("reflection")
    expect(card.locator(".edited")).to_have_text("edited")


def test_a_reply_error_keeps_the_text(page, live_site, demo_thread, problems):
    log_in(page, live_site.create_account())
    page.goto(demo_thread["url"])
    page.get_by_label("Tags, separated by commas").fill("keep me")
    page.get_by_role("button", name="Post contribution").click()
    expect(page.locator(".field-error .error").first).to_be_visible()
    expect(page.get_by_label("Tags, separated by commas")).to_have_value("keep me")
    problems.expect("status of 422")
