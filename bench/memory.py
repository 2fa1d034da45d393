"""A worker's unique memory (USS) stage by stage on the 200-contribution server.

    python -m bench.memory [--db sqlite|postgresql] [--scale small] [--seconds 10]

Uses the database a previous `python -m bench.run` generated. Starts gunicorn with the
standalone site's settings (gunicorn.conf.py) as `make bench`'s one-page server, and prints
each worker's USS after: booting, logging in, 6 members' pages, then wrk runs of members',
visitors' and members' pages again (visitors' pages come from the page cache, over 1,000
req/s, so a 10 s run can pass gunicorn's max_requests: the workers after it may be fresh ones).
Run it under each Python to compare (docs/performance.md, "Memory").
"""
import argparse
import platform

from bench import load
from bench.data import SCALES, Generated
from bench.load import Endpoint
from bench.prepare import WRITER_NAME, WRITER_PASSWORD
from bench.run import SERVERS, database_url, server_env
from bench.server import ROOT, Gunicorn

CONNECTIONS = 8
MEMBER_PAGES = 6


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
    member = Endpoint("member", thread, auth="session")
    visitor = Endpoint("visitor", thread)
    env = dict(server_env(database_url(args), generated), **SERVERS["one-page"])
    print(f"bench.memory: Python {platform.python_version()}, USS per worker in MiB")
    with Gunicorn(env, log_path=ROOT / "instance" / "bench-gunicorn.log") as server:
        def report(stage):
            uss = " / ".join(str(worker["uss_mb"]) for worker in server.worker_memory())
            print(f"  {stage:<40} {uss}", flush=True)

        report("booted")
        credentials = load.login(server.base_url, WRITER_NAME, WRITER_PASSWORD)
        report("logged in")
        for _ in range(MEMBER_PAGES):
            load.probe(server.base_url, member, credentials)
        report(f"{MEMBER_PAGES} members' pages")
        for endpoint in (member, visitor, member):
            figures = load.run_wrk(server.base_url, endpoint, credentials, CONNECTIONS,
                                   args.seconds, max_requests=0)  # time bound
            report(f"{args.seconds} s of {endpoint.name}s' pages ({figures['rps']} req/s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
