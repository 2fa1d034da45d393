"""Credentials: declared by a member (http/https verification links only), verified by a
moderator (logged), shown as a badge on the member's contribution cards only once verified."""
from sqlalchemy import select

from forum.models import Credential, Member, ModerationLog
from forum.services import ratings, replies, threads


def setup_thread(make_user, actor_for):
    coach, mod = make_user("Priya"), make_user("Sam", staff=True)
    thread = threads.start_thread(actor_for(mod), "What do you do when a client cancels late?",
                                  "", [], "", [])
    replies.add_reply(actor_for(coach), thread.id, "I keep one rule and say it early.")
    return coach, mod, thread


def test_declare_verify_and_badge_on_cards(client, client_for, make_user, actor_for, db):
    coach, mod, thread = setup_thread(make_user, actor_for)
    priya = client_for(coach)
    bad = priya.post("/community/profile/credentials",
                     data={"credential": "I", "url": "javascript:alert(1)"})
    assert bad.status_code == 422
    assert "2 to 80 characters" in bad.text and "starts with http:// or https://" in bad.text
    assert 'value="javascript:alert(1)"' in bad.text  # typed text kept
    assert db.session.scalar(select(Credential)) is None
    assert priya.post("/community/profile/credentials", data={
        "credential": "ICF PCC", "url": "https://coachingfederation.org/verify/123"}).status_code == 302
    assert priya.post("/community/profile/credentials", data={"credential": "icf pcc"}
                      ).status_code == 409
    credential = db.session.scalar(select(Credential))
    thread_url = f"/community/threads/{thread.id}/{thread.slug}"
    assert "badge-credential" not in client.get(thread_url).text  # declared is not verified
    member = db.session.get(Member, credential.member_id)
    version = member.profile_version

    assert priya.post(f"/community/members/{member.id}/credentials/{credential.id}/verify"
                      ).status_code == 403  # members cannot verify, not even their own
    sam = client_for(mod)
    assert sam.post(f"/community/members/{member.id}/credentials/{credential.id}/verify"
                    ).status_code == 302
    page = client.get(thread_url).text
    assert '<span aria-hidden="true">✓</span> ICF PCC' in page
    db.session.expire_all()
    assert db.session.get(Member, member.id).profile_version == version + 1
    entry = db.session.scalar(select(ModerationLog).where(
        ModerationLog.action == "credential.verify"))
    assert entry.target_id == credential.id and "ICF PCC" in entry.before

    assert sam.post(f"/community/members/{member.id}/credentials/{credential.id}/unverify"
                    ).status_code == 302
    assert "badge-credential" not in client.get(thread_url).text
    assert db.session.scalar(select(ModerationLog).where(
        ModerationLog.action == "credential.unverify")) is not None


def test_removing_a_verified_credential_removes_its_badge(client_for, make_user, actor_for, db,
                                                         client):
    coach, mod, thread = setup_thread(make_user, actor_for)
    priya = client_for(coach)
    priya.post("/community/profile/credentials", data={"credential": "EMCC Senior Practitioner"})
    credential = db.session.scalar(select(Credential))
    client_for(mod).post(
        f"/community/members/{credential.member_id}/credentials/{credential.id}/verify")
    assert "EMCC Senior Practitioner" in client.get(
        f"/community/members/{credential.member_id}").text
    assert priya.post(f"/community/profile/credentials/{credential.id}/remove"
                      ).status_code == 302
    db.session.expire_all()
    assert db.session.get(Member, credential.member_id).verified_credentials == ""
    assert "EMCC" not in client.get(f"/community/threads/{thread.id}/{thread.slug}").text


def test_star_distribution_is_kept_by_the_ratings_and_shown_as_text(client, make_user,
                                                                    actor_for, db):
    coach, mod, thread = setup_thread(make_user, actor_for)
    reply = replies.list_replies(actor_for(mod), thread).items[0]
    raters = [actor_for(make_user(f"Rater {n}")) for n in range(4)]
    for rater, stars in zip(raters, (5, 5, 4, 2)):
        ratings.rate(rater, "reply", reply.id, stars)
    ratings.rate(raters[3], "reply", reply.id, 1)  # a change moves one count to another star
    ratings.unrate(raters[2], "reply", reply.id)
    page = client.get(f"/community/threads/{thread.id}/{thread.slug}").text
    assert ("<li>5 stars: 2</li><li>4 stars: 0</li><li>3 stars: 0</li><li>2 stars: 0</li>"
            "<li>1 star: 1</li>") in page
    assert page.count('class="rating-dist-bar"') == 5


def test_a_credential_is_verified_only_under_its_own_member(client_for, make_user, actor_for,
                                                            db):
    coach, mod, _thread = setup_thread(make_user, actor_for)
    client_for(coach).post("/community/profile/credentials", data={"credential": "ICF ACC"})
    credential = db.session.scalar(select(Credential))
    other = actor_for(make_user("Someone")).require_member()
    db.session.commit()
    response = client_for(mod).post(
        f"/community/members/{other.id}/credentials/{credential.id}/verify")
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Credential, credential.id).verified_at is None


def test_the_log_says_who_verified_whose_credential_with_a_link(client_for, make_user,
                                                                actor_for, db):
    """"Sam verified Priya's credential ICF PCC" (to her profile's credentials), the taking back
    too; once she removes it the entry says so instead of a bare number."""
    coach, mod, _thread = setup_thread(make_user, actor_for)
    client_for(coach).post("/community/profile/credentials", data={"credential": "ICF PCC"})
    credential = db.session.scalar(select(Credential))
    sam = client_for(mod)
    base = f"/community/members/{credential.member_id}/credentials/{credential.id}"
    sam.post(f"{base}/verify")
    sam.post(f"{base}/unverify")
    log = sam.get("/community/moderation/log").text
    link = (f'Priya’s credential <a href="/community/members/{credential.member_id}#credentials"'
            f' dir="auto">ICF PCC</a>')
    assert f"<strong>Sam</strong> verified {link}" in log
    assert f"<strong>Sam</strong> took back the verification of {link}" in log
    assert "credential.verify," not in log and "credential #" not in log
    client_for(coach).post(f"/community/profile/credentials/{credential.id}/remove")
    log = sam.get("/community/moderation/log").text
    assert log.count("a credential its member has since removed") == 2
