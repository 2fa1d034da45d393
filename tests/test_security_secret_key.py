"""SECRET_KEY: the standalone site refuses to start in production mode with a missing or weak key."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

import wsgi

ROOT = Path(__file__).resolve().parent.parent
STRONG = "kP3v9-QzL0xW7rT2nB8mY4cH6jF1sD5aG_eU"


def start(tmp_path, **env_extra):
    """Import wsgi:app in a fresh process (as gunicorn would) and report what it printed."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("FORUM_", "FLASK_")) and k != "SECRET_KEY"}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}", PYTHONPATH=str(ROOT),
               **env_extra)
    return subprocess.run([sys.executable, "-c", "import wsgi; wsgi.app; print('started')"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("key", [None, "change me", "short-key", "x" * 40])
def test_production_refuses_missing_or_weak_keys_and_says_how_to_fix(tmp_path, key):
    extra = {"FORUM_ENV": "production"}
    if key:
        extra["SECRET_KEY"] = key
    result = start(tmp_path, **extra)
    assert result.returncode != 0 and "started" not in result.stdout
    assert "production mode" in result.stderr and "export SECRET_KEY=" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_starts_with_a_strong_key(tmp_path):
    result = start(tmp_path, FORUM_ENV="production", SECRET_KEY=STRONG)
    assert result.stdout.strip() == "started", result.stderr


def test_development_keeps_a_random_key_in_the_instance_folder(tmp_path):
    result = start(tmp_path)
    assert result.stdout.strip() == "started", result.stderr
    result = start(tmp_path, FORUM_ENV="development")
    assert result.stdout.strip() == "started", result.stderr


def test_production_mode_rules(monkeypatch):
    monkeypatch.delenv("FORUM_ENV", raising=False)
    monkeypatch.delitem(sys.modules, "gunicorn", raising=False)
    assert not wsgi.production_mode({})
    monkeypatch.setitem(sys.modules, "gunicorn", object())  # as when gunicorn imports wsgi:app
    assert wsgi.production_mode({})
    assert not wsgi.production_mode({"DEBUG": True}) and not wsgi.production_mode(
        {"TESTING": True})
    monkeypatch.setenv("FORUM_ENV", "development")
    assert not wsgi.production_mode({})


def test_instance_key_is_created_once_and_private(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = wsgi.secret_key(tmp_path)
    assert len(first) >= 48 and wsgi.secret_key(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert wsgi.weak_key(first) is None
