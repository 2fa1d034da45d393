"""Every page, error and form in the reader's language: the member's setting, else the browser's;
the forum's own catalogues beside a host's; real plurals; dates in the member's time zone."""
import re
from datetime import datetime, timezone

import pytest
from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import render_template_string
from flask_babel import Babel, force_locale
from sqlalchemy import update

from forum.i18n import CatalogueDomain, shipped_locales
from forum.models import Thread
from forum.services import preferences as preference_service
from forum.services import replies as reply_service
from forum.services import threads as thread_service
from tests.host import create_host_app

TITLE = "Wie gehst du mit Klientinnen um, die kein klares Ziel haben?"


@pytest.fixture
def german_member(make_user, actor_for, client_for):
    """Ana prefers German and lives in Berlin; returns (user, actor, client)."""
    user = make_user("Ana")
    actor = actor_for(user)
    preference_service.save_preferences(actor, "de", "Europe/Berlin")
    return user, actor, client_for(user)


@pytest.fixture
def german_thread(german_member, db):
    """A German thread with five contributions, its time fixed at 9:30 UTC."""
    _user, actor, _client = german_member
    thread = thread_service.start_thread(
        actor, TITLE, lead="Manche Klientinnen kommen ohne Ziel ins Coaching.",
        prompts="Zuhören: Was hörst du zuerst?", call_to_action="Teile deine Erfahrung.")
    for number in range(5):
        reply_service.add_reply(actor, thread.id, f"Ich frage nach dem Wunsch hinter dem Ziel {number}.")
    db.session.execute(update(Thread).where(Thread.id == thread.id).values(
        created_at=datetime(2026, 3, 5, 9, 30, tzinfo=timezone.utc)))
    db.session.commit()
    return thread


def test_a_german_member_reads_the_thread_page_in_german(german_member, german_thread):
    page = german_member[2].get(f"/community/threads/{german_thread.id}",
                                follow_redirects=True).text
    assert '<html lang="de" dir="ltr"' in page
    assert "5 Beiträge" in page and "5 contributions" not in page
    assert "Teile deine Erfahrung" in page and "Beitrag veröffentlichen" in page
    assert "Artikel bewerten" in page  # the heading the import format knows too
    assert "05.03.2026, 10:30" in page  # 9:30 UTC is 10:30 in Berlin, German date order
    assert "Share your experience" not in page


def test_german_list_plurals_and_numbers(german_member, german_thread, actor_for, make_user):
    other = actor_for(make_user("Bo"))
    single = thread_service.start_thread(other, "Wie beendest du eine Sitzung gut?")
    reply_service.add_reply(other, single.id, "Mit einer Frage nach dem nächsten Schritt.")
    page = german_member[2].get("/community/").text
    assert "1 Beitrag" in page and "5 Beiträge" in page
    assert "Praxisfragen" in page and "Neueste Aktivität" in page


def test_a_form_with_errors_answers_in_german_keeping_the_text(german_member, db):
    response = german_member[2].post("/community/new", data={
        "title": "Kurz", "lead": "Ein Absatz."})
    assert response.status_code == 422
    assert "Ein Titel hat 10 bis 200 Zeichen (dieser hat 4)." in response.text
    assert "Frage (der Titel des Themas)" in response.text  # the field labels too
    assert "Ein Absatz." in response.text  # the typed text is kept
    assert db.session.query(Thread).count() == 0


def test_profile_errors_name_each_field_in_german(german_member):
    """Each field's length error is one German sentence, not an English label in German words."""
    response = german_member[2].post("/community/profile/about", data={
        "display_name": "A" * 81, "bio": "B" * 1001, "coaching_focus": "C" * 201})
    assert response.status_code == 422
    assert "Ein Anzeigename hat höchstens 80 Zeichen (dieser hat 81)." in response.text
    assert "Ein Profiltext hat höchstens 1.000 Zeichen (dieser hat 1.001)." in response.text
    assert "Ein Coaching-Schwerpunkt hat höchstens 200 Zeichen (dieser hat 201)." in response.text
    assert "A display name" not in response.text and "A bio" not in response.text


def test_the_moderation_log_reads_in_sentences_in_german(make_user, actor_for, client_for,
                                                          german_thread):
    moderator = make_user("Mo", staff=True)
    preference_service.save_preferences(actor_for(moderator), "de", "")
    client = client_for(moderator)
    assert client.post(f"/community/threads/{german_thread.id}/lock").status_code == 302
    page = client.get("/community/moderation/log").text
    assert "<strong>Mo</strong> hat Frage <em><a href" in page
    assert "</a></em> von Ana geschlossen" in page
    assert "<code>thread.lock</code>" in page and "Moderationsprotokoll" in page


def test_api_errors_speak_the_members_language(german_member):
    response = german_member[2].get("/community/api/threads/999999")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"  # codes stay for programs
    assert response.json["error"]["message"] == "Dieses Thema gibt es nicht, oder es wurde entfernt."


def test_visitors_get_their_browsers_language_and_english_otherwise(client):
    spanish = client.get("/community/", headers={"Accept-Language": "es-MX,es;q=0.9"}).text
    assert '<html lang="es"' in spanish and "Preguntas de práctica" in spanish
    assert "Aún no hay preguntas." in spanish
    unknown = client.get("/community/", headers={"Accept-Language": "ja"}).text
    assert '<html lang="en"' in unknown and "Practice questions" in unknown


def test_the_members_setting_wins_over_the_browser(german_member):
    page = german_member[2].get("/community/", headers={"Accept-Language": "es"}).text
    assert "Praxisfragen" in page


def test_bad_preferences_are_refused_together_and_change_nothing(german_member, db):
    response = german_member[2].post("/community/profile/preferences",
                                     data={"language": "xx", "time_zone": "Mars/Olympus"})
    assert response.status_code == 422
    assert "Wähle eine der Sprachen aus der Liste." in response.text
    assert "Wähle eine Zeitzone aus der Liste" in response.text
    assert 'value="Mars/Olympus"' in response.text  # typed text kept
    saved = preference_service.preference_of(german_member[1])
    assert (saved.language, saved.time_zone) == ("de", "Europe/Berlin")


def test_choosing_spanish_switches_the_very_next_page(german_member):
    response = german_member[2].post("/community/profile/preferences",
                                     data={"language": "es", "time_zone": "America/Bogota"},
                                     follow_redirects=True)
    assert "Tu idioma y tu zona horaria están guardados." in response.text
    assert 'lang="es"' in response.text


def test_a_hosts_selector_wins_and_its_own_catalogue_keeps_working(database_url, tmp_path):
    """A Spanish host: its own messages.mo for its pages, the forum's Spanish for the forum."""
    catalogue = tmp_path / "es" / "LC_MESSAGES"
    catalogue.mkdir(parents=True)
    source = catalogue / "messages.po"
    source.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                      'msgid "Welcome to our platform"\nmsgstr "Bienvenida a nuestra plataforma"\n'
                      '\nmsgid "Search"\nmsgstr "Búsqueda del anfitrión"\n', encoding="utf-8")
    with source.open("rb") as po, (catalogue / "messages.mo").open("wb") as mo:
        write_mo(mo, read_po(po))
    app, _db, _user = create_host_app(database_url, config={
        "BABEL_TRANSLATION_DIRECTORIES": str(tmp_path)})
    babel = Babel(app, locale_selector=lambda: "es")  # after Forum(app): fitted late

    @app.route("/welcome")
    def welcome():
        return render_template_string("{{ _('Welcome to our platform') }} · {{ _('Search') }}")

    client = app.test_client()
    with app.app_context():
        assert client.get("/welcome").text == \
            "Bienvenida a nuestra plataforma · Búsqueda del anfitrión"
        forum_page = client.get("/community/search", headers={"Accept-Language": "de"}).text
    assert app.extensions["babel"].instance is babel
    assert "<h1>Buscar</h1>" in forum_page  # the forum's own Spanish, not the host's "Search"
    assert "Búsqueda del anfitrión" not in forum_page


def test_polish_style_plurals_use_every_form(tmp_path, app):
    folder = tmp_path / "pl" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "forum.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && '
        '(n%100<10 || n%100>=20) ? 1 : 2);\\n"\n\n'
        'msgid "%(num)s contribution"\nmsgid_plural "%(num)s contributions"\n'
        'msgstr[0] "%(num)s wpis"\nmsgstr[1] "%(num)s wpisy"\nmsgstr[2] "%(num)s wpisów"\n',
        encoding="utf-8")
    domain = CatalogueDomain(translation_directories=[str(tmp_path)], domain="forum")
    with force_locale("pl"):
        said = {n: domain.ngettext("%(num)s contribution", "%(num)s contributions", n)
                for n in (1, 2, 4, 5, 12, 22, 25)}
    assert said == {1: "1 wpis", 2: "2 wpisy", 4: "4 wpisy", 5: "5 wpisów", 12: "12 wpisów",
                    22: "22 wpisy", 25: "25 wpisów"}


def test_the_shipped_locales_are_english_german_and_spanish():
    assert shipped_locales() == ["en", "de", "es"]
    assert all(Locale.parse(code) for code in shipped_locales())


def test_english_stays_the_default_with_its_own_plurals(client, make_user, actor_for):
    actor = actor_for(make_user("Ana"))
    thread = thread_service.start_thread(actor, "How do you close a session well?")
    reply_service.add_reply(actor, thread.id, "With one question about the next step.")
    page = client.get("/community/").text
    assert '<html lang="en" dir="ltr"' in page and "1 contribution" in page
    assert re.search(r"\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}", page)  # "5 Mar 2026, 09:30"


def test_writing_to_a_member_uses_their_language_and_time_zone(app, german_member, german_thread):
    """What an email to a member is rendered in, whoever's request sends it."""
    from forum.i18n import format_when, gettext, speaking_to

    language, zone = preference_service.preference_for(german_member[1].member_id)
    moment = datetime(2026, 3, 5, 9, 30, tzinfo=timezone.utc)
    with app.test_request_context("/community/", headers={"Accept-Language": "es"}):
        with speaking_to(language, zone):
            assert gettext("Share your experience") == "Teile deine Erfahrung"
            assert format_when(moment) == "05.03.2026, 10:30"
        with speaking_to(None, None):
            assert format_when(moment) == "5 Mar 2026, 09:30"  # English as before Babel


def test_cached_pages_and_cards_follow_the_readers_language(app, german_thread):
    """The visitors' page cache and the card cache keep one copy per language: a German
    reader never gets an English card, nor the other way round."""
    visitor, url = app.test_client(), f"/community/threads/{german_thread.id}"
    pages = [visitor.get(url, headers={"Accept-Language": language}, follow_redirects=True).text
             for language in ("en", "de", "en", "de")]
    for english in pages[0::2]:
        assert 'aria-label="Contribution by Ana"' in english and "Beitrag von" not in english
    for german in pages[1::2]:
        assert 'aria-label="Beitrag von Ana"' in german and "Contribution by" not in german


def test_sentences_made_once_per_language_follow_each_request(app, german_thread):
    """The texts kept per catalogue (plain sentences, plurals with only their count, the
    scripts' messages) never leak from one request's language into the next one's."""
    visitor, url = app.test_client(), f"/community/threads/{german_thread.id}"
    expected = {"en": ("Skip to content", "Could not save.", "Rate 3 stars"),
                "de": ("Zum Inhalt springen", "Konnte nicht speichern.", "Mit 3 Sternen bewerten"),
                "es": ("Ir al contenido", "No se pudo guardar.", "Valorar con 3 estrellas")}
    template = app.jinja_env.from_string(
        "{{ _('Skip to content') }}|{{ ngettext('Rate %(num)s star', 'Rate %(num)s stars', 3) }}")
    template.name = "forum/sentences.html"  # the forum's domain, as in its own templates
    for language in ("en", "de", "es", "en", "es", "de"):
        skip, save, rate = expected[language]
        page = visitor.get(url, headers={"Accept-Language": language},
                           follow_redirects=True).text
        assert f'href="#forum-main">{skip}</a>' in page and f'"not_saved": "{save}"' in page
        with app.test_request_context("/community/", headers={"Accept-Language": language}):
            assert template.render() == f"{skip}|{rate}"
