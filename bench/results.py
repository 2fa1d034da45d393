"""Results: machine and version facts, the stdout table, bench/results/<date>-<db>.json."""
import json
import os
import platform
import sqlite3
import subprocess
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

from sqlalchemy import create_engine, text

RESULTS_DIR = Path(__file__).resolve().parent / "results"
PACKAGES = ("flask", "werkzeug", "jinja2", "sqlalchemy", "flask-sqlalchemy", "gunicorn",
            "psycopg", "markdown-it-py", "nh3")


def machine():
    """CPU, cores, memory, OS and Python of the machine the figures come from."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        mem_kb = 0
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_mb": mem_kb // 1024,
            "os": platform.platform(), "python": platform.python_version(),
            "load_average": os.getloadavg()}


def versions(url):
    """Package versions, the database server's version and the git commit measured."""
    found = {}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    if url.startswith("sqlite"):
        found["database"] = f"SQLite {sqlite3.sqlite_version}"
    else:
        engine = create_engine(url)
        with engine.connect() as connection:
            found["database"] = connection.execute(text("SELECT version()")).scalar()
        engine.dispose()
    try:
        found["git_commit"] = subprocess.run(
            ["git", "rev-parse", "HEAD"], capture_output=True, text=True,
            cwd=Path(__file__).parent).stdout.strip()
    except OSError:
        found["git_commit"] = None
    return found


def add_ratios(rows, references=(("render-only", "ratio_to_render_only", 3),
                                  ("hello", "share_of_hello", 4))):
    """Give every row its requests/s as a fraction of each reference endpoint's (same run):
    render-only (the template alone) and hello (bare Flask, the issue's yardstick: 2.9%)."""
    for reference, key, digits in references:
        base = next((row["rps"] for row in rows if row["name"] == reference and row.get("rps")),
                    None)
        for row in rows:
            row[key] = (round(row["rps"] / base, digits)
                        if base and row.get("rps") is not None else None)
    return rows


def table(rows):
    """A plain-text table of the figures, one line per endpoint."""
    header = (f"{'endpoint':<24} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'queries':>7} "
              f"{'vs render':>9} {'vs hello':>8} {'KB':>6} {'errors':>6}  note")
    lines = [header, "-" * len(header)]
    for row in rows:
        if row.get("rps") is None:
            lines.append(f"{row['name']:<24} {'-':>8} {'-':>8} {'-':>8} {'-':>7} {'-':>9} "
                         f"{'-':>8} {'-':>6} {'-':>6}  {row.get('note', '')}")
            continue
        ratio = row.get("ratio_to_render_only")
        hello = row.get("share_of_hello")
        queries = row.get("queries")
        size = row.get("bytes")
        lines.append(
            f"{row['name']:<24} {row['rps']:>8.1f} {row['p50_ms']:>8.2f} {row['p99_ms']:>8.2f} "
            f"{'?' if queries is None else queries:>7} "
            f"{'' if ratio is None else f'{ratio:.0%}':>9} "
            f"{'' if hello is None else f'{hello:.2%}':>8} "
            f"{'' if size is None else f'{size / 1024:.0f}':>6} {row['errors']:>6}  "
            f"{row.get('note', '')}")
    return "\n".join(lines)


def write(report, db_name):
    """Save the report as bench/results/<date>-<db>.json and return the path."""
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    path = RESULTS_DIR / f"{stamp}-{db_name}.json"
    path.write_text(json.dumps(report, indent=2, default=str) + "\n")
    return path


def memory_lines(memory):
    """Per server: each worker's unique (USS), proportional (PSS) and resident memory in MB."""
    lines = []
    for server, workers in memory.items():
        figures = ", ".join(f"USS {w.get('uss_mb')} / PSS {w.get('pss_mb')} / RSS {w['rss_mb']}"
                            for w in workers)
        lines.append(f"  {server:<18} {figures}")
    return lines
