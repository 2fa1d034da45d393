"""The benchmark's own parts: reproducible bulk data with exact counters, and the bench app."""
import re

import pytest
from sqlalchemy import create_engine, text

from bench import data, results
from bench.app import QUERY_HEADER
from bench.prepare import analyze

TINY = data.SCALES["tiny"]
CONSISTENCY = {
    "thread reply_count": "SELECT count(*) FROM forum_thread t WHERE t.reply_count <> "
                          "(SELECT count(*) FROM forum_reply r WHERE r.thread_id = t.id)",
    "thread last_activity_at": "SELECT count(*) FROM forum_thread t WHERE t.reply_count > 0 AND "
                               "t.last_activity_at <> (SELECT max(r.created_at) FROM forum_reply r "
                               "WHERE r.thread_id = t.id)",
    "thread ratings": "SELECT count(*) FROM forum_thread t WHERE t.rating_count <> (SELECT "
                      "count(*) FROM forum_rating x WHERE x.thread_id = t.id) OR t.rating_sum <> "
                      "(SELECT coalesce(sum(stars), 0) FROM forum_rating x WHERE x.thread_id = t.id)",
    "reply ratings": "SELECT count(*) FROM forum_reply r WHERE r.rating_count <> (SELECT "
                     "count(*) FROM forum_rating x WHERE x.reply_id = r.id) OR r.rating_sum <> "
                     "(SELECT coalesce(sum(stars), 0) FROM forum_rating x WHERE x.reply_id = r.id)",
    "site rating total": "SELECT count(*) FROM forum_rating_total t WHERE t.rating_count <> "
                         "(SELECT count(*) FROM forum_rating) OR t.rating_sum <> "
                         "(SELECT coalesce(sum(stars), 0) FROM forum_rating)",
}


@pytest.fixture
def generated(database_url):
    """The tiny benchmark forum bulk-loaded into the test database."""
    engine = create_engine(database_url)
    with engine.begin() as connection:
        summary = data.generate(connection, TINY, log=lambda *_: None)
    analyze(engine)
    yield engine, summary
    engine.dispose()


def test_generated_counters_match_the_rows(generated):
    engine, summary = generated
    with engine.connect() as connection:
        for what, sql in CONSISTENCY.items():
            assert connection.execute(text(sql)).scalar() == 0, what
        assert connection.execute(text("SELECT count(*) FROM forum_reply")).scalar() == \
            TINY.replies + data.FEATURED_REPLIES
        assert summary.rows["forum_thread"] == TINY.threads + 1


def test_featured_thread_has_the_promised_shape(generated):
    engine, summary = generated
    with engine.connect() as connection:
        replies = connection.execute(text(
            "SELECT count(*), count(DISTINCT author_id), min(length(body)), max(length(body)) "
            "FROM forum_reply WHERE thread_id = :t"), {"t": summary.featured_thread_id}).one()
        tags = connection.execute(text(
            "SELECT min(n), max(n) FROM (SELECT count(*) AS n FROM forum_reply_tag rt JOIN "
            "forum_reply r ON r.id = rt.reply_id WHERE r.thread_id = :t GROUP BY rt.reply_id) s"
        ), {"t": summary.featured_thread_id}).one()
        ratings = connection.execute(text(
            "SELECT min(rating_count), max(rating_count) FROM forum_reply WHERE thread_id = :t"),
            {"t": summary.featured_thread_id}).one()
        html = connection.execute(text("SELECT html FROM forum_reply WHERE id = 1")).scalar()
    assert replies[0] == 200 and replies[1] == 20
    assert 300 <= replies[2] and replies[3] <= 500
    assert tuple(tags) == (3, 3)
    assert 5 <= ratings[0] and ratings[1] <= 20
    assert "<ul>" in html and "<li>" in html


def test_generation_is_reproducible():
    first, second = data.ForumGenerator(TINY), data.ForumGenerator(TINY)
    assert first.featured() == second.featured()
    assert list(first.forum_blocks(201)) == list(second.forum_blocks(201))
    assert data.ForumGenerator(TINY, seed=1).featured() != data.ForumGenerator(TINY).featured()


def test_bench_app_counts_queries_and_renders_without_database(generated, database_url,
                                                               monkeypatch):
    _, summary = generated
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SECRET_KEY", "bench-test-secret")
    monkeypatch.setenv("BENCH_COUNT_QUERIES", "1")
    monkeypatch.setenv("BENCH_REFERENCE_THREAD", str(summary.featured_thread_id))
    monkeypatch.setenv("FORUM_PAGE_CACHE_BYTES", "0")
    from bench.app import create_app

    app = create_app()
    client = app.test_client()
    page = client.get(f"/threads/1/{summary.featured_slug}")
    assert page.status_code == 200 and int(page.headers[QUERY_HEADER]) > 0
    reference = client.get("/_bench/render-only")
    assert reference.status_code == 200 and reference.headers[QUERY_HEADER] == "0"
    assert len(re.findall(r'id="reply-\d+"', reference.text)) == 200
    assert client.get("/_bench/hello").text == "Hello, World!"
    # a real page runs its own queries after the reference rendered (nothing replayed into it)
    again = client.get(f"/threads/1/{summary.featured_slug}")
    monkeypatch.delenv("BENCH_REFERENCE_THREAD")
    plain = create_app()
    plain.test_client().get(f"/threads/1/{summary.featured_slug}")
    alone = plain.test_client().get(f"/threads/1/{summary.featured_slug}")  # both second views:
    assert again.headers[QUERY_HEADER] == alone.headers[QUERY_HEADER]  # rows kept (list_cache)
    assert again.text == alone.text
    for each in (app, plain):
        with each.app_context():
            each.extensions["sqlalchemy"].engine.dispose()


def test_ratios_are_relative_to_render_only():
    rows = results.add_ratios([{"name": "render-only", "rps": 200.0},
                               {"name": "thread-one-page", "rps": 110.0},
                               {"name": "search", "rps": None}])
    assert [row["ratio_to_render_only"] for row in rows] == [1.0, 0.55, None]
    assert "55%" in results.table([dict(rows[1], p50_ms=1.0, p99_ms=2.0, queries=6, errors=0)])


def test_load_generator_finds_the_log_in_forms_csrf_token(site, login_site):
    """The writer logs in through the real form: its token must be found as production renders
    it (visitors' pages carry none), and the member page's token for later POSTs."""
    from bench import load

    site.config["WTF_CSRF_ENABLED"] = True
    assert load.CSRF_FIELD.search(site.test_client().get("/login").text)
    site.config["WTF_CSRF_ENABLED"] = False
    assert load.CSRF_META.search(login_site("Writer").get("/").text)
