"""Outcome reports: "I'll try this", the reminder three weeks later, reports, the field-tested
score and its orders, pages without JavaScript, the API and the author's table."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from forum.errors import Conflict, Forbidden, NotFound, Unauthorized, ValidationError
from forum.models import Flag, Notification, Outcome, Reply, Thread, utcnow
from forum.services import (
    importer, moderation, notification_kinds, notifications, outcomes, replies, threads,
)
from forum.services.confidentiality import ConfidentialError

TITLE = "Dealing with a stalled client: how do you restart momentum?"


@pytest.fixture
def board(app, db, make_user, actor_for):
    """Ada's question with two prompts, Bea's two contributions (one per prompt), and members."""
    author, bea = make_user("Ada Author"), make_user("Bea Coach")
    thread = threads.start_thread(
        actor_for(author), TITLE, lead="A client who agreed to goals stopped acting on them.",
        prompts="Listen first: Reflect back what you hear.\nShrink the step: Agree one small action.")
    first = replies.add_reply(actor_for(bea), thread.id, "I ask what changed since the goal.",
                              prompt_position=0)
    second = replies.add_reply(actor_for(bea), thread.id, "We pick a five-minute action together.",
                               prompt_position=1, tags="small steps")
    members = [make_user(f"Member {n}") for n in range(12)]
    return {"author": author, "bea": bea, "thread": thread.id, "first": first.id,
            "second": second.id, "members": members}


def stored(db, reply_id):
    """(tried, reported, better, worse) as stored on the contribution."""
    db.session.expire_all()
    return tuple(db.session.execute(select(
        Reply.outcome_tried, Reply.outcome_reported, Reply.outcome_better, Reply.outcome_worse)
        .where(Reply.id == reply_id)).one())


def thread_page(client, board, query=""):
    return client.get(f"/community/threads/{board['thread']}/x{query}", follow_redirects=True)


def test_wilson_lower_bound_puts_thirty_good_reports_above_three():
    assert outcomes.wilson_lower_bound(0, 0) == 0.0
    assert outcomes.wilson_lower_bound(3, 3) == pytest.approx(0.4385, abs=1e-4)
    assert outcomes.wilson_lower_bound(30, 30) == pytest.approx(0.8865, abs=1e-4)
    assert outcomes.wilson_lower_bound(9, 10) > outcomes.wilson_lower_bound(3, 3)
    assert outcomes.wilson_lower_bound(0, 5) == 0.0


# --- service ---------------------------------------------------------------------------------

def test_try_report_change_withdraw_keep_figures_in_step(db, board, actor_for):
    member = actor_for(board["members"][0])
    figures = outcomes.mark_trying(member, board["first"])
    assert (figures.tried, figures.reported) == (1, 0)
    assert outcomes.mark_trying(member, board["first"], 7).tried == 1  # again: a new delay only
    figures = outcomes.report(member, board["first"], 2, "Worked after I shortened the first step")
    assert figures.as_dict() == {"tried": 1, "reported": 1, "positive": 1,
                                 "field_tested": round(outcomes.wilson_lower_bound(1, 1), 3)}
    assert stored(db, board["first"]) == (1, 1, 1, 0) == outcomes.recount(board["first"])
    figures = outcomes.report(member, board["first"], "-1")  # changed: one report still
    assert (figures.reported, figures.positive, figures.worse) == (1, 0, 1)
    assert figures.field_tested == 0.0
    assert stored(db, board["first"]) == (1, 1, 0, 1) == outcomes.recount(board["first"])
    with pytest.raises(Conflict, match="remove your report first"):
        outcomes.unmark_trying(member, board["first"])
    figures = outcomes.withdraw_report(member, board["first"])
    assert (figures.tried, figures.reported) == (1, 0)
    assert outcomes.unmark_trying(member, board["first"]).tried == 0
    assert outcomes.unmark_trying(member, board["first"]).tried == 0  # twice is harmless
    assert stored(db, board["first"]) == (0, 0, 0, 0) == outcomes.recount(board["first"])
    assert db.session.scalar(select(func.count(Outcome.id))) == 0


def test_reporting_without_trying_first_counts_as_tried(db, board, actor_for):
    figures = outcomes.report(actor_for(board["members"][0]), board["second"], 0)
    assert (figures.tried, figures.reported, figures.positive) == (1, 1, 1)


def test_refusals(db, board, actor_for, app):
    with pytest.raises(Forbidden, match="your own contribution"):
        outcomes.mark_trying(actor_for(board["bea"]), board["first"])
    with pytest.raises(Forbidden, match="your own contribution"):
        outcomes.report(actor_for(board["bea"]), board["first"], 2)
    with pytest.raises(Unauthorized):
        outcomes.report(actor_for(None), board["first"], 2)
    with pytest.raises(NotFound):
        outcomes.report(actor_for(board["members"][0]), 999_999, 2)
    for bad in (3, -3, "much better", None, True, 1.5):
        with pytest.raises(ValidationError, match="from -2") as caught:
            outcomes.report(actor_for(board["members"][0]), board["first"], bad)
        assert caught.value.field == "outcome"
    with pytest.raises(ValidationError, match="at most 500 characters") as caught:
        outcomes.report(actor_for(board["members"][0]), board["first"], 1, "x" * 501)
    assert caught.value.field == "note"
    with pytest.raises(ValidationError, match="0 \\(none\\) to 365"):
        outcomes.mark_trying(actor_for(board["members"][0]), board["first"], 400)
    db.session.execute(update(Reply).where(Reply.id == board["second"]).values(is_hidden=True))
    db.session.commit()
    with pytest.raises(NotFound):
        outcomes.mark_trying(actor_for(board["members"][0]), board["second"])
    assert stored(db, board["first"]) == (0, 0, 0, 0)
    assert db.session.scalar(select(func.count(Outcome.id))) == 0


def test_note_is_sanitized_and_read_by_the_confidentiality_guard(db, board, actor_for):
    member = actor_for(board["members"][0])
    outcomes.report(member, board["first"], 1, "It **worked** <script>alert(1)</script>")
    row = db.session.scalar(select(Outcome))
    assert "<strong>worked</strong>" in row.note_html and "<script" not in row.note_html
    note = "It worked with my client Sarah Jones, call 07700 900123."
    with pytest.raises(ConfidentialError):
        outcomes.report(member, board["first"], 2, note)
    db.session.expire_all()
    assert db.session.scalar(select(Outcome.outcome)) == 1  # unchanged
    outcomes.report(member, board["first"], 2, note, confirm_confidential=True)
    flag = db.session.scalar(select(Flag).where(Flag.reply_id == board["first"]))
    assert flag.raised_by_system and "outcome note" in flag.text and "Sarah" not in flag.text


# --- the reminder ----------------------------------------------------------------------------

def test_reminded_three_weeks_later_once(db, board, actor_for, app):
    member, other = actor_for(board["members"][0]), actor_for(board["members"][1])
    outcomes.mark_trying(member, board["first"])
    outcomes.mark_trying(other, board["second"], 0)  # no reminder wanted
    start = db.session.scalar(select(Outcome.trying_since).where(
        Outcome.reply_id == board["first"]))
    assert outcomes.send_due_reminders(now=start + timedelta(days=20)) == 0
    assert outcomes.send_due_reminders(now=start + timedelta(days=21, minutes=1)) == 1
    assert outcomes.send_due_reminders(now=start + timedelta(days=22)) == 0  # idempotent
    notice = db.session.scalar(select(Notification).where(Notification.kind == "outcome_reminder"))
    assert notice.recipient_id == member.member_id and notice.reply_id == board["first"]
    page = notifications.list_notifications(member)
    assert [notifications.describe(n) for n in page.items] == [
        "Bea Coach shared advice you said you would try. How did it go?"]
    row = db.session.scalar(select(Outcome).where(Outcome.reply_id == board["first"]))
    assert row.remind_at is None and row.reminded_at is not None


def test_reported_or_hidden_contributions_are_not_reminded(db, board, actor_for, make_user):
    member = actor_for(board["members"][0])
    outcomes.mark_trying(member, board["first"], 7)
    outcomes.mark_trying(member, board["second"], 7)
    outcomes.report(member, board["first"], 1)
    moderation.hide_reply(actor_for(make_user("Mod", staff=True)), board["second"], "off-topic")
    assert outcomes.send_due_reminders(now=utcnow() + timedelta(days=8)) == 0
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.kind == "outcome_reminder")) == 0


def test_cli_sends_due_reminders(app, db, board, actor_for):
    outcomes.mark_trying(actor_for(board["members"][0]), board["first"])
    db.session.execute(update(Outcome).values(remind_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["forum", "send-reminders"])
    assert result.exit_code == 0 and "Sent 1 reminder." in result.output
    result = app.test_cli_runner().invoke(args=["forum", "send-reminders"])
    assert "Sent 0 reminders." in result.output


# --- field-tested orders ---------------------------------------------------------------------

def _reports(actor_for, members, reply_id, values):
    for member, value in zip(members, values):
        outcomes.report(actor_for(member), reply_id, value)


def test_field_tested_orders_contributions_and_threads(db, board, actor_for, make_user, client):
    people = board["members"]
    _reports(actor_for, people[:3], board["first"], [2, 2, 1])  # 3 of 3 good
    _reports(actor_for, people[3:12], board["second"], [2, 1, 1, 0, 0, 1, 2, 1, -1])  # 8 of 9
    order = replies.list_replies(actor_for(None), db.session.get(Thread, board["thread"]),
                                 sort="tested").items
    assert [r.id for r in order] == [board["second"], board["first"]]
    other = threads.start_thread(actor_for(board["author"]), "What do you ask a sceptical client?")
    lone = replies.add_reply(actor_for(board["bea"]), other.id, "Ask what they hope for.")
    _reports(actor_for, people[:3], lone.id, [2, 2, 2])
    listed = threads.list_threads(actor_for(None), sort="tested").items
    assert [t.id for t in listed] == [board["thread"], other.id]
    page = client.get("/community/?sort=tested")
    assert page.text.index(TITLE.split(":")[0]) < page.text.index("sceptical client")
    # hiding the best contribution takes it out of its thread's best score
    moderation.hide_reply(actor_for(make_user("Mod", staff=True)), board["second"], "spam")
    db.session.expire_all()
    best = db.session.scalar(select(Thread.field_tested_best).where(Thread.id == board["thread"]))
    assert best == pytest.approx(outcomes.wilson_lower_bound(3, 3))
    listed = threads.list_threads(actor_for(None), sort="tested").items
    assert [t.id for t in listed][:2] in ([board["thread"], other.id], [other.id, board["thread"]])


def test_field_tested_counts_per_tag_for_profiles(db, board, actor_for):
    _reports(actor_for, board["members"][:4], board["second"], [2, 1, -2, 0])
    bea = actor_for(board["bea"]).require_member().id
    assert outcomes.field_tested_by_tag(bea) == [
        {"tag": "small steps", "slug": "small-steps", "contributions": 1, "reported": 4,
         "positive": 3}]


# --- the "Done when" -------------------------------------------------------------------

def _card(page, reply_id):
    """The HTML of one contribution's card on a thread page."""
    start = page.index(f'id="reply-{reply_id}"')
    ends = [page.find(mark, start + 1) for mark in ('<li id="reply-', "<template ")]
    return page[start:min([end for end in ends if end > 0], default=None)]


def test_done_when_marked_reminded_reported_and_reordered(db, board, client_for, actor_for):
    """A member marks a contribution (the default delay), is reminded three weeks later (the
    clock moved), reports how it went on the page, and the card's "tried by / worked for" and
    both field-tested orders (contributions in the thread, threads in the list) change."""
    people, member = board["members"], board["members"][11]
    _reports(actor_for, people[:5], board["first"], [2, 1, 0, 1, -1])  # 4 of 5: 0.376
    _reports(actor_for, people[5:7], board["second"], [2, 1])  # 2 of 2: 0.342, below 3 reports
    other = threads.start_thread(actor_for(board["author"]), "What do you ask a sceptical client?")
    lone = replies.add_reply(actor_for(board["bea"]), other.id, "Ask what they hope for.")
    _reports(actor_for, people[:8], lone.id, [2, 2, 1, 1, 0, 0, -1, -2])  # 6 of 8: 0.409
    client = client_for(member)

    def orders():
        page = thread_page(client, board, "?sort=tested").text
        cards = [page.index(f'id="reply-{board[key]}"') for key in ("first", "second")]
        listing = client.get("/community/?sort=tested").text
        titles = [listing.index(TITLE.split(":")[0]), listing.index("sceptical client")]
        return page, cards[0] < cards[1], titles[0] < titles[1]

    page, first_above, thread_above = orders()
    assert first_above and not thread_above
    assert "Tried by" not in _card(page, board["second"])  # 2 reports: below the minimum

    # "I'll try this" with the reminder left at its default (three weeks)
    assert "<button form=forum-try" in _card(page, board["second"])
    assert 'value="21" selected>in 3 weeks</option>' in page  # the page's one widget
    response = client.post(f"/community/replies/{board['second']}/trying", data={})
    assert response.status_code == 303
    page = client.get(response.headers["Location"], follow_redirects=True).text
    assert "We will ask how it went in 21 days." in page
    assert "You are trying this; we will ask how it went on" in _card(page, board["second"])
    # private: the author sees a count, nobody else sees who or how many
    author_card = _card(thread_page(client_for(board["bea"]), board).text, board["second"])
    assert "3 members said they would try this; 2 reported how it went." in author_card
    for viewer in (people[0], None):
        seen = _card(thread_page(client_for(viewer), board).text, board["second"])
        assert "said they would try" not in seen and "You are trying this" not in seen

    start = db.session.scalar(select(Outcome.trying_since).where(
        Outcome.reply_id == board["second"], Outcome.outcome.is_(None)))
    assert outcomes.send_due_reminders(now=start + timedelta(days=20, hours=23)) == 0
    assert outcomes.send_due_reminders(now=start + timedelta(days=21, minutes=1)) == 1
    notices = client.get("/community/notifications").text
    assert "Bea Coach shared advice you said you would try. How did it go?" in notices
    card = _card(thread_page(client, board).text, board["second"])
    assert '<details class="outcome-report" open>' in card  # reminded: the form is open
    labels = re.findall(r'<input type="radio" name="outcome" value="(-?\d)"> ([^<]+?)</label>', card)
    assert labels == [("2", "Much better than expected"), ("1", "Somewhat better than expected"),
                      ("0", "As expected"), ("-1", "Somewhat worse than expected"),
                      ("-2", "Much worse than expected")]

    response = client.post(f"/community/replies/{board['second']}/outcome",
                           data={"outcome": "1", "note": "Worked after I shortened the first step"})
    assert response.status_code == 303
    page, first_above, thread_above = orders()
    assert re.search(r"Tried by 3 · worked for 3\s+· <span", _card(page, board["second"]))
    assert not first_above and thread_above  # 3 of 3: 0.438, above 0.376 and 0.409
    assert outcomes.send_due_reminders(now=start + timedelta(days=60)) == 0  # reported: done


def test_figures_show_from_the_minimum_of_reports_the_setting_names(app, db, board, actor_for,
                                                                     client_for):
    app.config["FORUM_OUTCOME_MIN_REPORTS"] = 5
    _reports(actor_for, board["members"][:4], board["first"], [2, 1, 0, -1])
    page = thread_page(client_for(None), board).text
    assert "Tried by" not in page  # 4 reports, 5 needed
    app.config["FORUM_OUTCOME_MIN_REPORTS"] = 1
    _reports(actor_for, board["members"][4:5], board["second"], [2])
    page = thread_page(client_for(None), board).text
    assert "Tried by 4 · worked for 3" in _card(page, board["first"])
    assert "Tried by 1 · worked for 1" in _card(page, board["second"])
    for bad in (0, "3", True):
        app.config["FORUM_OUTCOME_MIN_REPORTS"] = bad
        with pytest.raises(RuntimeError, match="FORUM_OUTCOME_MIN_REPORTS"):
            outcomes.min_reports()


# --- pages without JavaScript ----------------------------------------------------------------

def test_member_tries_is_reminded_and_reports_on_the_page(app, db, board, client_for, actor_for):
    client = client_for(board["members"][0])
    page = thread_page(client, board)
    assert page.text.count("<button form=forum-try formaction=") == 2  # a button on each card
    response = client.post(f"/community/replies/{board['first']}/trying",
                           data={"remind_in_days": "21"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"#reply-{board['first']}")
    page = client.get(response.headers["Location"], follow_redirects=True)
    assert "Noted: you are trying this. We will ask how it went in 21 days." in page.text
    assert "You are trying this; we will ask how it went on" in page.text
    assert "Tried by" not in page.text  # below the minimum of reports
    outcomes.send_due_reminders(now=utcnow() + timedelta(days=22))
    notices = client.get("/community/notifications").text
    assert "How did it go?" in notices
    response = client.post(f"/community/replies/{board['first']}/outcome",
                           data={"outcome": "1", "note": "Worked after I shortened the first step",
                                 "show_name": "1"})
    assert response.status_code == 303
    page = client.get(response.headers["Location"], follow_redirects=True)
    assert "you reported &#34;somewhat better than expected&#34;" in page.text
    assert "You reported: somewhat better than expected." in page.text
    assert "Worked after I shortened the first step" in page.text
    _reports(actor_for, board["members"][1:3], board["first"], [2, -1])
    page = thread_page(client, board)
    assert re.search(r"Tried by 3 · worked for 2\s+· <span", page.text)
    visitor = thread_page(client_for(None), board)
    assert "Tried by 3 · worked for 2" in visitor.text
    assert "shortened the first step" not in visitor.text  # notes: members only
    assert "I'll try this" not in visitor.text


def test_notes_newest_first_names_only_when_chosen(app, db, board, client_for, actor_for):
    members = board["members"]
    outcomes.report(actor_for(members[0]), board["first"], 1, "First note, anonymous")
    outcomes.report(actor_for(members[1]), board["first"], 2, "Second note, signed", show_name=True)
    page = thread_page(client_for(members[2]), board).text
    assert page.index("Second note, signed") < page.index("First note, anonymous")
    notes = page[page.index("How it went for members"):]
    assert "Member 1" in notes and "Member 0" not in notes


def test_bad_report_keeps_the_note_and_stores_nothing(db, board, client_for):
    client = client_for(board["members"][0])
    response = client.post(f"/community/replies/{board['first']}/outcome",
                           data={"note": "Kept text of my note"})
    assert response.status_code == 422
    assert 'class="flash flash-error">Choose how it went' in response.text
    assert ">Kept text of my note</textarea>" in response.text
    assert db.session.scalar(select(func.count(Outcome.id))) == 0
    own = client_for(board["bea"]).post(f"/community/replies/{board['first']}/outcome",
                                        data={"outcome": "2"})
    assert own.status_code == 403 and "your own contribution" in own.text
    anonymous = client_for(None).post(f"/community/replies/{board['first']}/trying")
    assert anonymous.status_code == 401


def test_confidential_note_offers_consent_and_keeps_the_text(db, board, client_for):
    client = client_for(board["members"][0])
    data = {"outcome": "2", "note": "Worked for my client Sarah Jones, 07700 900123"}
    response = client.post(f"/community/replies/{board['first']}/outcome", data=data)
    assert response.status_code == 422
    assert "my client Sarah Jones, 07700 900123" in response.text and 'name="confirm_confidential"' in response.text
    response = client.post(f"/community/replies/{board['first']}/outcome",
                           data=dict(data, confirm_confidential="1"))
    assert response.status_code == 303 and stored(db, board["first"]) == (1, 1, 1, 0)


def test_question_author_sees_the_table_per_prompt(db, board, client_for, actor_for):
    outcomes.mark_trying(actor_for(board["members"][0]), board["first"])
    _reports(actor_for, board["members"][1:4], board["second"], [2, -1, 1])
    page = thread_page(client_for(board["author"]), board).text
    assert "How the advice on your question went" in page
    rows = re.findall(r'<tr><th scope="row" dir="auto">(.*?)</th>\s*<td>(\d+)</td><td>(\d+)</td>'
                      r'<td>(\d+)</td></tr>', page)
    assert rows == [("1. Listen first", "1", "0", "0"), ("2. Shrink the step", "3", "2", "1")]
    assert "How the advice on your question went" not in thread_page(
        client_for(board["members"][0]), board).text
    assert "3 members said they would try this; 3 reported" in thread_page(
        client_for(board["bea"]), board).text


def test_field_tested_sort_link_on_the_thread_page(db, board, client_for, actor_for):
    _reports(actor_for, board["members"][:3], board["second"], [2, 2, 2])
    page = thread_page(client_for(None), board, "?sort=tested").text
    assert 'aria-current="page">Field-tested first</a>' in page
    assert page.index(f'id="reply-{board["second"]}"') < page.index(f'id="reply-{board["first"]}"')


# --- API ---------------------------------------------------------------------------------------

def test_api_trying_and_outcome(app, db, board, client_for):
    """The four endpoints; figures stay null for everyone but the author until the minimum of
    reports (the page hides them too: who says they will try something stays private)."""
    client, hidden = client_for(board["members"][0]), dict.fromkeys(
        ("tried", "reported", "positive", "field_tested"))
    base = f"/community/api/replies/{board['first']}"
    response = client.put(f"{base}/trying", json={"remind_in_days": 7})
    assert response.status_code == 200 and response.get_json() == hidden
    assert client_for(board["bea"]).get(base).get_json()["outcomes"] == {
        "tried": 1, "reported": 0, "positive": 0, "field_tested": 0.0}  # the author's own counts
    assert client_for(None).get(base).get_json()["outcomes"] == hidden
    app.config["FORUM_OUTCOME_MIN_REPORTS"] = 1
    response = client.put(f"{base}/outcome", json={"outcome": 2, "note": "It worked."})
    assert response.get_json()["reported"] == 1
    assert client.delete(f"{base}/trying").status_code == 409
    reply = client_for(None).get(base).get_json()  # past the minimum: everyone reads them
    assert reply["outcomes"] == {"tried": 1, "reported": 1, "positive": 1,
                                 "field_tested": round(outcomes.wilson_lower_bound(1, 1), 3)}
    bad = client.put(f"{base}/outcome", json={"outcome": 5})
    assert bad.status_code == 422 and bad.get_json()["error"]["field"] == "outcome"
    assert client.delete(f"{base}/outcome").get_json() == hidden  # back below the minimum
    assert client.delete(f"{base}/trying").status_code == 200
    assert client_for(board["bea"]).get(base).get_json()["outcomes"]["tried"] == 0
    own = client_for(board["bea"]).put(f"{base}/trying", json={})
    assert own.status_code == 403
    assert client_for(None).put(f"{base}/trying", json={}).status_code == 401


def test_export_keeps_outcomes_out(db, board, actor_for):
    _reports(actor_for, board["members"][:3], board["first"], [2, 1, 0])
    text = importer.export_text(board["thread"])
    assert "I ask what changed since the goal." in text
    assert not re.search(r"tried|worked for|field.tested|outcome", text, re.IGNORECASE)


def test_counts_move_the_content_version_and_tag_pages_show_counts_only(db, board, actor_for,
                                                                         client_for):
    from forum.services.content_version import content_version

    before = content_version()
    outcomes.mark_trying(actor_for(board["members"][0]), board["second"])
    assert content_version() > before  # a cached visitor's page never shows old counts
    _reports(actor_for, board["members"][1:4], board["second"], [2, 1, 0])
    page = client_for(board["members"][0]).get("/community/tags/small-steps").text
    assert "Tried by 4 · worked for 3" in page
    assert "I'll try this" not in page and "You are trying this" not in page


def test_sending_reminders_costs_the_same_for_one_or_many(db, board, actor_for, count_queries,
                                                          monkeypatch):
    # the email sweep it queues afterwards is a job of its own (test_email.py), left out here
    monkeypatch.setattr(notification_kinds, "NOTICES_WRITTEN", [])
    outcomes.mark_trying(actor_for(board["members"][0]), board["first"], 1)
    with count_queries() as one:
        assert outcomes.send_due_reminders(now=utcnow() + timedelta(days=2)) == 1
    for member in board["members"][1:]:
        outcomes.mark_trying(actor_for(member), board["first"], 1)
        outcomes.mark_trying(actor_for(member), board["second"], 1)
    with count_queries() as many:
        assert outcomes.send_due_reminders(now=utcnow() + timedelta(days=2)) == 22
    assert one[0] == many[0] <= 4  # the INSERT ... SELECT, the UPDATE (and the transaction)
