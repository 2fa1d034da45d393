"""`flask forum import` / `export`: one thread per file, all or nothing, exact round trips."""
from pathlib import Path

import pytest
from sqlalchemy import func, select

from forum import formats, markup
from forum.models import (
    Member, ModerationLog, Prompt, RelatedLink, Reply, ReplyTag, Tag, Thread,
)

DEMO = Path(__file__).resolve().parent.parent / "demo"

HEADER = """\
Onboarding a new client: what do you cover in the very first session?
The first session sets the tone for everything after it. Coaches differ a lot in how much \
structure they bring:
- Clarify the contract: Agree on goals, confidentiality and how you will work together.
- Learn their language: Notice the words the client uses for success and for trouble.
How do you open a new coaching relationship? Share your checklist."""

CONTRIBUTIONS = """\
-
📝Agreement first. 🤝Then rapport. 🔍Then the real question behind the request. #onboarding
-
My first session has three parts: 1. Their story in ten minutes. 2. What a good outcome looks \
like. 3. One thing to try before we meet again. #structure #firstsession
-
I avoid tools in the first hour.

Just listening, and a short summary at the end so they feel heard. 👩🏽‍⚕️"""

RELATED = """\
Rate this article
More relevant reading
-
Life CoachingHow do you end a coaching relationship that is no longer helping?
-
Business CoachingHow do you price a package of coaching sessions?"""

# (name, file content, expected export): shapes a real collection has.
SHAPES = {
    "plain": (f"{HEADER}\n{CONTRIBUTIONS}\n{RELATED}", f"{HEADER}\n{CONTRIBUTIONS}\n{RELATED}\n"),
    "repeated-header-crlf-bom-trailing-spaces": (
        "\ufeff" + f"{HEADER}  \n{HEADER}\n{CONTRIBUTIONS} \n{RELATED}".replace("\n", "\r\n"),
        f"{HEADER}\n{CONTRIBUTIONS}\n{RELATED}\n"),
    "no-related-reading": (f"{HEADER}\n{CONTRIBUTIONS}\nRate this article\n",
                           f"{HEADER}\n{CONTRIBUTIONS}\nRate this article\n"),
    "no-prompts-no-contributions": (
        "Is it ever right to coach a friend or a relative?\nWhere do you draw the line?\n"
        "Rate this article\n",
        "Is it ever right to coach a friend or a relative?\nWhere do you draw the line?\n"
        "Rate this article\n"),
}


def count_rows(db):
    """How many rows each table touched by an import holds."""
    counts = {model.__name__: db.session.scalar(select(func.count()).select_from(model))
              for model in (Thread, Prompt, Reply, ReplyTag, Tag, RelatedLink, ModerationLog)}
    db.session.rollback()  # end this read, so a command begins its own transaction as in a shell
    return counts


def run(app, *args):
    """Run `flask forum ...` and return the click result."""
    return app.test_cli_runner().invoke(args=["forum", *args])


def write(tmp_path, name, content):
    """A file with this content (text is written as UTF-8, bytes as they are)."""
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def test_import_creates_the_thread_with_replies_tags_and_related(app, db, tmp_path):
    path = write(tmp_path, "onboarding.txt", SHAPES["plain"][0])
    result = run(app, "import", str(path))
    assert result.exit_code == 0, result.output
    thread = db.session.scalar(select(Thread))
    assert result.stdout == (f"imported thread {thread.id}: /community/threads/{thread.id}/"
                             f"{thread.slug}\n")
    assert result.stderr == "Reading files: 1/1\n"  # not a terminal: plain progress lines
    assert thread.title.startswith("Onboarding a new client")
    assert thread.call_to_action == "How do you open a new coaching relationship? Share your checklist."
    prompts = db.session.scalars(select(Prompt).order_by(Prompt.position)).all()
    assert [p.label for p in prompts] == ["Clarify the contract", "Learn their language"]
    replies = db.session.scalars(select(Reply).order_by(Reply.created_at, Reply.id)).all()
    assert [r.body.split()[0] for r in replies] == ["📝Agreement", "My", "I"]
    assert thread.reply_count == 3
    assert replies[1].body.startswith("My first session has three parts: 1. Their story")
    assert '<ol class="key-points">' in replies[1].html and "<p>Just listening" in replies[2].html
    tags = db.session.execute(select(ReplyTag.reply_id, Tag.slug).join(Tag)).all()
    assert sorted(slug for _, slug in tags) == ["firstsession", "onboarding", "structure"]
    placeholder = db.session.get(Member, replies[0].author_id)
    assert placeholder.display_name == "Imported contributor"
    assert thread.author_id == placeholder.id
    links = db.session.scalars(select(RelatedLink).order_by(RelatedLink.position)).all()
    assert [(link.category, link.title[:15], link.url, link.target_thread_id) for link in links] == [
        ("Life Coaching", "How do you end ", None, None),
        ("Business Coaching", "How do you pric", None, None)]
    page = app.test_client().get(f"/community/threads/{thread.id}/{thread.slug}")
    assert "Clarify the contract" in page.text and "#firstsession" in page.text


def test_placeholder_name_comes_from_the_setting(app, db, tmp_path):
    app.config["FORUM_IMPORT_AUTHOR"] = "Archive"
    assert run(app, "import", str(write(tmp_path, "a.txt", SHAPES["plain"][0]))).exit_code == 0
    assert db.session.scalar(select(Member.display_name).join(
        Reply, Reply.author_id == Member.id).limit(1)) == "Archive"


def test_related_titles_link_to_threads_whatever_the_import_order(app, db, tmp_path):
    target = write(tmp_path, "target.txt",
                   "How do you price a package of coaching sessions?\nLead.\nShare.\n")
    first = write(tmp_path, "first.txt", SHAPES["plain"][0])
    assert run(app, "import", str(first), str(target)).exit_code == 0
    target_id = db.session.scalar(select(Thread.id).where(Thread.title.like("How do you price%")))
    linked = db.session.scalar(select(RelatedLink).where(RelatedLink.category == "Business Coaching"))
    assert linked.target_thread_id == target_id


def test_a_related_title_equal_to_the_own_title_stays_unlinked(app, db, tmp_path):
    content = ("Can a question recommend itself as further reading?\nLead.\nShare.\n"
               "Rate this article\nMore relevant reading\n-\n"
               "Life CoachingCan a question recommend itself as further reading?\n")
    assert run(app, "import", str(write(tmp_path, "self.txt", content))).exit_code == 0
    assert db.session.scalar(select(RelatedLink.target_thread_id)) is None


def test_contributions_go_through_the_sanitizer(app, db, tmp_path):
    content = (f"{HEADER}\n-\nTry this <script>alert(1)</script> [x](javascript:alert(2))\n")
    assert run(app, "import", str(write(tmp_path, "x.txt", content))).exit_code == 0
    reply = db.session.scalar(select(Reply))
    assert reply.body == "Try this <script>alert(1)</script> [x](javascript:alert(2))"
    assert reply.html == str(markup.render(reply.body))
    assert "<script" not in reply.html and "href" not in reply.html


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_export_of_an_import_equals_the_normalized_input(app, tmp_path, shape):
    content, expected = SHAPES[shape]
    assert run(app, "import", str(write(tmp_path, f"{shape}.txt", content))).exit_code == 0
    result = run(app, "export", "1")
    assert result.exit_code == 0
    assert result.stdout_bytes.decode("utf-8") == expected
    assert "\r" not in result.output and not any(
        line != line.rstrip() for line in result.output.split("\n"))


@pytest.mark.parametrize("name", sorted(p.name for p in DEMO.glob("*.txt")))
def test_demo_articles_round_trip(app, tmp_path, name):
    source = (DEMO / name).read_text(encoding="utf-8")
    article = formats.parse(source, name)
    assert run(app, "import", str(DEMO / name)).exit_code == 0
    exported = run(app, "export", "1").stdout_bytes.decode("utf-8")
    header_lines = 2 + len(article.prompts) + (1 if article.call_to_action else 0)
    lines = source.split("\n")
    if lines[header_lines:2 * header_lines] == lines[:header_lines]:
        lines = lines[:header_lines] + lines[2 * header_lines:]
    assert exported == formats.normalize("\n".join(lines))


def test_export_leaves_out_hidden_and_deleted_contributions(app, db, tmp_path):
    assert run(app, "import", str(write(tmp_path, "a.txt", SHAPES["plain"][0]))).exit_code == 0
    replies = db.session.scalars(select(Reply).order_by(Reply.id)).all()
    replies[0].is_hidden = True
    replies[2].is_deleted = True
    db.session.commit()
    exported = run(app, "export", "1").output
    assert "Agreement first" not in exported and "Just listening" not in exported
    assert exported.count("\n-\n") == 1 + 2  # one contribution, two related entries


def test_export_of_a_missing_thread_fails(app):
    result = run(app, "export", "99")
    assert result.exit_code == 1 and "No thread 99" in result.output


BAD_FILES = [
    ("empty.txt", b"", "empty.txt:1: the file is empty"),
    ("binary.bin", b"\x00\x01\x02\x03", "binary.bin:1: this is a binary file"),
    ("latin1.txt", "Question title in Latin-1\ncafé\n".encode("latin-1"),
     "latin1.txt:2: byte 0xe9 is not UTF-8"),
    ("notitle.txt", b"-\nJust a contribution\n", "notitle.txt:1: no title"),
    ("emptyblock.txt", (HEADER + "\n-\n-\nSecond\n").encode(), "emptyblock.txt:6: empty contribution"),
    ("related.txt", (HEADER + "\nRate this article\nMore relevant reading\n-\nlowercase only\n")
     .encode(), "related.txt:9: cannot split"),
    ("category.txt", (HEADER + "\nRate this article\nMore relevant reading\n-\n" + "a" * 81
                      + "How?\n").encode(), "category.txt:9: A category has at most 80"),
    ("short-title.txt", b"Too short\nLead\n", "short-title.txt:1: A title has 10 to 200"),
    ("long-reply.txt", (HEADER + "\n-\nok\n-\n" + "x" * 20_001 + "\n").encode(),
     "long-reply.txt:9: A contribution has at most 20,000 characters"),
]


@pytest.mark.parametrize("name, content, message", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_file_fails_with_file_and_line_and_creates_nothing(app, db, tmp_path, name, content,
                                                              message):
    good = write(tmp_path, "good.txt", SHAPES["plain"][0])
    bad = write(tmp_path, name, content)
    before = count_rows(db)
    result = run(app, "import", str(good), str(bad))
    assert result.exit_code == 1
    assert f"{tmp_path / message}" in result.stderr
    assert "Nothing imported" in result.stderr
    assert count_rows(db) == before


def test_ten_megabyte_file_is_refused(app, db, tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as handle:
        handle.write(HEADER.encode())
        handle.truncate(10 * 1024 * 1024)
    result = run(app, "import", str(path))
    assert result.exit_code == 1 and f"{path}:1: the file is larger than 5 MB" in result.stderr
    assert count_rows(db)["Thread"] == 0


def test_failure_midway_rolls_back_the_whole_batch(app, db, tmp_path, monkeypatch):
    calls = []

    def render_then_fail(source):
        calls.append(source)
        if len(calls) == 6:
            raise RuntimeError("disk full")
        return markup.render(source)

    monkeypatch.setattr("forum.services.importer.markup.render", render_then_fail, raising=True)
    first = write(tmp_path, "first.txt", SHAPES["plain"][0])
    second = write(tmp_path, "second.txt", SHAPES["no-prompts-no-contributions"][0])
    before = count_rows(db)
    result = run(app, "import", str(first), str(second))
    assert result.exit_code != 0 and len(calls) == 6
    db.session.rollback()
    assert count_rows(db) == before


def test_existing_title_is_refused_then_replaced_or_skipped(app, db, tmp_path):
    path = write(tmp_path, "a.txt", SHAPES["plain"][0])
    pointer = write(tmp_path, "pointer.txt", (
        "A thread that points at the onboarding question\nLead.\nShare.\n-\nSee below.\n"
        "Rate this article\nMore relevant reading\n-\nLife CoachingOnboarding a new client: what "
        "do you cover in the very first session?\n"))
    assert run(app, "import", str(path), str(pointer)).exit_code == 0
    before = count_rows(db)

    refused = run(app, "import", str(path))
    assert refused.exit_code == 1
    assert f"{path}:1: a thread with this title already exists (thread 1)" in refused.stderr
    assert "--replace" in refused.stderr and count_rows(db) == before

    skipped = run(app, "import", "--skip-existing", str(path))
    assert skipped.exit_code == 0 and skipped.stdout.startswith(f"skipped {path}: thread 1")
    assert count_rows(db)["Thread"] == before["Thread"]

    replaced = run(app, "import", "--replace", str(path))
    assert replaced.exit_code == 0 and replaced.stdout.startswith("imported thread 3: ")
    db.session.expire_all()
    assert db.session.get(Thread, 1) is None
    assert db.session.scalar(select(func.count()).select_from(Reply).where(
        Reply.thread_id == 1)) == 0
    link = db.session.scalar(select(RelatedLink).where(RelatedLink.thread_id == 2))
    assert link.target_thread_id == 3
    actions = db.session.scalars(select(ModerationLog.action).order_by(ModerationLog.id)).all()
    assert actions[-2:] == ["replace_thread", "import_thread"]


def test_same_title_twice_in_one_batch_is_refused(app, db, tmp_path):
    first = write(tmp_path, "a.txt", SHAPES["plain"][0])
    second = write(tmp_path, "b.txt", SHAPES["no-related-reading"][0])
    result = run(app, "import", str(first), str(second))
    assert result.exit_code == 1 and f"{second}:1: the same title is in {first} too" in result.stderr
    assert count_rows(db)["Thread"] == 0


def test_replace_and_skip_existing_exclude_each_other(app, tmp_path):
    path = write(tmp_path, "a.txt", SHAPES["plain"][0])
    result = run(app, "import", "--replace", "--skip-existing", str(path))
    assert result.exit_code == 2 and "not both" in result.output


def import_page(client, **data):
    """POST the import page (multipart, like the browser form)."""
    return client.post("/community/import", data=data, content_type="multipart/form-data")


@pytest.mark.parametrize("staff, status", [(None, 401), (False, 403)])
def test_import_page_is_for_moderators_only(app, db, make_user, client_for, staff, status):
    client = app.test_client() if staff is None else client_for(make_user("Ana", staff=staff))
    assert client.get("/community/import").status_code == status
    assert import_page(client, text=SHAPES["plain"][0], action="confirm").status_code == status
    assert count_rows(db)["Thread"] == 0


def test_moderator_previews_a_paste_then_confirms(app, db, make_user, client_for, tmp_path):
    assert run(app, "import", str(write(tmp_path, "t.txt", (
        "How do you price a package of coaching sessions?\nLead.\nShare.\n")))).exit_code == 0
    client = client_for(make_user("Mo", staff=True))
    assert 'href="/community/import"' in client.get("/community/").text
    preview = import_page(client, text=SHAPES["plain"][0], action="preview")
    assert preview.status_code == 200
    page = preview.text
    assert "Preview: what will be created" in page and "Onboarding a new client" in page
    assert "Clarify the contract" in page and "<dt>Contributions (3)</dt>" in page
    assert "#onboarding" in page and "#firstsession" in page
    assert "kept unlinked" in page and "thread #1" in page
    assert count_rows(db)["Thread"] == 1

    confirmed = import_page(client, text=SHAPES["plain"][0], filename="pasted text",
                            action="confirm")
    assert confirmed.status_code == 302
    thread = db.session.scalar(select(Thread).where(Thread.id == 2))
    assert confirmed.location.endswith(f"/community/threads/2/{thread.slug}")
    moderator = db.session.scalar(select(Member).where(Member.display_name == "Mo"))
    assert thread.author_id == moderator.id
    assert db.session.scalar(select(ModerationLog.actor_id).where(
        ModerationLog.action == "import_thread", ModerationLog.target_id == 2)) == moderator.id
    assert "Imported thread #2" in client.get(confirmed.location).text


def test_upload_preview_and_errors_with_line_numbers_keep_the_text(app, db, make_user,
                                                                    client_for):
    import io

    client = client_for(make_user("Mo", staff=True))
    upload = (io.BytesIO(SHAPES["repeated-header-crlf-bom-trailing-spaces"][0].encode()),
              "onboarding.txt")
    preview = import_page(client, file=upload, action="preview")
    assert preview.status_code == 200 and "<dt>Contributions (3)</dt>" in preview.text
    assert 'name="filename" type="hidden" value="onboarding.txt"' in preview.text

    broken = HEADER + "\n-\n-\n<b>kept</b> text\n"
    failed = import_page(client, text=broken, action="preview")
    assert failed.status_code == 422
    assert "pasted text:6: empty contribution" in failed.text
    assert "&lt;b&gt;kept&lt;/b&gt; text" in failed.text and "Preview: what" not in failed.text
    failed = import_page(client, text=broken, action="confirm")
    assert failed.status_code == 422 and count_rows(db)["Thread"] == 0

    binary = import_page(client, file=(io.BytesIO(b"\x00\x01"), "x.png"), action="preview")
    assert binary.status_code == 422 and "x.png:1: this is a binary file" in binary.text


def test_web_import_refuses_an_existing_title_unless_replace(app, db, make_user, client_for,
                                                            tmp_path):
    assert run(app, "import", str(write(tmp_path, "a.txt", SHAPES["plain"][0]))).exit_code == 0
    client = client_for(make_user("Mo", staff=True))
    preview = import_page(client, text=SHAPES["plain"][0], action="preview")
    assert "exists already" in preview.text
    refused = import_page(client, text=SHAPES["plain"][0], action="confirm")
    assert refused.status_code == 409 and "already exists (thread 1)" in refused.text
    replaced = import_page(client, text=SHAPES["plain"][0], replace="y", action="confirm")
    assert replaced.status_code == 302
    assert count_rows(db)["Thread"] == 1
    moderator = db.session.scalar(select(Member.id).where(Member.display_name == "Mo"))
    assert db.session.scalars(select(ModerationLog.action).where(
        ModerationLog.actor_id == moderator).order_by(ModerationLog.id)).all() == [
        "replace_thread", "import_thread"]


def test_confirm_needs_a_csrf_token(app, db, make_user, client_for):
    app.config["WTF_CSRF_ENABLED"] = True
    client = client_for(make_user("Mo", staff=True))
    response = import_page(client, text=SHAPES["plain"][0], action="confirm")
    assert response.status_code == 400 and count_rows(db)["Thread"] == 0


def test_web_import_shows_each_contribution_and_every_error_at_once(app, db, make_user,
                                                                    client_for):
    client = client_for(make_user("Mo", staff=True))
    good = ("How do you open a first coaching session well?\nLead.\nShare.\n-\n"
            "**Agree the contract** first.\n-\nRate this article\nMore relevant reading\n"
            "Life CoachingHow do you pick a niche?\nBusiness CoachingWhen to raise rates?\n")
    page = import_page(client, text=good, action="preview").text
    assert "<strong>Agree the contract</strong> first." in page
    assert "Life Coaching</span>: How do you pick a niche?" in page
    assert "Business Coaching</span>: When to raise rates?" in page
    bad = ("Short\nLead.\nShare.\n-\n-\nText\nMore relevant reading\nno boundary here\n")
    response = import_page(client, text=bad, action="preview")
    assert response.status_code == 422
    for line in ("pasted text:4:", "pasted text:8:"):
        assert line in response.text
    assert bad.split("\n")[0] in response.text and count_rows(db)["Thread"] == 0
