"""Outcome reports under concurrency (SQLite and PostgreSQL): 40 members report on one
contribution at once, members report on two contributions of one thread at once, and one member
changes fast from four clients; and four processes report into one SQLite file in WAL mode.
Stored figures equal a recount and the thread's best score equals its best contribution's."""
import random

import pytest
from sqlalchemy import func, select

from forum.models import Outcome, Reply, Thread
from forum.services import outcomes
from tests.concurrency import clients, make_app, run_processes, run_together
from tests.concurrency import seed as seed_thread

MEMBERS = 40
RAPID_OPS = 40
PROCESS_MEMBERS = 16  # the SQLite test's members, over 4 processes (35 s with 40 in CI, 19 s with 24)


def seed(app, db, user_model, members=MEMBERS):
    """A thread with two contributions and `members` other members; returns their ids."""
    thread_id, (first, second), ids = seed_thread(
        app, db, user_model, ["A midweek check-in.", "One small step a day."], members,
        "Member {}")
    return thread_id, first, second, ids


def post(client, url, data):
    """POST a page form; the status code (303 after success)."""
    return client.post(url, data=data).status_code


def check_consistent(app, db, thread_id, reply_ids):
    """Every contribution's figures equal a recount, its score the Wilson bound of them, and
    the thread's best score the best of them; no member has two rows on one contribution."""
    with app.app_context():
        figures = {}
        for reply_id in reply_ids:
            row = db.session.execute(select(
                Reply.outcome_tried, Reply.outcome_reported, Reply.outcome_better,
                Reply.outcome_worse, Reply.field_tested).where(Reply.id == reply_id)).one()
            assert tuple(row[:4]) == outcomes.recount(reply_id)
            assert row[4] == pytest.approx(outcomes.wilson_lower_bound(row[1] - row[3], row[1]))
            figures[reply_id] = tuple(row)
        best = db.session.scalar(select(Thread.field_tested_best).where(Thread.id == thread_id))
        assert best == pytest.approx(max(f[4] for f in figures.values()))
        duplicates = db.session.execute(
            select(Outcome.member_id, Outcome.reply_id).group_by(Outcome.member_id, Outcome.reply_id)
            .having(func.count() > 1)).all()
        assert duplicates == []
        db.session.remove()
        return figures


def test_forty_members_report_at_once_on_two_contributions(database_url):
    app, db, user_model = make_app(database_url)
    thread_id, first, second, ids = seed(app, db, user_model)
    members = clients(app, db, user_model, ids)
    targets = [first if n % 2 else second for n in range(MEMBERS)]
    values = [(n % 5) - 2 for n in range(MEMBERS)]
    statuses = run_together([
        (lambda c=c, t=t, v=v: post(c, f"/community/replies/{t}/outcome", {"outcome": str(v)}))
        for c, t, v in zip(members, targets, values)])
    assert statuses == [303] * MEMBERS
    figures = check_consistent(app, db, thread_id, (first, second))
    assert figures[first][1] + figures[second][1] == MEMBERS
    # ... then all of them withdraw, change or mark the other contribution at once
    jobs = []
    for n, client in enumerate(members):
        if n % 3 == 0:
            jobs.append(lambda c=client, t=targets[n]: post(
                c, f"/community/replies/{t}/outcome", {"remove": "1"}))
        elif n % 3 == 1:
            jobs.append(lambda c=client, t=targets[n]: post(
                c, f"/community/replies/{t}/outcome", {"outcome": "2"}))
        else:
            other = second if targets[n] == first else first
            jobs.append(lambda c=client, t=other: post(c, f"/community/replies/{t}/trying", {}))
    assert run_together(jobs) == [303] * MEMBERS
    figures = check_consistent(app, db, thread_id, (first, second))
    assert figures[first][0] + figures[second][0] == MEMBERS + len(range(2, MEMBERS, 3))
    with app.app_context():
        db.engine.dispose()


def test_one_member_changing_fast(database_url):
    app, db, user_model = make_app(database_url)
    thread_id, first, second, ids = seed(app, db, user_model, members=1)

    def ops(seed_value):
        rng = random.Random(seed_value)
        for _ in range(RAPID_OPS // 4):
            choice = rng.random()
            if choice < 0.25:
                yield "outcome", {"remove": "1"}
            elif choice < 0.4:
                yield "trying", {"remove": "1"}
            elif choice < 0.55:
                yield "trying", {"remind_in_days": str(rng.randint(0, 30))}
            else:
                yield "outcome", {"outcome": str(rng.randint(-2, 2))}

    def sequence(client, n):
        # 409 is the one refusal allowed: taking back "trying" while a report stands
        return [post(client, f"/community/replies/{first}/{path}", data)
                for path, data in ops(n)]

    results = run_together([(lambda c=c, n=n: sequence(c, n))
                            for n, c in enumerate(clients(app, db, user_model, ids * 4))])
    assert all(status in (303, 409) for result in results for status in result), results
    figures = check_consistent(app, db, thread_id, (first, second))
    assert figures[first][0] in (0, 1) and figures[first][1] in (0, 1)
    with app.app_context():
        db.engine.dispose()


def _process_worker(url, reply_ids, user_ids, barrier, queue):
    """One process of the SQLite test: its members report on the two contributions at once."""
    app, db, user_model = make_app(url)
    members = clients(app, db, user_model, user_ids)
    barrier.wait()
    queue.put(run_together([
        (lambda c=c, uid=uid: post(c, f"/community/replies/{reply_ids[uid % 2]}/outcome",
                                   {"outcome": str(uid % 5 - 2)}))
        for c, uid in zip(members, user_ids)]))
    with app.app_context():
        db.engine.dispose()


@pytest.mark.slow
def test_processes_report_in_one_sqlite_file(sqlite_template, tmp_path):
    import shutil

    path = tmp_path / "shared.sqlite3"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    app, db, user_model = make_app(url)
    thread_id, first, second, ids = seed(app, db, user_model, members=PROCESS_MEMBERS)
    processes = 4
    results = run_processes(_process_worker, [(url, (first, second), ids[n::processes])
                                              for n in range(processes)])
    assert [status for result in results for status in result] == [303] * PROCESS_MEMBERS
    figures = check_consistent(app, db, thread_id, (first, second))
    assert figures[first][1] + figures[second][1] == PROCESS_MEMBERS
    with app.app_context():
        db.engine.dispose()
