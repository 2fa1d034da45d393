"""SQLite writers: BEGIN IMMEDIATE gets the write lock soon after it is freed, or gives up."""
import sqlite3
import threading
import time

import pytest

from forum.database import begin_immediate


def _connect(path):
    """An autocommit connection with a 5 s busy timeout, as the forum opens them."""
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA busy_timeout = 5000")
    connection.execute("PRAGMA journal_mode = WAL")
    return connection


@pytest.fixture
def pair(tmp_path):
    """Two connections to one WAL database; the first holds the write lock."""
    path = tmp_path / "writers.sqlite3"
    holder, waiter = _connect(path), _connect(path)
    holder.execute("CREATE TABLE note (text TEXT)")
    holder.execute("BEGIN IMMEDIATE")
    yield holder, waiter
    holder.close()
    waiter.close()


def test_a_waiting_writer_starts_within_milliseconds_of_the_release(pair):
    """SQLite's own busy handler sleeps up to 100 ms between tries once a wait has lasted a
    quarter of a second; the forum's loop tries every millisecond."""
    holder, waiter = pair
    started = {}

    def wait():
        begin_immediate(waiter.cursor(), 5000)
        started["at"] = time.monotonic()

    thread = threading.Thread(target=wait)
    thread.start()
    time.sleep(0.24)  # SQLite's handler would sleep on to 0.328 s: ~90 ms late
    holder.execute("INSERT INTO note VALUES ('first')")
    holder.execute("COMMIT")
    released = time.monotonic()
    thread.join(5)
    assert started and started["at"] - released < 0.04
    waiter.execute("INSERT INTO note VALUES ('second')")
    waiter.execute("COMMIT")
    assert [row[0] for row in waiter.execute("SELECT text FROM note")] == ["first", "second"]
    assert waiter.execute("PRAGMA busy_timeout").fetchone()[0] == 5000  # restored


def test_a_writer_gives_up_after_the_busy_timeout(pair):
    _holder, waiter = pair
    started = time.monotonic()
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        begin_immediate(waiter.cursor(), 50)
    assert 0.05 <= time.monotonic() - started < 1
    assert waiter.execute("PRAGMA busy_timeout").fetchone()[0] == 50
