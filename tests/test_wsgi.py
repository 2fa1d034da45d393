"""The standalone site: serves the forum at the root, reads its settings from the environment."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

import wsgi

ROOT = Path(__file__).resolve().parent.parent


def test_site_serves_forum_at_root(site_client):
    page = site_client.get("/")
    assert page.status_code == 200
    assert "Practice questions" in page.text and 'href="/login' in page.text


def test_database_url_spellings(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert wsgi.database_url(tmp_path) == f"sqlite:///{tmp_path}/forum.sqlite3"
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/db")
    assert wsgi.database_url(tmp_path) == "postgresql+psycopg://u@h/db"


def test_settings_from_environment(monkeypatch):
    monkeypatch.setenv("FORUM_THREADS_PER_PAGE", "7")
    monkeypatch.setenv("FORUM_TITLE", "Coach Hub")
    settings = wsgi.forum_settings_from_env()
    assert settings["FORUM_THREADS_PER_PAGE"] == 7 and settings["FORUM_TITLE"] == "Coach Hub"


def run_flask(args, env_extra, cwd):
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORUM_")}
    env.update(env_extra, FLASK_APP=str(ROOT / "wsgi.py"))
    return subprocess.run([sys.executable, "-m", "flask", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=60)


def test_unknown_database_scheme_is_one_clear_line(tmp_path):
    result = run_flask(["forum", "upgrade"], {"DATABASE_URL": "mysql://root@localhost/x",
                                              "SECRET_KEY": "x" * 40}, tmp_path)
    assert result.returncode != 0
    assert "DATABASE_URL 'mysql' is not supported" in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_database_is_one_clear_line(tmp_path):
    result = run_flask(["forum", "upgrade"], {
        "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2",
        "SECRET_KEY": "x" * 40}, tmp_path)
    assert result.returncode != 0
    assert "cannot reach the database" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_flask_upgrade_then_gunicorn_style_import(tmp_path):
    db_file = tmp_path / "site.sqlite3"
    env = {"DATABASE_URL": f"sqlite:///{db_file}", "SECRET_KEY": "x" * 40}
    result = run_flask(["forum", "upgrade"], env, tmp_path)
    assert result.returncode == 0, result.stderr
    code = ("import wsgi; c = wsgi.app.test_client(); r = c.get('/'); "
            "print(r.status_code, 'Practice questions' in r.text)")
    env_all = {k: v for k, v in os.environ.items() if not k.startswith("FORUM_")}
    env_all.update(env, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", code], env=env_all, cwd=tmp_path,
                         capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "200 True", out.stderr


FAKE_FLASK = '''#!{python}
"""Stands in for .venv/bin/flask: logs each command; the worker runs until SIGINT (as Huey's
consumer does), the server for a moment."""
import signal, sys, time
log = open({log!r}, "a", buffering=1)
command = " ".join(sys.argv[1:])
log.write(f"start {{command}}\\n")
if command == "forum worker":
    signal.signal(signal.SIGINT, lambda *_: (log.write("worker stopped\\n"), sys.exit(0)))
    while True:
        time.sleep(0.05)
if command.startswith("run"):
    time.sleep(1)
    log.write("server stopped\\n")
'''


def test_make_run_starts_the_worker_beside_the_server_and_stops_it_after(tmp_path):
    venv, log = tmp_path / "venv", tmp_path / "commands.log"
    (venv / "bin").mkdir(parents=True)
    flask = venv / "bin" / "flask"
    flask.write_text(FAKE_FLASK.format(python=sys.executable, log=str(log)))
    flask.chmod(0o755)
    (venv / ".installed").touch()  # newer than setup.cfg: make installs nothing
    result = subprocess.run(["make", "-s", "run", f"VENV={venv}", "PORT=5999"], cwd=ROOT,
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    lines = log.read_text().splitlines()
    assert lines[:2] == ["start forum upgrade", "start forum load-demo --if-empty"]
    assert set(lines[2:4]) == {"start forum worker", "start run --host 127.0.0.1 --port 5999"}
    assert lines[4:] == ["server stopped", "worker stopped"]


def test_warm_up_leaves_the_workers_nothing_to_build(site):
    """What gunicorn's master runs before forking (gunicorn.conf.py): afterwards every forum
    template is compiled and the first post's confidentiality check builds no guard, so the
    workers share one copy of both."""
    from forum import confidentiality
    from forum.services import confidentiality as guard_service
    from forum.warm import warm_up

    warm_up(site)
    compiled = {name for _, name in site.jinja_env.cache.keys()}
    assert {"forum/thread.html", "forum/_layout.html", "forum/email/notice.html"} <= compiled
    built = confidentiality.detector.cache_info().misses
    assert guard_service.review({"body": "I called Sam Example on 020 7946 0000."})
    assert confidentiality.detector.cache_info().misses == built



def gunicorn_settings():
    """gunicorn.conf.py read the way gunicorn reads it (a file of names, not a package module)."""
    import runpy

    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_master_collects_garbage_before_freezing_what_workers_share(site, monkeypatch):
    """gunicorn.conf's when_ready collects before gc.freeze(): garbage frozen with the shared
    objects would never be freed and would sit in every worker. It marks the heap immortal in
    between (forum.immortal_heap; here a stand-in, this test process must stay mortal)."""
    import gc
    import weakref
    from types import SimpleNamespace

    from forum import immortal_heap

    class Node:
        pass

    node = Node()
    node.cycle = node  # garbage only the collector frees
    gone = weakref.ref(node)
    del node
    marking = []  # (garbage freed yet, objects frozen yet) when the heap is marked
    monkeypatch.setattr(immortal_heap, "immortalize_heap",
                        lambda: marking.append((gone() is None, gc.get_freeze_count())) or 0)
    server = SimpleNamespace(app=SimpleNamespace(wsgi=lambda: site),
                             log=SimpleNamespace(info=lambda *args: None))
    was_enabled = gc.isenabled()
    gc.disable()  # no collection by the thresholds during the warm-up: only when_ready's own
    try:
        thresholds = gc.get_threshold()
        gunicorn_settings()["when_ready"](server)
        assert gone() is None
        [(collected, frozen_when_marked)] = marking
        assert collected  # marked after the collection...
        assert gc.get_freeze_count() > frozen_when_marked  # ...and before the freeze
        assert gc.get_threshold() == (10_000, 1, 10)  # workers inherit the master's
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()
        if was_enabled:
            gc.enable()
