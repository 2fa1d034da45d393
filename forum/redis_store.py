"""The Redis client named by FORUM_CACHE_URL, shared by every instance of a site (one per app).

Redis is optional: without FORUM_CACHE_URL every worker caches on its own. A Redis that stops
answering is never an error for a page: callers treat a failed call as a miss, and after one
failure the client is left alone for RETRY_AFTER seconds so pages do not each wait a timeout.
"""
import logging
import threading
import time

from flask import current_app

SOCKET_TIMEOUT = 0.25  # seconds: a page would rather render a card than wait for the cache
RETRY_AFTER = 5.0
log = logging.getLogger(__name__)


class RedisStore:
    """A redis.Redis for one URL that reports failures instead of raising them."""

    def __init__(self, url):
        import redis  # the `site` extra; only sites that name a Redis need it

        self.url = url
        self.client = redis.Redis.from_url(url, socket_timeout=SOCKET_TIMEOUT,
                                           socket_connect_timeout=SOCKET_TIMEOUT)
        self.errors = (redis.RedisError, OSError)
        self._resting_until = 0.0
        self._lock = threading.Lock()

    def call(self, method, *args, **kwargs):
        """client.method(*args), or None when Redis is resting after a failure or fails now."""
        return self.run(lambda client: getattr(client, method)(*args, **kwargs))

    def run(self, work):
        """work(client), or None when Redis is resting after a failure or fails now."""
        if time.monotonic() < self._resting_until:
            return None
        try:
            return work(self.client)
        except self.errors as error:
            with self._lock:
                self._resting_until = time.monotonic() + RETRY_AFTER
            log.warning("forum: Redis at FORUM_CACHE_URL failed (%s); caching per worker for "
                        "%.0f s", error, RETRY_AFTER)
            return None

    def set_many(self, values, ttl):
        """Set every key to its value with an expiry, in one round trip (None on failure)."""
        def write(client):
            pipe = client.pipeline(transaction=False)
            for key, value in values.items():
                pipe.set(key, value, ex=ttl)
            return pipe.execute()
        return self.run(write)

    def ping(self):
        """Whether Redis answers now (a fresh try, for the health check)."""
        try:
            return bool(self.client.ping())
        except self.errors:
            return False


def redis_store():
    """This app's RedisStore, or None when FORUM_CACHE_URL names no Redis."""
    state = current_app.extensions["forum"]
    url = current_app.config.get("FORUM_CACHE_URL")
    if not url:
        return None
    if state.redis is None or state.redis.url != url:
        state.redis = RedisStore(url)
    return state.redis
