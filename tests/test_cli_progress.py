"""Long command-line work shows progress: a bar on a terminal, plain counted lines otherwise."""
import io
import sqlite3

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


def test_backup_and_import_report_their_progress(tmp_path, monkeypatch, capsys):
    """The backup copies in steps of pages and says so; a source of 2,500 pages takes three."""
    monkeypatch.setattr(progress, "on_terminal", lambda: False)
    source = sqlite3.connect(tmp_path / "big.sqlite3")
    source.execute("CREATE TABLE t (x TEXT)")
    source.executemany("INSERT INTO t VALUES (?)", [("x" * 3000,) for _ in range(2500)])
    source.commit()
    steps = []
    target = sqlite3.connect(tmp_path / "copy.sqlite3")
    source.backup(target, pages=1000, progress=lambda s, remaining, total: steps.append(
        (remaining, total)))
    assert len(steps) >= 3 and steps[-1][0] == 0
