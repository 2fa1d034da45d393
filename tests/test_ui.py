"""The look and feel: an AA-contrast palette in light and dark mode, no inline code, styled errors."""
import re
from pathlib import Path

import pytest

from forum.web.blueprint import render_error

ROOT = Path(__file__).resolve().parent.parent
CSS = (ROOT / "forum" / "static" / "forum.css").read_text()
TEMPLATES = sorted((ROOT / "templates" / "forum").rglob("*.html"))
# Pages, not emails: the CSP governs pages; email clients need an email's styles inline.
PAGE_TEMPLATES = [path for path in TEMPLATES if path.parent.name != "email"]
SCRIPTS = sorted((ROOT / "forum" / "static").glob("*.js"))

# (text or component colour, background, minimum ratio): 4.5 for text, 3 for focus rings and
# the borders and fills that show where a control is (WCAG 2.1 SC 1.4.3 and 1.4.11).
PAIRS = [
    *[(fg, bg, 4.5) for fg in ("fg", "muted", "accent", "accent-hover", "error")
      for bg in ("bg", "surface", "panel")],
    ("ok", "surface", 4.5), ("ok", "bg", 4.5), ("fg", "error-bg", 4.5), ("fg", "ok-bg", 4.5),
    ("accent-fg", "accent", 4.5), ("accent-fg", "accent-hover", 4.5),
    ("tag-fg", "tag-bg", 4.5), ("tag-fg", "surface", 4.5), ("badge-fg", "badge-bg", 4.5),
    *[("focus", bg, 3) for bg in ("bg", "surface", "panel")],
    ("field-line", "surface", 3), ("accent", "surface", 3), ("accent", "bg", 3),
]


def palette(block):
    """The --name: #hex custom properties declared in one CSS block."""
    return {name: value for name, value in re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})\b", block)}


def palettes():
    """The light palette (the first block on the forum's root) and the dark one (inside
    prefers-color-scheme: dark)."""
    root = ".forum-page, .forum {"
    light = palette(CSS[CSS.index(root):CSS.index("}", CSS.index(root))])
    start = CSS.index("@media (prefers-color-scheme: dark)")
    dark = palette(CSS[start:CSS.index("}", start)])
    return {"light": light, "dark": dark}


def luminance(hex_colour):
    """Relative luminance as WCAG 2.1 defines it."""
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a, b):
    """WCAG contrast ratio between two colours (1 to 21)."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_formula_matches_known_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_palette_meets_wcag_aa(mode):
    colours = palettes()[mode]
    assert set(colours) == set(palettes()["light"]), "both modes define the same colours"
    failures = [f"--{fg} on --{bg}: {contrast(colours[fg], colours[bg]):.2f} < {minimum}"
                for fg, bg, minimum in PAIRS if contrast(colours[fg], colours[bg]) < minimum]
    assert failures == []


def test_stylesheet_is_self_contained():
    assert "@import" not in CSS
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", CSS), "nothing is fetched from elsewhere"
    assert ":focus-visible" in CSS and "prefers-color-scheme: dark" in CSS


@pytest.mark.parametrize("template", PAGE_TEMPLATES, ids=lambda p: p.name)
def test_templates_have_no_inline_script_or_style(template):
    """The strict CSP (script-src 'self'; style-src 'self') would block them."""
    html = template.read_text()
    assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", html), "inline <script>"
    assert "<style" not in html
    assert not re.search(r"\sstyle\s*=", html), "style= attribute"
    assert not re.search(r"\son[a-z]+\s*=", html), "inline event handler"
    assert "javascript:" not in html


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_scripts_load_nothing_from_elsewhere(script):
    source = script.read_text()
    assert not re.search(r"https?://", source)
    assert "eval(" not in source and "new Function" not in source


def test_forum_js_gives_feature_scripts_a_csrf_fetch():
    source = (ROOT / "forum" / "static" / "forum.js").read_text()
    assert "window.forumFetch" in source and "X-CSRFToken" in source
    assert 'meta[name="csrf-token"]' in source


def test_unknown_address_gets_the_forum_404(site_client):
    page = site_client.get("/no/such/page")
    assert page.status_code == 404
    assert "Page not found" in page.text and "forum.css" in page.text
    assert "Back to the practice questions" in page.text


def test_forbidden_page_is_styled_and_offers_to_log_in(site):
    with site.test_request_context("/somewhere"):
        body, status = render_error(403, "You do not have permission to do that.")
    assert status == 403
    assert "Not allowed" in body and "forum.css" in body and 'href="/login?next=' in body


def test_empty_thread_list_says_what_to_do(login_site):
    page = login_site("Imani").get("/")
    assert "No questions yet" in page.text and 'href="/new"' in page.text
