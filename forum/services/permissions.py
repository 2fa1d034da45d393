"""Who may do what to which item: one answer per action, enforced by services and asked by pages.

Services raise when a check fails; pages and templates (through `forum_can(action, item)`) ask
the same functions to decide which forms and links to offer, so the two never disagree.
Whether an item may be seen at all is forum.services.visibility's rule.
"""
from forum.errors import Conflict, Forbidden, NotFound, Unauthorized
from forum.services.visibility import can_see, is_live
from forum.i18n import gettext as _
from forum.i18n import lazy_gettext as _lazy

NOUN = {"thread": "thread", "reply": "contribution"}  # kinds in API fields and logs
GONE = {"thread": _lazy("That thread does not exist or was removed."),
        "reply": _lazy("That contribution does not exist or was removed.")}
NOT_PUBLIC = {
    ("rated", "thread"): _lazy(
        "Hidden or deleted items cannot be rated: this thread is not public."),
    ("rated", "reply"): _lazy(
        "Hidden or deleted items cannot be rated: this contribution is not public."),
    ("tried", "thread"): _lazy(
        "Hidden or deleted items cannot be tried: this thread is not public."),
    ("tried", "reply"): _lazy(
        "Hidden or deleted items cannot be tried: this contribution is not public."),
}
OWN = {"thread": _lazy("You cannot rate your own question."),
       "reply": _lazy("You cannot rate your own contribution.")}


def is_author(actor, item):
    """Whether the actor wrote this thread or reply (never for visitors or removed authors)."""
    return (actor.is_authenticated and item.author_id is not None
            and item.author_id == actor.member_id)


def _author_or_moderator(actor, item):
    """The rule shared by editing, retagging and deleting: a moderator, or the item's author
    while it is live (a hidden item is frozen for its author until a moderator restores it)."""
    return actor.is_authenticated and (
        actor.can_moderate or (is_author(actor, item) and is_live(item)))


def can_edit(actor, item):
    """May the actor change this contribution's text (its author or a moderator)?"""
    return _author_or_moderator(actor, item)


def can_delete(actor, item):
    """May the actor soft-delete this contribution (its author or a moderator)?"""
    return _author_or_moderator(actor, item)


def can_edit_tags(actor, item):
    """May the actor replace this thread's or contribution's tags (its author or a moderator)?"""
    return _author_or_moderator(actor, item)


def can_set_language(actor, item):
    """May the actor change this thread's language (its author or a moderator)?"""
    return _author_or_moderator(actor, item)


def can_hide(actor, item=None):
    """May the actor hide or unhide content, pin or lock threads, merge tags (moderators)?"""
    return actor.can_moderate


def can_restore(actor, item=None):
    """May the actor restore a deleted contribution (moderators)?"""
    return actor.can_moderate


def can_see_history(actor, item=None):
    """May the actor read a contribution's earlier versions (moderators)?"""
    return actor.can_moderate


def can_verify_credentials(actor, item=None):
    """May the actor mark members' declared credentials verified, or take that back
    (moderators)?"""
    return actor.can_moderate


def can_see_community(actor, item=None):
    """May the actor read the community-at-a-glance page (moderators)?"""
    return actor.can_moderate


def can_flag(actor, item):
    """May the actor flag this item for the moderators (any member who can see it, except its
    author: one's own item is edited or deleted, not reported)?"""
    return actor.is_authenticated and can_see(actor, item) and not is_author(actor, item)


def _not_public(actor, kind, item, thread, done="rated"):
    """NotFound (members) or Conflict (moderators) when the item or its thread is not live."""
    if is_live(item) and (thread is None or is_live(thread)):
        return None
    if not actor.can_moderate:
        return NotFound(GONE[kind])
    return Conflict(NOT_PUBLIC[done, kind])


def rating_refusal(actor, kind, item, thread=None):
    """Why the actor may not rate this thread or reply (a ForumError to raise or show), or None.

    thread is the reply's thread when known (a reply in a hidden thread is not public either).
    """
    if not actor.is_authenticated:
        return Unauthorized(_('Log in to rate.'))
    refusal = _not_public(actor, kind, item, thread)
    if refusal is None and is_author(actor, item):
        refusal = Forbidden(OWN[kind])
    return refusal


def unrating_refusal(actor, kind, item, thread=None):
    """Why the actor may not take back a rating here (only while the item is public), or None."""
    if not actor.is_authenticated:
        return Unauthorized(_('Log in to rate.'))
    return _not_public(actor, kind, item, thread)


def can_rate(actor, kind, item, thread=None):
    """May the actor rate this thread or reply?"""
    return rating_refusal(actor, kind, item, thread) is None


def outcome_refusal(actor, reply, thread=None):
    """Why the actor may not say they will try, or report how it went with, this contribution
    (a ForumError to raise or show), or None: members, on live contributions of others."""
    if not actor.is_authenticated:
        return Unauthorized(_("Log in to say you tried this."))
    refusal = _not_public(actor, "reply", reply, thread, done="tried")
    if refusal is None and is_author(actor, reply):
        refusal = Forbidden(_("You cannot report outcomes of your own contribution."))
    return refusal


def outcome_withdrawal_refusal(actor, reply, thread=None):
    """Why the actor may not take back their "I'll try this" or report here, or None."""
    if not actor.is_authenticated:
        return Unauthorized(_("Log in to change what you reported."))
    return _not_public(actor, "reply", reply, thread, done="tried")


CHECKS = {
    "edit": can_edit, "delete": can_delete, "edit_tags": can_edit_tags, "hide": can_hide,
    "restore": can_restore, "see_history": can_see_history, "flag": can_flag,
    "verify_credentials": can_verify_credentials, "see_community": can_see_community,
    "set_language": can_set_language,
}


def can_read_outcome_figures(actor, reply, figures):
    """May the actor read a contribution's outcome figures? Past FORUM_OUTCOME_MIN_REPORTS
    reports everyone may (the card shows them); before, only its author (their own counts):
    who said they would try it stays private until then."""
    return figures.shown or (reply is not None and is_author(actor, reply))


def can(actor, action, item=None):
    """The answer for a named action (templates ask `forum_can('edit_tags', thread)`)."""
    return CHECKS[action](actor, item)
