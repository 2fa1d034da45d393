"""The forum's own translation domain "forum": gettext for its code, its templates and its emails.

Catalogues ship as .po files in forum/translations/<locale>/LC_MESSAGES/forum.po and are
compiled in memory by Babel the first time a locale is asked for (0.15 s for 700 messages, once
per process and locale), so no generated .mo file is committed or has to be built before the
forum runs. A host's own catalogues (Flask-Babel's default domain) are never read or changed.
"""
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel import Locale, UnknownLocaleError, dates, numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from flask_babel import Domain, force_locale, get_locale, refresh, to_user_timezone
from jinja2 import pass_context
from markupsafe import Markup

TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"
DOMAIN = "forum"
SOURCE_LANGUAGE = "en"


class CatalogueDomain(Domain):
    """A Flask-Babel domain whose catalogues are .po files, compiled in memory on first use."""

    last = (None, None)  # (locale, its catalogue): a page asks hundreds of times in a row

    def get_translations(self):
        """The catalogue of the request's locale (its language's when the region has none)."""
        locale = get_locale()
        if locale is None:
            return NullTranslations()
        last_locale, translations = self.last
        if locale is last_locale:  # the same Locale object: no str() and lookup (3 µs) again
            return translations
        key = str(locale)
        if key not in self.cache:
            self.cache[key] = load_catalogue(self.translation_directories, locale, self.domain[0])
        translations = self.cache[key]
        self.last = (locale, translations)  # one assignment: threads see old or new, whole
        return translations


def load_catalogue(directories, locale, domain):
    """Translations for `locale` from the first .po found per directory (region, then language)."""
    translations = NullTranslations()
    for directory in directories:
        for name in dict.fromkeys((str(locale), locale.language)):
            path = Path(directory) / name / "LC_MESSAGES" / f"{domain}.po"
            if path.is_file():
                with path.open("rb") as po_file:
                    catalog = read_po(po_file, locale=name, domain=domain)
                compiled = BytesIO()
                write_mo(compiled, catalog)  # fuzzy entries are left out, as gettext does
                compiled.seek(0)
                found = Translations(compiled, domain=domain)
                if isinstance(translations, Translations):
                    translations.merge(found)
                else:
                    translations = found
                break
    return translations


forum_domain = CatalogueDomain(translation_directories=[str(TRANSLATIONS_DIR)], domain=DOMAIN)
gettext = forum_domain.gettext
pgettext = forum_domain.pgettext
npgettext = forum_domain.npgettext
lazy_gettext = forum_domain.lazy_gettext
lazy_ngettext = forum_domain.lazy_ngettext
_ = gettext


# (language, time zone) of the member an email is written to, while speaking_to() runs.
recipient = ContextVar("forum_recipient", default=None)


@contextmanager
def speaking_to(language, time_zone):
    """Write to one member (an email, a digest): their language and time zone win over the
    request's, whoever sent it. None: the site's default language, UTC."""
    token = recipient.set((language, time_zone))
    try:
        with force_locale(language or SOURCE_LANGUAGE):
            refresh()  # the time zone is chosen again, for the recipient
            yield
    finally:
        recipient.reset(token)
        refresh()


def shipped_locales():
    """The locales the forum has a catalogue for, English (its source language) first."""
    names = sorted(path.parent.parent.name
                   for path in TRANSLATIONS_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return [SOURCE_LANGUAGE] + [name for name in names if name != SOURCE_LANGUAGE]


def translations_everywhere(msgctxt, msgid):
    """A message in every shipped locale, its English source included (for input in any of
    them, such as the import format's headers)."""
    found = {msgid}
    for name in shipped_locales()[1:]:
        catalogue = load_catalogue([TRANSLATIONS_DIR], Locale.parse(name), DOMAIN)
        found.add(catalogue.upgettext(msgctxt, msgid))
    return found


def language_name(code, in_locale=None):
    """A language's name in `in_locale`, else in itself ("Deutsch"), capitalized for menus."""
    try:
        name = Locale.parse(code).get_display_name(in_locale) or code
        return name[:1].upper() + name[1:]
    except (ValueError, UnknownLocaleError):
        return code


def text_direction(locale=None):
    """"rtl" for a right-to-left locale (Arabic, Hebrew, Persian...), else "ltr"."""
    locale = locale or get_locale()
    if locale is not None and locale.character_order == "right-to-left":
        return "rtl"
    return "ltr"


def locale_tag(locale=None):
    """The BCP 47 tag of a locale ("de-AT"), for `lang` attributes."""
    locale = locale or get_locale() or Locale(SOURCE_LANGUAGE)
    return str(locale).replace("_", "-")


# English (the source language, no region) keeps the forum's own formats from before it was
# translated: day first and a 24-hour clock ("5 Mar 2026, 14:03"), which also read well
# in English outside the United States. A region ("en_US") gets Babel's formats for it.
ENGLISH_PATTERNS = {"when": "d MMM y, HH:mm", "date": "d MMM y", "day": "d MMM"}


def _reader_locale():
    """The locale dates and numbers are written in: the request's, else English."""
    return get_locale() or Locale(SOURCE_LANGUAGE)


def _english(locale):
    """Whether the forum's own English formats apply (English without a region)."""
    return locale.language == SOURCE_LANGUAGE and not locale.territory


def format_when(moment):
    """A moment as the reader reads dates, in their time zone ("5. März 2026, 14:03")."""
    locale = _reader_locale()
    moment = to_user_timezone(moment)
    if _english(locale):
        return dates.format_datetime(moment, ENGLISH_PATTERNS["when"], tzinfo=moment.tzinfo,
                                     locale=locale)
    return dates.get_datetime_format("medium", locale).format(
        dates.format_time(moment, "short", locale=locale),
        dates.format_date(moment, "medium", locale=locale))


def format_date(day):
    """A calendar date as the reader writes it (no time, no time zone)."""
    locale = _reader_locale()
    return dates.format_date(day, ENGLISH_PATTERNS["date"] if _english(locale) else "medium",
                             locale=locale)


def format_skeleton_day(day):
    """Day and short month as the reader writes them ("5 Mar", "5. März"), for chart labels."""
    locale = _reader_locale()
    if _english(locale):
        return dates.format_date(day, ENGLISH_PATTERNS["day"], locale=locale)
    return dates.format_skeleton("MMMd", day, locale=locale)


def format_number(number, digits=None):
    """A number with the reader's digit grouping and decimal sign ("1.234,5" in German)."""
    return _formatted(str(get_locale() or SOURCE_LANGUAGE), type(number), number, digits)


@lru_cache(maxsize=4096)
def _formatted(locale, _kind, number, digits):
    """format_number's text, kept: Babel's formatting costs 30 µs, and pages show the same
    counts and averages again and again (the number's type is in the key: 1 and 1.0 differ)."""
    if digits is None:
        return numbers.format_decimal(number, locale=locale)
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    return numbers.format_decimal(number, format=pattern, locale=locale)


def ngettext(singular, plural, n, /, **variables):
    """The plural form for n in the forum's domain; %(num)s is n with the reader's digit
    grouping unless given."""
    variables.setdefault("num", format_number(n))
    return forum_domain.get_translations().ungettext(singular, plural, n) % variables


def _newstyle(rv, context, variables):
    """What Jinja's gettext returns: safe text, variables filled in (new style) or not (old)."""
    if context.eval_ctx.autoescape:
        rv = Markup(rv)
    return rv % variables if context.environment.newstyle_gettext else rv


PLAIN_TEXTS_MAX = 4096


def _forum_gettext(context, string, /, **variables):
    translations = forum_domain.get_translations()
    if variables or not (context.eval_ctx.autoescape and context.environment.newstyle_gettext):
        return _newstyle(translations.ugettext(string), context, variables)
    # A sentence without variables reads the same on every page in a language: made once per
    # catalogue (Markup, then "%" as Jinja's gettext does: "%%" becomes "%").
    made = translations.__dict__.setdefault("forum_plain_texts", {})
    text = made.get(string)
    if text is None:
        text = Markup(translations.ugettext(string)) % {}
        if len(made) < PLAIN_TEXTS_MAX:  # bounded, should a host's template pass any text
            made[string] = text
    return text


def _forum_ngettext(context, singular, plural, num, /, **variables):
    translations = forum_domain.get_translations()
    if (variables or type(num) is not int
            or not (context.eval_ctx.autoescape and context.environment.newstyle_gettext)):
        variables.setdefault("num", num)
        return _newstyle(translations.ungettext(singular, plural, num), context, variables)
    # "Rate 3 stars": with only its count, the same on every page in a language (made once).
    made = translations.__dict__.setdefault("forum_plain_plurals", {})
    key = (singular, plural, num)
    text = made.get(key)
    if text is None:
        text = Markup(translations.ungettext(singular, plural, num)) % {"num": num}
        if len(made) < PLAIN_TEXTS_MAX:
            made[key] = text
    return text


def _forum_pgettext(context, msgctxt, string, /, **variables):
    rv = forum_domain.get_translations().upgettext(msgctxt, string)
    return _newstyle(rv, context, variables)


def _forum_npgettext(context, msgctxt, singular, plural, num, /, **variables):
    variables.setdefault("num", num)
    rv = forum_domain.get_translations().unpgettext(msgctxt, singular, plural, num)
    return _newstyle(rv, context, variables)


DOMAIN_CALLABLES = {"gettext": _forum_gettext, "ngettext": _forum_ngettext,
                   "pgettext": _forum_pgettext, "npgettext": _forum_npgettext}


def is_forum_template(name):
    """The forum's templates (and a host's overrides of them) live under "forum/"."""
    return bool(name) and name.startswith("forum/")


def _dispatcher(name, host_callable):
    """A Jinja global that translates in the forum's domain inside forum templates, and calls
    the host's own callable everywhere else (`_` and `{% trans %}` resolve to these names)."""
    forum_callable = DOMAIN_CALLABLES[name]

    @pass_context
    def translate(context, /, *args, **variables):
        if is_forum_template(context.name) or host_callable is None:
            return forum_callable(context, *args, **variables)
        return context.call(host_callable, *args, **variables)

    translate.forum_host_callable = host_callable
    return translate


def fit_jinja(env):
    """Route gettext and friends in `env` through the forum's domain for forum templates only.

    Idempotent, and run again after a host's late Babel(app), which installs its own callables.
    """
    if "jinja2.ext.InternationalizationExtension" not in env.extensions:
        env.add_extension("jinja2.ext.i18n")
        env.newstyle_gettext = True
    for name in DOMAIN_CALLABLES:
        current = env.globals.get(name)
        if not hasattr(current, "forum_host_callable"):
            env.globals[name] = _dispatcher(name, current)
