"""Built-in accounts: register, log in, log out, remember me, roles, argon2id, the CLI."""
import re

import pytest
from sqlalchemy import func, select

from forum.models import Account


def account_count(site):
    return site.extensions["sqlalchemy"].session.scalar(select(func.count(Account.id)))


def test_register_logs_in_and_shows_name(site_client, site, production_password_hashing):
    response = site_client.post("/register", data={
        "name": "Coach Ana", "password": "a long enough pw", "confirm": "a long enough pw"})
    assert response.status_code == 302
    assert "Coach Ana" in site_client.get("/").text
    account = site.extensions["sqlalchemy"].session.scalar(select(Account))
    assert account.password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")


@pytest.mark.parametrize("data, field_message", [
    ({"name": "", "password": "a long enough pw", "confirm": "a long enough pw"}, "Choose a name"),
    ({"name": "x" * 41, "password": "a long enough pw", "confirm": "a long enough pw"},
     "2 to 40 characters"),
    ({"name": "<script>", "password": "a long enough pw", "confirm": "a long enough pw"},
     "Use letters"),
    ({"name": "Coach Bo", "password": "short", "confirm": "short"}, "at least 10 characters"),
    ({"name": "Coach Bo", "password": "a long enough pw", "confirm": "another long pw"},
     "two passwords differ"),
])
def test_register_errors_keep_input_and_create_nothing(site_client, site, data, field_message):
    response = site_client.post("/register", data=data)
    assert response.status_code == 422
    assert field_message in response.text
    assert 'class="error"' in response.text
    if data["name"] and len(data["name"]) < 41:
        assert 'value="' + data["name"].replace("<", "&lt;").replace(">", "&gt;") in response.text
    assert account_count(site) == 0


@pytest.mark.parametrize("existing, newcomer", [
    ("admin", "\u0430dmin"),  # Cyrillic а
    ("Coach Ana", "Coach \u0410na"),  # Cyrillic А
    ("Coach Paul", "Coach Pau\u04c0"),  # Cyrillic palochka for l
    ("Coach Mia", "Coach M\u0456a"),  # Cyrillic і
    ("Coach Eve", "Coach Ev\u0435"),  # Cyrillic е
    ("Coach Ana", "Coach \uff21na"),  # fullwidth Ａ
    ("Coach Ola", "Coach O\u217ca"),  # small roman numeral fifty for l
])
def test_register_refuses_a_name_that_looks_like_a_members(site_client, site, make_account,
                                                           existing, newcomer):
    make_account(existing)
    response = site_client.post("/register", data={
        "name": newcomer, "password": "a long enough pw", "confirm": "a long enough pw"})
    assert response.status_code in (409, 422)
    assert f"That name looks like {existing!r}" in response.text.replace("&#39;", "'")
    assert account_count(site) == 1


@pytest.mark.parametrize("existing, newcomer", [
    ("Coach Ana", "Coach Ann"), ("Maria", "María"), ("Zoe", "Zoë"), ("Coach Bo", "Coach Bob"),
])
def test_names_that_differ_visibly_are_welcome(site_client, site, make_account, existing,
                                               newcomer):
    make_account(existing)
    response = site_client.post("/register", data={
        "name": newcomer, "password": "a long enough pw", "confirm": "a long enough pw"})
    assert response.status_code == 302
    assert account_count(site) == 2


def test_register_taken_name_any_case(site_client, site, make_account):
    make_account("Coach Ana")
    response = site_client.post("/register", data={
        "name": "coach ana", "password": "a long enough pw", "confirm": "a long enough pw"})
    assert response.status_code == 409
    assert "That name is taken" in response.text and 'value="coach ana"' in response.text
    assert account_count(site) == 1


def test_login_wrong_password_and_unknown_name_look_the_same(site_client, make_account):
    make_account("Coach Ana")
    wrong = site_client.post("/login", data={"name": "Coach Ana", "password": "nope nope nope"})
    unknown = site_client.post("/login", data={"name": "Nobody", "password": "nope nope nope"})
    assert wrong.status_code == unknown.status_code == 422
    message = "That name and password do not match an account."
    assert message in wrong.text and message in unknown.text
    assert "Log out" not in site_client.get("/").text


def test_login_then_logout_voids_copied_cookie(site, login_site):
    client = login_site("Coach Ana")
    assert "Log out" in client.get("/").text
    copied = site.test_client()
    for cookie in client._cookies.values():
        copied.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)
    assert "Coach Ana" in copied.get("/").text
    client.post("/logout")
    assert "Log out" not in client.get("/").text
    assert "Coach Ana" not in copied.get("/").text  # the copy no longer works


def test_remember_me_sets_cookie(site, make_account):
    make_account("Coach Ana")
    client = site.test_client()
    client.post("/login", data={"name": "Coach Ana", "password": "correct horse battery",
                                "remember": "y"})
    assert client.get_cookie("remember_token") is not None


def test_login_next_only_local(site, make_account):
    make_account("Coach Ana")
    client = site.test_client()
    ok = client.post("/login?next=/new", data={
        "name": "Coach Ana", "password": "correct horse battery"})
    assert ok.headers["Location"] == "/new"
    for evil in ("//evil.example", "https://evil.example", "/\\evil.example", "%2F%2Fevil.example"):
        client = site.test_client()
        response = client.post(f"/login?next={evil}", data={
            "name": "Coach Ana", "password": "correct horse battery"})
        assert response.headers["Location"] == "/", evil


def test_roles_make_moderators(site, login_site):
    from forum.web.context import current_actor

    client = login_site("Mod Mia", role="moderator")
    with client:
        client.get("/")
        assert current_actor().can_moderate


def test_argon2_parameters_meet_owasp(production_password_hashing):
    assert production_password_hashing.time_cost >= 2
    assert production_password_hashing.memory_cost >= 19456


def test_cli_create_user_from_stdin(site):
    runner = site.test_cli_runner()
    result = runner.invoke(args=["forum", "create-user", "Mod Mia", "--role", "moderator",
                                 "--password-stdin"], input="a long enough pw\n")
    assert result.exit_code == 0, result.output
    assert "Created moderator 'Mod Mia'" in result.output
    again = runner.invoke(args=["forum", "create-user", "mod mia", "--password-stdin"],
                          input="a long enough pw\n")
    assert again.exit_code == 1
    assert "That name is taken" in again.output
    short = runner.invoke(args=["forum", "create-user", "Other", "--password-stdin"],
                          input="short\n")
    assert short.exit_code == 1 and "at least 10 characters" in short.output


def test_a_new_account_can_be_mentioned_before_it_posts(site, site_client, login_site):
    from forum.models import Notification

    registered = site_client.post("/register", data={
        "name": "Dana", "password": "a long enough pw", "confirm": "a long enough pw"})
    assert registered.status_code == 302  # Dana has read nothing and posted nothing yet
    ana = login_site("Ana")
    names = ana.get("/members/suggest", query_string={"q": "da"}).json["members"]
    assert [item["name"] for item in names] == ["Dana"]
    asked = ana.post("/new", data={"title": "How do you pace a first session?",
                                   "prompts": "Pace: How fast do you go?"})
    assert asked.status_code == 302, asked.text
    thread_id = int(asked.headers["Location"].split("/")[2])
    ana.post(f"/threads/{thread_id}/replies", data={"body": "What would @Dana do here?"})
    page = ana.get(asked.headers["Location"]).text
    assert re.search(r'<a href="/members/\d+"[^>]*>@Dana</a>', page)
    session = site.extensions["sqlalchemy"].session
    assert session.scalars(select(Notification.kind)).all() == ["mention"]
    assert 'Notifications <span class="badge">1' in site_client.get("/").text  # Dana's header
