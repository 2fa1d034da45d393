"""A worker's unique memory (USS) stage by stage on the 200-contribution server.

    python -m bench.memory [--db sqlite|postgresql] [--scale small] [--seconds 10]

Uses the database a previous `python -m bench.run` generated. Starts gunicorn with the
standalone site's settings (gunicorn.conf.py) and 200 contributions a page, and prints each
worker's USS after: booting, logging in, 6 members' pages, then wrk runs of members', visitors'
and members' pages again (visitors' pages come from the page cache at about 1,500 req/s, so
that run passes gunicorn's max_requests and the workers it measures are fresh ones). Run it
under each Python to compare (docs/performance.md, "Memory").
"""
import argparse
import platform
import subprocess
import urllib.request

from bench import load
from bench.data import SCALES, Generated
from bench.prepare import WRITER_NAME, WRITER_PASSWORD
from bench.run import database_url
from bench.server import ROOT, Gunicorn


def wrk(server, path, seconds, cookie=None):
    """req/s of wrk (1 thread, 8 connections) on path, with the cookie if given."""
    command = ["wrk", "-t1", "-c8", f"-d{seconds}s", server.base_url + path]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return next(line.split()[-1] for line in output.splitlines() if "Requests/sec" in line)


def main(argv=None):
    """Start the server, go through the stages, print USS per worker after each."""
    parser = argparse.ArgumentParser(prog="python -m bench.memory")
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--postgres-url")
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args(argv)
    generated = Generated.describe(SCALES[args.scale])
    thread = f"/threads/{generated.featured_thread_id}/{generated.featured_slug}"
    env = {"DATABASE_URL": database_url(args), "SECRET_KEY": "bench-secret-key-not-for-production",
           "FORUM_RATELIMIT_ENABLED": "false", "FORUM_SECURE_COOKIES": "false",
           "BENCH_REFERENCE_THREAD": str(generated.featured_thread_id),
           "FORUM_REPLIES_PER_PAGE": "200"}
    print(f"bench.memory: Python {platform.python_version()}, USS per worker in MiB")
    with Gunicorn(env, log_path=ROOT / "instance" / "bench-gunicorn.log") as server:
        report = lambda stage: print(  # noqa: E731
            f"  {stage:<40} {' / '.join(str(w['uss_mb']) for w in server.worker_memory())}",
            flush=True)
        report("booted")
        credentials = load.login(server.base_url, WRITER_NAME, WRITER_PASSWORD)
        report("logged in")
        for _ in range(6):
            request = urllib.request.Request(server.base_url + thread,
                                             headers={"Cookie": credentials.cookie})
            with urllib.request.urlopen(request) as response:
                response.read()
        report("6 members' pages")
        for name, cookie in (("members'", credentials.cookie), ("visitors'", None),
                             ("members'", credentials.cookie)):
            rate = wrk(server, thread, args.seconds, cookie)
            report(f"{args.seconds} s of {name} pages ({rate} req/s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
