"""The confidentiality guard before anything is stored: pages, API, imports, settings, and
that a redaction leaves no trace of the original text anywhere."""
import html
import logging

import pytest
from sqlalchemy import String, Text, select

from forum.confidentiality import Finding
from forum.models import Base, Flag, Reply, Thread
from forum.services import replies as reply_service
from forum.services import threads as thread_service
from forum.services.confidentiality import ConfidentialError

from tests.discussion_fixtures import PREFIX

DONE = ("my client Sarah Jones (sarah.jones@acme.com, 07700 900123), a nurse at St Mary's "
        "in Leeds")
DETAILS = ("Sarah Jones", "sarah.jones@acme.com", "07700 900123", "St Mary's", "Leeds")
REDACTED = "my client Client A ([email], [phone]), a nurse at [employer] in [town]"
API = f"{PREFIX}/api"


@pytest.fixture
def thread(host_users, actor_for):
    """A clean thread started by Ana."""
    return thread_service.start_thread(
        actor_for(host_users["ana"]), "How do you restart a stalled client?",
        "Momentum fades after the first month.")


def replies(db):
    """Every stored reply body."""
    db.session.expire_all()
    return db.session.scalars(select(Reply.body)).all()


def open_flags(db):
    """Open flags as (reason, raised_by_system, reporter_id, reply_id, text)."""
    db.session.expire_all()
    return db.session.execute(select(Flag.reason, Flag.raised_by_system, Flag.reporter_id,
                                     Flag.reply_id, Flag.text)
                              .where(Flag.status == "open")).all()


def stored_text(db):
    """Every text and string value in every forum table, as one string (a database dump)."""
    db.session.expire_all()
    values = []
    for table in Base.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, (String, Text))]
        if columns:
            for row in db.session.execute(select(*columns)).all():
                values += [str(value) for value in row if value is not None]
    return "\n".join(values)


def test_the_coach_sees_each_detail_flagged_with_a_one_click_stand_in(
        host_users, thread, client_for, db):
    page = client_for(host_users["ben"]).post(
        f"{PREFIX}/threads/{thread.id}/replies", data={"body": DONE, "tags": "kept"})
    assert page.status_code == 422
    text = html.unescape(page.text)
    assert "This may identify a client" in text
    assert f"\n{DONE}</textarea>" in text and 'value="kept"' in text  # typed text kept
    for detail, stand_in in zip(DETAILS, ("Client A", "[email]", "[phone]", "[employer]",
                                          "[town]")):
        assert f"<mark dir=\"auto\">{detail}</mark>" in text
        assert f"Replace with “{stand_in}”" in text
    assert "looks like a client's name" in text and "phone number" in text
    assert "Replace all with stand-ins" in text
    assert "I have the client's consent or this is not a real person" in text
    assert replies(db) == []


def test_replace_all_shows_the_text_with_stand_ins_and_stores_nothing(
        host_users, thread, client_for, db):
    page = client_for(host_users["ben"]).post(
        f"{PREFIX}/threads/{thread.id}/replies",
        data={"body": DONE, "confidential_replace": "all"})
    assert page.status_code == 200
    assert f"\n{REDACTED}</textarea>" in html.unescape(page.text)
    assert "Nothing has been saved" in page.text
    assert replies(db) == []


def test_replace_one_puts_in_its_stand_in_for_every_mention(host_users, thread, client_for, db):
    body = "My client Sarah Jones is stuck. Sarah calls 07700 900123 often."
    start = body.index("Sarah Jones")
    page = client_for(host_users["ben"]).post(
        f"{PREFIX}/threads/{thread.id}/replies",
        data={"body": body, "confidential_replace": f"body:{start}:{start + 11}"})
    kept = "My client Client A is stuck. Client A calls 07700 900123 often."
    assert f"\n{kept}</textarea>" in html.unescape(page.text)
    assert "Replace with “[phone]”" in html.unescape(page.text)  # the rest is still listed
    assert replies(db) == []


def test_no_original_text_survives_a_redaction(host_users, thread, client_for, db, caplog):
    client = client_for(host_users["ben"])
    url = f"{PREFIX}/threads/{thread.id}/replies"
    with caplog.at_level(logging.DEBUG):
        client.post(url, data={"body": DONE})
        client.post(url, data={"body": DONE, "confidential_replace": "all"})
        posted = client.post(url, data={"body": REDACTED})
    assert posted.status_code == 302
    assert replies(db) == [REDACTED]
    dump = stored_text(db)
    assert REDACTED in dump
    for detail in DETAILS:
        assert detail not in dump
        assert [r.getMessage() for r in caplog.records if detail in r.getMessage()] == []
    assert open_flags(db) == []


def test_posting_anyway_raises_a_system_flag_for_the_moderators(
        host_users, thread, client_for, db):
    posted = client_for(host_users["ben"]).post(
        f"{PREFIX}/threads/{thread.id}/replies",
        data={"body": DONE, "confirm_confidential": "y"})
    assert posted.status_code == 302
    assert replies(db) == [DONE]
    [(reason, by_system, reporter, reply_id, text)] = open_flags(db)
    assert (reason, by_system, reporter) == ("client-info", True, None) and reply_id
    assert "client's name" in text and not any(detail in text for detail in DETAILS)
    queue = client_for(host_users["mo"]).get(f"{PREFIX}/moderation/flags").text
    assert "raised by the confidentiality guard" in queue


def test_block_mode_refuses_even_with_the_consent_ticked(host_users, thread, client_for, db, app):
    app.config["FORUM_CONFIDENTIALITY"] = "block"
    page = client_for(host_users["ben"]).post(
        f"{PREFIX}/threads/{thread.id}/replies",
        data={"body": DONE, "confirm_confidential": "y"})
    assert page.status_code == 422
    assert "does not accept it" in page.text and "confirm_confidential" not in page.text
    assert replies(db) == [] and open_flags(db) == []


def test_off_mode_posts_without_a_flag(host_users, thread, client_for, db, app):
    app.config["FORUM_CONFIDENTIALITY"] = "off"
    client_for(host_users["ben"]).post(f"{PREFIX}/threads/{thread.id}/replies",
                                       data={"body": DONE})
    assert replies(db) == [DONE] and open_flags(db) == []


def test_a_new_thread_is_checked_field_by_field_with_shared_stand_ins(host_users, client_for, db):
    client = client_for(host_users["ben"])
    data = {"title": "How do I help my client Priya Shah?", "lead": "Priya is a teacher at Oakfield School.",
            "prompts": "Listen first: Ask what changed."}
    page = client.post(f"{PREFIX}/new", data=data)
    assert page.status_code == 422 and "Replace with “Client A”" in html.unescape(page.text)
    replaced = client.post(f"{PREFIX}/new", data=dict(data, confidential_replace="all"))
    text = html.unescape(replaced.text)
    assert 'value="How do I help my client Client A?"' in text
    assert "Client A is a teacher at [employer].</textarea>" in text
    assert db.session.scalar(select(Thread.id)) is None


def test_editing_checks_a_changed_text_only(host_users, thread, client_for, db, actor_for):
    reply = reply_service.add_reply(actor_for(host_users["ben"]), thread.id, "A clean answer.")
    client = client_for(host_users["ben"])
    page = client.post(f"{PREFIX}/replies/{reply.id}/edit", data={"body": DONE})
    assert page.status_code == 422 and replies(db) == ["A clean answer."]
    saved = client.post(f"{PREFIX}/replies/{reply.id}/edit",
                        data={"body": DONE, "confirm_confidential": "y"})
    assert saved.status_code == 302 and replies(db) == [DONE]
    assert [flag.reply_id for flag in open_flags(db)] == [reply.id]
    client.post(f"{PREFIX}/replies/{reply.id}/edit", data={"body": DONE, "tags": "endings"})
    assert len(open_flags(db)) == 1  # same text: not checked again, no second flag
    other = client_for(host_users["ana"]).post(f"{PREFIX}/replies/{reply.id}/edit",
                                               data={"body": DONE + " Again."})
    assert other.status_code == 403  # who may edit is decided before the guard speaks


def test_the_api_answers_422_with_findings_unless_confirmed(
        host_users, thread, client_for, db, actor_for):
    from forum.services import tokens

    _, raw = tokens.create_token(actor_for(host_users["ben"]), "tests")
    headers = {"Authorization": f"Bearer {raw}"}
    url = f"{API}/threads/{thread.id}/replies"
    refused = client_for(host_users["ben"]).post(url, json={"body": DONE}, headers=headers)
    assert refused.status_code == 422
    error = refused.json["error"]
    assert error["code"] == "confidential"
    assert [(DONE[f["start"]:f["end"]], f["kind"], f["suggestion"]) for f in error["findings"]] == [
        ("Sarah Jones", "client_name", "Client A"), ("sarah.jones@acme.com", "email", "[email]"),
        ("07700 900123", "phone", "[phone]"), ("St Mary's", "employer", "[employer]"),
        ("Leeds", "place", "[town]")]
    assert replies(db) == []
    posted = client_for(host_users["ben"]).post(
        url, json={"body": DONE, "confirm_confidential": True}, headers=headers)
    assert posted.status_code == 201 and len(open_flags(db)) == 1
    thread_refused = client_for(host_users["ben"]).post(
        f"{API}/threads", headers=headers,
        json={"title": "Helping my client Tom Becker", "prompts": [
            {"label": "Reach", "text": "Call him on 07700 900456"}]})
    assert thread_refused.status_code == 422
    assert {f["field"] for f in thread_refused.json["error"]["findings"]} == {
        "title", "prompts[0].text"}


def test_the_typing_check_answers_findings_as_json(host_users, client_for, client):
    found = client_for(host_users["ben"]).post(f"{PREFIX}/confidentiality/check",
                                               json={"text": DONE})
    assert found.status_code == 200
    assert [f["text"] for f in found.json["findings"]] == list(DETAILS)
    assert client.post(f"{PREFIX}/confidentiality/check", json={"text": DONE}).status_code == 401


def test_community_terms_and_the_host_hook_change_the_findings(host_users, actor_for, app):
    app.config["FORUM_CONFIDENTIALITY_TERMS"] = ["Northwind Traders"]
    actor = actor_for(host_users["ben"])
    with pytest.raises(ConfidentialError) as refused:
        thread_service.start_thread(actor, "Restructures at northwind traders: advice?")
    assert [f.kind for f in refused.value.found["title"]] == ["term"]

    def hook(text, findings):
        """The host knows its clients by code name, and trusts its own staff names."""
        start = text.find("Project Falcon")
        extra = [Finding(start, start + 14, "client_name", "Project Falcon", "a client code name",
                         "[client]")] if start >= 0 else []
        return [f for f in findings if f.kind != "term"] + extra

    app.config["FORUM_CONFIDENTIALITY_HOOK"] = hook
    thread = thread_service.start_thread(actor, "Restructures at northwind traders: advice?")
    assert thread.id
    with pytest.raises(ConfidentialError) as refused:
        thread_service.start_thread(actor, "Notes on Project Falcon and its sponsor")
    assert [f.suggestion for f in refused.value.found["title"]] == ["[client]"]


ARTICLE = """How do you work with a client after a restructure?

A question from practice.

- Listen first: Ask what changed.

What has worked for you?

-

My client Sarah Jones called me on 07700 900123.
"""


def test_import_reports_findings_by_file_and_line_and_needs_allow_confidential(
        app, db, tmp_path):
    path = tmp_path / "restructure.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["forum", "import", str(path)])
    assert refused.exit_code == 1
    assert f'{path}:11: looks like a client\'s name "Sarah Jones" -> Client A' in refused.output
    assert f'{path}:11: phone number "07700 900123" -> [phone]' in refused.output
    assert "--allow-confidential" in refused.output and "Nothing imported" in refused.output
    assert db.session.scalar(select(Thread.id)) is None
    allowed = runner.invoke(args=["forum", "import", "--allow-confidential", str(path)])
    assert allowed.exit_code == 0, allowed.output
    [(reason, by_system, _, reply_id, _)] = open_flags(db)
    assert (reason, by_system, reply_id) == ("client-info", True, None)


def test_web_import_shows_findings_in_the_preview_and_needs_the_tick(
        host_users, client_for, db):
    client = client_for(host_users["mo"])
    preview = client.post(f"{PREFIX}/import", data={"text": ARTICLE, "action": "preview"})
    assert "This article may identify a client" in preview.text
    assert "pasted text:11: phone number" in html.unescape(preview.text)
    refused = client.post(f"{PREFIX}/import", data={"text": ARTICLE, "action": "confirm"})
    assert refused.status_code == 422 and db.session.scalar(select(Thread.id)) is None
    done = client.post(f"{PREFIX}/import", data={"text": ARTICLE, "action": "confirm",
                                                 "allow_confidential": "y"})
    assert done.status_code == 302 and len(open_flags(db)) == 1


def test_moderators_scan_posted_content_and_send_items_to_the_queue(
        host_users, thread, client_for, db, app, actor_for):
    app.config["FORUM_CONFIDENTIALITY"] = "off"  # content from before the guard
    reply = reply_service.add_reply(actor_for(host_users["ben"]), thread.id, DONE)
    app.config["FORUM_CONFIDENTIALITY"] = "warn"
    output = app.test_cli_runner().invoke(args=["forum", "scan-confidential"]).output
    assert f"contribution {reply.id} in thread {thread.id}" in output
    assert 'phone number "07700 900123" -> [phone]' in output
    assert "1 item with details" in output and "Nothing was changed" in output
    assert client_for(host_users["ben"]).get(f"{PREFIX}/moderation/confidential").status_code == 403
    moderator = client_for(host_users["mo"])
    page = html.unescape(moderator.get(f"{PREFIX}/moderation/confidential").text)
    assert "<mark dir=\"auto\">Sarah Jones</mark> looks like a client's name" in page
    assert open_flags(db) == [] and replies(db) == [DONE]  # looking changes nothing
    sent = moderator.post(f"{PREFIX}/moderation/confidential/reply/{reply.id}/flag")
    assert sent.status_code == 302
    [(reason, by_system, _, reply_id, text)] = open_flags(db)
    assert (reason, by_system, reply_id) == ("client-info", True, reply.id)
    assert text.startswith("Found by a moderator's confidentiality scan")
    flag_id = db.session.scalar(select(Flag.id))
    moderator.post(f"{PREFIX}/moderation/flags/{flag_id}/resolve", data={"action": "hide"})
    db.session.expire_all()
    assert db.session.get(Reply, reply.id).hidden_reason.endswith(
        "Identifiable client information")
