"""Public profiles: every name links to one; expertise per tag from other members' ratings only
(a Bayesian average past a minimum); bio, focus and a chosen name; the host's profile hook;
api/members/{id} without email or hidden content."""
import re

import pytest
from flask_login import FlaskLoginClient
from sqlalchemy import select

from forum.models import Member, Rating, Reply
from forum.services import moderation, ratings, replies, threads
from tests.host import create_host_app


@pytest.fixture
def coaches(make_user, actor_for, db):
    """Ana asks, Ben answers under #rapport, six raters; Ben's actor and ids."""
    users = {name: make_user(name) for name in ("Ana", "Ben", "R1", "R2", "R3", "R4", "R5", "R6")}
    actors = {name: actor_for(user) for name, user in users.items()}
    thread = threads.start_thread(actors["Ana"], "How do you open a first session?",
                                  "Openings *matter*.", [], "", ["rapport"])
    reply = replies.add_reply(actors["Ben"], thread.id, "I ask what brought them here. #silence")
    return {"users": users, "actors": actors, "thread": thread, "reply": reply}


def rate_by(coaches, names, stars, reply_id=None):
    for name in names:
        ratings.rate(coaches["actors"][name], "reply", reply_id or coaches["reply"].id, stars)


def ben_id(coaches):
    return coaches["actors"]["Ben"].require_member().id


def test_names_link_to_profiles_that_show_counts_and_content(client, coaches):
    thread = coaches["thread"]
    page = client.get(f"/community/threads/{thread.id}/{thread.slug}").text
    member_id = ben_id(coaches)
    assert f'href="/community/members/{member_id}" dir="auto">Ben</a>' in page
    listing = client.get("/community/").text
    assert 'asked by <a class="author-link"' in listing and "last contribution by" in listing
    profile = client.get(f"/community/members/{member_id}")
    assert profile.status_code == 200
    text = profile.text
    assert "<h1 id=\"member-name\">Ben</h1>" in text and "Member since" in text
    assert "1 contribution" in text and "I ask what brought them here." in text
    assert client.get("/community/members/999999").status_code == 404


def test_expertise_counts_other_members_ratings_only_past_the_minimum(client, db, coaches):
    member_id = ben_id(coaches)
    rate_by(coaches, ["R1", "R2", "R3", "R4"], 5)
    # A self-rating written behind the services' back must not count either.
    db.session.add(Rating(member_id=member_id, reply_id=coaches["reply"].id, stars=1))
    db.session.commit()
    page = client.get(f"/community/members/{member_id}").text
    assert "No tag has 5 ratings from other members yet." in page
    assert "(C &times; m + sum of stars) / (C + n)" in page  # the formula is stated
    rate_by(coaches, ["R5"], 5)
    page = client.get(f"/community/members/{member_id}").text
    rows = re.findall(r'<th scope="row"><a class="tag" href="[^"]+">#(\w+)</a></th>\s*'
                      r'<td>([\d.]+)</td>\s*<td>([\d.]+) ★</td>\s*<td>(\d+)</td>', page)
    # Both the contribution's own #silence and its thread's #rapport; average 5.0 from 5
    # (the self-rating is left out), the score pulled towards the site mean.
    assert sorted(rows) == [("rapport", rows[0][1], "5.0", "5"), ("silence", rows[0][1], "5.0", "5")]
    assert 4.0 < float(rows[0][1]) < 5.0


def test_expertise_ignores_hidden_contributions_and_post_counts(client, make_user, actor_for,
                                                                coaches):
    member_id = ben_id(coaches)
    rate_by(coaches, ["R1", "R2", "R3", "R4", "R5"], 4)
    for number in range(5):  # many unrated posts earn nothing
        replies.add_reply(coaches["actors"]["Ben"], coaches["thread"].id, f"More thoughts {number}")
    expertise = client.get(f"/community/members/{member_id}").text.split(
        'id="expertise-title"')[1].split('id="member-threads-title"')[0]
    assert "#rapport" in expertise and ">5</td>" in expertise
    moderator = actor_for(make_user("Mo", staff=True))
    moderation.hide_reply(moderator, coaches["reply"].id, "off-topic")
    page = client.get(f"/community/members/{member_id}").text
    assert "No tag has 5 ratings" in page and "I ask what brought them here." not in page


def test_expertise_shows_field_tested_contributions_beside_ratings(client, coaches):
    from forum.services import outcomes

    member_id = ben_id(coaches)
    rate_by(coaches, ["R1", "R2", "R3", "R4", "R5"], 5)

    def tested():
        page = client.get(f"/community/members/{member_id}").text
        rows = re.findall(r'<th scope="row"><a class="tag" href="[^"]+">#(\w+)</a></th>\s*'
                          r'<td>[\d.]+</td>\s*<td>[\d.]+ ★</td>\s*<td>(\d+)</td>\s*'
                          r'<td>(\d+)</td>', page)
        api = client.get(f"/community/api/members/{member_id}").get_json()["expertise"]["tags"]
        assert sorted((t["slug"], str(t["ratings"]), str(t["field_tested"])) for t in api) == \
            sorted(rows)
        return sorted(rows)

    for name, value in zip(("R1", "R2"), (2, -1)):
        outcomes.report(coaches["actors"][name], coaches["reply"].id, value)
    assert tested() == [("rapport", "5", "0"), ("silence", "5", "0")]  # 2 reports: below 3
    outcomes.report(coaches["actors"]["R3"], coaches["reply"].id, 1)
    # the thread's #rapport counts the contribution as its own #silence does, as ratings do
    assert tested() == [("rapport", "5", "1"), ("silence", "5", "1")]


def test_member_edits_name_bio_and_focus_with_every_error_at_once(app, client_for, coaches, db):
    ben = client_for(coaches["users"]["Ben"])
    long_focus = "x" * 201
    response = ben.post("/community/profile/about", data={
        "display_name": "B" * 81, "bio": "Hello", "coaching_focus": long_focus})
    assert response.status_code == 422
    assert "A display name has at most 80" in response.text
    assert "A coaching focus has at most 200" in response.text
    assert long_focus in response.text  # typed text kept
    member = db.session.get(Member, ben_id(coaches))
    assert member.bio == "" and member.display_name == "Ben"
    version = member.profile_version
    response = ben.post("/community/profile/about", data={
        "display_name": "Ben Okoro", "bio": "Team coach.\nFormer nurse.",
        "coaching_focus": "Burnout <b>recovery</b>"})
    assert response.status_code == 302
    db.session.expire_all()
    member = db.session.get(Member, member.id)
    assert member.display_name == "Ben Okoro" and member.name_chosen
    assert member.profile_version == version + 1
    page = ben.get(f"/community/members/{member.id}").text
    assert "Team coach." in page and "Former nurse." in page and "<b>" not in page
    ben.get("/community/")  # the host's name ("Ben") no longer overwrites the chosen one
    db.session.expire_all()
    assert db.session.get(Member, member.id).display_name == "Ben Okoro"


def test_the_host_supplies_bio_and_focus_through_a_hook(database_url):
    app, db, User = create_host_app(database_url, member_profile=lambda user: {
        "bio": f"{user.name} coaches founders.", "coaching_focus": None})
    app.test_client_class = FlaskLoginClient
    with app.app_context():
        user = User(name="Cleo")
        db.session.add(user)
        db.session.commit()
        client = app.test_client(user=user)
        client.get("/community/")
        settings = client.get("/community/profile").text
        assert "Your bio comes from" in settings and 'name="coaching_focus"' in settings
        client.post("/community/profile/about", data={"display_name": "", "bio": "mine",
                                                      "coaching_focus": "Founders"})
        member = db.session.scalar(select(Member))
        assert member.bio == "Cleo coaches founders." and member.coaching_focus == "Founders"
        db.session.remove()
        db.engine.dispose()


def test_api_member_profile_has_no_email_and_no_hidden_content(client, make_user, actor_for,
                                                               coaches):
    member_id = ben_id(coaches)
    hidden = replies.add_reply(coaches["actors"]["Ben"], coaches["thread"].id, "Secret draft")
    moderation.hide_reply(actor_for(make_user("Mo", staff=True)), hidden.id, "spam")
    body = client.get(f"/community/api/members/{member_id}").get_json()
    assert body["display_name"] == "Ben" and body["counts"]["contributions"] == 1
    assert [r["body"] for r in body["contributions"]["items"]] == [
        "I ask what brought them here. #silence"]
    assert "email" not in str(body) and "user_key" not in body
    assert body["expertise"]["formula"] == "(C*m + sum of stars) / (C + n)"
    assert client.get("/community/api/members/424242").status_code == 404


def test_thread_cards_show_rating_and_excerpt(client, coaches):
    page = client.get("/community/").text
    assert "needs more ratings" in page and "Openings matter." in page
    for name in ("Ben", "R1", "R2"):
        ratings.rate(coaches["actors"][name], "thread", coaches["thread"].id, 4)
    assert "★ 4.0 from 3" in client.get("/community/").text


def test_home_page_welcomes_visitors_only_with_the_calls_the_site_offers(client, client_for,
                                                                         coaches):
    host_page = client.get("/community/").text
    assert "Coaches ask each other practice questions here" in host_page
    # This host has no log-in page the forum knows of, and registers its users itself.
    assert ">Ask a question</a>" not in host_page and ">Register</a>" not in host_page
    member_page = client_for(coaches["users"]["Ana"]).get("/community/").text
    assert "Coaches ask each other practice questions here" not in member_page
    assert "Coaches ask each other" not in client.get("/community/?tag=rapport").text


def test_the_standalone_site_welcome_offers_asking_and_registering(site_client):
    page = site_client.get("/").text
    assert 'href="/login?next=%2Fnew">Ask a question</a>' in page
    assert 'href="/register">Register</a>' in page


def test_tags_page_counts_live_content_only(client, make_user, actor_for, coaches):
    page = client.get("/community/tags").text
    assert re.search(r"#rapport</a></th>\s*<td>1</td>\s*<td>0</td>", page)
    assert re.search(r"#silence</a></th>\s*<td>0</td>\s*<td>1</td>", page)
    moderation.hide_reply(actor_for(make_user("Mo", staff=True)), coaches["reply"].id, "spam")
    page = client.get("/community/tags").text
    assert "#silence" not in page and "/community/feeds/tags/rapport.atom" in page


def test_a_profile_pages_questions_and_contributions_separately(app, client, coaches):
    """Two pagers on one page: ?page= for contributions, ?threads_page= for questions, newest
    first, each link keeping the other list's page; the API pages both with ?page=."""
    app.config["FORUM_THREADS_PER_PAGE"] = 2
    ben = coaches["actors"]["Ben"]
    for number in range(1, 4):
        threads.start_thread(ben, f"Practice question number {number} from Ben", "", [], "", [])
        replies.add_reply(ben, coaches["thread"].id, f"Contribution number {number} from Ben.")
    member_id = ben_id(coaches)
    base = f"/community/members/{member_id}"

    def sections(path):
        page = client.get(path).text
        questions = page.split('id="member-threads-title"')[1].split('id="member-replies-title"')
        return questions[0], questions[1]

    questions, contributions = sections(base)
    assert "question number 3" in questions and "question number 2" in questions
    assert "question number 1" not in questions
    assert "number 3 from Ben." in contributions and "number 1 from Ben." not in contributions
    assert f'href="{base}?threads_page=2"' in questions and f'href="{base}?page=2"' in contributions
    questions, contributions = sections(f"{base}?page=2&threads_page=2")
    assert "question number 1" in questions and "question number 3" not in questions
    # page 2 of contributions: the oldest of Ben's own (and the fixture's first one)
    assert "number 1 from Ben." in contributions and "number 3 from Ben." not in contributions
    assert "I ask what brought them here." in contributions
    assert f'href="{base}?page=2&amp;threads_page=1"' in questions or \
        f'href="{base}?threads_page=1&amp;page=2"' in questions  # back keeps contributions' page
    body = client.get(f"/community/api/members/{member_id}?page=2").get_json()
    assert [t["title"] for t in body["threads"]["items"]] == ["Practice question number 1 from Ben"]
    assert len(body["contributions"]["items"]) == 2
