"""Following members (page control, Following page, API) and "N new" on the thread lists."""
import pytest
from sqlalchemy import func, select

from forum.models import MemberFollow
from forum.services import member_follows, moderation, notifications, ratings, replies, threads


@pytest.fixture
def people(make_user, actor_for, db):
    """Ana asks, Ben and Cy read and contribute, Mo moderates; all have used the forum."""
    users = {name: make_user(name, staff=name == "Mo") for name in ("Ana", "Ben", "Cy", "Mo")}
    actors = {name: actor_for(user) for name, user in users.items()}
    for actor in actors.values():
        actor.require_member()
    db.session.commit()
    return users, actors


def _ask(actor, title="How do you handle a client who cancels late?"):
    return threads.start_thread(actor, title, tags="listening")


def test_follow_and_unfollow_from_the_members_page_and_the_following_page(people, client_for,
                                                                          db):
    users, a = people
    ana_id = a["Ana"].member_id
    _ask(a["Ana"])
    ben = client_for(users["Ben"])
    page = ben.get(f"/community/members/{ana_id}").text
    assert "How do you handle a client who cancels late?" in page
    assert 'name="follow" value="1"' in page and "Follow <span dir=\"auto\">Ana</span>" in page
    assert ben.post(f"/community/members/{ana_id}/follow", data={"follow": "1"}).status_code == 302
    assert "Unfollow <span dir=\"auto\">Ana</span>" in ben.get(f"/community/members/{ana_id}").text
    following = ben.get("/community/following").text
    assert f'href="/community/members/{ana_id}"' in following and "Unfollow" in following
    response = ben.post(f"/community/members/{ana_id}/follow",
                        data={"follow": "0", "back": "following"})
    assert response.status_code == 302 and response.location.endswith("/community/following")
    assert "You follow no member" in ben.get("/community/following").text
    own = client_for(users["Ana"]).get(f"/community/members/{ana_id}").text
    assert "follow-control" not in own  # nobody follows themselves
    visitor = client_for(users["Ana"]).application.test_client()
    assert "follow-control" not in visitor.get(f"/community/members/{ana_id}").text
    assert visitor.post(f"/community/members/{ana_id}/follow").status_code == 401  # no login page
    assert ben.get("/community/members/999999").status_code == 404


def test_the_follow_form_needs_its_csrf_token(people, client_for, app, db):
    users, a = people
    app.config["WTF_CSRF_ENABLED"] = True
    ben = client_for(users["Ben"])
    response = ben.post(f"/community/members/{a['Ana'].member_id}/follow", data={"follow": "1"})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(MemberFollow)) == 0


def test_api_member_follow(people, client_for, db):
    users, a = people
    ben = client_for(users["Ben"])
    url = f"/community/api/members/{a['Ana'].member_id}/follow"
    ana = {"id": a["Ana"].member_id, "display_name": "Ana"}
    assert ben.get(url).json == {"member": ana, "following": False}
    assert ben.put(url).json == {"member": ana, "following": True}
    assert ben.get(url).json["following"] is True
    assert ben.delete(url).json == {"member": ana, "following": False}
    own = client_for(users["Ana"]).put(url)
    assert own.status_code == 422 and own.json["error"]["field"] == "member"
    assert ben.get("/community/api/members/999999/follow").status_code == 404
    assert ben.application.test_client().get(url).status_code == 401
    assert member_follows.followed_members(a["Ben"]) == []


def test_thread_lists_show_new_contributions_since_the_last_visit(people, client_for, db):
    users, a = people
    seen, unseen = _ask(a["Ana"]), _ask(a["Ana"], "What do you say when a client goes quiet?")
    replies.add_reply(a["Cy"], seen.id, "Name the pattern.")
    ben = client_for(users["Ben"])
    assert "new-count" not in ben.get("/community/").text  # never visited: nothing to count
    ben.get(f"/community/threads/{seen.id}/{seen.slug}")
    for text in ("Agree it up front.", "Charge the session.", "Ask what it protects."):
        replies.add_reply(a["Cy"], seen.id, text)
    replies.add_reply(a["Ben"], seen.id, "My own words do not count.")
    hidden = replies.add_reply(a["Cy"], seen.id, "Hidden later.")
    replies.delete_reply(a["Cy"], hidden.id)
    replies.add_reply(a["Cy"], unseen.id, "Not visited, not counted.")
    listing = ben.get("/community/").text
    assert listing.count("new-count") == 1
    assert ('3 new<span class="visually-hidden"> since your last visit</span>' in listing)
    assert '3 new<span class="visually-hidden">' in ben.get("/community/tags/listening").text
    ben.get(f"/community/threads/{seen.id}/{seen.slug}")  # opening it again resets the count
    assert "new-count" not in ben.get("/community/").text
    visitor = ben.application.test_client()
    assert "new-count" not in visitor.get("/community/").text


def test_mentions_link_to_members_in_prose_only(people, make_user, client_for, db):
    users, a = people
    thread = _ask(a["Ana"])
    reply = replies.add_reply(
        a["Ben"], thread.id,
        "Ask @ana and @Nobody; not `@cy` nor [@cy](https://example.org), nor mail@cy.")
    ana_path = f"/community/members/{a['Ana'].member_id}"
    assert f'<a href="{ana_path}" rel="nofollow ugc noopener">@ana</a>' in reply.html
    assert "@Nobody" in reply.html and "members/" not in reply.html.replace(ana_path, "")
    assert "<code>@cy</code>" in reply.html
    edited = replies.edit_reply(a["Ben"], reply.id, "Now asking @Cy.")
    assert f'href="/community/members/{a["Cy"].member_id}"' in edited.html
    page = client_for(users["Ana"]).get(f"/community/threads/{thread.id}/{thread.slug}").text
    assert f'href="/community/members/{a["Cy"].member_id}"' in page


def test_member_suggestions_by_prefix(people, make_user, actor_for, client_for, db):
    users, a = people
    for name in ("Anabel", "Ann Lee", "An_drew"):
        actor_for(make_user(name)).require_member()
    db.session.commit()
    ben = client_for(users["Ben"])

    def names(prefix):
        response = ben.get("/community/members/suggest", query_string={"q": prefix})
        assert response.status_code == 200
        return [item["name"] for item in response.json["members"]]
    assert names("an") == ["An_drew", "Ana", "Anabel"]  # "Ann Lee" cannot be @mentioned
    assert names("@ANA") == ["Ana", "Anabel"]
    assert names("a%") == [] and names("") == [] and names("_") == []
    visitor = ben.application.test_client()
    assert visitor.get("/community/members/suggest?q=an").json == {"members": []}


def test_the_thread_page_links_the_asker_to_their_page(people, client_for, db):
    users, a = people
    thread = _ask(a["Ana"])
    page = client_for(users["Ben"]).get(f"/community/threads/{thread.id}/{thread.slug}").text
    assert (f'Asked by <a class="author-link" href="/community/members/{a["Ana"].member_id}" '
            'dir="auto">Ana</a>') in page


def test_following_and_notifications_pages_do_not_grow(people, make_user, actor_for,
                                                       client_for, count_queries, db):
    """More followed members, and more notices of every kind, cost no more queries."""
    users, a = people
    ben = client_for(users["Ben"])

    def queries(path):
        ben.get(path)
        with count_queries() as counted:
            assert ben.get(path).status_code == 200
        return counted[0]

    def more_of_everything(number):
        author = actor_for(make_user(f"Author {number}"))
        author.require_member()
        db.session.commit()
        member_follows.follow_member(a["Ben"], author.member_id)
        thread = _ask(author, f"Practice question {number} about late cancels")
        reply = replies.add_reply(a["Ben"], thread.id, f"Answer {number}.")
        ratings.rate(author, "reply", reply.id, 4)
        moderation.lock_thread(a["Mo"], thread.id, reason="Enough answers")
        if number % 2:  # its rating notice goes, the moderation notice stays
            moderation.hide_reply(a["Mo"], reply.id, reason="Off-topic")
    more_of_everything(0)
    few = queries("/community/following"), queries("/community/notifications")
    for number in range(1, 4):
        more_of_everything(number)
    assert queries("/community/following") == few[0]
    assert queries("/community/notifications") == few[1]
    listing = notifications.list_notifications(a["Ben"]).items
    assert {notice.kind for notice in listing} >= {"member_thread", "rating", "moderation"}
