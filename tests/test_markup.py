"""Rendering contributions: Markdown, key points as lists, hashtags, and unsafe characters."""
from html.parser import HTMLParser

from forum import markup


class _Outline(HTMLParser):
    """The element structure of an HTML fragment: [(tag, attrs, text)] of list items etc."""

    def __init__(self):
        super().__init__()
        self.stack, self.items, self.lists = [], [], []

    def handle_starttag(self, tag, attrs):
        self.stack.append(tag)
        if tag in ("ul", "ol"):
            self.lists.append((tag, dict(attrs)))
        if tag == "li":
            self.items.append("")

    def handle_endtag(self, tag):
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_data(self, data):
        if "li" in self.stack:
            self.items[-1] += data


def outline(source):
    """Render source and return the parsed outline."""
    parser = _Outline()
    parser.feed(str(markup.render(source)))
    return parser


EMOJI_POINTS = (
    "🧠Build rapport by listening before advising. 🔍Ask what the client already tried. "
    "🎯Agree on one small step for this week. 🤝Celebrate the step, however small."
)
NUMBERED = (
    "Values-First Coaching 1. Naming Values: Ask which moments made them proud. This shows what "
    "matters. 2. Linking Goals: Tie the next step to one named value. 3. Reviewing: Check in "
    "after a week and adjust"
)


def test_emoji_led_points_become_a_scannable_list():
    """Each emoji-led sentence is one item of a key-points list, in order."""
    parsed = outline(EMOJI_POINTS)
    assert parsed.lists == [("ul", {"class": "key-points"})]
    assert [item.split()[0][:1] for item in parsed.items] == ["🧠", "🔍", "🎯", "🤝"]
    assert parsed.items[1].startswith("🔍Ask what the client already tried.")


def test_inline_numbered_steps_become_an_ordered_list_with_intro_and_bold_labels():
    """"Heading 1. ... 2. ... 3. ..." becomes the heading then an ordered list, labels bold."""
    html = str(markup.render(NUMBERED))
    parsed = outline(NUMBERED)
    assert parsed.lists == [("ol", {"class": "key-points"})]
    assert len(parsed.items) == 3
    assert html.startswith("<p>Values-First Coaching</p>")
    assert "<li><strong>Naming Values:</strong> Ask which moments" in html
    assert parsed.items[2] == "Reviewing: Check in after a week and adjust"


def test_ordinary_prose_with_an_emoji_or_numbers_stays_prose():
    """A stray smiley, numbers inside sentences, and one-step texts are not turned into lists."""
    for text in ("Great session today 😀 and the client smiled 👍",
                 "We met on page 1. and again on page 2. of the workbook",
                 "Step 1. is all I did.",
                 "Thanks! 👏",
                 "I tried 3 things. 1. worked best."):
        assert outline(text).lists == [], text


def test_points_after_an_intro_with_a_colon_and_on_separate_lines():
    """"My tips:" followed by emoji points (even one per line) keeps the intro as a paragraph."""
    html = str(markup.render("My tips:\n🧠 Listen first.\n🔍 Ask open questions"))
    assert html.startswith("<p>My tips:</p>")
    assert outline("My tips:\n🧠 Listen first.\n🔍 Ask open questions").items == [
        "🧠 Listen first.", "🔍 Ask open questions"]


def test_real_markdown_lists_code_and_quotes_are_left_alone():
    """Existing lists are not rewritten; code keeps its text literally."""
    assert outline("1. one\n2. two").lists == [("ol", {})]
    html = str(markup.render("```\n🧠a. 🔍b.\n```"))
    assert "<pre><code>🧠a. 🔍b.\n</code></pre>" in html
    quoted = outline("> 🧠Listen. 🔍Ask.")
    assert quoted.lists == [("ul", {"class": "key-points"})]


def test_markdown_features_render():
    """Paragraphs, emphasis, lists, quotes, code and links all render; headings shift down."""
    html = str(markup.render(
        "# Head\n\n**bold** _em_ ~~gone~~\n\n- a\n- b\n\n> quote\n\n`code` [l](https://x.example)"))
    for fragment in ("<h3>Head</h3>", "<strong>bold</strong>", "<em>em</em>", "<s>gone</s>",
                     "<li>a</li>", "<blockquote>", "<code>code</code>",
                     '<a href="https://x.example" rel="nofollow ugc noopener">l</a>'):
        assert fragment in html, fragment


def test_hashtags_come_from_prose_only():
    """Hashtags in text count; in code, link targets or as #1 numbers they do not."""
    text = ("Listening first #listeningforthewin #Strength-Based `#notcode` "
            "[link](https://x.example/#anchor) issue #1 and #listeningForTheWin again")
    assert markup.hashtags(text) == ["listeningforthewin", "Strength-Based"]


def test_unsafe_characters_are_removed_but_zero_width_joiners_kept():
    """NUL, other controls, bidi overrides and lone surrogates go; emoji ZWJ sequences stay."""
    cleaned = markup.clean_text("a\x00b\u202ec\u2066d\x07e\ud800f👩\u200d💻\r\ng")
    assert cleaned == "abcdef👩\u200d💻\ng"
    assert markup.clean_line("  two\n lines\t here ") == "two lines here"


def test_rendering_returns_markup_only_through_the_sanitizer():
    """render() gives Markup (safe for templates); the HTML it contains is sanitized."""
    result = markup.render("<b>raw</b> *x*")
    assert hasattr(result, "__html__")
    assert "<b>" not in str(result) and "&lt;b&gt;raw&lt;/b&gt;" in str(result)


def test_titled_points_with_dashes_become_a_list_with_bold_titles():
    """"Name The Fear – ... Link To Values – ..." reads as two key points, titles bold."""
    html = str(markup.render(
        "Name The Fear – Ask what worries them most. Stay curious. "
        "Link It to Their Values – Show how one step serves what they care about."))
    assert outline("Name The Fear – a. Link It – b.").lists == [("ul", {"class": "key-points"})]
    assert "<li><strong>Name The Fear</strong> – Ask what worries them most. Stay curious.</li>" \
        in html
    assert "<li><strong>Link It to Their Values</strong> – Show how one step" in html
    for prose in ("I met Ana – she was great. Then Bob – also fine.",
                  "Great session - loved it.",
                  "Just One – point here."):
        assert outline(prose).lists == [], prose
