"""Star ratings: rate/change/remove, refusals, summaries, Bayesian order, pages with and without JS."""
import re

import pytest
from sqlalchemy import delete, func, select, update

from forum.database import atomic
from forum.errors import Conflict, Forbidden, NotFound, Unauthorized, ValidationError
from forum.models import Rating, RatingTotal, Reply, Thread
from forum.services import moderation, ratings, replies, threads

TITLE = "Dealing with a stalled client: how do you restart momentum?"


@pytest.fixture
def board(app, db, make_user, actor_for):
    """An author's thread with two contributions by Bea, and members who can rate them."""
    author, bea = make_user("Ada Author"), make_user("Bea Coach")
    thread = threads.start_thread(
        actor_for(author), TITLE, lead="A client who agreed to goals stopped acting on them.",
        prompts="Listen first: Reflect back what you hear.\nShrink the step: Agree one small action.")
    first = replies.add_reply(actor_for(bea), thread.id, "I ask what changed since we set the goal.")
    second = replies.add_reply(actor_for(bea), thread.id, "We pick a five-minute action together.")
    raters = [make_user(f"Rater {n}") for n in range(6)]
    return {"author": author, "bea": bea, "thread": thread.id, "first": first.id,
            "second": second.id, "raters": raters}


def stored(db, kind, target_id):
    """(rating_count, rating_sum) as stored on the item's row."""
    model = Thread if kind == "thread" else Reply
    db.session.expire_all()
    return tuple(db.session.execute(
        select(model.rating_count, model.rating_sum).where(model.id == target_id)).one())


def rows(db):
    """How many rating rows exist."""
    return db.session.scalar(select(func.count(Rating.id)))


def thread_url(board):
    return f"/community/threads/{board['thread']}"


# --- service ---------------------------------------------------------------------------------

def test_rate_change_remove_keep_aggregates_in_step(db, board, actor_for):
    rater = actor_for(board["raters"][0])
    summary = ratings.rate(rater, "reply", board["first"], 4)
    assert (summary.count, summary.average, summary.mine, summary.needs_more) == (1, 4.0, 4, True)
    assert stored(db, "reply", board["first"]) == (1, 4)
    summary = ratings.rate(rater, "reply", board["first"], "2")
    assert (summary.count, summary.average, summary.mine) == (1, 2.0, 2)
    assert stored(db, "reply", board["first"]) == (1, 2) == ratings.recount("reply", board["first"])
    assert rows(db) == 1
    summary = ratings.unrate(rater, "reply", board["first"])
    assert (summary.count, summary.average, summary.mine) == (0, None, None)
    assert stored(db, "reply", board["first"]) == (0, 0)
    assert ratings.unrate(rater, "reply", board["first"]).count == 0  # removing twice is harmless
    assert rows(db) == 0


def test_summary_for_the_api(db, board, client_for):
    for n, stars in enumerate((5, 4, 3)):
        response = client_for(board["raters"][n]).put(
            f"/community/api/threads/{board['thread']}/rating", json={"stars": stars})
    assert response.status_code == 200
    assert response.get_json() == {"count": 3, "average": 4.0, "score": 4.0,
                                   "needs_more": False, "mine": 3}


def test_nobody_rates_their_own_thread_or_contribution(db, board, actor_for):
    with pytest.raises(Forbidden, match="your own question"):
        ratings.rate(actor_for(board["author"]), "thread", board["thread"], 5)
    with pytest.raises(Forbidden, match="your own contribution"):
        ratings.rate(actor_for(board["bea"]), "reply", board["first"], 5)
    assert rows(db) == 0 and stored(db, "thread", board["thread"]) == (0, 0)


@pytest.mark.parametrize("stars", [0, 6, -1, "abc", "4.5", "", None, True, 4.5, "٣", [4]])
def test_stars_must_be_whole_numbers_from_one_to_five(db, board, actor_for, stars):
    with pytest.raises(ValidationError, match="from 1 to 5") as error:
        ratings.rate(actor_for(board["raters"][0]), "reply", board["first"], stars)
    assert error.value.field == "stars"
    assert rows(db) == 0


def test_hidden_deleted_and_missing_items_cannot_be_rated(db, board, actor_for, make_user):
    db.session.execute(update(Reply).where(Reply.id == board["first"]).values(is_hidden=True))
    db.session.execute(update(Reply).where(Reply.id == board["second"]).values(is_deleted=True))
    db.session.commit()
    member, moderator = actor_for(board["raters"][0]), actor_for(make_user("Mo", staff=True))
    for target in (board["first"], board["second"]):
        with pytest.raises(NotFound):
            ratings.rate(member, "reply", target, 3)
        with pytest.raises(Conflict, match="cannot be rated"):
            ratings.rate(moderator, "reply", target, 3)
    with pytest.raises(NotFound):
        ratings.rate(member, "reply", 999_999, 3)
    with pytest.raises(NotFound):
        ratings.rate(member, "thread", 999_999, 3)
    db.session.execute(update(Thread).where(Thread.id == board["thread"]).values(is_hidden=True))
    db.session.commit()
    with pytest.raises(NotFound):
        ratings.rate(member, "thread", board["thread"], 3)
    assert rows(db) == 0


def test_anonymous_visitors_cannot_rate(db, board, actor_for):
    from forum.services.actors import ANONYMOUS

    with pytest.raises(Unauthorized):
        ratings.rate(ANONYMOUS, "reply", board["first"], 3)
    with pytest.raises(ValidationError):
        ratings.rate(actor_for(board["raters"][0]), "prompt", board["first"], 3)
    assert rows(db) == 0


# --- Bayesian order --------------------------------------------------------------------------

@pytest.fixture
def ranked(app, db, board, make_user, actor_for):
    """Four contributions: one 5-star vote, four well-tested votes, no votes, three 1-star votes."""
    dan = make_user("Dan Coach")
    ids = {"lucky": board["first"], "tested": board["second"]}
    ids["unrated"] = replies.add_reply(actor_for(dan), board["thread"], "Silence helps too.").id
    ids["poor"] = replies.add_reply(actor_for(dan), board["thread"], "Push harder.").id
    raters = [actor_for(user) for user in board["raters"]]
    ratings.rate(raters[0], "reply", ids["lucky"], 5)
    for rater, stars in zip(raters, (5, 5, 5, 4)):
        ratings.rate(rater, "reply", ids["tested"], stars)
    for rater in raters[:3]:
        ratings.rate(rater, "reply", ids["poor"], 1)
    return ids


def test_best_first_uses_the_bayesian_score_in_sql_and_paginates(app, board, ranked, actor_for):
    actor = actor_for(board["raters"][5])
    thread = threads.get_thread(actor, board["thread"])
    # m = 27/8 = 3.375, C = 5: tested 3.99 > lucky 3.65 > unrated 3.375 > poor 2.48, although
    # the plain average would put the lucky single 5-star vote first.
    best = [r.id for r in replies.list_replies(actor, thread, sort="best").items]
    assert best == [ranked["tested"], ranked["lucky"], ranked["unrated"], ranked["poor"]]
    page1 = replies.list_replies(actor, thread, sort="best", per_page=2, page=1)
    page2 = replies.list_replies(actor, thread, sort="best", per_page=2, page=2)
    assert [r.id for r in page1.items + page2.items] == best
    oldest = [r.id for r in replies.list_replies(actor, thread, sort="oldest").items]
    assert oldest == [ranked["lucky"], ranked["tested"], ranked["unrated"], ranked["poor"]]
    assert ratings.site_mean() == pytest.approx(27 / 8)
    with pytest.raises(ValidationError):
        replies.list_replies(actor, thread, sort="random")


def test_site_total_follows_every_change_to_the_ratings(db, board, ranked, actor_for):
    """m comes from a trigger-kept total: it must equal count/sum over the rating rows after a
    rating, a change, a removal, a row written without the service and a cascading delete."""
    def kept():
        db.session.expire_all()
        row = db.session.execute(select(RatingTotal.rating_count, RatingTotal.rating_sum)).one()
        actual = db.session.execute(
            select(func.count(Rating.id), func.coalesce(func.sum(Rating.stars), 0))).one()
        assert tuple(row) == tuple(actual)
        return tuple(row)

    assert kept() == (8, 27)
    rater = actor_for(board["raters"][5])
    ratings.rate(rater, "thread", board["thread"], 5)
    assert kept() == (9, 32)
    ratings.rate(rater, "thread", board["thread"], 2)
    assert kept() == (9, 29)
    ratings.unrate(rater, "thread", board["thread"])
    assert kept() == (8, 27)
    db.session.add(Rating(member_id=rater.require_member().id, reply_id=board["first"], stars=4))
    db.session.commit()
    assert kept() == (9, 31)
    db.session.rollback()  # a new transaction of the forum's own: SQLite cascades in those
    with atomic() as db_session:
        db_session.execute(delete(Reply).where(Reply.id == ranked["tested"]))  # 4 ratings cascade
    assert kept()[0] == 5
    assert ratings.site_mean() == pytest.approx(kept()[1] / 5)


def test_long_threads_default_to_best_first(app, client, board, ranked):
    def order(page):
        return [int(i) for i in re.findall(r'<li class="reply[^"]*" id="reply-(\d+)"', page.text)]

    assert order(client.get(thread_url(board) + "/x", follow_redirects=True))[0] == ranked["lucky"]
    app.config["FORUM_BEST_FIRST_MIN_REPLIES"] = 4
    page = client.get(thread_url(board) + "/x", follow_redirects=True)
    assert order(page)[:2] == [ranked["tested"], ranked["lucky"]]
    assert 'aria-current="page">Best first' in page.text
    oldest = client.get(thread_url(board) + "/x?sort=oldest", follow_redirects=True)
    assert order(oldest)[:2] == [ranked["lucky"], ranked["tested"]]


def test_prior_weight_is_configurable(app, board, ranked):
    app.config["FORUM_RATING_PRIOR_WEIGHT"] = 0  # plain averages: the single 5-star vote wins
    scores = {name: ratings.bayesian(*ratings.recount("reply", rid)[::-1])
              for name, rid in ranked.items()}
    assert scores["lucky"] == 5.0 and scores["tested"] == 4.75


def test_thread_list_top_rated_uses_the_bayesian_score(app, client, db, board, make_user,
                                                        actor_for):
    other = make_user("Omar Author")
    lucky = threads.start_thread(actor_for(other), "One vote wonder: is a single 5 enough?")
    busy = threads.start_thread(actor_for(other), "Many middling votes: is a big sum enough?")
    raters = [actor_for(user) for user in board["raters"]]
    for rater, stars in zip(raters, (5, 5, 4)):
        ratings.rate(rater, "thread", board["thread"], stars)
    ratings.rate(raters[0], "thread", lucky.id, 5)
    for rater, stars in zip(raters, (3, 3, 3, 3, 2, 2)):
        ratings.rate(rater, "thread", busy.id, stars)
    # m = 35/10 = 3.5, C = 5: 3.94 (avg 4.67 of 3) > 3.75 (one 5) > 3.05 (sum 16 of 6 votes);
    # neither the plain average nor the plain sum gives this order.
    page = client.get("/community/?sort=top")
    assert page.status_code == 200
    positions = [page.text.index(title) for title in
                 (TITLE.split(":")[0], "One vote wonder", "Many middling votes")]
    assert positions == sorted(positions)


# --- top contributors ------------------------------------------------------------------------

def test_top_contributors_block(app, client, board, ranked):
    top = ratings.top_contributors(board["thread"])
    assert [(p.display_name, p.contributions, p.count) for p in top] == [
        ("Bea Coach", 2, 5), ("Dan Coach", 1, 3)]
    assert top[0].average == pytest.approx(24 / 5)
    page = client.get(thread_url(board) + "/x", follow_redirects=True)
    block = page.text[page.text.index("Top contributors"):]
    assert block.index("Bea Coach") < block.index("Dan Coach")
    assert "4.8 average from 5 ratings" in block


# --- pages without JavaScript ----------------------------------------------------------------

def test_rating_form_without_javascript(app, client_for, db, board):
    client = client_for(board["raters"][0])
    page = client.get(thread_url(board) + "/x", follow_redirects=True)
    assert "Rate this article" in page.text
    assert page.text.count(">Rate 4 stars<") == 1  # the thread's own form
    # both contributions: buttons of the page's one rating form, each naming its contribution
    assert page.text.count('title="Rate 4 stars"') == 3
    assert f"<button form=forum-rating name=reply-{board['first']} value=4 " in page.text
    response = client.post(f"/community/replies/{board['first']}/rating", data={"stars": "4"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"#reply-{board['first']}")
    page = client.get(response.headers["Location"], follow_redirects=True)
    assert "You rated this contribution 4 stars." in page.text
    assert "Needs more ratings (1 rating so far). Your rating: 4 stars." in page.text
    assert stored(db, "reply", board["first"]) == (1, 4)
    client.post(f"/community/threads/{board['thread']}/rating", data={"stars": "5"})
    response = client.post(f"/community/threads/{board['thread']}/rating", data={"remove": "1"})
    page = client.get(response.headers["Location"], follow_redirects=True)
    assert "Your rating of this question was removed." in page.text
    assert stored(db, "thread", board["thread"]) == (0, 0)
    response = client.post("/community/ratings", data={f"reply-{board['second']}": "3"})
    assert response.status_code == 303 and stored(db, "reply", board["second"]) == (1, 3)


def test_needs_more_ratings_until_the_minimum(app, client, db, board, actor_for):
    for n, stars in enumerate((5, 4)):
        ratings.rate(actor_for(board["raters"][n]), "reply", board["first"], stars)
    page = client.get(thread_url(board) + "/x", follow_redirects=True)
    assert "Needs more ratings (2 ratings so far)." in page.text
    ratings.rate(actor_for(board["raters"][2]), "reply", board["first"], 2)
    page = client.get(thread_url(board) + "/x", follow_redirects=True)
    assert "★ 3.7 average from 3 ratings." in page.text
    assert "Log in to rate." in page.text and "Rate 4 stars" not in page.text


@pytest.mark.parametrize("data, status, message", [
    ({"stars": "9"}, 422, "Choose a whole number of stars from 1 to 5."),
    ({"stars": "four"}, 422, "Choose a whole number of stars from 1 to 5."),
    ({}, 422, "Choose a whole number of stars from 1 to 5."),
])
def test_bad_stars_show_a_message_and_store_nothing(client_for, db, board, data, status,
                                                    message):
    response = client_for(board["raters"][0]).post(
        f"/community/replies/{board['first']}/rating", data=data)
    assert response.status_code == status
    assert f'class="flash flash-error">{message}' in response.text
    assert rows(db) == 0


def test_own_and_missing_items_are_refused_on_the_page(client_for, db, board):
    response = client_for(board["bea"]).post(
        f"/community/replies/{board['first']}/rating", data={"stars": "5"})
    assert response.status_code == 403
    assert "You cannot rate your own contribution." in response.text
    assert "You cannot rate your own contribution." in client_for(board["bea"]).get(
        thread_url(board) + "/x", follow_redirects=True).text
    missing = client_for(board["raters"][0]).post("/community/replies/999999/rating",
                                                  data={"stars": "5"})
    assert missing.status_code == 404 and "does not exist" in missing.text
    anonymous = client_for(None).post(f"/community/threads/{board['thread']}/rating",
                                      data={"stars": "5"})
    assert anonymous.status_code == 401 and "Please log in first." in anonymous.text
    assert rows(db) == 0


def test_hidden_contribution_is_refused_on_the_page(client_for, db, board):
    db.session.execute(update(Reply).where(Reply.id == board["first"]).values(is_hidden=True))
    db.session.commit()
    response = client_for(board["raters"][0]).post(
        f"/community/replies/{board['first']}/rating", data={"stars": "5"})
    assert response.status_code == 404 and "removed" in response.text
    assert rows(db) == 0


# --- JSON for the in-place script -------------------------------------------------------------

def test_json_answer_for_the_script(client_for, db, board):
    client = client_for(board["raters"][0])
    response = client.post(f"/community/replies/{board['second']}/rating", data={"stars": "3"},
                           headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response.json["rating"] == {"count": 1, "average": 3.0, "score": 3.0,
                                       "needs_more": True, "mine": 3}
    assert response.json["text"] == "Needs more ratings (1 rating so far). Your rating: 3 stars."
    error = client.post(f"/community/replies/{board['second']}/rating", json={"stars": 7})
    assert error.status_code == 422
    assert error.json["error"] == {"code": "invalid", "field": "stars",
                                   "message": "Choose a whole number of stars from 1 to 5."}
    removed = client.post(f"/community/replies/{board['second']}/rating", json={"remove": True})
    assert removed.json["rating"]["count"] == 0 and removed.json["rating"]["mine"] is None
    own = client_for(board["bea"]).post(f"/community/replies/{board['second']}/rating",
                                        json={"stars": 5})
    assert own.status_code == 403 and own.json["error"]["code"] == "forbidden"
    assert rows(db) == 0


def test_csrf_token_is_required(app, client_for, db, board):
    app.config["WTF_CSRF_ENABLED"] = True
    client = client_for(board["raters"][0])
    url = f"/community/replies/{board['first']}/rating"
    refused = client.post(url, data={"stars": "4"}, headers={"Accept": "application/json"})
    assert refused.status_code == 400 and "reload the page" in refused.text
    assert rows(db) == 0
    page = client.get(thread_url(board) + "/x", follow_redirects=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text).group(1)
    accepted = client.post(url, data={"stars": "4"},
                           headers={"Accept": "application/json", "X-CSRFToken": token})
    assert accepted.status_code == 200 and accepted.json["rating"]["count"] == 1
    form = client.post(url, data={"stars": "5", "csrf_token": token})
    assert form.status_code == 303 and stored(db, "reply", board["first"]) == (1, 5)


def test_script_is_served_and_uses_no_inline_code(client, board):
    script = client.get("/community/static/ratings.js")
    assert script.status_code == 200 and "forum.submitForm" in script.text
    script.close()
    page = client.get(thread_url(board) + "/x", follow_redirects=True)
    assert "onclick" not in page.text and "<script>" not in page.text


# --- queries ---------------------------------------------------------------------------------

def test_thread_page_query_count_does_not_grow_with_replies(app, client_for, db, board,
                                                            actor_for, make_user,
                                                            count_queries):
    app.config["FORUM_BEST_FIRST_MIN_REPLIES"] = 2
    viewer = board["raters"][0]
    client = client_for(viewer)
    url = thread_url(board) + "/" + threads.slug_for(TITLE)
    ratings.rate(actor_for(viewer), "reply", board["first"], 4)
    ratings.rate(actor_for(board["raters"][1]), "reply", board["second"], 5)
    client.get(url)  # warm up: the viewer's member row, template compilation
    db.session.commit()
    with count_queries() as few:
        assert client.get(url).status_code == 200
    writers = [make_user(f"Writer {n}") for n in range(10)]
    for n, writer in enumerate(writers):
        reply = replies.add_reply(actor_for(writer), board["thread"], f"Idea number {n}.")
        ratings.rate(actor_for(viewer), "reply", reply.id, 1 + n % 5)
        ratings.rate(actor_for(board["raters"][1]), "reply", reply.id, 5 - n % 5)
    db.session.commit()
    client.get(url)  # the thread moved since the last visit: this one records the visit
    with count_queries() as many:
        page = client.get(url)
    assert page.text.count("Your rating:") == 11
    assert "Top contributors" in page.text
    assert many[0] == few[0], (few[0], many[0])


def test_page_offers_rating_exactly_when_the_service_accepts(client_for, make_user, db, board,
                                                             actor_for):
    """One rule (services/permissions.py): a moderator reading a hidden thread is told why its
    contributions cannot be rated, in the words the service refuses with."""
    mo = make_user("Mo Moderator")
    mo.is_staff = True
    db.session.commit()
    moderation.hide_thread(actor_for(mo), board["thread"], reason="Client named")
    refusal = "Hidden or deleted items cannot be rated: this contribution is not public."
    page = client_for(mo).get(thread_url(board) + "/x", follow_redirects=True)
    assert page.text.count(refusal) == 2 and "Rate 4 stars" not in page.text
    with pytest.raises(Conflict, match=re.escape(refusal)):
        ratings.rate(actor_for(mo), "reply", board["first"], 4)
    moderation.restore_thread(actor_for(mo), board["thread"], reason="Fixed")
    page = client_for(mo).get(thread_url(board) + "/x", follow_redirects=True)
    assert refusal not in page.text and "Rate 4 stars" in page.text
    assert ratings.rate(actor_for(mo), "reply", board["first"], 4).mine == 4
