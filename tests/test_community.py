"""The moderators' community page: weekly activity (SVG chart and table), median time to a
first contribution, unanswered questions oldest first, open flags; members cannot see it."""
import re
from datetime import timedelta

from sqlalchemy import update

from forum.models import Reply, Thread, utcnow
from forum.services import flags, replies, threads


def test_community_page_for_moderators(client_for, make_user, actor_for, db):
    coach, mod = make_user("Lea"), make_user("Sam", staff=True)
    lea, sam = actor_for(coach), actor_for(mod)
    old = threads.start_thread(lea, "How do you close a coaching engagement well?", "", [], "", [])
    waiting = threads.start_thread(lea, "Is silence ever too long in a session?", "", [], "", [])
    newest = threads.start_thread(lea, "What do you do when a client cries?", "", [], "", [])
    answer = replies.add_reply(sam, old.id, "I ask what they want to keep.")
    now = utcnow()
    # The old question was asked ten weeks ago and answered 3 hours later.
    db.session.execute(update(Thread).where(Thread.id == old.id).values(
        created_at=now - timedelta(weeks=10)))
    db.session.execute(update(Reply).where(Reply.id == answer.id).values(
        created_at=now - timedelta(weeks=10) + timedelta(hours=3)))
    db.session.execute(update(Thread).where(Thread.id == waiting.id).values(
        created_at=now - timedelta(days=20)))
    db.session.commit()
    flags.flag_thread(sam, newest.id, "off-topic")

    assert client_for(coach).get("/community/moderation/community").status_code == 403
    page = client_for(mod).get("/community/moderation/community")
    assert page.status_code == 200
    text = page.text
    assert "<strong>3 hours</strong>: median time" in text
    assert "1 open flag" in text
    unanswered = text.split('id="unanswered-title"')[1]
    assert unanswered.index("Is silence ever too long") < unanswered.index("client cries")
    assert "close a coaching engagement" not in unanswered
    assert text.count("<polyline") == 3 and 'role="img"' in text
    rows = re.findall(r'<tr><th scope="row">[^<]+</th><td>(\d+)</td><td>(\d+)</td>'
                      r'<td>(\d+)</td></tr>', text)
    assert len(rows) == 26
    totals = [sum(int(row[n]) for row in rows) for n in range(3)]
    assert totals == [1, 3, 2]  # contributions, questions, members (Lea and Sam)
    assert rows[10][0] == "1" or rows[9][0] == "1" or rows[11][0] == "1"
