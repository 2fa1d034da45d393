"""Pages and form posts for rating threads and contributions (JSON for scripts that ask for it)."""
import re

from flask import abort, flash, g, jsonify, redirect, request

from forum.errors import ForumError, NotFound
from forum.i18n import gettext as _
from forum.limits import limit
from forum.services import ratings as rating_service
from forum.services import replies as reply_service
from forum.services import threads as thread_service
from forum.web.context import current_actor
from forum.web.discussion_common import thread_url
from forum.web.routes import Routes
from forum.web.thread_page import rating_text, render_thread, stars_text

routes = Routes()
TARGET_FIELD = re.compile(r"(thread|reply)-([0-9]{1,18})")


def wants_json():
    """Whether the client asked for JSON (the in-place script does; plain forms do not)."""
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return request.is_json or best == "application/json"


def _submitted():
    """(remove, stars) from a form post or a JSON body."""
    if "forum_rating_choice" in g:  # the page's one rating form: the button said it
        return g.forum_rating_choice
    if request.is_json:
        data = request.get_json(silent=True)
        data = data if isinstance(data, dict) else {}
        return bool(data.get("remove")), data.get("stars")
    return bool(request.form.get("remove")), request.form.get("stars")


def _apply(kind, target_id):
    """Rate or unrate for the current actor; returns (summary, message)."""
    actor = current_actor()
    remove, stars = _submitted()
    if remove:
        result = rating_service.unrate(actor, kind, target_id)
        return result, (_("Your rating of this question was removed.") if kind == "thread"
                        else _("Your rating of this contribution was removed."))
    result = rating_service.rate(actor, kind, target_id, stars)
    stars = stars_text(result.mine)
    return result, (_("You rated this question %(stars)s.", stars=stars) if kind == "thread"
                    else _("You rated this contribution %(stars)s.", stars=stars))


def _respond(kind, target_id, thread_id, anchor):
    """Shared handler: JSON for scripts, redirect with a flash for forms, 4xx with a message."""
    as_json = wants_json()
    try:
        summary, message = _apply(kind, target_id)
    except ForumError as error:
        if as_json:
            return jsonify(error={"code": error.code, "message": error.message,
                                  "field": error.field}), error.status
        if isinstance(error, NotFound) or thread_id is None:
            raise
        flash(error.message, "error")
        thread = thread_service.get_thread(current_actor(), thread_id)
        return render_thread(thread, status=error.status)
    if as_json:
        return jsonify(target=kind, id=target_id, rating=summary.as_dict(),
                       text=rating_text(summary), message=message)
    flash(message, "success")
    return redirect(thread_url(thread_id, anchor), 303)


@routes.post("/threads/<int:thread_id>/rating")
@limit("rating")
def rate_thread(thread_id):
    """Rate this article: give, change (stars=1..5) or remove (remove=1) your stars."""
    return _respond("thread", thread_id, thread_id, "rate-thread")


@routes.post("/replies/<int:reply_id>/rating")
@limit("rating")
def rate_reply(reply_id):
    """Give, change or remove your stars for one contribution."""
    try:
        thread_id = reply_service.get_reply(reply_id).thread_id
    except NotFound:
        thread_id = None
    return _respond("reply", reply_id, thread_id, f"reply-{reply_id}")


@routes.post("/ratings")
@limit("rating")
def rate():
    """The page's one rating form: the pressed button is named after the item it rates
    (`reply-123` or `thread-9`) and its value is the stars, or `remove`."""
    for name, value in request.form.items():
        target = TARGET_FIELD.fullmatch(name)
        if target:
            break
    else:
        abort(400)
    kind, target_id = target.group(1), int(target.group(2))
    g.forum_rating_choice = (value == "remove", value)
    if kind == "thread":
        return rate_thread(target_id)
    return rate_reply(target_id)
