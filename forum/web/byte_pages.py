"""Pages whose lists of contribution cards are put together as UTF-8 bytes, not as text.

A 200-contribution page weighs 550-720 KB, nearly all of it cards. As text it was copied four
times after the cards were joined: markupsafe copied the list, Jinja joined the page, and the
response encoded it to UTF-8, each a fresh allocation (page faults), two or four bytes a
character once one character beyond Latin-1 is anywhere on the page: a fifth of a member's
page in a gunicorn worker. The cards' shared parts are kept encoded (web.card_cache), so here
the template outputs a marker for each list of cards and the page is joined as bytes around
them. The marker holds a per-request random token: user text never contains an HTML comment
(sanitized without them, or escaped), let alone one with a token it cannot know.
"""
import re
import secrets

from flask import current_app, g, render_template
from markupsafe import Markup


def render_page(template, **context):
    """render_template for a page that shows lists of cards: a text/html Response whose cards
    went into the body as bytes."""
    token = secrets.token_hex(8)
    g.forum_byte_lists = (f"<!--forum-cards-{token}-", [])
    try:
        text = render_template(template, **context)
    finally:
        prefix, chunks = g.pop("forum_byte_lists")
    pieces = re.split(f"{re.escape(prefix)}(\\d+)-->", text) if chunks else [text]
    body = b"".join(piece.encode() if index % 2 == 0 else chunks[int(piece)]
                    for index, piece in enumerate(pieces))
    return current_app.response_class(body, mimetype="text/html")


def cards_output(chunk):
    """What a template gets for a list of cards (UTF-8 bytes): on a render_page page a marker
    where the page puts them, elsewhere (a host's own view) the text."""
    lists = g.get("forum_byte_lists")
    if lists is None:
        return SafeText(chunk.decode())
    prefix, chunks = lists
    chunks.append(chunk)
    return Markup(f"{prefix}{len(chunks) - 1}-->")


class SafeText:
    """Safe HTML kept as a plain str behind __html__: Jinja makes a Markup of it in one fast
    copy, where a Markup (a str subclass) is copied again the slow way each time a template
    outputs it (CPython 3.11: 2.2 ms for a 700 KB list of cards, against 0.07 ms)."""

    __slots__ = ("text",)

    def __init__(self, text):
        self.text = text

    def __html__(self):
        return self.text

    def __str__(self):
        return self.text
