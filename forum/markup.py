"""The one sanitizer: plain-text cleaning, and Markdown -> bleach allow-list -> nh3 final guard."""
import re
import unicodedata

import bleach
import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = frozenset({
    "p", "br", "hr", "strong", "em", "del", "a", "ul", "ol", "li", "blockquote", "code", "pre",
    "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
})
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"

# C0/C1 controls except tab and newline, and the bidi embeddings/overrides/isolates used in
# "Trojan Source" tricks. Zero-width joiners stay: emoji ZWJ sequences need them.
_UNSAFE_CHARS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]"
)

_md = (
    MarkdownIt("commonmark", {"html": False, "typographer": False})
    .enable(["table", "strikethrough"])
    .disable("image")
)
_md.options["maxNesting"] = 20


def clean_text(text):
    """Normalize user text for storage: NFC, LF line ends, no NUL/control or bidi-override chars."""
    if text is None:
        return ""
    text = str(text).replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", _UNSAFE_CHARS.sub("", text))


def clean_line(text):
    """clean_text for one-line fields (titles, names, tags): whitespace runs fold to one space."""
    return " ".join(clean_text(text).split())


def _markdown_to_html(source):
    """Render Markdown with raw HTML off; headings shift down two levels below the page's h2."""
    env = {}
    tokens = _md.parse(source, env)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + 2)}"
    return _md.renderer.render(tokens, _md.options, env)


def sanitize_html(html):
    """Apply the allow-list twice: bleach first, then nh3 (maintained, browser-grade parser)."""
    cleaned = bleach.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS, strip=True, strip_comments=True,
    )
    return nh3.clean(
        cleaned, tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_PROTOCOLS), link_rel=LINK_REL, strip_comments=True,
    )


def render(source):
    """Markdown source -> safe HTML as Markup; the only producer of Markup in the forum."""
    return Markup(sanitize_html(_markdown_to_html(clean_text(source))))
