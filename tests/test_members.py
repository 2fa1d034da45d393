"""The admins' members page on the standalone site: roles, bans that end sessions, logged."""
import pytest
from sqlalchemy import select

from forum.models import Account, ModerationLog

pytestmark = pytest.mark.usefixtures("one_login_per_request")


def account(site, name):
    db_session = site.extensions["sqlalchemy"].session
    db_session.expire_all()
    return db_session.scalar(select(Account).where(Account.name == name))


def test_admin_changes_role_and_moderator_tools_appear(site, login_site):
    admin = login_site("Ada Admin", role="admin")
    coach = login_site("Coach Bea")
    page = admin.get("/members")
    assert page.status_code == 200 and "Coach Bea" in page.text
    bea = account(site, "Coach Bea")
    response = admin.post(f"/members/{bea.id}/role", data={"role": "moderator"})
    assert response.status_code == 302
    assert account(site, "Coach Bea").role == "moderator"
    assert coach.get("/moderation/flags").status_code == 200  # role read on each request
    entry = site.extensions["sqlalchemy"].session.scalar(select(ModerationLog))
    assert (entry.action, entry.target_type, entry.target_id) == ("account.role", "account",
                                                                   bea.id)


def test_ban_ends_sessions_and_blocks_login(site, login_site, site_client):
    admin = login_site("Ada Admin", role="admin")
    coach = login_site("Coach Bea")
    assert "Log out" in coach.get("/").text
    bea = account(site, "Coach Bea")
    generation = bea.session_generation
    assert admin.post(f"/members/{bea.id}/ban", data={"reason": "Shared client files"}
                      ).status_code == 302
    after = account(site, "Coach Bea")
    assert after.is_banned and after.session_generation == generation + 1
    assert "Log out" not in coach.get("/").text
    login = site_client.post("/login", data={"name": "Coach Bea",
                                              "password": "correct horse battery"})
    assert login.status_code == 422
    assert admin.post(f"/members/{bea.id}/unban").status_code == 302
    assert not account(site, "Coach Bea").is_banned
    actions = [row.action for row in site.extensions["sqlalchemy"].session.scalars(
        select(ModerationLog).order_by(ModerationLog.id))]
    assert actions == ["account.ban", "account.unban"]


def test_bad_member_changes_are_refused_and_not_logged(site, login_site):
    admin = login_site("Ada Admin", role="admin")
    login_site("Coach Bea")
    ada, bea = account(site, "Ada Admin"), account(site, "Coach Bea")
    own = admin.post(f"/members/{ada.id}/role", data={"role": "member"})
    assert own.status_code == 409 and "your own account" in own.text
    bad_role = admin.post(f"/members/{bea.id}/role", data={"role": "owner"})
    assert bad_role.status_code == 422 and "Role must be one of" in bad_role.text
    no_reason = admin.post(f"/members/{bea.id}/ban", data={"reason": " "})
    assert no_reason.status_code == 422 and "Give a reason" in no_reason.text
    assert admin.post("/members/9999/ban", data={"reason": "x"}).status_code == 404
    assert account(site, "Ada Admin").role == "admin" and not account(site, "Coach Bea").is_banned
    assert site.extensions["sqlalchemy"].session.scalars(select(ModerationLog)).all() == []


def test_members_page_is_for_admins_only(site, login_site, site_client):
    moderator = login_site("Mo Moderator", role="moderator")
    assert moderator.get("/members").status_code == 403
    assert site_client.get("/members").status_code == 401
