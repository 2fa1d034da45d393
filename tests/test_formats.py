"""The discussion text format: parsing what pages copied from the web look like, and writing it."""
import io
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forum import formats
from forum.formats import ParseError

HEADER = [
    "Keeping momentum after a big win: how do you stop a client from coasting?",
    "A client lands the promotion they worked towards, and the sessions lose their edge. "
    "Here is what to look at:",
    "- Mark the milestone: Spend time on what made the win possible.",
    "- Find the next edge: Ask what the new role asks of them that the old one did not.",
    "Have you coached someone through the lull after success? Share what helped.",
]
BODY = [
    "-",
    "🏆Celebrate first. 🔭Then look six months ahead. 👩‍💻Ask what the team now expects. #momentum",
    "-",
    "Two steps: 1. Debrief the win. 2. Agree on one stretch goal for the quarter.",
    "Rate this article",
    "More relevant reading",
    "-",
    "Career CoachingHow do you prepare a client for their first 90 days in a new role?",
    "-",
    "Leadership CoachingWhat do you ask a new manager in the first session?",
]


def text(*parts, newline="\n"):
    """Join lists of lines with one line ending."""
    return newline.join(line for part in parts for line in part)


def test_parses_header_contributions_and_related_reading():
    article = formats.parse(text(HEADER, BODY), "win.txt")
    assert article.title == HEADER[0]
    assert article.lead == HEADER[1]
    assert [(p.label, p.text) for p in article.prompts] == [
        ("Mark the milestone", "Spend time on what made the win possible."),
        ("Find the next edge", "Ask what the new role asks of them that the old one did not."),
    ]
    assert article.call_to_action == HEADER[4]
    assert [c.text for c in article.contributions] == [BODY[1], BODY[3]]
    assert [c.line for c in article.contributions] == [7, 9]
    assert [(r.category, r.title) for r in article.related] == [
        ("Career Coaching", "How do you prepare a client for their first 90 days in a new role?"),
        ("Leadership Coaching", "What do you ask a new manager in the first session?"),
    ]


def test_repeated_header_crlf_bom_and_trailing_spaces_read_like_the_plain_file():
    plain = formats.parse(text(HEADER, BODY), "a.txt")
    messy = ("\ufeff" + text([line + "  " for line in HEADER], HEADER, BODY, newline="\r\n"))
    parsed = formats.parse(messy.encode("utf-8"), "b.txt")
    assert parsed.title == plain.title and parsed.lead == plain.lead
    assert parsed.prompts[0].label == plain.prompts[0].label
    assert [c.text for c in parsed.contributions] == [c.text for c in plain.contributions]
    assert [(r.category, r.title) for r in parsed.related] == [
        (r.category, r.title) for r in plain.related]
    assert formats.write(parsed) == formats.write(plain)


def test_emoji_zwj_sequences_survive_untouched():
    family = "👨‍👩‍👧‍👦"
    article = formats.parse(text(HEADER, ["-", f"{family} Family systems matter. #systems"]), "f")
    assert article.contributions[0].text.startswith(family)
    assert family in formats.write(article)


def test_file_without_related_reading_or_rate_line():
    article = formats.parse(text(HEADER, BODY[:4]), "short.txt")
    assert len(article.contributions) == 2 and article.related == []
    assert formats.write(article).endswith(BODY[3] + "\nRate this article\n")


def test_multi_line_contribution_keeps_its_paragraphs():
    article = formats.parse(text(HEADER, ["-", "First paragraph.", "", "Second one."]), "m")
    assert article.contributions[0].text == "First paragraph.\n\nSecond one."


def test_header_without_prompts_splits_lead_and_call_to_action():
    article = formats.parse(text(["A question with enough words?", "Lead.", "Share yours."]), "p")
    assert (article.lead, article.call_to_action, article.prompts) == ("Lead.", "Share yours.", [])


def test_related_line_splits_at_first_lower_to_upper_boundary():
    entry = formats.split_related("Life CoachingHow do you use LinkedIn?", "f", 3)
    assert (entry.category, entry.title) == ("Life Coaching", "How do you use LinkedIn?")


def test_writer_indents_lines_that_would_read_as_separators():
    article = formats.parse(text(HEADER), "h")
    article.contributions = [formats.Contribution("A list:\n-\nRate this article", 0)]
    written = formats.write(article)
    again = formats.parse(written, "again")
    assert len(again.contributions) == 1 and again.related == []
    assert formats.write(again) == written


@pytest.mark.parametrize("data, line, expected", [
    (b"", 1, "the file is empty"),
    (b"  \r\n\n \n", 1, "the file is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 3, "binary file"),
    ("Title of the question here\nlead\n".encode("utf-16"), 1, "binary file"),
    (b"A good title for a question\n\xe9t\xe9\n", 2, "not UTF-8"),
    (b"-\nA contribution without a question\n", 1, "no title"),
    (b"\n\nRate this article\n", 3, "no title"),
    (b"A good title for a question\n-\nfirst\n-\n\n-\nthird\n", 4, "empty contribution"),
    (b"A good title for a question\n-\n-\nfirst\n", 2, "empty contribution"),
    (b"A good title for a question\n-\nx\nRate this article\nMore relevant reading\n-\n"
     b"no capital boundary here\n", 7, "cannot split"),
    (b"A good title for a question\n-\nx\nRate this article\nsomething else\n", 5,
     "More relevant reading"),
    (b"A good title for a question\nLead\n- A: b\nCTA\nAnother line\n-\nx\n", 5,
     "one call-to-action line"),
    (b"Title repeated twice here\nLead\nTitle repeated twice here\nOther lead\n", 4,
     "repeated header differs"),
    (b"A good title for a question\nLead\n- A: b\nnot a prompt\n- C: d\nCTA\n-\nx\n", 4,
     "prompts are consecutive lines"),
    (b"A good title for a question\n" + b"-\nx\n" * 9_999 + b"-\nx", 20_001,
     "the text has 20,001 lines; expected one article of at most 20,000 lines"),
])
def test_bad_input_names_file_line_and_what_was_expected(data, line, expected):
    with pytest.raises(ParseError) as caught:
        formats.parse(data, "bad.txt")
    assert caught.value.line == line
    assert expected in caught.value.reason
    assert str(caught.value).startswith(f"bad.txt:{line}: ")


def test_prompt_lines_parse_in_linear_time():
    # Was quadratic (a list membership test per line): 40,000 prompts took 5.8 s, so 19,990 about
    # 1.5 s of CPU; linear parsing takes ~0.2 s. 1 s leaves room for a loaded two-worker run.
    text = HEADER[0] + "\nLead:\n" + "- Label: text\n" * 19_990 + "Join in\n"
    start = time.thread_time()
    article = formats.parse(text, "prompts.txt")
    assert time.thread_time() - start < 1.0
    assert len(article.prompts) == 19_990


def test_large_stream_is_refused_without_reading_it_whole():
    class Stream(io.RawIOBase):
        """An endless stream that records how much was asked of it."""

        asked = 0

        def read(self, size=-1):
            assert size != -1, "the reader must ask for a bounded amount"
            Stream.asked += size
            return b"x" * size

    with pytest.raises(ParseError, match="larger than 5 MB"):
        formats.read_stream(Stream(), "huge.txt")
    assert Stream.asked == formats.MAX_BYTES + 1


def test_ten_megabyte_file_is_refused(tmp_path):
    path = tmp_path / "ten.txt"
    with open(path, "wb") as handle:
        handle.truncate(10 * 1024 * 1024)
    with pytest.raises(ParseError) as caught:
        formats.read_file(path, "ten.txt")
    assert str(caught.value).startswith("ten.txt:1: the file is larger than 5 MB")


LINES = st.sampled_from([
    "", " ", "-", "- ", "--", "Rate this article", "More relevant reading", "- Label: text",
    "- : x", "-Label: x", "Life CoachingHow do you?", "aB", "A title of a question",
    "#hashtag", "🧑‍🤝‍🧑 emoji", "1. step", "\t", "\x00", "\ufeff", "é",
])


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=300), st.text(max_size=300),
                 st.lists(LINES, max_size=30).map("\n".join),
                 st.lists(LINES, max_size=30).map("\r\n".join)))
def test_parser_raises_nothing_but_parse_error(data):
    try:
        article = formats.parse(data, "fuzz.txt")
    except ParseError:
        return
    written = formats.write(article)
    assert formats.write(formats.parse(written, "again")) == written


def test_web_copies_parse_a_stray_dash_and_entries_without_dashes():
    """A copy from the web: "-" before "Rate this article", reading lines run together."""
    article = formats.parse("A good title for a question\n-\nFirst point.\n-\nRate this article\n"
                    "More relevant reading\nLife CoachingHow do you pick a niche?\n"
                    "Business CoachingWhen do you raise rates?\n-\nPersonal CoachingWhy?\n")
    assert [c.text for c in article.contributions] == ["First point."]
    assert [(r.category, r.title) for r in article.related] == [
        ("Life Coaching", "How do you pick a niche?"),
        ("Business Coaching", "When do you raise rates?"), ("Personal Coaching", "Why?")]


def test_every_error_of_a_text_is_reported_at_once():
    with pytest.raises(ParseError) as caught:
        formats.parse("A good title for a question\n-\n-\nok\nMore relevant reading\n"
              "no boundary one\nno boundary two\n", "a.txt")
    lines = [error.line for error in caught.value.errors]
    assert lines == [2, 6, 7]
    assert caught.value.message.count("a.txt:") == 3
