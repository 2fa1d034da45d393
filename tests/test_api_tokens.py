"""Personal API tokens: created on the profile page or the CLI, stored hashed, revocable."""
import re

from sqlalchemy import select

from forum.models import ApiToken
from forum.services import tokens


def bearer(raw):
    return {"Authorization": f"Bearer {raw}"}


def test_token_is_stored_only_as_its_hash(app, db, make_user, actor_for):
    ana = make_user("Ana")
    token, raw = tokens.create_token(actor_for(ana), "my script")
    stored = db.session.scalar(select(ApiToken).where(ApiToken.id == token.id))
    assert raw.startswith("fct_") and len(raw) > 40
    assert stored.token_hash == tokens.hash_token(raw) and raw not in stored.token_hash
    assert stored.name == "my script"


def test_token_authenticates_until_revoked(app, client, make_user, actor_for):
    ana = make_user("Ana")
    token, raw = tokens.create_token(actor_for(ana), "phone")
    response = client.get("/community/api/me", headers=bearer(raw))
    assert response.status_code == 200
    assert response.json["display_name"] == "Ana" and response.json["auth"] == "token"
    tokens.revoke_token(actor_for(ana), token.id)
    response = client.get("/community/api/me", headers=bearer(raw))
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"


def test_bad_or_malformed_tokens_are_401(client):
    for header in ("Bearer fct_nope", "Bearer ", "Basic YTpi", "Bearer " + "x" * 5000):
        response = client.get("/community/api/threads", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert response.is_json


def test_member_cannot_revoke_someone_elses_token(app, make_user, actor_for):
    import pytest

    from forum.errors import NotFound

    token, _raw = tokens.create_token(actor_for(make_user("Ana")), "ana's")
    with pytest.raises(NotFound):
        tokens.revoke_token(actor_for(make_user("Bo")), token.id)


def test_profile_page_creates_shows_once_and_revokes(client_for, make_user, client):
    ana_client = client_for(make_user("Ana"))
    page = ana_client.get("/community/profile")
    assert page.status_code == 200 and "You have no tokens yet" in page.text
    created = ana_client.post("/community/profile", data={"name": "laptop"})
    assert created.status_code == 201
    raw = re.search(r'class="api-token">(fct_[^<]+)<', created.text).group(1)
    assert client.get("/community/api/me", headers=bearer(raw)).status_code == 200
    again = ana_client.get("/community/profile")
    assert raw not in again.text and "laptop" in again.text
    token_id = re.search(r"/profile/tokens/(\d+)/revoke", again.text).group(1)
    revoked = ana_client.post(f"/community/profile/tokens/{token_id}/revoke")
    assert revoked.status_code == 302
    assert client.get("/community/api/me", headers=bearer(raw)).status_code == 401
    assert "revoked" in ana_client.get("/community/profile").text


def test_profile_page_keeps_the_name_on_error(client_for, make_user):
    ana_client = client_for(make_user("Ana"))
    response = ana_client.post("/community/profile", data={"name": "x" * 81})
    assert response.status_code == 422
    assert "at most 80 characters" in response.text and "x" * 81 in response.text


def test_profile_needs_login(client):
    assert client.get("/community/profile").status_code == 401


def test_cli_create_token_prints_only_the_token(site, make_account):
    make_account("Ana")
    result = site.test_cli_runner().invoke(args=["forum", "create-token", "Ana"])
    assert result.exit_code == 0, result.output
    raw = result.output.strip()
    assert re.fullmatch(r"fct_[\w-]+", raw)
    response = site.test_client().get("/api/me", headers=bearer(raw))
    assert response.status_code == 200 and response.json["display_name"] == "Ana"


def test_cli_create_token_for_unknown_account_fails(site):
    result = site.test_cli_runner().invoke(args=["forum", "create-token", "Nobody"])
    assert result.exit_code == 1 and "No account is named" in result.output
