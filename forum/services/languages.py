"""A thread's language: detected when it is posted (CLD2), changeable by its author or a moderator.

The language picks PostgreSQL's text search configuration for the thread and its replies
(stemming "Klientinnen" to "klientin" in German); languages PostgreSQL has no stemmer for, and
text too short to tell, use the 'simple' configuration (words as written, lower-cased).
"""
import pycld2
from babel import Locale, UnknownLocaleError
from flask import current_app
from flask_babel import get_locale

from forum import markup
from forum.database import atomic, session
from forum.errors import Forbidden, ValidationError
from forum.i18n import gettext as _
from forum.i18n import language_name
from forum.models import Thread
from forum.services.audit import log_action
from forum.services.permissions import can_set_language, is_author
from forum.services.visibility import visible_thread

# ISO 639-1 code -> PostgreSQL's built-in text search configuration (PostgreSQL 13+; a
# configuration missing from the server falls back to 'simple', see migration 0018).
SEARCH_CONFIGS = {
    "ar": "arabic", "hy": "armenian", "eu": "basque", "ca": "catalan", "da": "danish",
    "nl": "dutch", "en": "english", "fi": "finnish", "fr": "french", "de": "german",
    "el": "greek", "hi": "hindi", "hu": "hungarian", "id": "indonesian", "ga": "irish",
    "it": "italian", "lt": "lithuanian", "ne": "nepali", "no": "norwegian", "pt": "portuguese",
    "ro": "romanian", "ru": "russian", "sr": "serbian", "es": "spanish", "sv": "swedish",
    "ta": "tamil", "tr": "turkish", "yi": "yiddish",
}
UNKNOWN_CONFIG = "simple"
CODE_MAX = 16


def search_config(code):
    """The text search configuration for a language code ('simple' when there is none)."""
    return SEARCH_CONFIGS.get((code or "").split("-")[0].split("_")[0], UNKNOWN_CONFIG)


def detect(text):
    """The ISO 639-1 code of the text's language, or None when CLD2 is not sure (short text)."""
    try:
        reliable, _bytes, details = pycld2.detect(text)
    except pycld2.error:  # invalid UTF-8 cannot reach here from str, but control bytes can
        return None
    code = details[0][1]
    if not reliable or code in ("un", "xxx"):
        return None
    return code.split("-")[0].lower()[:CODE_MAX]


def detect_thread_language(*texts):
    """The language of a new thread's texts, else the site's FORUM_DEFAULT_LANGUAGE (or None)."""
    return detect(" ".join(t for t in texts if t)) or \
        current_app.config["FORUM_DEFAULT_LANGUAGE"] or None


def clean_language(code):
    """A language code someone chose: '' for unknown, else a code Babel knows; else a 422."""
    code = markup.clean_line(code or "").replace("-", "_")
    if code in ("", UNKNOWN_CONFIG):
        return None
    try:
        Locale.parse(code)
    except (ValueError, UnknownLocaleError):
        raise ValidationError(_("Choose a language from the list."), field="language") from None
    return code[:CODE_MAX]


def language_choices():
    """(code, name) of every language with a search configuration, by name in the viewer's
    language, for the thread's language menu."""
    names = {code: language_name(code, _viewer_locale()) for code in SEARCH_CONFIGS}
    return sorted(names.items(), key=lambda item: item[1].casefold())


def _viewer_locale():
    """The locale pages are shown in (English outside a request)."""
    return get_locale() or Locale("en")


def set_thread_language(actor, thread_id, code):
    """Change a thread's language (its author or a moderator); a moderator's change is logged."""
    member = actor.require_member()
    thread = visible_thread(actor, session().get(Thread, thread_id))
    if not can_set_language(actor, thread):
        raise Forbidden(_("Only the question's author or a moderator can change its language."))
    language = clean_language(code)
    with atomic():
        before, thread.language = thread.language, language
        if not is_author(actor, thread):
            log_action(member, "set_language", "thread", thread.id,
                       before={"language": before}, after={"language": language})
    return thread
