"""`flask forum backup PATH`: a consistent SQLite copy while writes go on; PostgreSQL is pointed
to pg_dump."""
import sqlite3
import threading

from sqlalchemy.engine import make_url


def test_backup_is_consistent_while_another_thread_writes(site, tmp_path):
    runner = site.test_cli_runner()
    if site.extensions["sqlalchemy"].engine.dialect.name != "sqlite":
        result = runner.invoke(args=["forum", "backup", str(tmp_path / "copy.sqlite3")])
        assert result.exit_code == 1
        assert "pg_dump" in result.output and "docs/operations.md" in result.output
        return
    database = make_url(site.config["SQLALCHEMY_DATABASE_URI"]).database
    stop, written = threading.Event(), []

    def writer():
        """Each transaction adds a pair of tags: a consistent copy holds whole pairs only."""
        connection = sqlite3.connect(database, timeout=10)
        number = 0
        while not stop.is_set() or number < 20:
            with connection:
                for side in ("a", "b"):
                    connection.execute(
                        "INSERT INTO forum_tag (name, slug, created_at) VALUES (?, ?, "
                        "CURRENT_TIMESTAMP)", (f"{side} {number}", f"{side}-{number}"))
            number += 1
            written.append(number)
        connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    while len(written) < 10:
        stop.wait(0.01)
    copies = [tmp_path / f"copy{n}.sqlite3" for n in range(3)]
    for copy in copies:
        result = runner.invoke(args=["forum", "backup", str(copy)])
        assert result.exit_code == 0, result.output
        assert "Backed up" in result.output
    stop.set()
    thread.join()
    seen = []
    for copy in copies:
        backup = sqlite3.connect(copy)
        assert backup.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        a_side, b_side = (backup.execute(
            "SELECT COUNT(*) FROM forum_tag WHERE slug LIKE ?", (f"{side}-%",)).fetchone()[0]
            for side in ("a", "b"))
        assert a_side == b_side > 0
        seen.append(a_side)
        assert backup.execute("SELECT version_num FROM forum_alembic_version").fetchone()
        backup.close()
    assert seen == sorted(seen) and seen[-1] < len(written) + 1
    again = runner.invoke(args=["forum", "backup", str(copies[0])])
    assert again.exit_code == 1 and "exists already" in again.output
