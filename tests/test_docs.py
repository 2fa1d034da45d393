"""The README and docs/ stay true: the generated settings table, every FORUM_* name, the rate
limits, and the relative links between the pages."""
import re
from pathlib import Path

import pytest

from forum import settings_doc
from forum.limits import DEFAULT_LIMITS
from forum.settings import SETTINGS

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
OPERATIONS = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")


def test_settings_table_is_the_one_generated_from_settings_py():
    assert settings_doc.with_table(OPERATIONS) == OPERATIONS, "stale table: run `make docs`"
    for name, (_, meaning) in SETTINGS.items():
        assert f"| `{name}` |" in OPERATIONS and settings_doc.cell(meaning) in OPERATIONS, name


def test_check_reports_a_stale_table(tmp_path, monkeypatch, capsys):
    stale = tmp_path / "operations.md"
    stale.write_text(OPERATIONS.replace("| `FORUM_MAX_TAGS` |", "| `FORUM_MAX_TAG` |"))
    monkeypatch.setattr(settings_doc, "DOC", stale)
    assert settings_doc.main(["--check"]) == 1
    assert "make docs" in capsys.readouterr().err
    assert settings_doc.main([]) == 0
    assert stale.read_text() == OPERATIONS


def test_every_forum_name_the_code_reads_is_in_operations_md():
    sources = [*(ROOT / "forum").rglob("*.py"), ROOT / "wsgi.py"]
    pattern = re.compile(r"\bFORUM_[A-Z][A-Z_]*[A-Z]\b")
    names = {name for path in sources for name in pattern.findall(path.read_text(encoding="utf-8"))}
    assert set(SETTINGS) <= names, "a setting nothing reads"
    missing = sorted(name for name in names if f"`{name}`" not in OPERATIONS)
    assert not missing, f"add to forum/settings.py (or the env table), run make docs: {missing}"


def test_rate_limit_table_gives_each_default():
    for name, rate in DEFAULT_LIMITS.items():
        assert f"| `{name}` | `{rate}` |" in OPERATIONS, name


def slug(heading):
    """GitHub's anchor for a Markdown heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def without_code_blocks(page):
    """A page's text without fenced code, where no line is a heading."""
    return re.sub(r"(?ms)^```.*?^```", "", page.read_text(encoding="utf-8"))


def anchors(page):
    """Every heading anchor of a page."""
    return {slug(line.lstrip("#")) for line in without_code_blocks(page).splitlines()
            if re.match(r"#{1,6} ", line)}


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_relative_links_lead_to_existing_pages_and_headings(page):
    prose = re.sub(r"`[^`\n]*`", "", without_code_blocks(page))  # code spans hold no links
    for link in re.findall(r"\]\(([^)\s]+)\)", prose):
        if re.match(r"[a-z]+:", link):
            continue
        path, _, anchor = link.partition("#")
        target = (page.parent / path).resolve() if path else page
        assert target.is_file(), f"{page.name}: {link} leads nowhere"
        if anchor:
            assert anchor in anchors(target), f"{page.name}: no heading #{anchor} in {target.name}"


def test_readme_fits_on_two_screens_and_links_every_doc():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 100
    for page in PAGES[1:]:
        assert f"(docs/{page.name})" in readme, f"README does not link docs/{page.name}"
