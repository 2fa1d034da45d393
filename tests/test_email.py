"""Notification emails through a real SMTP server on loopback: who gets what, the unsubscribe
headers and link, batching per thread, no second email after a crash, hidden content never
sent, and digests (with nothing sent when there is nothing)."""
from datetime import timedelta

import pytest
from flask_login import FlaskLoginClient
from itsdangerous import TimestampSigner
from sqlalchemy import func, select, update

from forum.models import Delivery, EmailPreference, EmailSetting, Member, Notification, utcnow
from forum.services import (
    digest, email_delivery, email_links, email_settings, following, mailer, moderation, ratings,
    replies, threads,
)
from forum.web.context import actor_for_user
from tests.host import create_docs_host, create_host_app


@pytest.fixture
def app(database_url, smtp):
    """The host app sending through the loopback SMTP server; host users' addresses come
    from the user_email hook."""
    app, db, _ = create_host_app(database_url, config=smtp.config,
                                 user_email=lambda user: f"{user.name.lower()}@example.org")
    app.test_client_class = FlaskLoginClient
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def people(make_user, actor_for):
    """Ana asks, Ben, Cy and Dee contribute, Mo moderates."""
    users = {name: make_user(name, staff=name == "Mo") for name in ("Ana", "Ben", "Cy", "Dee", "Mo")}
    return users, {name: actor_for(user) for name, user in users.items()}


def _ask(actor, tags="listening"):
    return threads.start_thread(actor, "How do you handle a client who cancels late?",
                                prompts="Boundaries: What do you agree up front?", tags=tags)


def _unsubscribe_url(message):
    """The one URL in a List-Unsubscribe header (which may be folded)."""
    return "".join(message["List-Unsubscribe"].split()).strip("<>")


def _open_window(db):
    """Pretend the batch window has passed: every email claim is 16 minutes old."""
    db.session.execute(update(Delivery).values(claimed_at=utcnow() - timedelta(minutes=16)))
    db.session.commit()


def test_question_author_is_emailed_when_answered(people, smtp):
    _, a = people
    thread = _ask(a["Ana"])
    reply = replies.add_reply(a["Ben"], thread.id, "Agree a **cancellation rule** up front.")
    [message] = smtp.inbox.to("ana@example.org")
    assert message["Subject"] == f"Ben contributed to your question: {thread.title}"
    assert message["From"] == "Coaching Forum <forum@example.org>"
    assert message.get_content_type() == "multipart/alternative"
    text, html = smtp.inbox.text(message), smtp.inbox.html(message)
    assert "Agree a cancellation rule up front." in text
    link = f"https://coach.example/community/threads/{thread.id}/{thread.slug}#reply-{reply.id}"
    assert link in text and f'href="{link}"' in html
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = _unsubscribe_url(message)
    assert unsubscribe.startswith("https://coach.example/community/email/unsubscribe/")
    assert unsubscribe in text and "https://coach.example/community/notifications/settings" in text
    assert smtp.inbox.to("ben@example.org") == []  # never about one's own contribution


def test_one_contribution_emails_the_asker_and_the_member_it_mentions(people, smtp, db):
    _, a = people
    a["Cy"].require_member()  # Cy has used the forum, so @Cy names a member
    db.session.commit()
    thread = _ask(a["Ana"])
    replies.add_reply(a["Ben"], thread.id, "What would @Cy say about late cancels?")
    [to_ana] = smtp.inbox.to("ana@example.org")  # two emails out of one sweep
    [to_cy] = smtp.inbox.to("cy@example.org")
    assert to_ana["Subject"] == f"Ben contributed to your question: {thread.title}"
    assert to_cy["Subject"] == f"Ben mentioned you: {thread.title}"
    assert "What would @Cy say" in smtp.inbox.text(to_cy)


def test_one_click_unsubscribe_turns_that_kind_off(people, smtp, app, db):
    _, a = people
    app.config["WTF_CSRF_ENABLED"] = True  # the one-click POST carries no CSRF token
    thread = _ask(a["Ana"])
    replies.add_reply(a["Ben"], thread.id, "First idea.")
    url = _unsubscribe_url(smtp.inbox.to("ana@example.org")[0])
    path = url.removeprefix("https://coach.example")
    visitor = app.test_client()  # not logged in
    page = visitor.get(path)
    assert page.status_code == 200 and "Turn these emails off" in page.text
    assert email_settings.settings_for(a["Ana"])["kinds"]["question_reply"] == "immediately"
    assert visitor.post(path[:-3] + "abc").status_code == 404  # a tampered token does nothing
    done = visitor.post(path, headers={"Content-Type": "application/x-www-form-urlencoded"},
                        data="List-Unsubscribe=One-Click")
    assert done.status_code == 200 and "no more emails about" in done.text
    assert email_settings.settings_for(a["Ana"])["kinds"]["question_reply"] == "off"
    _open_window(db)
    replies.add_reply(a["Cy"], thread.id, "Second idea.")
    assert len(smtp.inbox.to("ana@example.org")) == 1  # no email any more...
    assert notifications_of(db, "Ana") == 2  # ...but the notices still show in the forum


def notifications_of(db, name):
    member_id = db.session.scalar(select(Member.id).where(Member.display_name == name))
    return len(db.session.scalars(select(Notification).where(
        Notification.recipient_id == member_id)).all())


def test_an_unsubscribe_link_expires_after_its_days(people, app, db, monkeypatch):
    _, a = people
    member_id = a["Ana"].require_member().id
    db.session.commit()
    days = app.config["FORUM_EMAIL_LINK_DAYS"]

    def link_made(days_ago):
        real = TimestampSigner.get_timestamp
        with monkeypatch.context() as patch:
            patch.setattr(TimestampSigner, "get_timestamp",
                          lambda self: real(self) - days_ago * 86400)
            token = email_links.unsubscribe_token(member_id, "mention")
        return f"/community/email/unsubscribe/{token}"
    visitor = app.test_client()
    old = link_made(days + 1)
    assert visitor.get(old).status_code == 404 and visitor.post(old).status_code == 404
    assert email_settings.settings_for(a["Ana"])["kinds"]["mention"] == "immediately"
    recent = link_made(days - 1)
    assert visitor.post(recent).status_code == 200
    assert email_settings.settings_for(a["Ana"])["kinds"]["mention"] == "off"


def test_a_busy_thread_batches_emails_per_member(people, smtp, db):
    _, a = people
    thread = _ask(a["Ana"])
    replies.add_reply(a["Ben"], thread.id, "One.")
    replies.add_reply(a["Cy"], thread.id, "Two.")
    replies.add_reply(a["Dee"], thread.id, "Three.")
    assert len(smtp.inbox.to("ana@example.org")) == 1  # the window holds the other two
    assert email_delivery.deliver_emails() == 0
    _open_window(db)
    assert email_delivery.deliver_emails() == 1
    first, second = smtp.inbox.to("ana@example.org")
    assert second["Subject"].strip() == f"2 new in \u201c{thread.title}\u201d"
    body = smtp.inbox.text(second)
    assert "Cy contributed to your question" in body and "Dee contributed" in body
    assert "One." not in body
    assert email_delivery.deliver_emails() == 0


def test_no_second_email_after_a_crash_between_send_and_mark(people, smtp, app, db,
                                                             monkeypatch):
    _, a = people
    app.config["FORUM_EMAIL_CLAIM_MINUTES"] = 30  # the claim outlives the 16 minutes below
    thread = _ask(a["Ana"])

    def killed(ids, channel):
        raise RuntimeError("worker killed after the mail server accepted the email")

    monkeypatch.setattr(email_delivery, "mark_sent", killed)
    replies.add_reply(a["Ben"], thread.id, "Sent, but never marked.")
    assert len(smtp.inbox.to("ana@example.org")) == 1
    monkeypatch.undo()
    _open_window(db)
    assert email_delivery.deliver_emails() == 0
    assert len(smtp.inbox.to("ana@example.org")) == 1
    assert db.session.scalars(select(Delivery.status)).all() == ["claimed"]


def test_an_email_whose_worker_died_mid_send_is_sent_once_its_claim_is_old(
        people, smtp, app, db, monkeypatch):
    """Killed before the mail server accepted (SIGKILL mid-send, as tests/
    test_worker_processes.py does to a real worker): the claim stays, so without a lease the
    email was lost for good; after FORUM_EMAIL_CLAIM_MINUTES the next sweep sends it, once."""
    _, a = people
    thread = _ask(a["Ana"])

    def killed_mid_send(*args, **kwargs):
        raise SystemExit("worker killed before the mail server answered")

    monkeypatch.setattr(mailer, "send", killed_mid_send)
    with pytest.raises(SystemExit):
        replies.add_reply(a["Ben"], thread.id, "Claimed, never sent.")
    monkeypatch.undo()
    db.session.rollback()
    lease = app.config["FORUM_EMAIL_CLAIM_MINUTES"]

    def claim_made(minutes_ago):
        db.session.execute(update(Delivery).values(
            claimed_at=utcnow() - timedelta(minutes=minutes_ago)))
        db.session.commit()

    claim_made(lease - 1)  # perhaps a live worker still sending: left alone
    assert email_delivery.deliver_emails() == 0 and smtp.inbox.to("ana@example.org") == []
    claim_made(lease + 1)  # its worker is gone: the sweep takes the claim over
    assert email_delivery.deliver_emails() == 1
    [message] = smtp.inbox.to("ana@example.org")
    assert "Claimed, never sent." in smtp.inbox.text(message)
    assert email_delivery.deliver_emails() == 0
    assert db.session.scalars(select(Delivery.status)).all() == ["sent"]


def test_a_worker_killed_mid_batch_resumes_without_a_second_email(people, smtp, app, db,
                                                                 monkeypatch):
    _, a = people
    app.config["FORUM_EMAIL"] = False  # three answered questions wait for one sweep
    for name in ("Ana", "Cy", "Dee"):
        replies.add_reply(a["Ben"], _ask(a[name]).id, f"An answer for {name}.")
    app.config["FORUM_EMAIL"] = True
    real, sent = mailer.send, []

    def killed_at_the_second(*args, **kwargs):
        real(*args, **kwargs)
        sent.append(args[0])
        if len(sent) == 2:  # the server took the second email; the worker dies before marking
            raise SystemExit("worker killed")
    monkeypatch.setattr(mailer, "send", killed_at_the_second)
    with pytest.raises(SystemExit):
        email_delivery.deliver_emails()
    monkeypatch.undo()
    assert email_delivery.deliver_emails() == 1  # the rerun sends the third only
    for name in ("ana", "cy", "dee"):
        assert len(smtp.inbox.to(f"{name}@example.org")) == 1, name
    assert email_delivery.deliver_emails() == 0


def test_a_failed_send_is_released_and_sent_on_retry(people, smtp, db, monkeypatch):
    _, a = people
    thread = _ask(a["Ana"])
    smtp.inbox.refuse = True  # the mail server answers "try again later"
    replies.add_reply(a["Ben"], thread.id, "Waits for the server.")
    assert db.session.scalars(select(Delivery)).all() == []  # the claim was released
    smtp.inbox.refuse = False
    assert email_delivery.deliver_emails() == 1  # what the retry does
    assert len(smtp.inbox.to("ana@example.org")) == 1


def test_content_hidden_before_delivery_is_never_emailed(people, smtp, db):
    _, a = people
    thread = _ask(a["Ana"])
    replies.add_reply(a["Ben"], thread.id, "Visible idea.")
    hidden = replies.add_reply(a["Cy"], thread.id, "Something the moderators will hide.")
    replies.add_reply(a["Dee"], thread.id, "Another visible idea.")
    moderation.hide_reply(a["Mo"], hidden.id, "off-topic")
    _open_window(db)
    assert email_delivery.deliver_emails() == 1
    body = smtp.inbox.text(smtp.inbox.to("ana@example.org")[-1])
    assert "Another visible idea." in body and "moderators will hide" not in body


def test_a_moderation_notice_set_to_immediately_is_emailed_with_its_reason(people, smtp):
    _, a = people
    thread = _ask(a["Ana"])
    reply = replies.add_reply(a["Ben"], thread.id, "The client zanzibarsecret said so.")
    other = replies.add_reply(a["Ben"], thread.id, "Ask what the rule protects.")
    email_settings.update_settings(a["Ben"], {"moderation": "immediately"})
    moderation.hide_reply(a["Mo"], reply.id, reason="Names a client")
    [message] = smtp.inbox.to("ben@example.org")  # at once, not at the worker's next minute
    assert message["Subject"] == ("A moderator hid your contribution: Names a client: "
                                  f"{thread.title}")
    assert "zanzibarsecret" not in smtp.inbox.text(message)
    assert "zanzibarsecret" not in smtp.inbox.html(message)
    ratings.rate(a["Cy"], "reply", other.id, 4)  # ratings stay in the weekly digest
    assert len(smtp.inbox.to("ben@example.org")) == 1


def test_settings_off_and_digest_kinds_send_nothing_at_once(people, smtp, db):
    _, a = people
    thread = _ask(a["Ana"])
    following.follow_tag(a["Cy"], "listening")  # tag_reply: the weekly digest by default
    email_settings.update_settings(a["Ana"], {"question_reply": "off"})
    replies.add_reply(a["Ben"], thread.id, "Nobody is emailed for this one.")
    assert smtp.inbox.messages == []


def _age(db, name, days):
    """Make a member's first use of the forum `days` ago (a digest is due after a period)."""
    db.session.execute(update(Member).where(Member.display_name == name).values(
        created_at=utcnow() - timedelta(days=days)))
    db.session.commit()


def test_digest_lists_the_best_new_contributions_and_waiting_notices(people, smtp, db, app):
    users, a = people
    thread = _ask(a["Ana"])
    following.follow_tag(a["Cy"], "listening")
    replies.add_reply(a["Ben"], thread.id, "A plain idea.")
    best = replies.add_reply(a["Dee"], thread.id, "The idea everyone rates highly.")
    for rater in ("Ana", "Ben", "Mo"):
        ratings.rate(a[rater], "reply", best.id, 5)
    threads.start_thread(a["Ben"], "What do you say when a client goes quiet?",
                         prompts="Silence: What do you do?", tags="listening")
    assert smtp.inbox.to("cy@example.org") == []
    _age(db, "Cy", 8)
    assert digest.send_digests() == 1
    [message] = smtp.inbox.to("cy@example.org")
    assert message["Subject"] == "Your week on Coaching Community"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = smtp.inbox.text(message)
    assert text.index("The idea everyone rates highly.") < text.index("A plain idea.")
    assert "5.0 stars, 3 ratings" in text
    assert "Ben asked a question with a tag you follow" in text
    assert "Dee contributed with a tag you follow" not in text  # listed above already
    assert digest.send_digests() == 0  # the next one is due in a week
    path = _unsubscribe_url(message).removeprefix("https://coach.example")
    assert "The daily or weekly digest" in app.test_client().get(path).text
    assert app.test_client().post(path).status_code == 200
    assert email_settings.settings_for(a["Cy"])["digest"] == "off"
    replies.add_reply(a["Ben"], thread.id, "Another idea for the next digest.")
    _age(db, "Cy", 30)
    db.session.execute(update(EmailPreference).values(digest_sent_at=utcnow() - timedelta(days=8)))
    db.session.commit()
    assert digest.send_digests() == 0  # the digest is off


def test_a_daily_digest_leaves_out_what_was_hidden_since(people, smtp, db):
    _, a = people
    thread = _ask(a["Ana"])
    following.follow_tag(a["Cy"], "listening")
    email_settings.update_settings(a["Cy"], digest="daily")
    kept = replies.add_reply(a["Ben"], thread.id, "Agree the rule in the first session.")
    hidden = replies.add_reply(a["Dee"], thread.id, "The client zanzibarsecret cancelled.")
    moderation.hide_reply(a["Mo"], hidden.id, reason="Names a client")
    _age(db, "Cy", 2)
    assert digest.send_digests() == 1
    [message] = smtp.inbox.to("cy@example.org")
    assert message["Subject"] == "Your day on Coaching Community"
    text = smtp.inbox.text(message)
    assert "Agree the rule in the first session." in text and f"#reply-{kept.id}" in text
    assert "zanzibarsecret" not in text and f"#reply-{hidden.id}" not in text
    assert digest.send_digests() == 0  # the next one is due tomorrow


def test_every_member_due_gets_their_own_digest_in_one_run(people, smtp, db):
    _, a = people
    thread = _ask(a["Ana"])
    for name in ("Cy", "Dee", "Mo"):
        following.follow_tag(a[name], "listening")
    email_settings.update_settings(a["Dee"], digest="daily")
    email_settings.update_settings(a["Mo"], digest="off")
    replies.add_reply(a["Ben"], thread.id, "Agree the rule in the first session.")
    for name in ("Cy", "Dee", "Mo"):
        _age(db, name, 8)
    assert digest.send_digests() == 2
    assert [m["Subject"] for m in smtp.inbox.to("cy@example.org")] == [
        "Your week on Coaching Community"]
    assert [m["Subject"] for m in smtp.inbox.to("dee@example.org")] == [
        "Your day on Coaching Community"]
    assert smtp.inbox.to("mo@example.org") == []  # digest off


def test_a_reply_too_old_to_email_after_an_outage_goes_into_the_digest(people, smtp, app, db):
    _, a = people
    thread = _ask(a["Ana"])
    following.set_watch_level(a["Ana"], thread.id, "normal")  # only what is addressed to her
    app.config["FORUM_EMAIL"] = False  # no email goes out meanwhile, as with the worker down
    replies.add_reply(a["Ben"], thread.id, "Agree the rule in the first session.")
    app.config["FORUM_EMAIL"] = True
    db.session.execute(update(Notification).values(created_at=utcnow() - timedelta(days=3)))
    db.session.commit()
    assert email_delivery.deliver_emails() == 0  # too old to email on its own...
    _age(db, "Ana", 8)
    assert digest.send_digests() == 1  # ...so the weekly digest carries it
    [message] = smtp.inbox.to("ana@example.org")
    text = smtp.inbox.text(message)
    assert f"Ben contributed to your question in \u201c{thread.title}\u201d" in text
    assert email_delivery.deliver_emails() == 0 and digest.send_digests() == 0


def test_no_digest_when_there_is_nothing_new(people, smtp, db):
    _, a = people
    _ask(a["Ana"])  # a new question, but before Cy followed its tag
    following.follow_tag(a["Cy"], "listening")
    _age(db, "Cy", 8)
    email_settings.update_settings(a["Cy"], digest="daily")
    assert digest.send_digests() == 0
    assert smtp.inbox.messages == []


def test_settings_api_and_page(people, client_for, db):
    users, a = people
    api = client_for(users["Ana"])
    got = api.get("/community/api/me/notification-settings").get_json()
    assert got["digest"] == "weekly" and got["kinds"]["mention"] == "immediately"
    assert got["kinds"]["tag_reply"] == "digest" and got["kinds"]["outcome_reminder"] == "immediately"
    changed = api.put("/community/api/me/notification-settings",
                      json={"kinds": {"mention": "off"}, "digest": "daily"}).get_json()
    assert changed["kinds"]["mention"] == "off" and changed["digest"] == "daily"
    bad = api.put("/community/api/me/notification-settings", json={"kinds": {"mention": "loud"}})
    assert bad.status_code == 422
    assert db.session.scalar(select(EmailSetting.mode).where(EmailSetting.kind == "mention")) == "off"

    page = api.get("/community/notifications/settings").text
    assert 'name="kind-mention" id="kind-mention-off" value="off" checked' in page
    saved = api.post("/community/notifications/settings",
                     data={**{f"kind-{kind}": "digest" for kind in email_settings.KINDS},
                           "digest": "weekly"})
    assert saved.status_code == 302
    assert set(email_settings.settings_for(a["Ana"])["kinds"].values()) == {"digest"}
    refused = api.post("/community/notifications/settings",
                       data={"kind-mention": "loud", "digest": "hourly"})
    assert refused.status_code == 422
    assert "mention: choose" in refused.text and "digest: choose" in refused.text
    assert 'value="loud"' not in refused.text  # only real choices are offered again
    assert email_settings.settings_for(a["Ana"])["digest"] == "weekly"  # unchanged
    assert "Email settings" in api.get("/community/notifications").text


def test_a_host_template_overrides_the_forums(database_url, smtp, tmp_path):
    (tmp_path / "templates" / "forum" / "email").mkdir(parents=True)
    (tmp_path / "templates" / "forum" / "email" / "notice.txt").write_text(
        "Our platform: {{ title }}\n{{ unsubscribe_url }}\n")
    host, db, user_model = create_host_app(
        database_url, config=smtp.config, root_path=tmp_path,
        user_email=lambda user: f"{user.name.lower()}@example.org")
    with host.app_context():
        ana, ben = user_model(name="Ana"), user_model(name="Ben")
        db.session.add_all([ana, ben])
        db.session.commit()
        thread = _ask(actor_for_user(ana))
        replies.add_reply(actor_for_user(ben), thread.id, "A reply.")
        [message] = smtp.inbox.to("ana@example.org")
        assert smtp.inbox.text(message).startswith(f"Our platform: {thread.title}")
        assert "Stop emails about" in smtp.inbox.html(message)  # the forum's HTML part
        db.session.remove()
        db.engine.dispose()


def test_one_click_unsubscribe_passes_a_hosts_csrf_protection(database_url):
    host, db, _, _ = create_docs_host(database_url, csrf=True)
    with host.app_context():
        member = Member(user_key="7", display_name="Ana")
        db.session.add(member)
        db.session.commit()
        token = email_links.unsubscribe_token(member.id, "mention")
        client = host.test_client()
        assert client.post("/community/notifications/settings",
                           data={"digest": "daily"}).status_code == 400  # CSRF still guards
        assert client.post(f"/community/email/unsubscribe/{token}").status_code == 200
        assert email_settings.settings_of(member.id)["kinds"]["mention"] == "off"
        db.session.remove()
        db.engine.dispose()


def test_a_member_who_prefers_german_is_emailed_in_german(people, smtp):
    """The email speaks the recipient's language whoever's request triggered it (#22)."""
    from forum.services import preferences

    _, a = people
    preferences.save_preferences(a["Ana"], "de", "Europe/Berlin")
    thread = _ask(a["Ana"])
    replies.add_reply(a["Ben"], thread.id, "Eine Absage-Regel vorab vereinbaren.")
    [message] = smtp.inbox.to("ana@example.org")
    assert message["Subject"] == f"Ben hat zu deiner Frage beigetragen: {thread.title}"
    text, html = smtp.inbox.text(message), smtp.inbox.html(message)
    assert "Du bekommst das wegen deiner E-Mail-Einstellungen bei" in text
    assert "Alle E-Mail-Einstellungen" in html and "All email settings" not in html
    replies.add_reply(a["Ana"], thread.id, "Danke!")  # Ben (no setting) still gets English
    assert all("contributed" in m["Subject"] for m in smtp.inbox.to("ben@example.org"))


def test_outcome_reminder_is_emailed_by_the_members_settings(people, smtp, db):
    """#19: three weeks after "I'll try this" the member is asked "How did it go?" in the forum
    and, by their email settings, by email; with the kind off, in the forum only."""
    from forum.models import Outcome
    from forum.services import outcomes

    _, a = people
    thread = _ask(a["Ana"])
    reply = replies.add_reply(a["Ben"], thread.id, "Agree a cancellation rule up front.")
    outcomes.mark_trying(a["Cy"], reply.id)  # the default delay: three weeks
    outcomes.mark_trying(a["Dee"], reply.id)
    email_settings.update_settings(a["Dee"], {"outcome_reminder": "off"})
    start = db.session.scalar(select(Outcome.trying_since).where(Outcome.reply_id == reply.id))
    assert outcomes.send_due_reminders(now=start + timedelta(days=20)) == 0
    assert smtp.inbox.to("cy@example.org") == []
    # the sweep queued after the reminders (run at once here: jobs run in the request, as on
    # a site without a worker that runs `flask forum send-reminders` from cron)
    assert outcomes.send_due_reminders(now=start + timedelta(days=21, minutes=1)) == 2
    [message] = smtp.inbox.to("cy@example.org")
    assert message["Subject"] == (
        f"Ben shared advice you said you would try. How did it go?: {thread.title}")
    link = f"https://coach.example/community/threads/{thread.id}/{thread.slug}#reply-{reply.id}"
    assert link in smtp.inbox.text(message)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert smtp.inbox.to("dee@example.org") == []  # off: the forum's notification only
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.kind == "outcome_reminder",
        Notification.recipient_id == a["Dee"].member_id)) == 1
    assert email_delivery.deliver_emails() == 0  # never twice
