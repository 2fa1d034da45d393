"""Threads in their language: detected on posting, changeable, searched with their language's
stemming on PostgreSQL (accents folded on SQLite), and article headers from every locale."""
import pytest
from sqlalchemy import select, text

from forum import formats
from forum.models import ModerationLog, Thread
from forum.services import languages
from forum.services import replies as reply_service
from forum.services import search
from forum.services import threads as thread_service

GERMAN = ("Wie begleitest du Klientinnen, die kein klares Ziel haben?",
          "Viele Klientinnen kommen mit einem diffusen Wunsch ins Coaching und wissen nicht, "
          "was sich ändern soll. Wie findet ihr gemeinsam einen Anfang?")
ENGLISH = ("How do you help clients who arrive without a clear goal?",
           "Many clients come to coaching with a vague wish and do not know what should change.")


@pytest.fixture
def writer(make_user, actor_for):
    return actor_for(make_user("Ana"))


def _hits(actor, query):
    return [(hit.kind, hit.thread.title) for hit in search.search(actor, query).items]


def test_the_language_is_detected_on_posting(writer, db):
    german = thread_service.start_thread(writer, GERMAN[0], lead=GERMAN[1])
    english = thread_service.start_thread(writer, ENGLISH[0], lead=ENGLISH[1])
    short = thread_service.start_thread(writer, "Ziele? Goals? Metas?")
    rows = dict(db.session.execute(select(Thread.id, Thread.language)).all())
    assert rows[german.id] == "de" and rows[english.id] == "en"
    assert rows[short.id] == "en"  # too short to tell: FORUM_DEFAULT_LANGUAGE


def test_the_detector_says_unknown_rather_than_guess():
    assert languages.detect("Ok") is None
    assert languages.detect("كيف تتعامل مع العميل الصامت في الجلسة؟ أحتاج إلى نصيحة عملية") == "ar"
    assert languages.search_config("ja") == "simple" and languages.search_config(None) == "simple"


@pytest.mark.postgres
def test_a_german_query_finds_inflected_german_words(writer, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's German stemmer")
    thread_service.start_thread(writer, GERMAN[0], lead=GERMAN[1])
    thread_service.start_thread(writer, ENGLISH[0], lead=ENGLISH[1])
    assert _hits(writer, "Klientin") == [("thread", GERMAN[0])]  # "Klientinnen" -> klientin
    assert _hits(writer, "client") == [("thread", ENGLISH[0])]  # English stemming still works


@pytest.mark.postgres
def test_the_search_configuration_follows_a_language_change(writer, database_url, db):
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's text search configurations")
    thread = thread_service.start_thread(writer, GERMAN[0], lead=GERMAN[1])
    reply = reply_service.add_reply(writer, thread.id, "Ich frage meine Klientinnen nach Wünschen.")
    def configs():
        return set(db.session.execute(text(
            "SELECT kind, config::text FROM forum_search WHERE id IN (:t, :r)"),
            {"t": thread.id * 2, "r": reply.id * 2 + 1}).all())
    assert configs() == {("t", "german"), ("r", "german")}
    assert _hits(writer, "Ziele") == [("thread", GERMAN[0])]  # German: "Ziele" finds "Ziel"
    languages.set_thread_language(writer, thread.id, "")  # unknown: word for word
    assert configs() == {("t", "simple"), ("r", "simple")}
    assert _hits(writer, "Ziele") == []  # no German stemming: "Ziele" no longer finds "Ziel"
    assert _hits(writer, "Klientinnen")  # the words as written still match


def test_sqlite_and_postgres_fold_accents_and_read_other_scripts(writer):
    thread_service.start_thread(writer, "Weitere Lektüre für die Sitzung mit Kolleginnen",
                                lead="Ещё один вопрос о клиентах и целях.")
    assert _hits(writer, "Lektüre")
    assert _hits(writer, "клиентах")  # Cyrillic words are words too


def test_sqlite_folds_diacritics(writer, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("unicode61 remove_diacritics 2 is SQLite's tokenizer")
    thread_service.start_thread(writer, "Café con el coachee: ¿cómo empezar la sesión?")
    assert _hits(writer, "cafe") and _hits(writer, "COMO")


def test_the_author_changes_the_language_and_a_moderators_change_is_logged(
        writer, make_user, client_for, db):
    thread = thread_service.start_thread(writer, GERMAN[0], lead=GERMAN[1])
    author = client_for(db.session.get(writer_user_model(db), 1))
    assert author.post(f"/community/threads/{thread.id}/language",
                       data={"language": "es"}).status_code == 302
    assert db.session.get(Thread, thread.id).language == "es"
    assert db.session.scalars(select(ModerationLog)).all() == []  # an author's own change
    moderator = client_for(make_user("Mo", staff=True))
    assert moderator.post(f"/community/threads/{thread.id}/language",
                          data={"language": "de"}).status_code == 302
    entry = db.session.scalars(select(ModerationLog)).one()
    assert (entry.action, entry.target_id) == ("set_language", thread.id)
    stranger = client_for(make_user("Bo"))
    refused = stranger.post(f"/community/threads/{thread.id}/language", data={"language": "en"})
    assert refused.status_code == 403
    bad = author.post(f"/community/threads/{thread.id}/language", data={"language": "??"})
    assert bad.status_code == 422 and db.session.get(Thread, thread.id).language == "de"


def writer_user_model(db):
    """The host's User model (the writer fixture's user has id 1)."""
    return next(mapper.class_ for mapper in db.Model.registry.mappers
                if mapper.class_.__tablename__ == "host_user")


@pytest.mark.parametrize("rate, related", [
    ("Artikel bewerten", "Weitere relevante Lektüre"),
    ("Valorar este artículo", "Más lecturas relevantes"),
    ("Rate this article", "More relevant reading"),
])
def test_article_headers_in_any_shipped_language(rate, related):
    article = formats.parse("\n".join([
        "Wie beginnt ihr die erste Sitzung mit einer neuen Klientin?",
        "Ein paar Gedanken vorweg.",
        "- Ankommen: Was braucht sie zuerst?",
        "Was hat bei euch funktioniert?",
        "-", "Ich frage nach ihrem Anliegen.",
        rate, related,
        "-", "Life CoachingWie klärt ihr Erwartungen im Erstgespräch?",
    ]))
    assert [c.text for c in article.contributions] == ["Ich frage nach ihrem Anliegen."]
    assert [(e.category, e.title) for e in article.related] == [
        ("Life Coaching", "Wie klärt ihr Erwartungen im Erstgespräch?")]
    assert formats.write(article).splitlines()[-3:-2] == ["More relevant reading"]
