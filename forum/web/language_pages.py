"""The reader's language and time zone (a profile setting), and a thread's language."""
from flask import flash, redirect, request
from flask_babel import get_locale, refresh

from forum.errors import ForumError
from forum.i18n import gettext as _
from forum.i18n import language_name, shipped_locales
from forum.services import languages as language_service
from forum.services import preferences as preference_service
from forum.urls import url_for
from forum.web.context import current_actor
from forum.web.discussion_common import login_required, thread_url
from forum.web.profile import render_profile
from forum.web.routes import Routes

routes = Routes()


@routes.template_global("forum_preferences")
def preferences():
    """What the profile's language and time zone form shows: choices, values, errors."""
    kept = getattr(request, "forum_preference_input", None)
    row = preference_service.preference_of(current_actor()) if kept is None else None
    return {
        "languages": [(code, language_name(code)) for code in shipped_locales()],
        "time_zones": preference_service.TIME_ZONES,
        "language": kept["language"] if kept else (row.language if row else None),
        "time_zone": kept["time_zone"] if kept else (row.time_zone if row else None),
        "errors": getattr(request, "forum_preference_errors", {}),
    }


@routes.post("/profile/preferences")
@login_required(back=lambda: url_for("forum.profile"))
def save_preferences():
    """Store the member's language and time zone; the page answers in the new language."""
    language, time_zone = request.form.get("language", ""), request.form.get("time_zone", "")
    try:
        preference_service.save_preferences(current_actor(), language, time_zone)
    except ForumError as error:
        request.forum_preference_input = {"language": language, "time_zone": time_zone}
        request.forum_preference_errors = getattr(error, "details", {}).get(
            "fields", {error.field: error.message})
        return render_profile(status=error.status)
    refresh()  # this response already in the chosen language
    request.environ.pop("forum.preference", None)
    flash(_("Your language and time zone are saved."), "success")
    return redirect(url_for("forum.profile"))


@routes.template_global("forum_thread_languages")
def thread_languages():
    """(code, name) of the languages a thread can be in, for its language menu."""
    return language_service.language_choices()


@routes.template_global("forum_language_name")
def thread_language_name(code):
    """A thread language's name in the reader's language."""
    return language_name(code, get_locale()) if code else _("unknown")


@routes.post("/threads/<int:thread_id>/language")
@login_required(back=lambda thread_id: url_for("forum.thread", thread_id=thread_id))
def thread_language(thread_id):
    """Change a thread's language (its author or a moderator): its search stemming follows."""
    thread = language_service.set_thread_language(
        current_actor(), thread_id, request.form.get("language", ""))
    flash(_("The question's language is saved."), "success")
    return redirect(thread_url(thread.id, slug=thread.slug))

