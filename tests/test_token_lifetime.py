"""API tokens end with what made them: a password change, logging out everywhere, a ban; a new
token needs the password again; the profile lists tokens with their last use (issue 15)."""
import re

import pytest

from tests.test_members import account

pytestmark = pytest.mark.usefixtures("one_login_per_request")

PASSWORD = "correct horse battery"


def new_token(client, name="laptop script", password=PASSWORD):
    """Create a token on the profile page; its clear text, or the refusing response."""
    response = client.post("/profile", data={"name": name, "password": password})
    found = re.search(r'class="api-token">(fct_[^<]+)<', response.text)
    return found.group(1) if found else response


def me(site, raw):
    return site.test_client().get("/api/me", headers={"Authorization": f"Bearer {raw}"})


def test_creating_a_token_needs_the_password_again(site, login_site):
    coach = login_site("Coach Ana")
    page = coach.get("/profile").text
    assert 'type="password"' in page and "revokes all your tokens" in page
    for wrong in ("", "not my password"):
        refused = new_token(coach, password=wrong)
        assert refused.status_code == 422
        assert "That is not your current password." in refused.text
        assert "laptop script" in refused.text  # the typed name is kept
    assert "You have no tokens yet" in coach.get("/profile").text
    raw = new_token(coach)
    assert me(site, raw).status_code == 200


def test_a_password_change_revokes_the_tokens(site, login_site):
    coach = login_site("Coach Ana")
    raw = new_token(coach)
    assert "revokes your API tokens" in coach.get("/account/password").text
    changed = coach.post("/account/password", data={
        "current": PASSWORD, "password": "a brand new passphrase", "confirm":
            "a brand new passphrase"})
    assert changed.status_code == 302
    assert me(site, raw).status_code == 401
    assert re.search(r"revoked <time", coach.get("/profile").text)


def test_logging_out_everywhere_revokes_the_tokens(site, login_site):
    coach = login_site("Coach Ana")
    raw = new_token(coach)
    assert me(site, raw).status_code == 200
    assert coach.post("/logout").status_code == 302
    assert me(site, raw).status_code == 401


def test_a_ban_revokes_the_tokens_for_good(site, login_site):
    admin = login_site("Ada Admin", role="admin")
    coach = login_site("Coach Bea")
    raw = new_token(coach)
    bea = account(site, "Coach Bea")
    assert admin.post(f"/members/{bea.id}/ban", data={"reason": "Shared client files"}
                      ).status_code == 302
    assert admin.post(f"/members/{bea.id}/unban").status_code == 302
    assert me(site, raw).status_code == 401  # lifting the ban does not bring the token back


def test_the_profile_lists_tokens_with_their_last_use(site, login_site):
    coach = login_site("Coach Ana")
    raw = new_token(coach)
    new_token(coach, name="never used")
    assert me(site, raw).status_code == 200
    rows = re.findall(r"<tr>\s*<td[^>]*>([^<]+)</td>\s*<td>.*?</td>\s*<td>(.*?)</td>",
                      coach.get("/profile").text, re.S)
    used = dict(rows)
    assert used["never used"] == "never"
    assert "<time" in used["laptop script"]
