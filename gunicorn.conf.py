"""gunicorn settings for the standalone site (`gunicorn wsgi:app` reads this file from the
working directory; docs/operations.md shows the full command and the systemd unit).

The app is loaded once in the master before the workers fork (preload_app), so the workers share
its imported code, compiled templates and confidentiality guard (forum.warm) instead of each
holding its own copy; gc.freeze() keeps the collector from touching (and so copying) those
shared objects. Database connections must never be shared across a fork, so each worker drops
the pool it inherited and opens its own.
"""
import gc
import os

preload_app = True
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))  # 2 sync workers on 2 cores: performance.md
worker_class = "sync"
timeout = 60
graceful_timeout = 20
max_requests = 5000  # a worker is replaced now and then: memory stays where the bench saw it
max_requests_jitter = 500
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")  # nginx on this machine


# The collector's thresholds in workers: a young collection after 10,000 new objects, not 700.
# A 200-contribution page holds thousands of objects while it renders, so at 700 the collector
# ran about four times a page over the page's own live objects (1.6-2.2 ms of a member's or
# visitor's page; 0.8 ms at 10,000). The middle collection runs at every second young one, so
# the cycles a page leaves (~1,500 objects) never wait long (docs/performance.md, "Memory").
GC_THRESHOLDS = (10_000, 1, 10)


def when_ready(server):
    """The app is loaded: compile its templates and build what its first post would (the
    forum's warm_up), then freeze what exists now, so workers share it unchanged.

    The collector runs before the freeze (garbage frozen with the rest would never be freed)
    and after it, which sets its count of long-lived objects to the unfrozen ones. Left at the
    master's count (all objects, then frozen), a worker's first full collection waited for a
    quarter of that many to pile up: 0 or 1 in 60 members' pages, each of which leaves ~1,500
    objects in reference cycles; reset, 1 or 2 ran (40-44 MiB of unique memory after 120
    pages, 38-39 with it; docs/performance.md, "Memory"). Then GC_THRESHOLDS, for the workers.

    Between the two, on Python 3.12 and newer, every object the master holds is marked immortal
    (forum.immortal_heap), so the workers' reference counting no longer copies the pages they
    share: 36-38 MiB of unique memory per worker after the bench's members' pages, 18-20 with
    it (docs/performance.md, "Memory")."""
    from forum.immortal_heap import immortalize_heap
    from forum.warm import warm_up

    warm_up(server.app.wsgi())
    gc.collect()
    marked = immortalize_heap()
    server.log.info("%s objects of the master marked immortal (forum/immortal_heap.py)", marked)
    gc.freeze()
    gc.collect()
    gc.set_threshold(*GC_THRESHOLDS)


def post_fork(server, worker):
    """In the new worker: forget the database connections inherited from the master."""
    app = server.app.wsgi()
    sqlalchemy = app.extensions.get("sqlalchemy")
    if sqlalchemy is None:
        return
    with app.app_context():
        for engine in sqlalchemy.engines.values():
            engine.dispose(close=False)  # the master's connections stay the master's
