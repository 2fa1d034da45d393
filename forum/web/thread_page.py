"""Building the thread page (for its own route and for forms that re-show it with an error),
with the per-request caches its rating widgets read: below the routes, imported by them."""
from itertools import groupby

from flask import g, request

from forum.services import permissions
from forum.services import ratings as rating_service
from forum.services import replies as reply_service
from forum.services import threads as thread_service
from forum.web.byte_pages import render_page
from forum.web.composer import LazyForm, draft_or_lazy, replying_to
from forum.web.context import current_actor
from forum.web.discussion_common import prompt_choices
from forum.web.forms import ReplyForm
from forum.web.list_cache import thread_rows, until_next_write
from forum.web.outcome_widgets import page_outcomes
from forum.web.pages import page_arg
from forum.web.routes import Routes
from forum.i18n import format_number, ngettext
from forum.i18n import gettext as _

routes = Routes()
THREAD_VIEWS = ("order", "prompts")
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
        self._visitor_refusal = None

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
        if not self.actor.is_authenticated:  # "log in" on every item: asked once a page
            if self._visitor_refusal is None:
                self._visitor_refusal = permissions.rating_refusal(self.actor, kind, item).message
            return self._visitor_refusal
        thread = item if kind == "thread" else self._threads.get(item.thread_id)
        refusal = permissions.rating_refusal(self.actor, kind, item, thread)
        return refusal.message if refusal else None

    def top_contributors(self, thread):
        """The thread's best-rated contributors (one query per thread until the next write)."""
        if thread.id not in self._top:
            self._top[thread.id] = until_next_write(
                ("top_contributors", thread.id, rating_service.prior_weight()),
                lambda: rating_service.top_contributors(thread.id))
        return self._top[thread.id]


@routes.hook("before_request")
def forget_previous_ratings():
    """Never reuse rating data cached for an earlier request that shared this app context."""
    g.pop("forum_page_ratings", None)


@routes.template_global("forum_ratings")
def page_ratings():
    """This request's PageRatings (templates call forum_ratings() from the rating macros)."""
    if "forum_page_ratings" not in g:
        g.forum_page_ratings = PageRatings(current_actor())
    return g.forum_page_ratings


@routes.template_global("forum_answers")
def answers(reply):
    """The ids of the contributions that answer this one (loaded with the page's replies)."""
    return reply_service.answers(reply)


@routes.template_global("forum_chips")
def chips(reply):
    """A contribution's tags that its text does not already link as #hashtags."""
    return [tag for tag in reply.tags if f'/tags/{tag.slug}"' not in reply.html]


@routes.template_global("forum_star_choices")
def star_choices():
    """The star values a rating form offers, 1 to 5."""
    return STAR_CHOICES


@routes.template_global("forum_rating_text")
def rating_text(summary):
    """The figures line a page shows, and the script puts back in place after a change."""
    if summary.count == 0:
        text = _("No ratings yet.")
    elif summary.needs_more:
        text = ngettext("Needs more ratings (%(num)s rating so far).",
                        "Needs more ratings (%(num)s ratings so far).", summary.count,
                        num=format_number(summary.count))
    else:
        text = ngettext("★ %(average)s average from %(num)s rating.",
                        "★ %(average)s average from %(num)s ratings.", summary.count,
                        average=format_number(summary.average, 1),
                        num=format_number(summary.count))
    if summary.mine:
        text += " " + _("Your rating: %(stars)s.", stars=stars_text(summary.mine))
    return text


def stars_text(stars):
    """'1 star' / '4 stars'."""
    return ngettext("%(num)s star", "%(num)s stars", stars)


def render_thread(thread, form=None, status=200):
    """Render a thread page (a Thread or its id), also to re-show it with a form's errors."""
    actor = current_actor()
    if isinstance(thread, int):
        thread = thread_service.get_thread(actor, thread)
    view = request.args.get("view")
    view = view if view in THREAD_VIEWS else "order"
    sort = reply_service.reply_sort(thread, request.args.get("sort"))
    replies = thread_rows(actor, thread, page_arg(), sort, by_prompt=view == "prompts",
                          include_deleted=True)
    g.forum_card_thread = thread  # what the cards' viewer parts read (card_cache)
    page_ratings().preload(thread)  # the viewer's ratings on the whole page: one query
    page_outcomes().preload(replies.items)  # members: their own outcomes, and notes
    groups = [(group[0].prompt, group) for group in (
        list(items) for _, items in groupby(replies.items, key=lambda r: r.prompt_id))]
    reply_form = _reply_form(actor, form, thread)
    return render_page(
        "forum/thread.html", thread=thread, replies=replies, view=view, groups=groups,
        reply_sort=sort, reply_form=reply_form,
        replying_to=None if reply_form is None or isinstance(reply_form, LazyForm)
        else replying_to(reply_form, thread)), status


def _reply_form(actor, form, thread):
    """The reply form for members (or the one that failed), a fresh one filled from their kept
    draft; None for visitors, because making a form makes its CSRF token, which would start a
    session for every visitor."""
    if form is None and not actor.is_authenticated:
        return None
    if form is None:
        return draft_or_lazy(lambda: prompt_choices(ReplyForm(), thread.prompts), thread.id)
    return prompt_choices(form, thread.prompts)
