"""EXPLAIN and time every SELECT the list pages really issue; no Seq Scan on big tables (PostgreSQL).

The statements are captured from real requests (test client, same app) so the check follows the
code as it changes, rather than a copy of its queries.
"""
import re
import time

from sqlalchemy import event

BIG_TABLES = ("forum_thread", "forum_reply", "forum_rating", "forum_reply_tag",
              "forum_thread_tag", "forum_prompt", "forum_search")
PG_SEQ_SCAN = re.compile(r"Seq Scan on (\w+)")
SQLITE_FULL_SCAN = re.compile(r"^SCAN (\w+)(?! USING)")
SQLITE_AUTOMATIC = re.compile(r"AUTOMATIC (?:COVERING |PARTIAL )*INDEX")


def pages(generated):
    """The list pages to check: thread list (first and a deep page), tag, thread, search."""
    thread = f"/threads/{generated.featured_thread_id}/{generated.featured_slug}"
    return {"thread-list": "/", "thread-list-deep": "/?page=200",
            "tag": f"/tags/{generated.tag_slug}", "thread": thread, "thread-page-2": thread +
            "?page=2", "search": "/search?q=momentum"}


def _capture(app, engine, path):
    """(status, [(statement, parameters)]) of the SELECTs one anonymous GET issues."""
    statements = []

    def remember(_conn, _cursor, statement, parameters, _context, _many):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", remember)
    try:
        status = app.test_client().get(path).status_code
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    return status, statements


def _plan(connection, statement, parameters):
    """The plan lines of one statement, and the big tables it reads without an index."""
    if connection.dialect.name == "postgresql":
        lines = [row[0] for row in connection.exec_driver_sql(
            "EXPLAIN " + statement, parameters)]
        scans = [m.group(1) for line in lines for m in [PG_SEQ_SCAN.search(line)] if m]
    else:
        lines = [row[3] for row in connection.exec_driver_sql(
            "EXPLAIN QUERY PLAN " + statement, parameters)]
        scans = [m.group(1) for line in lines for m in [SQLITE_FULL_SCAN.search(line)] if m]
        # A transient index means SQLite read a whole table or join to build it.
        scans += ["forum_ (automatic index)" for line in lines if SQLITE_AUTOMATIC.search(line)]
    return lines, [table for table in scans if table in BIG_TABLES or table.startswith("forum_ (")]


def _time(connection, statement, parameters, repeat=5):
    """Best of `repeat` runs of one statement, in ms (the database side of a page, no Python)."""
    best = None
    for _ in range(repeat):
        started = time.perf_counter()
        connection.exec_driver_sql(statement, parameters).fetchall()
        elapsed = (time.perf_counter() - started) * 1000
        best = elapsed if best is None else min(best, elapsed)
    return round(best, 3)


def check(url, generated, log=print):
    """Print the plans of every list page's queries; returns them with an ok flag per page."""
    from bench.prepare import site_app

    app = site_app(url)
    report = {}
    with app.app_context():
        engine = app.extensions["sqlalchemy"].engine
        for name, path in pages(generated).items():
            status, statements = _capture(app, engine, path)
            if status == 404:
                report[name] = {"path": path, "skipped": "404 (not on main yet)"}
                continue
            entries = []
            with engine.connect() as connection:
                for statement, parameters in statements:
                    lines, scans = _plan(connection, statement, parameters)
                    entries.append({"sql": " ".join(statement.split()), "plan": lines,
                                    "full_scans": scans,
                                    "ms": _time(connection, statement, parameters)})
            bad = sorted({t for entry in entries for t in entry["full_scans"]})
            sql_ms = round(sum(entry["ms"] for entry in entries), 2)
            report[name] = {"path": path, "queries": len(entries), "full_scans": bad,
                            "ok": not bad, "sql_ms": sql_ms, "statements": entries}
            log(f"  EXPLAIN {name:<18} {len(entries)} SELECTs, "
                + (f"full scans of {', '.join(bad)}" if bad else "index use only")
                + f"; {sql_ms:.2f} ms in SQL (slowest {max(e['ms'] for e in entries):.2f} ms)")
        app.extensions["sqlalchemy"].session.remove()
        engine.dispose()
    return report


def failures(report, dialect):
    """Pages whose plans read a big table without an index (enforced on PostgreSQL only)."""
    if not report or dialect != "postgresql":
        return []
    return [name for name, entry in report.items() if entry.get("full_scans")]
