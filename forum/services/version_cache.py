"""Entries kept for one content version only, within a byte budget (least recent go first).

Every write to what pages show moves the content version on (database triggers, migration
0006), so an entry stored under the version read before it was made can be reused until the
next write and never after: a lookup with a newer version forgets every older entry, and an
entry made under an older version than one already seen is not kept. The anonymous page cache
(web.page_cache) and the thread pages' contribution lists (web.list_cache) keep theirs here.
"""
import threading

from cachetools import LRUCache
from flask import current_app


class VersionCache:
    """Values by key for one content version, at most max_bytes as counted by sizeof(value)."""

    def __init__(self, max_bytes, sizeof):
        self.max_bytes = max_bytes
        self._sizeof = sizeof
        self._version = None
        self._entries = LRUCache(maxsize=max_bytes, getsizeof=sizeof)
        self._lock = threading.Lock()  # gthread workers share one cache between threads

    def _move_to(self, version):
        """Forget every entry of an older version (none of them can be used again)."""
        if version != self._version:
            self._entries.clear()
            self._version = version

    def get(self, version, key):
        """The value stored for this version and key, or None."""
        with self._lock:
            self._move_to(version)
            return self._entries.get(key)

    def put(self, version, key, value):
        """Keep a value made at `version` (dropped at once if a newer version is known, or if it
        is bigger than the whole budget)."""
        if self._sizeof(value) > self.max_bytes:
            return
        with self._lock:
            if self._version is not None and version < self._version:
                return
            self._move_to(version)
            self._entries[key] = value


def app_cache(attribute, setting, make):
    """This app's cache of one kind, kept on its ForumState under `attribute`: make(size) with
    the byte size the `setting` names, made again when that changes; None when it is 0."""
    state = current_app.extensions["forum"]
    size = current_app.config[setting]
    if size <= 0:
        return None
    cache = getattr(state, attribute)
    if cache is None or cache.max_bytes != size:
        cache = make(size)
        setattr(state, attribute, cache)
    return cache
