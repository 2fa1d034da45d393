"""Long command-line work shows progress: a bar on a terminal, plain counted lines otherwise."""
import io
import sqlite3

from sqlalchemy.engine import make_url

from forum.cli import progress


def test_plain_lines_when_not_on_a_terminal(capsys, monkeypatch):
    monkeypatch.setattr(progress, "on_terminal", lambda: False)
    assert list(progress.progress(["a.txt", "b.txt"], "Reading files")) == ["a.txt", "b.txt"]
    steps = progress.Steps(2, "Checking")
    steps.advance()
    steps.advance()
    steps.close()
    assert capsys.readouterr().err.splitlines() == [
        "Reading files: 1/2", "Reading files: 2/2", "Checking: 1/2", "Checking: 2/2"]


def test_a_bar_on_a_terminal(monkeypatch):
    terminal = io.StringIO()
    terminal.isatty = lambda: True
    monkeypatch.setattr("sys.stderr", terminal)
    monkeypatch.setattr(progress, "on_terminal", lambda: True)
    assert list(progress.progress(range(3), "Reading files")) == [0, 1, 2]
    assert "Reading files" in terminal.getvalue() and "3/3" in terminal.getvalue()
    assert "Reading files: 1/3" not in terminal.getvalue()


def test_backup_reports_one_line_a_step_of_pages(site, tmp_path):
    """`flask forum backup` off a terminal: one "Backing up (pages): n/total" line for each
    step of 1,000 pages SQLite copies (a 1 GB file gives some 250 lines, not 250,000)."""
    runner = site.test_cli_runner()
    if site.extensions["sqlalchemy"].engine.dialect.name != "sqlite":
        result = runner.invoke(args=["forum", "backup", str(tmp_path / "copy.sqlite3")])
        assert result.exit_code == 1 and "pg_dump" in result.output and "Backing up" not in \
            result.output
        return
    database = make_url(site.config["SQLALCHEMY_DATABASE_URI"]).database
    with sqlite3.connect(database) as connection:  # some 2,500 pages of 4 KiB
        connection.execute("CREATE TABLE ballast (x TEXT)")
        connection.executemany("INSERT INTO ballast VALUES (?)", [("x" * 3000,)] * 2500)
    pages = sqlite3.connect(database).execute("PRAGMA page_count").fetchone()[0]
    result = runner.invoke(args=["forum", "backup", str(tmp_path / "copy.sqlite3")])
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == -(-pages // 1000) >= 3
    assert all(line.startswith("Backing up (pages): ") for line in lines)
    assert lines[0] == f"Backing up (pages): 1,000/{pages:,}"
    assert lines[-1] == f"Backing up (pages): {pages:,}/{pages:,}"
