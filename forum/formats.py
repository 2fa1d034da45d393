"""The discussion text format: parse an article page copied from the web, and write one back.

Pure functions, no database: `parse()` turns text into an `Article` (with the line number of
every part, for error messages), `write()` turns an `Article` into the canonical text (header
once, LF line ends, no trailing spaces, final newline).
"""
import re
from dataclasses import dataclass, field
from functools import cache

from forum.errors import ValidationError
from forum.i18n import translations_everywhere
from forum.i18n import format_number
from forum.i18n import gettext as _

MAX_BYTES = 5 * 1024 * 1024
# Planning an import validates every contribution: 20,000 lines take about a second at most.
MAX_LINES = 20_000
SEPARATOR = "-"
RATE_MARKER = "Rate this article"
RELATED_MARKER = "More relevant reading"
HEADER_CONTEXT = "import header"  # msgctxt of the headers' translations in each locale


@cache
def rate_markers():
    """"Rate this article" in every shipped locale ("Artikel bewerten")."""
    return frozenset(translations_everywhere(HEADER_CONTEXT, RATE_MARKER))


@cache
def related_markers():
    """"More relevant reading" in every shipped locale ("Weitere relevante Lektüre")."""
    return frozenset(translations_everywhere(HEADER_CONTEXT, RELATED_MARKER))


def markers():
    """Every header line that ends the contributions, in any shipped locale."""
    return rate_markers() | related_markers()

PROMPT_RE = re.compile(r"^-[ \t]+([^:\s][^:]*):[ \t]*(.*)$")


class ParseError(ValidationError):
    """Input that is not in the discussion format: file name, line number and what was expected."""

    def __init__(self, filename, line, message):
        super().__init__(f"{filename}:{line}: {message}", field="text")
        self.filename = filename
        self.line = line
        self.reason = message


class ParseErrors(ParseError):
    """Several ParseErrors of one text, all reported at once (the first gives the message)."""

    def __init__(self, errors):
        first = errors[0]
        super().__init__(first.filename, first.line, first.reason)
        self.errors = list(errors)
        self.message = "\n".join(error.message for error in errors)
        self.details = {"errors": [{"field": e.field, "message": e.message} for e in errors]}


@dataclass
class Contribution:
    """One contribution: its text (Markdown source, kept verbatim) and its first line number."""

    text: str
    line: int


@dataclass
class RelatedEntry:
    """One "More relevant reading" line split into category and title."""

    category: str
    title: str
    line: int


@dataclass
class Prompt:
    """One "- Label: text" prompt of the header."""

    label: str
    text: str
    line: int


@dataclass
class Article:
    """A parsed discussion: header, contributions in order, related reading in order."""

    title: str
    lead: str = ""
    prompts: list = field(default_factory=list)
    call_to_action: str = ""
    contributions: list = field(default_factory=list)
    related: list = field(default_factory=list)
    title_line: int = 1
    lead_line: int = 2
    call_to_action_line: int = 2


def read_file(path, filename=None, max_bytes=MAX_BYTES):
    """The bytes of a file, refused before reading when larger than max_bytes."""
    filename = filename or str(path)
    with open(path, "rb") as handle:
        return read_stream(handle, filename, max_bytes)


def read_stream(stream, filename, max_bytes=MAX_BYTES):
    """At most max_bytes from a binary stream; a larger stream is refused, never read whole."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ParseError(filename, 1, _('the file is larger than %(value)s MB; expected one article of at most that size', value=max_bytes // (1024 * 1024)))
    return data


def decode(data, filename):
    """UTF-8 text from bytes (BOMs dropped, as markup does); binary or non-UTF-8 input is refused."""
    if len(data) > MAX_BYTES:
        raise ParseError(filename, 1, _('the text is larger than %(value)s MB; expected one article of at most that size', value=MAX_BYTES // (1024 * 1024)))
    nul = "\x00" if isinstance(data, str) else b"\x00"
    if nul in data:
        line = data[:data.index(nul)].count("\n" if isinstance(data, str) else b"\n") + 1
        raise ParseError(filename, line, _('this is a binary file; expected UTF-8 text'))
    if isinstance(data, str):
        return data.replace("\ufeff", "")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise ParseError(filename, line, _('byte 0x%(value)s is not UTF-8; expected UTF-8 text (save the file as UTF-8)', value=format(data[error.start], '02x'))) from None
    return text.replace("\ufeff", "")


def split_lines(text):
    """Lines without line ends (LF, CRLF or CR) and without trailing spaces."""
    return [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]


def split_related(line, filename, number):
    """Split "<Category><Title>" where a lower-case letter meets the title's capital letter."""
    for index in range(len(line) - 1):
        if line[index].islower() and line[index + 1].isupper():
            category, title = line[:index + 1].strip(), line[index + 1:].strip()
            if category and title:
                return RelatedEntry(category=category, title=title, line=number)
    raise ParseError(filename, number, _('cannot split this related-reading line; expected <Category><Title> like "Life CoachingHow do you ...?"'))


def _trim_blank(lines):
    """(offset, lines) with blank lines removed at both ends."""
    start, end = 0, len(lines)
    while start < end and not lines[start][1]:
        start += 1
    while end > start and not lines[end - 1][1]:
        end -= 1
    return lines[start:end]


def _single_header(header, filename):
    """The header block without its repeated copy (pages copied from the web often repeat it)."""
    title = header[0][1]
    for index in range(1, len(header)):
        if header[index][1] == title:
            first, second = _trim_blank(header[:index]), _trim_blank(header[index:])
            for (_line, expected), (number, got) in zip(first, second):
                if expected != got:
                    raise ParseError(filename, number, _('the repeated header differs from the first one; expected %(expected)s', expected=repr(expected)))
            if len(second) > len(first):
                raise ParseError(filename, second[len(first)][0], _('the repeated header is longer than the first one; expected a line holding only "-"'))
            if len(second) < len(first):
                raise ParseError(filename, second[-1][0] + 1, _('the repeated header stops early; expected %(value)s', value=repr(first[len(second)][1])))
            return first
    return header


def _parse_header(header, filename, article):
    """Fill title, lead, prompts and call to action from one copy of the header."""
    number, article.title = header[0]
    article.title_line = number
    rest = header[1:]
    prompt_indexes = [i for i, (_, line) in enumerate(rest) if PROMPT_RE.match(line)]
    if prompt_indexes:
        first, last = prompt_indexes[0], prompt_indexes[-1]
        for expected, i in zip(range(first, last + 1), prompt_indexes):
            if i != expected:  # a gap: line `expected` is not a prompt
                raise ParseError(filename, rest[expected][0], _('expected a prompt "- Label: text" (prompts are consecutive lines)'))
        lead, after = rest[:first], rest[last + 1:]
        for i in prompt_indexes:
            match = PROMPT_RE.match(rest[i][1])
            article.prompts.append(Prompt(label=match.group(1).strip(),
                                          text=match.group(2).strip(), line=rest[i][0]))
    else:
        lead, after = (rest[:-1], rest[-1:]) if len(rest) >= 2 else (rest, [])
    after = _trim_blank(after)
    if len(after) > 1:
        raise ParseError(filename, after[1][0], _('expected one call-to-action line after the prompts, then a line holding only "-"'))
    lead = _trim_blank(lead)
    if lead:
        article.lead_line = lead[0][0]
        article.lead = "\n".join(line for _, line in lead)
    if after:
        article.call_to_action_line, article.call_to_action = after[0]
    else:
        article.call_to_action_line = (lead[-1][0] + 1) if lead else number + 1


def _blocks(lines):
    """Split numbered lines at separator lines; each block is (separator line number, lines)."""
    blocks = []
    for number, line in lines:
        if line == SEPARATOR:
            blocks.append((number, []))
        elif blocks:
            blocks[-1][1].append((number, line))
    return blocks


def parse(data, filename="<text>"):
    """An Article from bytes or text in the discussion format, or a ParseError saying where."""
    text = decode(data, filename)
    numbered = list(enumerate(split_lines(text), 1))
    if len(numbered) > MAX_LINES:
        raise ParseError(filename, MAX_LINES + 1,
                         _('the text has %(count)s lines; expected one article of at most %(max_lines)s lines (split it into several files)', count=format_number(len(numbered)), max_lines=format_number(MAX_LINES)))
    if not any(line for _, line in numbered):
        raise ParseError(filename, 1, _('the file is empty; expected a question title on the first line'))
    found = {line: number for number, line in reversed(numbered) if line in markers()}
    body_end = min(found.values(), default=len(numbered) + 1)
    body = numbered[:body_end - 1]
    separators = [i for i, (_, line) in enumerate(body) if line == SEPARATOR]
    header = _trim_blank(body[:separators[0]] if separators else body)
    if not header:
        number = body[separators[0]][0] if separators else body_end
        raise ParseError(filename, number, _('no title; expected the question title on the first line'))
    article = Article(title="")
    errors = []
    try:
        _parse_header(_single_header(header, filename), filename, article)
    except ParseError as error:
        errors.append(error)
    if separators:
        blocks = _blocks(body[separators[0]:])
        if blocks and not _trim_blank(blocks[-1][1]):
            blocks.pop()  # a stray "-" before "Rate this article", as copies from the web have
        for number, block in blocks:
            block = _trim_blank(block)
            if not block:
                errors.append(ParseError(filename, number, _('empty contribution; expected text between two lines holding only "-"')))
                continue
            article.contributions.append(Contribution(
                text="\n".join(line for _, line in block), line=block[0][0]))
    try:
        _parse_tail(numbered[body_end - 1:], filename, article, errors)
    except ParseError as error:
        errors.append(error)
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ParseErrors(errors)
    return article


def _parse_tail(tail, filename, article, errors):
    """"Rate this article" and the "More relevant reading" entries after the contributions:
    one entry a line, with or without "-" lines between them (copies from the web drop them);
    each unreadable entry is added to errors."""
    tail = _trim_blank(tail)
    if tail and tail[0][1] in rate_markers():
        tail = _trim_blank(tail[1:])
    if not tail:
        return
    number, line = tail[0]
    if line not in related_markers():
        raise ParseError(filename, number, _('expected "%(related_marker)s" after "%(rate_marker)s"', related_marker=RELATED_MARKER, rate_marker=RATE_MARKER))
    for number, line in tail[1:]:
        if not line.strip() or line == SEPARATOR:
            continue
        try:
            article.related.append(split_related(line, filename, number))
        except ParseError as error:
            errors.append(error)


def _escape_line(line, prompts=False):
    """Indent a line that would read as a separator, marker or prompt (Markdown ignores it)."""
    line = line.rstrip()
    if line == SEPARATOR or line in markers() or (prompts and PROMPT_RE.match(line)):
        return " " + line
    return line


def write(article):
    """The canonical text of an article: header once, LF, no trailing spaces, final newline."""
    lines = [article.title]
    if article.lead:
        lines += [_escape_line(line, prompts=True) for line in article.lead.split("\n")]
    lines += [f"- {prompt.label}: {prompt.text}" for prompt in article.prompts]
    if article.call_to_action:
        lines.append(article.call_to_action)
    for contribution in article.contributions:
        lines.append(SEPARATOR)
        lines += [_escape_line(line) for line in contribution.text.split("\n")]
    lines.append(RATE_MARKER)
    if article.related:
        lines.append(RELATED_MARKER)
        for entry in article.related:
            lines += [SEPARATOR, f"{entry.category}{entry.title}"]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def normalize(text):
    """Text with LF line ends, no trailing spaces, no BOM and one final newline (for comparisons)."""
    return "\n".join(split_lines(decode(text, "<text>"))).rstrip("\n") + "\n"
