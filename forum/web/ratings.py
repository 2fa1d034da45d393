"""Pages and form posts for rating threads and contributions (JSON for scripts that ask for it)."""
from flask import flash, g, jsonify, redirect, request, url_for

from forum.errors import ForumError, NotFound
from forum.limits import limit
from forum.services import permissions
from forum.services import ratings as rating_service
from forum.services import replies as reply_service
from forum.services import threads as thread_service
from forum.web.blueprint import bp
from forum.web.context import current_actor

STAR_CHOICES = tuple(range(rating_service.STARS_MIN, rating_service.STARS_MAX + 1))


class PageRatings:
    """The viewer's ratings and a thread's top contributors, loaded once per page (one query each)."""

    def __init__(self, actor):
        self.actor = actor
        self._mine = {}
        self._threads_loaded = set()
        self._replies_loaded = set()
        self._top = {}
        self._threads = {}
        self._mean = None

    def preload(self, thread):
        """Load the viewer's ratings on this thread and all its contributions (one query)."""
        self._threads[thread.id] = thread
        if thread.id not in self._threads_loaded:
            self._threads_loaded.add(thread.id)
            self._mine.update(rating_service.viewer_ratings(self.actor, thread.id))

    def preload_replies(self, replies):
        """Load the viewer's ratings on contributions from many threads (one query)."""
        self._threads.update((reply.thread_id, reply.thread) for reply in replies)
        ids = {reply.id for reply in replies} - self._replies_loaded
        if ids:
            self._replies_loaded |= ids
            self._mine.update(rating_service.viewer_ratings(self.actor, reply_ids=ids))

    def mine(self, kind, item):
        """The viewer's stars for a thread or reply, or None."""
        if kind == "reply" and item.id in self._replies_loaded:
            return self._mine.get((kind, item.id))
        thread_id = item.id if kind == "thread" else item.thread_id
        if thread_id not in self._threads_loaded:
            self._threads_loaded.add(thread_id)
            self._mine.update(rating_service.viewer_ratings(self.actor, thread_id))
        return self._mine.get((kind, item.id))

    def summary(self, kind, item):
        """The item's RatingSummary, with the viewer's own stars."""
        if self._mean is None:  # kept here too, so a replayed page needs no query
            self._mean = rating_service.site_mean()
        return rating_service.summarize(item, mine=self.mine(kind, item), mean=self._mean)

    def refusal(self, kind, item):
        """Why the viewer may not rate this item (the permissions' message), or None."""
        thread = item if kind == "thread" else self._threads.get(item.thread_id)
        refusal = permissions.rating_refusal(self.actor, kind, item, thread)
        return refusal.message if refusal else None

    def top_contributors(self, thread):
        """The thread's best-rated contributors (one query per thread per request)."""
        if thread.id not in self._top:
            self._top[thread.id] = rating_service.top_contributors(thread.id)
        return self._top[thread.id]


@bp.before_app_request
def forget_previous_ratings():
    """Never reuse rating data cached for an earlier request that shared this app context."""
    g.pop("forum_page_ratings", None)
    rating_service.forget_site_mean()


@bp.app_template_global("forum_ratings")
def page_ratings():
    """This request's PageRatings (templates call forum_ratings() from the rating macros)."""
    if "forum_page_ratings" not in g:
        g.forum_page_ratings = PageRatings(current_actor())
    return g.forum_page_ratings


@bp.app_template_global("forum_star_choices")
def star_choices():
    """The star values a rating form offers, 1 to 5."""
    return STAR_CHOICES


@bp.app_template_global("forum_rating_text")
def rating_text(summary):
    """The figures line a page shows, and the script puts back in place after a change."""
    if summary.count == 0:
        text = "No ratings yet."
    elif summary.needs_more:
        text = (f"Needs more ratings ({summary.count} rating"
                f"{'' if summary.count == 1 else 's'} so far).")
    else:
        text = f"★ {summary.average:.1f} average from {summary.count} ratings."
    if summary.mine:
        text += f" Your rating: {_stars_text(summary.mine)}."
    return text


def wants_json():
    """Whether the client asked for JSON (the in-place script does; plain forms do not)."""
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return request.is_json or best == "application/json"


def _submitted():
    """(remove, stars) from a form post or a JSON body."""
    if request.is_json:
        data = request.get_json(silent=True)
        data = data if isinstance(data, dict) else {}
        return bool(data.get("remove")), data.get("stars")
    return bool(request.form.get("remove")), request.form.get("stars")


def _stars_text(stars):
    """'1 star' / '4 stars'."""
    return f"{stars} star{'' if stars == 1 else 's'}"


def _apply(kind, target_id):
    """Rate or unrate for the current actor; returns (summary, message)."""
    actor = current_actor()
    remove, stars = _submitted()
    what = "question" if kind == "thread" else "contribution"
    if remove:
        result = rating_service.unrate(actor, kind, target_id)
        return result, f"Your rating of this {what} was removed."
    result = rating_service.rate(actor, kind, target_id, stars)
    return result, f"You rated this {what} {_stars_text(result.mine)}."


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
        from forum.web.threads import render_thread  # (threads imports this module)

        flash(error.message, "error")
        thread = thread_service.get_thread(current_actor(), thread_id)
        return render_thread(thread, status=error.status)
    if as_json:
        return jsonify(target=kind, id=target_id, rating=summary.as_dict(),
                       text=rating_text(summary), message=message)
    flash(message, "success")
    return redirect(url_for("forum.thread", thread_id=thread_id) + anchor, 303)


@bp.post("/threads/<int:thread_id>/rating")
@limit("rating")
def rate_thread(thread_id):
    """Rate this article: give, change (stars=1..5) or remove (remove=1) your stars."""
    return _respond("thread", thread_id, thread_id, "#rate-thread")


@bp.post("/replies/<int:reply_id>/rating")
@limit("rating")
def rate_reply(reply_id):
    """Give, change or remove your stars for one contribution."""
    try:
        thread_id = reply_service.get_reply(reply_id).thread_id
    except NotFound:
        thread_id = None
    return _respond("reply", reply_id, thread_id, f"#reply-{reply_id}")
