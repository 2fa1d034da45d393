"""`flask forum load-demo`: the demo articles, members and links that `make run` starts with."""
import importlib.util
import shutil
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from forum import formats
from tests.host import create_host_app
from forum.models import (
    Account, Credential, Member, Rating, RelatedLink, Reply, ReplyTag, Tag, Thread, ThreadTag,
)

DEMO = Path(__file__).resolve().parent.parent / "demo"


def count(session, model):
    """Rows in a table."""
    return session.scalar(select(func.count()).select_from(model))


def test_demo_articles_are_valid_and_varied():
    articles = [formats.parse((path).read_bytes(), path.name) for path in DEMO.glob("*.txt")]
    assert 4 <= len(articles) <= 6
    titles = {article.title for article in articles}
    assert any("resistant client" in title for title in titles)
    related_titles = {entry.title for article in articles for entry in article.related}
    assert len(related_titles & titles) >= 3 and related_titles - titles
    assert any(not article.related for article in articles)
    texts = " ".join(c.text for article in articles for c in article.contributions)
    for sign in ("\u200d", "#", " 1. ", " 2. "):
        assert sign in texts


def test_load_demo_on_the_site_creates_threads_members_and_links_once(site):
    session = site.extensions["sqlalchemy"].session
    runner = site.test_cli_runner()
    result = runner.invoke(args=["forum", "load-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    threads = session.scalars(select(Thread)).all()
    assert 28 <= len(threads) <= 32  # the hand-written articles and the composed questions
    assert result.output.count("imported thread ") == len(threads)
    tags = session.scalars(select(Tag.slug).join(ThreadTag).distinct()).all()
    assert len(tags) == 10 and session.scalar(select(func.count()).select_from(Thread).where(
        ~Thread.id.in_(select(ThreadTag.thread_id)))) == 0
    members = session.scalars(select(Member).where(Member.user_key.startswith("account:"))).all()
    assert len(members) == 12 and all(m.bio and m.coaching_focus for m in members)
    assert sum(bool(m.verified_credentials) for m in members) >= 5
    assert count(session, Credential) > sum(bool(m.verified_credentials) for m in members)
    asked = sorted(t.created_at for t in threads)
    assert asked[-1] - asked[0] > timedelta(weeks=5)  # spread over the last weeks
    assert len(set(t.author_id for t in threads)) >= 8
    assert "Demo accounts: Amara Okafor (moderator)" in result.output
    assert session.scalar(select(Account.role).where(Account.name == "Amara Okafor")) == "moderator"
    authors = session.scalars(select(Member.display_name).join(
        Reply, Reply.author_id == Member.id).distinct()).all()
    assert len(authors) >= 3 and "Imported contributor" not in authors
    assert count(session, ReplyTag) > 5
    linked = session.scalar(select(func.count()).select_from(RelatedLink).where(
        RelatedLink.target_thread_id.is_not(None)))
    assert linked >= 5
    page = site.test_client().get("/")
    assert "Working with a resistant client" in page.text
    if importlib.util.find_spec("forum.services.ratings"):
        assert count(session, Rating) > 300 and "Demo ratings given" in result.output
        assert session.scalar(select(func.count()).select_from(Thread).where(
            Thread.rating_count >= 2)) == len(threads)
    else:
        assert count(session, Rating) == 0 and "no ratings service" in result.output

    before = {model: count(session, model)
              for model in (Thread, Reply, Account, RelatedLink, Rating)}
    again = runner.invoke(args=["forum", "load-demo", "--if-empty"])
    assert again.exit_code == 0 and "demo content not loaded" in again.output
    forced = runner.invoke(args=["forum", "load-demo"])
    assert forced.exit_code == 0 and forced.output.count("skipped ") == len(threads)
    assert {model: count(session, model) for model in before} == before


def test_load_demo_in_a_host_app_uses_forum_members(app, db):
    result = app.test_cli_runner().invoke(args=["forum", "load-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    keys = db.session.scalars(select(Member.user_key)).all()
    assert "demo:amara okafor" in keys and "Demo accounts" not in result.output
    assert "/community/threads/" in result.output


def test_load_demo_skips_a_non_empty_forum(app, db, tmp_path):
    path = tmp_path / "one.txt"
    path.write_text("A question asked before the demo was loaded?\nLead.\nShare.\n")
    assert app.test_cli_runner().invoke(args=["forum", "import", str(path)]).exit_code == 0
    result = app.test_cli_runner().invoke(args=["forum", "load-demo", "--if-empty"])
    assert result.exit_code == 0 and "demo content not loaded" in result.output
    assert count(db.session, Thread) == 1


def _demo_signature(session):
    """What a visitor would notice of the demo: questions in the order they were asked, who
    asked each, who contributed in what order, and the stars each was given."""
    threads = session.scalars(select(Thread).order_by(Thread.created_at)).all()
    names = dict(session.execute(select(Member.id, Member.display_name)).all())
    return [(t.title, names[t.author_id], t.rating_sum,
             [(names[r.author_id], r.rating_count, r.rating_sum) for r in session.scalars(
                 select(Reply).where(Reply.thread_id == t.id).order_by(Reply.created_at))])
            for t in threads]


def test_the_demo_is_the_same_forum_on_every_load(app, db, tmp_path, sqlite_template):
    """From the fixed seed: a second load into a fresh SQLite forum asks the same questions in
    the same order, by the same members, with the same contributors and stars (and on
    PostgreSQL the same as on SQLite)."""
    assert app.test_cli_runner().invoke(args=["forum", "load-demo"]).exit_code == 0
    first = _demo_signature(db.session)
    path = tmp_path / "second.sqlite3"
    shutil.copy(sqlite_template, path)
    other, other_db, _ = create_host_app(f"sqlite:///{path}")
    with other.app_context():
        assert other.test_cli_runner().invoke(args=["forum", "load-demo"]).exit_code == 0
        second = _demo_signature(other_db.session)
        other_db.session.remove()
        other_db.engine.dispose()
    assert len(first) >= 28 and first == second
