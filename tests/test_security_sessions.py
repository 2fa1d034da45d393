"""Sessions: cookie flags, no fixation, copied cookies die at logout/password change/ban, next=."""
import re
import statistics
import time

import pytest

import wsgi
from forum.services import builtin_accounts as account_service
from tests.conftest import SITE_TEST_CONFIG

PASSWORD = "correct horse battery"
NEW_PASSWORD = "a brand new passphrase"


def set_cookie_header(response, name):
    return next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(name + "="))


def remembered_login(site, make_account, name="Coach Ana"):
    make_account(name)
    client = site.test_client()
    response = client.post("/login", data={"name": name, "password": PASSWORD, "remember": "y"})
    assert response.status_code == 302
    return client, response


def copies(site, client):
    """Two stolen copies: the whole cookie jar, and the remember-me cookie alone."""
    whole, remember_only = site.test_client(), site.test_client()
    for cookie in client._cookies.values():
        whole.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)
        if cookie.key == "remember_token":
            remember_only.set_cookie(cookie.key, cookie.value, domain=cookie.domain,
                                     path=cookie.path)
    return whole, remember_only


def logged_in_as(client, name):
    page = client.get("/").text
    return name in page and "Log out" in page


def test_cookies_are_httponly_and_samesite_lax(site, make_account):
    _, response = remembered_login(site, make_account)
    for name in ("session", "remember_token"):
        header = set_cookie_header(response, name)
        assert "HttpOnly" in header and "SameSite=Lax" in header, header
        assert "Secure" not in header


def secure_cookies(app):
    """Log in to app over HTTPS; whether the session and remember-me cookies came `Secure`."""
    with app.app_context():
        account_service.create_account("Coach Ana", PASSWORD)
        response = app.test_client().post(
            "/login", data={"name": "Coach Ana", "password": PASSWORD, "remember": "y"},
            base_url="https://forum.example")
        secure = {"; Secure" in set_cookie_header(response, name)
                  for name in ("session", "remember_token")}
        app.extensions["sqlalchemy"].session.remove()
        app.extensions["sqlalchemy"].engine.dispose()
    return secure


def test_secure_cookies_when_configured(database_url, make_account):
    app = wsgi.create_app(dict(SITE_TEST_CONFIG, SQLALCHEMY_DATABASE_URI=database_url,
                               FORUM_SECURE_COOKIES=True))
    assert secure_cookies(app) == {True}


@pytest.mark.parametrize("env, secure", [
    ({"FORUM_ENV": "production"}, True),
    ({"FORUM_ENV": "production", "FORUM_SECURE_COOKIES": "false"}, False),  # plain-HTTP trial
    ({"FORUM_ENV": "development"}, False),
])
def test_production_mode_marks_cookies_secure_by_default(database_url, monkeypatch, env,
                                                         secure):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    app = wsgi.create_app({"SQLALCHEMY_DATABASE_URI": database_url, "WTF_CSRF_ENABLED": False,
                           "SECRET_KEY": "k9Xq2Lp7Wz4Rt8Vb" * 3, "FORUM_RATELIMIT_ENABLED": False})
    assert secure_cookies(app) == {secure}


def test_login_renews_the_session(database_url):
    """A session cookie planted before login (fixation) neither logs in nor carries a CSRF token."""
    app = wsgi.create_app(dict(SITE_TEST_CONFIG, SQLALCHEMY_DATABASE_URI=database_url,
                               WTF_CSRF_ENABLED=True))
    with app.app_context():
        account_service.create_account("Coach Ana", PASSWORD)
        victim = app.test_client()
        form = victim.get("/login").text
        planted = victim.get_cookie("session").value
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
        response = victim.post("/login", data={
            "name": "Coach Ana", "password": PASSWORD, "csrf_token": token})
        assert response.status_code == 302
        assert victim.get_cookie("session").value != planted
        attacker = app.test_client()
        attacker.set_cookie("session", planted)
        assert not logged_in_as(attacker, "Coach Ana")
        # The pre-login CSRF token is void too: it cannot log the victim out.
        assert victim.post("/logout", data={"csrf_token": token}).status_code == 400
        assert logged_in_as(victim, "Coach Ana")
        app.extensions["sqlalchemy"].session.remove()
        app.extensions["sqlalchemy"].engine.dispose()


def test_logout_voids_copied_session_and_remember_cookies(site, make_account):
    client, _ = remembered_login(site, make_account)
    whole, remember_only = copies(site, client)
    assert logged_in_as(whole, "Coach Ana") and logged_in_as(remember_only, "Coach Ana")
    client.post("/logout")
    assert not logged_in_as(client, "Coach Ana")
    assert not logged_in_as(whole, "Coach Ana")
    assert not logged_in_as(remember_only, "Coach Ana")


def test_password_change_voids_other_sessions_but_keeps_this_one(site, make_account):
    client, _ = remembered_login(site, make_account)
    whole, remember_only = copies(site, client)
    response = client.post("/account/password", data={
        "current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert logged_in_as(client, "Coach Ana")
    assert not logged_in_as(whole, "Coach Ana")
    assert not logged_in_as(remember_only, "Coach Ana")
    fresh = site.test_client()
    assert fresh.post("/login", data={"name": "Coach Ana", "password": PASSWORD}).status_code == 422
    assert fresh.post("/login", data={"name": "Coach Ana",
                                      "password": NEW_PASSWORD}).status_code == 302


@pytest.mark.parametrize("data, field, message", [
    ({"current": "not my password", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
     "current", "not your current password"),
    ({"current": PASSWORD, "password": "short", "confirm": "short"},
     "password", "at least 10 characters"),
    ({"current": PASSWORD, "password": NEW_PASSWORD, "confirm": "something else"},
     "confirm", "two passwords differ"),
    ({"current": PASSWORD, "password": PASSWORD, "confirm": PASSWORD},
     "password", "different from the current one"),
])
def test_password_change_errors_change_nothing(site, login_site, data, field, message):
    client = login_site("Coach Ana")
    response = client.post("/account/password", data=data)
    assert response.status_code == 422
    assert re.search(rf'id="{field}-error">[^<]*{message}', response.text)
    assert logged_in_as(client, "Coach Ana")
    assert site.test_client().post("/login", data={
        "name": "Coach Ana", "password": PASSWORD}).status_code == 302


def test_password_page_needs_login(site_client):
    response = site_client.get("/account/password")
    assert response.status_code == 302 and "/login?next=" in response.headers["Location"]


def test_ban_voids_every_session_and_blocks_login(site, make_account):
    client, _ = remembered_login(site, make_account)
    whole, remember_only = copies(site, client)
    result = site.test_cli_runner().invoke(
        args=["forum", "ban", "coach ana", "--reason", "spam"])
    assert result.exit_code == 0 and "Banned 'Coach Ana'" in result.output
    for copy in (client, whole, remember_only):
        assert not logged_in_as(copy, "Coach Ana")
    again = site.test_client().post("/login", data={"name": "Coach Ana", "password": PASSWORD})
    assert again.status_code == 422
    result = site.test_cli_runner().invoke(args=["forum", "ban", "Coach Ana", "--undo"])
    assert result.exit_code == 0
    assert site.test_client().post("/login", data={
        "name": "Coach Ana", "password": PASSWORD}).status_code == 302
    missing = site.test_cli_runner().invoke(args=["forum", "ban", "Nobody"])
    assert missing.exit_code == 1 and "No account is named 'Nobody'" in missing.output


@pytest.mark.parametrize("target", [
    "//evil.example", "https://evil.example", "/\\evil.example", "%2F%2Fevil.example",
    "/%2F/evil.example", "/%5Cevil.example", "%5C%5Cevil.example", "https:%2F%2Fevil.example",
    "https%3A%2F%2Fevil.example", "%252F%252Fevil.example", "/%09/evil.example",
    "%0D%0ALocation:%20https://evil.example", "javascript:alert(1)", "///evil.example",
    "\\\\evil.example", "http:evil.example", " //evil.example", "evil.example",
])
def test_login_next_rejects_foreign_targets(site, make_account, target):
    make_account("Coach Ana")
    response = site.test_client().post(f"/login?next={target}", data={
        "name": "Coach Ana", "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/", target


@pytest.mark.parametrize("target", ["/new", "/threads/1/a-question?page=2", "/tags/rapport"])
def test_login_next_keeps_local_paths(site, make_account, target):
    make_account("Coach Ana")
    response = site.test_client().post(f"/login?next={target}", data={
        "name": "Coach Ana", "password": PASSWORD})
    assert response.headers["Location"] == target


class CountingHasher:
    """The argon2 hasher, counting verify calls."""

    def __init__(self, hasher):
        self.hasher, self.verified = hasher, 0

    def verify(self, *args):
        self.verified += 1
        return self.hasher.verify(*args)

    def __getattr__(self, name):
        return getattr(self.hasher, name)


def test_unknown_name_costs_a_password_hash_like_a_known_one(site, make_account, monkeypatch):
    """Same message and the same work (one argon2 verify) whether or not the name exists."""
    make_account("Coach Ana")
    hasher = CountingHasher(account_service.HASHER)
    monkeypatch.setattr(account_service, "HASHER", hasher)
    client = site.test_client()

    def cpu_time(name):
        start = time.process_time()
        response = client.post("/login", data={"name": name, "password": "wrong password!"})
        assert response.status_code == 422
        assert "That name and password do not match an account." in response.text
        return time.process_time() - start

    known = [cpu_time("Coach Ana") for _ in range(5)]
    unknown = [cpu_time("Nobody At All") for _ in range(5)]
    assert hasher.verified == 10  # one argon2 verify per attempt on both paths
    ratio = statistics.median(unknown) / statistics.median(known)
    assert 0.5 < ratio < 2, (known, unknown)
