"""Rendering has a time budget: pathological Markdown at the maximum accepted size renders < 1 s."""
import time

import pytest

from forum import markup
from forum.services.replies import BODY_MAX, validate_body

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
}


@pytest.mark.parametrize("shape", SHAPES)
def test_pathological_markdown_renders_within_a_second(shape):
    source = SHAPES[shape][:N]
    assert validate_body(source)  # accepted: the longest a contribution may be
    # This thread's CPU time, not wall time: the budget is the render's own work, whatever else
    # the machine (or a live server thread of another test) runs.
    start = time.thread_time()
    html = markup.render(source)
    assert time.thread_time() - start < 1.0
    assert "<script" not in html


def test_one_character_over_the_limit_is_refused():
    with pytest.raises(Exception, match="at most 20,000 characters"):
        validate_body("a" * (N + 1))
