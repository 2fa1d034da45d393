"""Rendering has a time budget: any accepted body, pathological or not, renders within 200 ms."""
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forum import markup
from forum.services.replies import BODY_LINES_MAX, BODY_MAX, validate_body

N = BODY_MAX
SHAPES = {
    "open brackets": "[" * N,
    "image openers": "![" * (N // 2),
    "links": "[x](y)" * (N // 6),
    "unclosed link targets": "[a](" * (N // 4),
    "balanced brackets": "[" * (N // 2) + "]" * (N // 2),
    "one backtick run": "`" * N,
    "backtick runs of every length": "".join("`" * i + "a" for i in range(1, 200)),
    "deeply nested lists": "".join("  " * i + "- x\n" for i in range(N)),
    "list markers on one line": "- " * (N // 2),
    "deeply nested quotes": ">" * N,
    "quoted lists": "> - " * (N // 4),
    "emphasis runs": "*a" * (N // 2),
    "mixed emphasis": "*_" * (N // 2),
    "angle brackets": "<" * N,
    "autolinks": "<http://a.example>" * (N // 18),
    "entities": "&#" * (N // 2),
    "emoji between spaces": "😀 " * (N // 2),
    "emoji sequences between spaces": "👩‍💻 " * (N // 4),
    "emoji points": "🧠 Build trust. " * (N // 16),
    "emoji and words": "😀 word " * (N // 7),
    "emoji lines": "🔍\n" * (BODY_LINES_MAX - 1) + "🔍 " * (N // 2),
    "short lines": "<\n" * (BODY_LINES_MAX - 1) + "< " * (N // 2),
    "numbered steps": "1. a. " * (N // 6),
    "titled points": "Build Trust – ask. " * (N // 19),
}
BUDGET_S = 0.2
# Mixed emoji and text: a random handful of pieces, repeated to the longest accepted body.
PIECES = ["😀", "😀 ", "👩‍💻", "1️⃣ ", "✅ ", "🧠", " ", "\n", "word", "Build Trust – ", ". ",
          ": ", "1. ", "2) ", "#tag "]


def longest(unit):
    """A unit repeated to the longest accepted body: at most BODY_MAX characters and
    BODY_LINES_MAX lines."""
    source = (unit * (N // len(unit) + 1))[:N]
    return "\n".join(source.split("\n")[:BODY_LINES_MAX])


def render_seconds(source):
    """This thread's CPU time for one render, the best of three: the budget is the render's own
    work, not whatever else the machine (or a live server thread of another test) runs."""
    times = []
    for _ in range(3):
        start = time.thread_time()
        html = markup.render(source)
        times.append(time.thread_time() - start)
    assert "<script" not in html
    return min(times)


@pytest.mark.parametrize("shape", SHAPES)
def test_pathological_markdown_renders_within_the_budget(shape):
    source = SHAPES[shape][:N]
    assert validate_body(source)  # accepted: the longest a contribution may be
    assert render_seconds(source) < BUDGET_S


@settings(max_examples=15, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=12)
       .map("".join).filter(str.strip))
def test_mixed_emoji_and_text_renders_within_the_budget(unit):
    source = longest(unit)
    assert validate_body(source)
    assert render_seconds(source) < BUDGET_S


def test_one_character_over_the_limit_is_refused():
    with pytest.raises(Exception, match="at most 20,000 characters"):
        validate_body("a" * (N + 1))


def test_one_line_over_the_limit_is_refused():
    assert validate_body("a\n" * (BODY_LINES_MAX - 1) + "a")
    with pytest.raises(Exception, match="at most 2,000 lines \\(this one has 2,001\\)"):
        validate_body("a\n" * BODY_LINES_MAX + "a")
