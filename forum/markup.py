"""The one sanitizer: plain-text cleaning, and Markdown -> nh3 allow-list.

Rendering happens once, at write time (services store the result in `html` columns). Between
Markdown and the sanitizer, "key points" written inline in the source discussion format
(emoji-led points, "1. ... 2. ... 3. ..." steps, "Title – point" runs in one paragraph) become
real lists, so the sanitizer sees the final markup. Every step is linear in the text's length:
any accepted body renders within 200 ms (tests/test_security_markup.py).
"""
import re
import unicodedata

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

ALLOWED_TAGS = frozenset({
    "p", "br", "hr", "strong", "em", "del", "s", "a", "ul", "ol", "li", "blockquote", "code", "pre",
    "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
})
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
# The only class values that survive: the key-point lists' styling hook.
ALLOWED_CLASSES = {"ul": {"key-points"}, "ol": {"key-points"}}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"
KEY_POINTS_CLASS = "key-points"

# C0/C1 controls except tab and newline, the bidi embeddings/overrides/isolates used in
# "Trojan Source" tricks, BOM, lone surrogates (PostgreSQL cannot store them) and the two
# non-characters. Zero-width joiners stay: emoji ZWJ sequences need them.
_UNSAFE_CHARS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff"
    "\ud800-\udfff\ufffe\uffff]"
)

# One emoji "character": a pictograph (with optional variation selector, skin tone and ZWJ
# continuations) or a keycap such as 1️⃣. Ranges follow Unicode's emoji blocks.
_PICTO = (
    "[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\u2300-\u23FF\u2190-\u21FF"
    "\u3030\u303D\u3297\u3299\u203C\u2049\u2122\u2139\u2934\u2935]"
)
_MODS = "[\uFE0F\U0001F3FB-\U0001F3FF]*"
EMOJI_RE = re.compile(
    f"(?:{_PICTO}{_MODS}(?:\u200D{_PICTO}{_MODS})*|[0-9#*]\uFE0F?\u20E3)"
)
# A point or step ends a sentence: the next one starts after this punctuation or a line break.
_SENTENCE_END = tuple(".!?;:)…\"'”’")
_STEP_RE = re.compile(r"(?<!\S)(\d{1,2})[.)](?=[ \t\n]+\S)")
_LABEL_RE = re.compile(r"^([^:.!?\n*_`\[\]<>]{2,60}):[ \t]+(?=\S)")
_SMALL_WORDS = "to|of|and|or|the|a|an|for|with|in|on|at|by|your|their|its|from|into"
# "Understand Their Resistance – Ask ..." : a short Title-Case label, a dash, then the point.
_TITLED_RE = re.compile(
    rf"(?:^|(?<=[.!?…] ))([A-Z][\w'’]*(?:[ -](?:[A-Z][\w'’]*|{_SMALL_WORDS})){{0,5}}) [–—-] (?=\S)"
)
HASHTAG_RE = re.compile(r"(?<![\w&/#])#([^\W_][\w-]{1,39})")
MENTION_RE = re.compile(r"(?<![\w@/.])@([^\W_][\w.-]{0,39})")

# Thousands of * or _ make emphasis matching (and the HTML it yields) cost seconds, and
# thousands of [ cost markdown-it ~12 us each in link-label scans; no real contribution has
# that many, so such texts render those characters literally instead.
EMPHASIS_DELIMITERS_MAX = 2_000
LINK_BRACKETS_MAX = 2_000


def _parser(*disabled):
    """The forum's Markdown parser: CommonMark + tables + strikethrough, no images, no raw HTML."""
    parser = (
        MarkdownIt("commonmark", {"html": False, "typographer": False})
        .enable(["table", "strikethrough"])
        .disable(["image", *disabled])
    )
    parser.options["maxNesting"] = 20
    return parser


_md = _parser()
_LITERAL = {  # (too many emphasis delimiters, too many brackets) -> parser
    (False, False): _md,
    (True, False): _parser("emphasis", "strikethrough"),
    (False, True): _parser("link"),
    (True, True): _parser("emphasis", "strikethrough", "link"),
}


def clean_text(text):
    """Normalize user text for storage: NFC, LF line ends, no NUL/control or bidi-override chars."""
    if text is None:
        return ""
    text = str(text).replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", _UNSAFE_CHARS.sub("", text))


def clean_line(text):
    """clean_text for one-line fields (titles, names, tags): whitespace runs fold to one space."""
    return " ".join(clean_text(text).split())


def _boundary_ok(text, end):
    """Whether a new point may start at text[end]: a sentence ended, a line broke, or the word
    before is an emoji. Looks back over the last word only, so a text of n points costs O(n)."""
    stop = end
    while stop and text[stop - 1] in " \t":
        stop -= 1
    if not stop or text[stop - 1] == "\n" or text[stop - 1] in _SENTENCE_END:
        return True
    start = stop
    while start and not text[start - 1].isspace():
        start -= 1
    return bool(EMOJI_RE.fullmatch(text, start, stop))


def emoji_points(text):
    """Split "🧠Build trust. 🔍Ask questions." into (intro, [points]); None if not such a text.

    Each point starts with an emoji after a sentence end or line break; the text must start
    with a point (or with an intro ending in a colon), and there must be at least two points,
    each with words after its emoji, so a stray smiley never turns prose into a list.
    """
    starts = [m.start() for m in EMOJI_RE.finditer(text)
              if (m.start() == 0 or text[m.start() - 1].isspace())
              and _boundary_ok(text, m.start())]
    if len(starts) < 2:
        return None
    intro = text[:starts[0]].strip()
    if intro and not intro.endswith(":"):
        return None
    points = [text[a:b].strip() for a, b in zip(starts, starts[1:] + [len(text)])]
    if any(not re.search(r"\w", EMOJI_RE.sub("", point)) for point in points):
        return None
    return intro, points


def numbered_steps(text):
    """Split "Coaching 1. Do this. 2. Then that." into (intro, [steps]); None if not such a text.

    Steps are numbered 1, 2, 3 ... in order, at least two, and every step after the first
    starts after a sentence end or line break, so "page 1. and page 2." stays prose.
    """
    markers, expected = [], 1
    for match in _STEP_RE.finditer(text):
        if int(match.group(1)) != expected:
            continue
        if expected > 1 and not _boundary_ok(text, match.start()):
            continue
        markers.append(match)
        expected += 1
    if len(markers) < 2:
        return None
    intro = text[:markers[0].start()].strip()
    ends = [m.start() for m in markers[1:]] + [len(text)]
    steps = [text[m.end():end].strip() for m, end in zip(markers, ends)]
    if any(not step for step in steps):
        return None
    return intro, steps


def titled_points(text):
    """Split "Understand Them – Ask ... Connect Values – Show ..." into ("", [(label, text)]).

    Each point starts with a Title-Case label of up to six words and a dash, at the start of
    the text or after a sentence end; at least two points, the first at the very start.
    """
    labels = list(_TITLED_RE.finditer(text))
    if len(labels) < 2 or labels[0].start() != 0:
        return None
    ends = [m.start() for m in labels[1:]] + [len(text)]
    points = [(m.group(1), text[m.end():end].strip()) for m, end in zip(labels, ends)]
    if any(not rest for _, rest in points):
        return None
    return "", points


def _inline(source, env, level):
    """An inline token for a piece of Markdown source."""
    token = Token("inline", "", 0, content=source, level=level, block=True)
    token.children = _md.parseInline(source, env)[0].children or []
    return token


def _item_inline(item, env, level):
    """An inline token for one key point; a leading "Label:" (or a titled label) is bold."""
    if isinstance(item, tuple):
        label, rest, joint = item[0], item[1], " – "
    else:
        match = _LABEL_RE.match(item)
        if not match or len(match.group(1).split()) > 6:
            return _inline(item, env, level)
        label, rest, joint = match.group(1) + ":", item[match.end():], " "
    token = _inline(rest, env, level)
    head = _md.parseInline(label, env)[0].children or []
    token.children = ([Token("strong_open", "strong", 1, markup="**")] + head
                      + [Token("strong_close", "strong", -1, markup="**"),
                         Token("text", "", 0, content=joint)] + token.children)
    return token


def _key_point_tokens(paragraph, env):
    """Tokens replacing one paragraph with an intro paragraph and a key-point list, or None."""
    text = paragraph.content
    split, list_tag = emoji_points(text), "ul"
    if split is None:
        split, list_tag = numbered_steps(text), "ol"
    if split is None:
        split, list_tag = titled_points(text), "ul"
    if split is None:
        return None
    intro, items = split
    level = paragraph.level
    out = []
    if intro:
        out += [Token("paragraph_open", "p", 1, level=level - 1, block=True),
                _inline(intro, env, level),
                Token("paragraph_close", "p", -1, level=level - 1, block=True)]
    kind = "bullet_list" if list_tag == "ul" else "ordered_list"
    opening = Token(f"{kind}_open", list_tag, 1, level=level - 1, block=True)
    opening.attrSet("class", KEY_POINTS_CLASS)
    out.append(opening)
    for item in items:
        out += [Token("list_item_open", "li", 1, level=level, block=True),
                _item_inline(item, env, level + 1),
                Token("list_item_close", "li", -1, level=level, block=True)]
    out.append(Token(f"{kind}_close", list_tag, -1, level=level - 1, block=True))
    return out


def _key_points(tokens, env):
    """Turn paragraphs written as inline key points into lists (not inside lists or tables)."""
    out, list_depth, i = [], 0, 0
    while i < len(tokens):
        token = tokens[i]
        if token.type in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
        if (token.type == "paragraph_open" and not list_depth and not token.hidden
                and i + 2 < len(tokens) and tokens[i + 1].type == "inline"):
            replacement = _key_point_tokens(tokens[i + 1], env)
            if replacement is not None:
                out += replacement
                i += 3
                continue
        out.append(token)
        i += 1
    return out


def _mention_tokens(text, links):
    """Inline tokens for a run of prose text: each @name that links names (casefolded) becomes
    a link to that member; None when the text holds no such name."""
    out, start = [], 0
    for match in MENTION_RE.finditer(text):
        name = match.group(1).rstrip(".-")
        href = links.get(name.casefold())
        if href is None:
            continue
        end = match.start() + 1 + len(name)
        if match.start() > start:
            out.append(Token("text", "", 0, content=text[start:match.start()]))
        opening = Token("link_open", "a", 1, markup="mention")
        opening.attrSet("href", href)
        out += [opening, Token("text", "", 0, content=text[match.start():end]),
                Token("link_close", "a", -1, markup="mention")]
        start = end
    if not out:
        return None
    if start < len(text):
        out.append(Token("text", "", 0, content=text[start:]))
    return out


def _link_mentions(tokens, links):
    """Turn @name in prose (never in code spans, code blocks or links) into member links."""
    for token in tokens:
        if token.type != "inline" or not token.children:
            continue
        children, in_link = [], 0
        for child in token.children:
            in_link += {"link_open": 1, "link_close": -1}.get(child.type, 0)
            linked = (_mention_tokens(child.content, links)
                      if child.type == "text" and not in_link and "@" in child.content else None)
            children += linked or [child]
        token.children = children
    return tokens


def _markdown_to_html(source, mention_links=None):
    """Render Markdown with raw HTML off; headings shift down two levels below the page's h2."""
    env = {}
    delimiters = source.count("*") + source.count("_") + source.count("~")
    parser = _LITERAL[delimiters > EMPHASIS_DELIMITERS_MAX, source.count("[") > LINK_BRACKETS_MAX]
    tokens = parser.parse(source, env)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + 2)}"
    tokens = _key_points(tokens, env)
    if mention_links:
        tokens = _link_mentions(tokens, mention_links)
    return parser.renderer.render(tokens, parser.options, env)


def sanitize_html(html):
    """The allow-list, applied by nh3 (ammonia: maintained, browser-grade HTML parser, fast)."""
    return nh3.clean(
        html, tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        allowed_classes={tag: set(values) for tag, values in ALLOWED_CLASSES.items()},
        url_schemes=set(ALLOWED_PROTOCOLS), link_rel=LINK_REL, strip_comments=True,
    )


def render(source, mention_links=None):
    """Markdown source -> safe HTML as Markup; the only producer of Markup in the forum.
    mention_links ({casefolded name: path}) turns those @names in prose into links."""
    return Markup(sanitize_html(_markdown_to_html(clean_text(source), mention_links)))


def _prose_runs(source, skip_links=False):
    """The runs of plain text in a Markdown text: code spans and blocks and link targets are
    left out, and so is link text when skip_links."""
    runs, current, in_link = [], [], 0
    for block in _md.parse(clean_text(source)):
        if block.type != "inline":
            continue
        for child in block.children or []:
            in_link += {"link_open": 1, "link_close": -1}.get(child.type, 0)
            if child.type == "text" and not (skip_links and in_link):
                current.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                current.append(" ")
            else:
                runs.append("".join(current))
                current = []
        runs.append("".join(current))
        current = []
    return runs


def _distinct(pattern, runs):
    """pattern's first group in each run, in order, without case-insensitive duplicates."""
    names, seen = [], set()
    for run in runs:
        for match in pattern.finditer(run):
            key = match.group(1).casefold()
            if key not in seen:
                seen.add(key)
                names.append(match.group(1))
    return names


def hashtags(source):
    """Hashtags written in a Markdown text (#listeningforthewin), in order, without duplicates.

    Only prose counts: code spans, code blocks and link targets never yield tags.
    """
    return _distinct(HASHTAG_RE, _prose_runs(source))


def mentions(source):
    """Names mentioned in a Markdown text (@ana), in order, without duplicates: prose only,
    never inside code spans, code blocks or links."""
    return [name.rstrip(".-") for name in _distinct(MENTION_RE, _prose_runs(source, True))]
