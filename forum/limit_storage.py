"""Rate-limit counters in a SQLite file: one count for every worker on the machine, no Redis.

`forum-sqlite:///path/to/rate-limits.sqlite3` as FORUM_RATELIMIT_STORAGE_URI. Flask-Limiter's
default `memory://` counts in each worker apart, so N workers let N times the limit through.
The counters live in a file of their own, not in the forum's database: a request that holds
the forum's SQLite write lock can still count, and PostgreSQL sites gain no table to migrate.
Several machines still need Redis (`redis://`), which this file cannot span.
"""
import os
import sqlite3
import time
from contextlib import closing, contextmanager

from limits.storage import Storage

SCHEME = "forum-sqlite"
BUSY_TIMEOUT_MS = 5000
SWEEP_EVERY = 1000  # counts; then expired windows (of clients gone quiet) are deleted
SCHEMA = ("CREATE TABLE IF NOT EXISTS counter ("
          "key TEXT PRIMARY KEY, hits INTEGER NOT NULL, expires_at REAL NOT NULL)")
# One window per key: a new one starts, at `amount`, once the last one has expired.
INCREMENT = """
INSERT INTO counter (key, hits, expires_at) VALUES (:key, :amount, :now + :expiry)
ON CONFLICT (key) DO UPDATE SET
    hits = CASE WHEN expires_at <= :now THEN :amount ELSE hits + :amount END,
    expires_at = CASE WHEN expires_at <= :now THEN :now + :expiry ELSE expires_at END
RETURNING hits
"""


def storage_uri(path):
    """The FORUM_RATELIMIT_STORAGE_URI for a counter file at an absolute path."""
    return f"{SCHEME}:///{os.path.abspath(path).lstrip('/')}"


class SQLiteFileStorage(Storage):
    """limits' Storage for the fixed-window strategy, shared through one SQLite file (WAL)."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri=None, wrap_exceptions=False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.path = "/" + uri.split("://", 1)[1].lstrip("/")
        self._counts = 0
        with self._connection() as connection:
            connection.execute("PRAGMA journal_mode = WAL")  # kept by the file
            connection.execute(SCHEMA)

    @property
    def base_exceptions(self):
        return sqlite3.Error

    @contextmanager
    def _connection(self):
        """A connection for one statement, closed after it (opening one costs microseconds;
        none is left open in a worker, nor shared across a fork or threads)."""
        with closing(sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000,
                                     isolation_level=None)) as connection:
            connection.execute("PRAGMA synchronous = NORMAL")
            yield connection

    def _one(self, statement, parameters):
        """The first row of one statement (autocommitted), or None."""
        with self._connection() as connection:
            return connection.execute(statement, parameters).fetchone()

    def _count(self, statement, parameters):
        """How many rows one statement changed."""
        with self._connection() as connection:
            return connection.execute(statement, parameters).rowcount

    def incr(self, key, expiry, amount=1):
        """Count `amount` hits on key; a key past its expiry starts a new window."""
        self._counts += 1
        if self._counts % SWEEP_EVERY == 0:
            self._count("DELETE FROM counter WHERE expires_at <= ?", (time.time(),))
        return self._one(INCREMENT, {
            "key": key, "amount": amount, "now": time.time(), "expiry": expiry})[0]

    def get(self, key):
        """The hits in key's current window (0 once it expired)."""
        row = self._one("SELECT hits FROM counter WHERE key = ? AND expires_at > ?",
                        (key, time.time()))
        return row[0] if row else 0

    def get_expiry(self, key):
        """When key's window ends (now when it has none)."""
        row = self._one("SELECT expires_at FROM counter WHERE key = ? AND expires_at > ?",
                        (key, time.time()))
        return row[0] if row else time.time()

    def check(self):
        """Whether the file answers."""
        return self._one("SELECT 1", ()) == (1,)

    def reset(self):
        """Forget every counter; returns how many there were."""
        return self._count("DELETE FROM counter", ())

    def clear(self, key):
        """Forget one counter."""
        self._count("DELETE FROM counter WHERE key = ?", (key,))
