"""Profile one page of the benchmark forum in-process with pyinstrument (profile before changing).

    python -m bench.profile /threads/1/<slug> [--db sqlite|postgresql] [--scale small] [-n 20]

Uses the database a previous `python -m bench.run` generated; prints the time per request and
pyinstrument's call tree.
"""
import argparse
import os
import sys
import time

from bench.run import database_url


def main(argv=None):
    """Warm up, time n requests, then profile n more and print the tree."""
    parser = argparse.ArgumentParser(prog="python -m bench.profile")
    parser.add_argument("path")
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--scale", default="small")
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL"))
    parser.add_argument("-n", type=int, default=20)
    args = parser.parse_args(argv)
    os.environ.update(DATABASE_URL=database_url(args), SECRET_KEY="bench-profile",
                      FORUM_RATELIMIT_ENABLED="false", BENCH_COUNT_QUERIES="1",
                      FORUM_PAGE_CACHE_BYTES="0",  # profile the rendering, not cache hits
                      BENCH_REFERENCE_THREAD="1")
    from pyinstrument import Profiler

    from bench.app import QUERY_HEADER, create_app

    client = create_app().test_client()
    for _ in range(3):
        client.get(args.path)
    started, cpu = time.perf_counter(), time.process_time()
    for _ in range(args.n):
        response = client.get(args.path)
    wall = (time.perf_counter() - started) / args.n * 1000
    cpu = (time.process_time() - cpu) / args.n * 1000
    print(f"{args.path}: status {response.status_code}, {len(response.data):,} bytes, "
          f"{response.headers.get(QUERY_HEADER)} queries, {wall:.1f} ms wall, "
          f"{cpu:.1f} ms CPU per request")
    profiler = Profiler(interval=0.0005)
    with profiler:
        for _ in range(args.n):
            client.get(args.path)
    print(profiler.output_text(unicode=False, color=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
