"""Search latency over 100,000 contributions on SQLite and PostgreSQL.

    .venv/bin/python bench/search.py [--replies 100000] [--postgres URL]

Builds a fresh database per engine (SQLite in a temporary file; PostgreSQL in a scratch schema
`forum_bench_search` of the given database, dropped afterwards), loads threads through the
services and contributions in bulk (the search triggers index every row), then times
`services.search.search` (ranking, live-row filtering, loading and snippets) per query.
"""
import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, insert, text  # noqa: E402

WORDS = (
    "client coach session goal trust rapport silence question listening active reflect "
    "feedback value strength habit change resistance motivation plan commitment insight "
    "empathy curiosity challenge pause summary outcome progress obstacle energy focus "
    "accountability story belief emotion boundary agenda contract review practice tool "
    "the a and of to in we it is that with for was on my our they their when how what why"
).split()
QUERIES = ["listening", "goal commitment", '"active listening"', "trust rapport silence",
           "resistance", "zebra", "the and of", 'obstacle OR "energy focus"']


def build_app(url):
    """The standalone site on url, schema upgraded."""
    import wsgi
    from forum import migrate

    app = wsgi.create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                           "TESTING": True, "FORUM_RATELIMIT_ENABLED": False})
    with app.app_context():
        migrate.upgrade()
    return app


def load(app, replies, seed=7):
    """200 threads through the services, then `replies` contributions in bulk batches."""
    from forum.database import session
    from forum.models import Reply
    from forum.services import threads
    from forum.services.actors import Actor

    rng = random.Random(seed)
    actor = Actor(user_key="bench", display_name="Bench")
    thread_ids = []
    for n in range(200):
        words = " ".join(rng.choices(WORDS, k=8))
        thread_ids.append(threads.start_thread(
            actor, f"Question {n}: {words}?", " ".join(rng.choices(WORDS, k=40)),
            [{"label": "Prompt", "text": " ".join(rng.choices(WORDS, k=10))}], "", ["bench"]).id)
    member_id = actor.member_id
    batch = []
    for n in range(replies):
        body = " ".join(rng.choices(WORDS, k=rng.randint(20, 80)))
        batch.append({"thread_id": rng.choice(thread_ids), "author_id": member_id,
                      "body": body, "html": f"<p>{body}</p>"})
        if len(batch) == 5000 or n == replies - 1:
            session().execute(insert(Reply), batch)
            session().commit()
            batch = []


def measure(app, repeats):
    """Median and 95th percentile milliseconds per query."""
    from forum.services import search
    from forum.services.actors import ANONYMOUS

    results = {}
    for query in QUERIES:
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            page = search.search(ANONYMOUS, query)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        results[query] = (statistics.median(times), times[int(0.95 * (len(times) - 1))],
                          page.total)
    return results


def run(name, url, replies, repeats):
    """Build, load and measure one engine; print a table."""
    app = build_app(url)
    with app.app_context():
        start = time.perf_counter()
        load(app, replies)
        print(f"\n{name}: loaded {replies:,} contributions (indexed by triggers) "
              f"in {time.perf_counter() - start:.1f} s")
        print(f"{'query':32} {'median ms':>10} {'p95 ms':>10} {'matches':>10}")
        for query, (median, p95, total) in measure(app, repeats).items():
            print(f"{query:32} {median:10.1f} {p95:10.1f} {total:10,}")
        app.extensions["sqlalchemy"].engine.dispose()


def main():
    """Run the benchmark on SQLite and, when given, PostgreSQL."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replies", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--postgres", default=os.environ.get("FORUM_BENCH_POSTGRES_URL"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run("SQLite (FTS5)", f"sqlite:///{tmp}/bench.sqlite3", args.replies, args.repeats)
    if args.postgres:
        engine = create_engine(args.postgres)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS forum_bench_search CASCADE"))
            connection.execute(text("CREATE SCHEMA forum_bench_search"))
        separator = "&" if "?" in args.postgres else "?"
        try:
            run("PostgreSQL (tsvector + GIN)",
                f"{args.postgres}{separator}options=-csearch_path%3Dforum_bench_search",
                args.replies, args.repeats)
        finally:
            with engine.begin() as connection:
                connection.execute(text("DROP SCHEMA IF EXISTS forum_bench_search CASCADE"))
            engine.dispose()


if __name__ == "__main__":
    main()
