"""Profile one page of the benchmark forum in-process with pyinstrument (profile before changing).

    python -m bench.profile /threads/1/<slug> [--db sqlite|postgresql] [--scale small] [-n 20]
        [--member] [--per-page 200] [--time-only] [--html FILE]

Uses the database a previous `python -m bench.run` generated; prints the time per request
(median CPU of single requests, and the mean) and pyinstrument's call tree. --member views the
page logged in as the bench's writer (as `make bench`'s member row does); --time-only skips the
profile (for paired before/after timing); --html writes the page's HTML with its CSRF token
blanked (to compare what a viewer sees before and after a change).
"""
import argparse
import os
import re
import statistics
import sys
import time

from bench.run import database_url

CSRF_TOKEN = re.compile(r'(<(?:input|meta)[^>]*csrf[-_]token[^>]*?(?:value|content)=")[^"]+"')


def login(client):
    """Log the test client in as the bench's writer through the real form."""
    from bench.load import CSRF_FIELD
    from bench.prepare import WRITER_NAME, WRITER_PASSWORD

    token = CSRF_FIELD.search(client.get("/login").get_data(as_text=True)).group(1)
    response = client.post("/login", data={"name": WRITER_NAME, "password": WRITER_PASSWORD,
                                           "csrf_token": token})
    if response.status_code != 302:
        raise SystemExit(f"bench.profile: login failed with status {response.status_code}")


def main(argv=None):
    """Warm up, time n requests, then profile n more and print the tree."""
    parser = argparse.ArgumentParser(prog="python -m bench.profile")
    parser.add_argument("path")
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--scale", default="small")
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL"))
    parser.add_argument("-n", type=int, default=20)
    parser.add_argument("--member", action="store_true", help="logged in as the bench writer")
    parser.add_argument("--per-page", type=int, default=200, help="contributions per page")
    parser.add_argument("--time-only", action="store_true", help="no profile, figures only")
    parser.add_argument("--html", help="write the page (CSRF token blanked) to this file")
    args = parser.parse_args(argv)
    os.environ.update(DATABASE_URL=database_url(args), SECRET_KEY="bench-profile",
                      FORUM_RATELIMIT_ENABLED="false", BENCH_COUNT_QUERIES="1",
                      FORUM_PAGE_CACHE_BYTES="0",  # profile the rendering, not cache hits
                      FORUM_REPLIES_PER_PAGE=str(args.per_page),
                      FORUM_SECURE_COOKIES="false", BENCH_REFERENCE_THREAD="1")
    from bench.app import QUERY_HEADER, create_app

    client = create_app().test_client()
    if args.member:
        login(client)
    for _ in range(3):
        response = client.get(args.path)
    if args.html:
        with open(args.html, "w", encoding="utf-8") as out:
            out.write(CSRF_TOKEN.sub(r'\1-"', response.get_data(as_text=True)))
    started, cpu = time.perf_counter(), time.process_time()
    each = []
    for _ in range(args.n):
        one = time.process_time()
        response = client.get(args.path)
        each.append((time.process_time() - one) * 1000)
    wall = (time.perf_counter() - started) / args.n * 1000
    cpu = (time.process_time() - cpu) / args.n * 1000
    print(f"{args.path}{' (member)' if args.member else ''}: status {response.status_code}, "
          f"{len(response.data):,} bytes, {response.headers.get(QUERY_HEADER)} queries, "
          f"{wall:.1f} ms wall, {cpu:.1f} ms CPU per request "
          f"(median {statistics.median(each):.1f} ms)")
    if args.time_only:
        return 0
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005)
    with profiler:
        for _ in range(args.n):
            client.get(args.path)
    print(profiler.output_text(unicode=False, color=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
