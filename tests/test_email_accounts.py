"""Addresses of built-in accounts: optional at registration or on the email settings page,
verified by a signed link before anything is sent there; a host's own Mail set-up is kept."""
import re

import pytest
from flask import Flask
from flask_mailman import Mail
from sqlalchemy import select

from forum import mail
from forum.models import Account
from forum.services import email_addresses
from tests.conftest import SITE_TEST_CONFIG


@pytest.fixture
def site(database_url, smtp):
    """The standalone site sending through the loopback SMTP server."""
    import wsgi

    config = dict(SITE_TEST_CONFIG, SQLALCHEMY_DATABASE_URI=database_url, **smtp.config)
    app = wsgi.create_app(config)
    with app.app_context():
        yield app
        app.extensions["sqlalchemy"].session.remove()
        app.extensions["sqlalchemy"].engine.dispose()


def _register(client, name, email):
    return client.post("/register", data={"name": name, "email": email,
                                          "password": "correct horse battery",
                                          "confirm": "correct horse battery"})


def _link(message):
    return re.search(r"https://coach\.example(/email/verify/\S+)", message.get_body(
        preferencelist=("plain",)).get_content()).group(1)


def test_nothing_is_sent_before_the_address_is_verified(site, smtp):
    ana, ben = site.test_client(), site.test_client()
    assert _register(ana, "Ana", "ana@example.org").status_code == 302
    [check] = smtp.inbox.to("ana@example.org")
    assert check["Subject"] == "Confirm your email address for Coaching Community"
    assert _register(ben, "Ben", "").status_code == 302  # the address is optional
    thread = ana.post("/new", data={
        "title": "How do you end a session on time?", "lead": "Mine overrun.",
        "prompts": "Timing: What do you say?", "tags": "endings"})
    thread_url = thread.headers["Location"]
    thread_id = int(thread_url.split("/")[2])
    ben.post(f"/threads/{thread_id}/replies", data={"body": "I name the time left at 10 min."})
    assert len(smtp.inbox.to("ana@example.org")) == 1  # unverified: only the check

    page = site.test_client().get(_link(check))  # the link works without logging in
    assert page.status_code == 200 and "your address is confirmed" in page.text
    ben.post(f"/threads/{thread_id}/replies", data={"body": "And I stand up at the end."})
    assert len(smtp.inbox.to("ana@example.org")) == 2
    assert "And I stand up at the end." in smtp.inbox.text(smtp.inbox.to("ana@example.org")[1])


def test_changing_the_address_on_the_settings_page(site, smtp):
    client = site.test_client()
    _register(client, "Cy", "")
    refused = client.post("/notifications/settings/email", data={"email": "not an address"})
    assert refused.status_code == 422 and 'value="not an address"' in refused.text
    assert "Enter an email address like" in refused.text
    saved = client.post("/notifications/settings/email", data={"email": "cy@example.org"})
    assert saved.status_code == 302
    page = client.get("/notifications/settings").text
    assert "nothing is emailed there until you open it" in page
    link = _link(smtp.inbox.to("cy@example.org")[0])
    client.post("/notifications/settings/email", data={"email": "cy@new.example"})
    assert site.test_client().get(link).status_code == 404  # the old address's link is void
    account = site.extensions["sqlalchemy"].session.scalar(
        select(Account).where(Account.name == "Cy"))
    assert account.email == "cy@new.example" and account.email_verified_at is None
    assert email_addresses.verify("forged.token") is None


def test_a_hosts_own_mail_setup_is_kept():
    host = Flask("mail_host")
    host.config.update(MAIL_SERVER="smtp.host.example", MAIL_PORT=2525)
    Mail(host)
    state = host.extensions["mailman"]
    mail.init_app(host)  # what Forum(app) does
    assert host.extensions["mailman"] is state and state.server == "smtp.host.example"
    bare = Flask("bare_host")
    mail.init_app(bare)  # a host without Flask-Mailman gets it, from its MAIL_* settings
    assert bare.extensions["mailman"].server == "localhost"
