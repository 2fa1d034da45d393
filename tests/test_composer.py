"""The composer without JavaScript: every error at once, Preview and Save draft buttons, drafts
restored on another device and discarded on posting, "Reply" linking back, on both databases."""
import pytest
from sqlalchemy import func, select

from forum.models import Draft, Reply, Thread
from forum.services import replies as reply_service
from forum.services import threads as thread_service

from tests.discussion_fixtures import PREFIX

TITLE = "How do you restart a stalled client?"


@pytest.fixture
def thread(host_users, actor_for):
    """A thread by Ana with one prompt."""
    return thread_service.start_thread(actor_for(host_users["ana"]), TITLE,
                                       "Momentum fades.", "Listen first: Ask what changed.")


def _count(db, model):
    """Rows of a table."""
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_new_thread_form_reports_every_error_at_once_and_keeps_the_text(
        host_users, client_for, db):
    """An empty title, a prompt without a label and ten tags: three errors, each by its field."""
    client = client_for(host_users["ben"])
    tags = ", ".join(f"tag{n}" for n in range(10))
    response = client.post(f"{PREFIX}/new", data={
        "title": "", "lead": "Kept *lead*", "prompts": "no colon here", "tags": tags})
    assert response.status_code == 422
    page = response.text
    assert 'id="title-error"' in page and "A title has 10 to 200 characters" in page
    assert 'id="prompts-error"' in page and "Prompt line 1 needs a label" in page
    assert 'id="tags-error"' in page and "at most 5 tags (you gave 10)" in page
    assert "Kept *lead*" in page and "no colon here" in page and tags in page
    assert _count(db, Thread) == 0


def test_a_contribution_reports_text_and_tags_errors_together(host_users, thread, client_for,
                                                                db):
    client = client_for(host_users["ben"])
    tags = ", ".join(f"tag{n}" for n in range(7))
    response = client.post(f"{PREFIX}/threads/{thread.id}/replies",
                           data={"body": "  ", "tags": tags})
    assert response.status_code == 422
    assert 'id="body-error"' in response.text and 'id="tags-error"' in response.text
    assert _count(db, Reply) == 0


def test_the_preview_button_renders_through_the_sanitizer_and_stores_nothing(
        host_users, thread, client_for, db):
    client = client_for(host_users["ben"])
    body = "**Listen** first <script>alert(1)</script>"
    response = client.post(f"{PREFIX}/threads/{thread.id}/replies",
                           data={"body": body, "preview": "1"})
    assert response.status_code == 200
    page = response.text
    preview = page[page.index('data-preview-body'):page.index("</section>",
                                                               page.index('data-preview-body'))]
    assert "<strong>Listen</strong> first" in preview and "<script>" not in preview
    assert "&lt;script&gt;alert(1)" in page  # the typed text is kept in the box, escaped
    assert _count(db, Reply) == 0 and _count(db, Draft) == 0


def test_the_new_thread_and_edit_forms_preview_too(host_users, thread, client_for, actor_for):
    client = client_for(host_users["ben"])
    page = client.post(f"{PREFIX}/new", data={"title": "A question in preview", "lead": "_Why_ now?",
                                              "preview": "1"}).text
    assert "<em>Why</em> now?" in page and 'data-preview-title>A question in preview<' in page
    reply = reply_service.add_reply(actor_for(host_users["ben"]), thread.id, "First")
    page = client.post(f"{PREFIX}/replies/{reply.id}/edit",
                       data={"body": "Second, *better*", "preview": "1"}).text
    assert "<em>better</em>" in page and "Save draft" not in page
    assert reply_service.load_reply(reply.id).body == "First"


def test_a_questions_preview_shows_its_prompts_and_call_to_action(host_users, client_for, db):
    """The whole question as posting would show it: bold prompt labels, the call to action (as
    text, never HTML); a prompt line without a label is named beside the field instead."""
    client = client_for(host_users["ben"])
    page = client.post(f"{PREFIX}/new", data={
        "title": "A question in preview", "lead": "", "preview": "1",
        "prompts": "Listen first: Reflect <b>back</b>\n- Small steps: Agree one",
        "call_to_action": "Tell us <i>what</i> worked."}).text
    preview = page[page.index('id="thread-preview"'):]
    preview = preview[:preview.index("</section>")]
    assert "<li dir=\"auto\"><strong>Listen first:</strong> Reflect &lt;b&gt;back&lt;/b&gt;</li>" in preview
    assert "<strong>Small steps:</strong> Agree one" in preview
    assert ">Tell us &lt;i&gt;what&lt;/i&gt; worked.</p>" in preview
    assert "Nothing to preview yet." not in preview
    bad = client.post(f"{PREFIX}/new", data={"title": "A question in preview", "preview": "1",
                                              "prompts": "no colon here"}).text
    assert 'id="prompts-error"' in bad and "Prompt line 1 needs a label" in bad
    assert _count(db, Thread) == 0 and _count(db, Draft) == 0


def test_a_saved_draft_comes_back_on_another_device_and_posting_discards_it(
        host_users, thread, client_for, db):
    laptop, phone = client_for(host_users["ben"]), client_for(host_users["ben"])
    saved = laptop.post(f"{PREFIX}/threads/{thread.id}/replies",
                        data={"body": "Half a thought about silence", "tags": "silence",
                              "prompt": "0", "save_draft": "1"})
    assert saved.status_code == 200 and "Draft saved" in saved.text
    assert _count(db, Reply) == 0 and _count(db, Draft) == 1
    page = phone.get(f"{PREFIX}/threads/{thread.id}/{thread.slug}").text
    assert "Half a thought about silence</textarea>" in page and 'value="silence"' in page
    assert "is back in the form" in page
    assert '<option selected value="0">' in page
    # someone else sees none of it
    other = client_for(host_users["ana"]).get(f"{PREFIX}/threads/{thread.id}/{thread.slug}").text
    assert "Half a thought" not in other
    posted = phone.post(f"{PREFIX}/threads/{thread.id}/replies",
                        data={"body": "A whole thought about silence."})
    assert posted.status_code == 302
    assert _count(db, Draft) == 0
    assert "A whole thought" not in laptop.get(f"{PREFIX}/threads/{thread.id}/{thread.slug}").text.split(
        'class="reply-form"')[1]


def test_a_new_question_draft_and_an_empty_save_discards_it(host_users, client_for, db):
    client = client_for(host_users["ben"])
    client.post(f"{PREFIX}/new", data={"title": "Half a title", "prompts": "Listen: first",
                                       "save_draft": "1"})
    page = client.get(f"{PREFIX}/new").text
    assert 'value="Half a title"' in page and "Listen: first</textarea>" in page
    emptied = client.post(f"{PREFIX}/new", data={"title": "", "save_draft": "1"})
    assert "no draft is kept" in emptied.text and _count(db, Draft) == 0
    assert _count(db, Thread) == 0


def test_posting_a_question_discards_its_draft(host_users, client_for, db):
    client = client_for(host_users["ben"])
    client.post(f"{PREFIX}/new", data={"title": "Half a title", "save_draft": "1"})
    response = client.post(f"{PREFIX}/new", data={"title": "A whole question about endings"})
    assert response.status_code == 302 and _count(db, Draft) == 0


def test_reply_links_back_and_the_parent_shows_its_replies(host_users, thread, client_for,
                                                           actor_for, db):
    priya = reply_service.add_reply(actor_for(host_users["ana"]), thread.id, "Ask what changed.")
    client = client_for(host_users["ben"])
    form = client.get(f"{PREFIX}/threads/{thread.id}/{thread.slug}?reply_to={priya.id}").text
    assert f'name="reply_to" type="hidden" value="{priya.id}"' in form
    assert "In reply to <a href=\"#reply-" in form and "Ana’s contribution" in form
    for text in ("I do the same.", "So do I."):
        assert client.post(f"{PREFIX}/threads/{thread.id}/replies",
                           data={"body": text, "reply_to": str(priya.id)}).status_code == 302
    page = client.get(f"{PREFIX}/threads/{thread.id}/{thread.slug}").text
    card = page[page.index(f'id="reply-{priya.id}"'):]
    card = card[:card.index("</li>")]
    assert ">2 replies</a>" in card
    answers = db.session.scalars(select(Reply.id).where(Reply.reply_to_id == priya.id)
                                 .order_by(Reply.id)).all()
    assert f'{PREFIX}/replies/{answers[0]}"' in card and 'aria-label="Reply 2 of 2"' in card
    assert page.count("In reply to <a href=") == 2
    jump = client.get(f"{PREFIX}/replies/{answers[1]}")
    assert jump.status_code == 302 and jump.headers["Location"].endswith(f"#reply-{answers[1]}")


def test_a_reply_to_a_contribution_of_another_thread_is_refused(host_users, thread, client_for,
                                                                actor_for, db):
    other = thread_service.start_thread(actor_for(host_users["ana"]), "Another question here")
    elsewhere = reply_service.add_reply(actor_for(host_users["ana"]), other.id, "Elsewhere.")
    response = client_for(host_users["ben"]).post(
        f"{PREFIX}/threads/{thread.id}/replies",
        data={"body": "Answering it", "reply_to": str(elsewhere.id)})
    assert response.status_code == 422 and "not in this thread" in response.text
    assert "Answering it</textarea>" in response.text
    assert _count(db, Reply) == 1


def test_a_hidden_answer_is_not_counted_for_members(host_users, thread, client_for, actor_for,
                                                    db):
    parent = reply_service.add_reply(actor_for(host_users["ana"]), thread.id, "Parent.")
    child = reply_service.add_reply(actor_for(host_users["ben"]), thread.id, "Child.",
                                    reply_to=parent.id)
    db.session.get(Reply, child.id).is_hidden = True
    db.session.commit()
    page = client_for(host_users["ben"]).get(f"{PREFIX}/threads/{thread.id}/{thread.slug}").text
    assert "1 reply" not in page
    moderator = client_for(host_users["mo"]).get(
        f"{PREFIX}/threads/{thread.id}/{thread.slug}").text
    assert ">1 reply</a>" in moderator


API = f"{PREFIX}/api"


def test_api_preview_sanitizes_and_needs_a_member(host_users, client_for, client):
    member = client_for(host_users["ben"])
    answer = member.post(f"{API}/preview", json={"text": "*hi* <img src=x onerror=alert(1)>"})
    assert answer.status_code == 200
    assert answer.json["html"].startswith("<p><em>hi</em>") and "<img" not in answer.json["html"]
    assert client.post(f"{API}/preview", json={"text": "x"}).status_code == 401
    too_long = member.post(f"{API}/preview", json={"text": "x" * 25_001})
    assert too_long.status_code == 422 and too_long.json["error"]["field"] == "text"
    question = member.post(f"{API}/preview", json={
        "text": "", "prompts": "Listen: Reflect back\n\nAsk: <b>One</b> question",
        "call_to_action": "Share yours."})
    assert question.json == {"html": "", "call_to_action": "Share yours.", "prompts": [
        {"label": "Listen", "text": "Reflect back"}, {"label": "Ask", "text": "<b>One</b> question"}]}
    assert "prompts" not in member.post(f"{API}/preview", json={"text": "x"}).json
    unlabelled = member.post(f"{API}/preview", json={"text": "", "prompts": ": no label"})
    assert unlabelled.status_code == 422 and unlabelled.json["error"]["field"] == "prompts"


def test_api_drafts_round_trip(host_users, thread, client_for, db):
    client = client_for(host_users["ben"])
    url = f"{API}/threads/{thread.id}/draft"
    assert client.get(url).json == {"fields": {}, "updated_at": None}
    saved = client.put(url, json={"fields": {"body": "Typing…", "reply_to": ""}})
    assert saved.status_code == 200 and saved.json["fields"] == {"body": "Typing…"}
    assert saved.json["updated_at"]
    assert client.get(url).json["fields"] == {"body": "Typing…"}
    wrong = client.put(url, json={"fields": {"title": "not a reply field"}})
    assert wrong.status_code == 422
    assert client.delete(url).status_code == 204 and _count(db, Draft) == 0
    new = client.put(f"{API}/drafts/new-thread", json={"fields": {"title": "Half"}})
    assert new.json["fields"] == {"title": "Half"}
    assert client.get(f"{API}/drafts/new-thread").json["fields"] == {"title": "Half"}
    assert client.get(f"{API}/threads/999999/draft").status_code == 404


def test_api_reply_to_and_every_error_at_once(host_users, thread, client_for, actor_for):
    client = client_for(host_users["ben"])
    parent = reply_service.add_reply(actor_for(host_users["ana"]), thread.id, "Parent.")
    made = client.post(f"{API}/threads/{thread.id}/replies",
                       json={"body": "Child.", "reply_to": parent.id})
    assert made.status_code == 201 and made.json["reply_to"] == parent.id
    bad = client.post(f"{API}/threads", json={"title": "", "prompts": [{"label": "", "text": "x"}],
                                              "tags": [f"t{n}x" for n in range(9)]})
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json["error"]["errors"]} == {"title", "prompts", "tags"}


def test_hashtags_link_to_their_tag_page_and_are_not_repeated_as_chips(host_users, thread,
                                                                       client_for):
    client = client_for(host_users["ben"])
    client.post(f"{PREFIX}/threads/{thread.id}/replies",
                data={"body": "Silence helps. #silence and `#notatag`", "tags": "pacing"})
    page = client.get(f"{PREFIX}/threads/{thread.id}/{thread.slug}").text
    card = page[page.index('<li class="reply"'):]
    card = card[:card.index("</li>\n")]
    assert f'<a href="{PREFIX}/tags/silence" rel="nofollow ugc noopener">#silence</a>' in card
    assert "<code>#notatag</code>" in card
    chips = card[card.index('aria-label="Tags"'):]
    assert "#pacing" in chips and "#silence" not in chips


def test_register_reports_name_and_password_errors_together(site_client):
    response = site_client.post("/register", data={"name": "x", "password": "short",
                                                   "confirm": "short"})
    assert response.status_code == 422
    assert 'id="name-error"' in response.text and 'id="password-error"' in response.text
    assert 'value="x"' in response.text


def test_n_replies_cost_no_query_however_many_answers(host_users, thread, client_for,
                                                      actor_for, count_queries, db):
    """A page whose every card answers another counts the same queries as one with one card."""
    actor = actor_for(host_users["ana"])
    thread_id = thread.id
    parent_id = reply_service.add_reply(actor, thread_id, "The first contribution.").id
    client = client_for(host_users["ben"])
    url = f"{PREFIX}/threads/{thread_id}/{thread.slug}"
    client.get(url)
    db.session.remove()
    parent_id = reply_service.add_reply(actor, thread_id, "Answer.", reply_to=parent_id).id
    db.session.remove()
    with count_queries() as few:  # the first view after a write: the rows read afresh
        client.get(url)
    for number in range(11):  # each answers the one before (ids: the session is removed)
        parent_id = reply_service.add_reply(actor, thread_id, f"Answer {number}.",
                                            reply_to=parent_id).id
    db.session.remove()
    with count_queries() as many:
        page = client.get(url).text
    assert page.count(">1 reply</a>") == 12 and many[0] == few[0]  # as after its write


def test_stand_ins_overwrite_a_kept_draft(host_users, thread, client_for, db):
    """A draft saved with a client's details keeps none of them once stand-ins replace them."""
    client = client_for(host_users["ben"])
    url = f"{PREFIX}/threads/{thread.id}/replies"
    detail = "my client Sarah Jones (sarah.jones@acme.com) stalls"
    client.post(url, data={"body": detail, "save_draft": "1"})
    assert "sarah.jones@acme.com" in db.session.scalar(select(Draft.fields))
    replaced = client.post(url, data={"body": detail, "confidential_replace": "all"})
    assert replaced.status_code == 200 and "sarah.jones@acme.com" not in replaced.text.split(
        "<textarea")[1].split("</textarea>")[0]
    db.session.expire_all()
    kept = db.session.scalar(select(Draft.fields))
    assert "sarah.jones" not in kept and "Sarah Jones" not in kept
