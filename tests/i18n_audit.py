"""Finds text a person reads in the forum's templates that is not marked for translation."""
import re
from html.parser import HTMLParser
from pathlib import Path

from jinja2 import Environment

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "forum"
LETTERS = re.compile(r"[^\W\d_]{2,}")
HOLE = "\x00"
# Attributes whose values a person reads (or hears, from a screen reader).
READ_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt", "label", "aria-description"}
GETTEXT_NAMES = {"_", "gettext", "ngettext", "pgettext", "npgettext"}
# String literals in template code that are not prose: tag names, CSS classes, endpoints.
PROSE = re.compile(r"^[A-Z][a-z]+|[^\W\d_]+ [^\W\d_]+")
MARKUP = re.compile(r"[<=]")


class _TextFinder(HTMLParser):
    """Collects visible text and read attributes of HTML with template holes in it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value and LETTERS.search(value.replace(HOLE, " ")):
                self.found.append(f'{name}="{value.replace(HOLE, "…")}"')

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)

    def handle_data(self, data):
        text = " ".join(data.replace(HOLE, " ").split())
        if '="' in text or text.startswith("<"):  # a tag cut by a template expression
            return
        if not self.skip and LETTERS.search(text):
            self.found.append(text)


def _holed_source(env, source):
    """The template's HTML with every Jinja construct (and {% trans %} block) as a hole, and the
    prose string literals found in its code outside gettext calls."""
    out, literals, in_trans, previous, calls = [], [], 0, [], []
    for _line, kind, value in env.lex(source):
        if kind == "operator" and value == "(":
            calls.append(previous[-1:] in ([n] for n in GETTEXT_NAMES) or any(calls))
        elif kind == "operator" and value == ")" and calls:
            calls.pop()
        if kind == "name" and value == "trans" and previous[-1:] == ["block_begin"]:
            in_trans += 1
        elif kind == "name" and value == "endtrans":
            in_trans -= 1
        if kind == "data" and not in_trans:
            out.append(value)
        else:
            out.append(HOLE)
        if kind == "string" and PROSE.search(value.strip("'\"")) and not MARKUP.search(value) \
                and not any(calls):
            literals.append(value)
        if kind != "whitespace":
            previous.append(value if kind in ("name", "operator") else kind)
    return "".join(out), literals


def unmarked(path):
    """Every piece of readable text in one template that is not marked for translation."""
    env = Environment(extensions=["jinja2.ext.i18n"])
    html, literals = _holed_source(env, path.read_text())
    finder = _TextFinder()
    finder.feed(html)
    return finder.found + literals


# The outage page is drawn while the database is down: choosing a language would read the
# member's stored preference from that database, so it stays in English on purpose.
ENGLISH_ONLY = {"unavailable.html"}


def unmarked_everywhere():
    """{template name: [unmarked text]} for every forum template with some."""
    return {str(path.relative_to(TEMPLATES.parent)): found
            for path in sorted(TEMPLATES.rglob("*.html"))
            if path.name not in ENGLISH_ONLY and (found := unmarked(path))}


if __name__ == "__main__":
    for name, found in unmarked_everywhere().items():
        for text in found:
            print(f"{name}: {text}")
