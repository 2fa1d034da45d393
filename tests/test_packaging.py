"""A non-editable install ships the templates and migrations."""
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_contains_templates_migrations_and_static(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path),
         str(ROOT)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    wheel = next(tmp_path.glob("*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in ("forum/templates/forum/thread.html", "forum/templates/forum/_layout.html",
                     "forum/migrations/env.py", "forum/migrations/script.py.mako",
                     "forum/migrations/versions/0001_initial_schema.py",
                     "forum/static/forum.css", "forum/static/forum.js", "forum/extension.py",
                     "forum/demo/resistant-clients.txt",
                     "forum/translations/de/LC_MESSAGES/forum.po",
                     "forum/translations/es/LC_MESSAGES/forum.po"):
        assert expected in names, expected
    # every module of the package (a subpackage missing from setup.cfg's list ships none)
    sources = {path.relative_to(ROOT).as_posix() for path in (ROOT / "forum").rglob("*.py")}
    assert sources - names == set()
    assert not any(name.startswith("tests/") for name in names)
    assert any(re.search(r"\.dist-info/(licenses/)?LICENSE$", name) for name in names)
