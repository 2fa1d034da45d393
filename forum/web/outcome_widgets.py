"""What the outcome parts of a contribution card read, loaded once per page: the viewer's own
"I'll try this" and report with members' notes (one query), and for the question's author the
per-prompt table (one query). Below the routes, imported by them."""
from flask import current_app, g, request

from forum.services import outcomes as outcome_service
from forum.services import permissions
from forum.web.context import current_actor
from forum.web.routes import Routes
from forum.i18n import lazy_gettext as _lazy
from forum.i18n import ngettext

routes = Routes()
REMIND_CHOICES = ((7, _lazy("in 1 week")), (21, _lazy("in 3 weeks")), (42, _lazy("in 6 weeks")),
                  (0, _lazy("never")))


class PageOutcomes:
    """The viewer's outcome rows and members' notes for a page's contributions."""

    def __init__(self, actor):
        self.actor = actor
        self._loaded = set()
        self._mine = {}
        self._notes = {}
        self.error = None  # the ForumError of a failed form post, re-shown on its card

    def preload(self, replies):
        """Load the viewer's rows and the notes for these contributions (members: one query)."""
        ids = {reply.id for reply in replies} - self._loaded
        if not ids or not self.actor.is_authenticated:
            self._loaded |= ids
            return
        self._loaded |= ids
        mine, notes = outcome_service.page_outcomes(self.actor, ids)
        self._mine.update(mine)
        self._notes.update(notes)

    def mine(self, reply):
        """The viewer's own row (services.outcomes.Mine) for this contribution, or None."""
        if reply.id not in self._loaded:
            self.preload([reply])
        return self._mine.get(reply.id)

    def notes(self, reply):
        """Members' newest notes on this contribution (none for visitors)."""
        if reply.id not in self._loaded:
            self.preload([reply])
        return self._notes.get(reply.id, [])

    def ids_with_own_parts(self):
        """Ids of the loaded contributions whose widget is the viewer's own: their outcome row,
        members' notes, or the failed report form being re-shown (then all of them)."""
        if self.error is not None and request.method == "POST":
            return self._loaded
        return self._mine.keys() | self._notes.keys()

    def refusal(self, reply):
        """Why the viewer may not try or report on this contribution (message), or None."""
        refusal = permissions.outcome_refusal(self.actor, reply)
        return refusal.message if refusal else None

    def is_author(self, item):
        """Whether the viewer wrote this contribution or question."""
        return permissions.is_author(self.actor, item)

    def draft(self, reply):
        """The form a failed report post sent for this contribution (kept, to be corrected)."""
        if (self.error is not None and request.method == "POST"
                and (request.view_args or {}).get("reply_id") == reply.id):
            return request.form
        return None


@routes.hook("before_request")
def forget_previous_outcomes():
    """Never reuse outcome data cached for an earlier request that shared this app context."""
    g.pop("forum_page_outcomes", None)


@routes.template_global("forum_outcomes")
def page_outcomes():
    """This request's PageOutcomes (the _outcomes.html macros call forum_outcomes())."""
    if "forum_page_outcomes" not in g:
        g.forum_page_outcomes = PageOutcomes(current_actor())
    return g.forum_page_outcomes


@routes.template_global("forum_outcome_labels")
def outcome_labels():
    """The five outcome levels, best first, as (value, label) pairs for the report form."""
    return sorted(((value, str(label)) for value, label in outcome_service.OUTCOME_LABELS.items()),
                  reverse=True)


def in_days(days):
    """"in 5 days", in the reader's language."""
    return ngettext("in %(num)s day", "in %(num)s days", days)


@routes.template_global("forum_remind_choices")
def remind_choices():
    """The reminder delays "I'll try this" offers as (days, label, selected), the site's
    default (FORUM_OUTCOME_REMINDER_DAYS) among them and preselected."""
    default = current_app.config["FORUM_OUTCOME_REMINDER_DAYS"]
    choices = dict(REMIND_CHOICES)
    choices.setdefault(default, in_days(default))
    ordered = sorted(choices.items(), key=lambda item: (item[0] == 0, item[0]))
    return [(days, label, days == default) for days, label in ordered]


@routes.template_global("forum_outcome_figures")
def outcome_figures(reply):
    """The shared figures of a contribution (from its own columns: no query)."""
    return outcome_service.figures(reply)


@routes.template_global("forum_prompt_outcomes")
def prompt_outcomes(thread):
    """For the question's author only: the per-prompt outcomes table (one query), else []."""
    if not permissions.is_author(current_actor(), thread):
        return []
    return outcome_service.prompt_outcomes(thread)
