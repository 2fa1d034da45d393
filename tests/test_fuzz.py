"""Fuzzing with hypothesis: the sanitizer never emits an executable vector; API bodies never 500."""
import html
import re
from html.parser import HTMLParser

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forum import markup
from forum.services import tokens

API = "/community/api"
SAFE_SCHEMES = ("http", "https", "mailto")
ATTRIBUTES = {"a": {"href", "title", "rel"}, "ol": {"start", "class"}, "ul": {"class"}}
PIECES = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "javascript:alert(1)",
    "[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))", "[x](java\tscript:alert(1))",
    "[x](&#106;avascript:alert(1))", "[x](data:text/html,<script>alert(1)</script>)",
    "[x](vbscript:msgbox(1))", "![x](javascript:alert(1))", "<a href=\"javascript:x\">y</a>",
    "<svg onload=alert(1)>", "<iframe src=//evil.example>", "<style>*{}</style>",
    "\" onmouseover=\"alert(1)", "' style='x", "<!--", "-->", "<![CDATA[", "]]>", "`", "```",
    "[", "]", "(", ")", "<", ">", "&", "*", "_", "~~", "#", "- ", "1. ", "> ", "\n", "\n\n",
    "    ", "|a|b|\n|-|-|\n", "<http://a.example>", "<mailto:a@b.example>", "**Key:** x",
    "✅ ", "😀 ", "👩‍💻", "1️⃣ ", "🧠Build trust. ", "Build Trust – ", "#coaching ",
    "\x00", "\u202e", "%0a", "&lt;script&gt;", "[a]: javascript:x\n[a]",
]
markdownish = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=8)),
                       max_size=30).map("".join)


class Checker(HTMLParser):
    """Records anything executable or outside the allow-list in sanitized HTML."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag not in markup.ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if name not in ATTRIBUTES.get(tag, ()):
                self.problems.append(f"attribute {name} on <{tag}>")
            if name == "href":
                target = re.sub(r"[\x00-\x20]", "", html.unescape(value or "")).lower()
                scheme = re.match(r"^([a-z][a-z0-9+.-]*):", target)
                if scheme and scheme.group(1) not in SAFE_SCHEMES:
                    self.problems.append(f"href {value!r}")

    handle_startendtag = handle_starttag

    def handle_comment(self, data):
        self.problems.append("comment")

    def unknown_decl(self, data):
        self.problems.append(f"declaration {data!r}")


def problems_in(source):
    checker = Checker()
    checker.feed(str(markup.render(source)))
    checker.close()
    return checker.problems


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=200), markdownish))
def test_sanitizer_never_emits_an_executable_vector(source):
    assert problems_in(source) == []


def test_checker_catches_what_it_looks_for():
    checker = Checker()
    checker.feed('<p onclick="x"><a href=" java&#115;cript:x">y</a><script></script></p>')
    assert len(checker.problems) == 3


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                 max_size=4),
    max_leaves=12)
thread_bodies = st.fixed_dictionaries({}, optional={
    "title": json_values | st.text(max_size=250), "lead": json_values,
    "prompts": json_values | st.lists(st.fixed_dictionaries(
        {"label": st.text(max_size=90), "text": st.text(max_size=90)}), max_size=12),
    "call_to_action": json_values, "tags": json_values | st.lists(st.text(max_size=30)),
    "extra": json_values})
reply_bodies = st.fixed_dictionaries({}, optional={
    "body": json_values | markdownish, "tags": json_values, "prompt": json_values})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                HealthCheck.too_slow])
@given(thread=thread_bodies, reply=reply_bodies, raw=st.binary(max_size=64))
def test_api_bodies_never_cause_a_server_error(client, make_user, actor_for, thread, reply, raw):
    if not hasattr(client, "fuzz_headers"):
        _token, secret = tokens.create_token(actor_for(make_user("Fuzz")), "fuzz")
        client.fuzz_headers = {"Authorization": f"Bearer {secret}"}
        client.fuzz_thread = client.post(f"{API}/threads", headers=client.fuzz_headers, json={
            "title": "A thread the fuzzer replies to"}).json["id"]
    headers = client.fuzz_headers
    answers = [
        client.post(f"{API}/threads", json=thread, headers=headers),
        client.post(f"{API}/threads/{client.fuzz_thread}/replies", json=reply, headers=headers),
        client.post(f"{API}/threads", data=raw, headers=dict(
            headers, **{"Content-Type": "application/json"})),
    ]
    for answer in answers:
        assert answer.status_code < 500, answer.text
        assert answer.is_json


ARTICLE_LINES = [
    "How do you rebuild momentum with a stalled client?", "",
    "Momentum fades after the first month; how do you restart it?",
    "- Reconnect: Ask what changed since the last session.", "- Reframe: Name one small step.",
    "What has worked for you? Share below.", "-", "I ask about energy first. #momentum",
    "Small wins, written down, work for me.", "Rate this article", "More relevant reading",
    "Life CoachingHow do you restart a stalled engagement?", "---", "- ", ":", "#", "\t",
    "\ufeff", "\x00", "\u202e", "x" * 300, "\r",
]
article_texts = st.lists(st.one_of(st.sampled_from(ARTICLE_LINES), st.text(max_size=40)),
                         max_size=25).map("\n".join)


def forum_counts(db):
    """Row counts of every table an import writes to."""
    from sqlalchemy import func, select

    from forum.models import RelatedLink, Reply, ReplyTag, Tag, Thread

    return [db.session.scalar(select(func.count()).select_from(model))
            for model in (Thread, Reply, Tag, ReplyTag, RelatedLink)]


@settings(max_examples=60, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.one_of(article_texts, article_texts.map(str.encode), st.binary(max_size=300)))
def test_importer_fails_only_with_its_own_error_and_never_half_imports(app, db, data):
    from forum.errors import ForumError
    from forum.services import importer

    before = forum_counts(db)
    try:
        plan = importer.plan_text(data, "fuzz.txt")
        importer.import_plans([plan], mode="skip")
    except ForumError as error:
        assert "fuzz.txt" in error.message  # names the file (and line) at fault
        db.session.rollback()
        assert forum_counts(db) == before  # nothing half-imported
        return
    after = forum_counts(db)
    if after[0] != before[0]:  # imported: the thread arrives with all its contributions
        assert after[0] == before[0] + 1
        assert after[1] == before[1] + len(plan.replies)
        assert after[4] == before[4] + len(plan.related)
