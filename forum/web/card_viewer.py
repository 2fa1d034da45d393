"""A contribution card's viewer parts: the viewer's own stars, their rating buttons or why they
may not rate, the outcome widget, and the reply, edit, hide and flag controls, rendered by
forum/_reply_viewer.html into the shared card's slots (web.card_cache) per request.

For a member who neither wrote a card nor moderates, these parts are the same on every card
with the same answers, so a page renders each distinct one once, with a placeholder id, and
fills in each card's id.
"""
from types import SimpleNamespace
from urllib.parse import urlencode

from flask import current_app, g, request, url_for
from markupsafe import Markup, escape

from forum.services import permissions
from forum.web.routes import Routes
from forum.web.thread_page import stars_text
from forum.i18n import gettext as _

routes = Routes()

VIEWER_TEMPLATE = "forum/_reply_viewer.html"


def _viewer():
    """The viewer template's macros, bound to this request's template context (once a request)."""
    if "forum_card_viewer" not in g:
        context = {}
        if "forum_card_thread" in g:  # the page's thread, as the page's own templates see it
            context["thread"] = g.forum_card_thread
        current_app.update_template_context(context)
        template = current_app.jinja_env.get_template(VIEWER_TEMPLATE)
        g.forum_card_viewer = template.make_module(context)
    return g.forum_card_viewer


PLACEHOLDER_ID = 987654321987654321  # stands for the card's id in a plain viewer part
REPORT_ARG = "report"  # a thread page's ?report=<id>: that card's report form, open (no script)


def _plain(macro, *values, memo=None):
    """A plain viewer part rendered once per request for these values, with a placeholder id."""
    memo = g.setdefault("forum_card_plain", {}) if memo is None else memo
    key = (macro, *values)
    found = memo.get(key)
    if found is None:
        found = memo[key] = str(getattr(_viewer(), macro)(PLACEHOLDER_ID, *values))
    return found


def _outcome_slot(context, reply):
    """Members' notes and the viewer's try/report widget: the common one is a button of the
    page's one "try" form and a link to the report form (outcomes.js swaps in the whole widget,
    the page's template of it); the card named by ?report= gets the whole widget, open."""
    if not context.actor.is_authenticated:
        return ""
    page = context.outcomes
    if (page.is_author(reply) or _refusals(context, reply)[1] or page.mine(reply)
            or page.draft(reply)):
        return str(_viewer().outcomes_slot(reply))
    notes = str(_viewer().notes_slot(reply)) if page.notes(reply) else ""
    if context.report == str(reply.id):
        return notes + str(_viewer().outcome_widget_slot(reply.id, None, None, True))
    if "try" not in context.memo:  # the page's forms bring the template of the whole widget
        context.memo["try"] = g.forum_card_try = True
    return notes + _plain("try_slot", _report_url(context, reply.thread_id), memo=context.memo)


def _report_url(context, thread_id):
    """Where a card's "Report how it went" leads: this page of its thread with the report form
    open (with a placeholder id, like the rest of a plain part), made once a request."""
    key = ("report_url", thread_id)
    url = context.memo.get(key)
    if url is None:
        args = {key: value for key, value in request.args.items() if key != REPORT_ARG}
        url = thread_link(thread_id, **args, report=PLACEHOLDER_ID)
        url = context.memo[key] = f"{url}#outcomes-{PLACEHOLDER_ID}"
    return url


@routes.template_global("forum_thread_link")
def thread_link(thread_id, **args):
    """A link to a thread page with these query arguments: on that page itself (a GET) only
    the "?query" part, which the browser completes (a card's links, hundreds a page, stay
    short), else the whole URL."""
    if (request.method == "GET" and request.endpoint == "forum.thread"
            and (request.view_args or {}).get("thread_id") == thread_id):
        return "?" + urlencode(args)
    thread = g.get("forum_card_thread")
    slug = thread.slug if thread is not None and thread.id == thread_id else None
    return url_for("forum.thread", thread_id=thread_id, slug=slug, **args)


@routes.template_global("forum_card_forms")
def page_forms():
    """The forms and templates a page's cards use, once (after the cards: members only)."""
    return Markup(_viewer().page_forms(PLACEHOLDER_ID, g.get("forum_card_try", False)))


PLACEHOLDER_NAME = "forum-placeholder-author-6f1d"  # stands for the author's name likewise


def _tools_slot(context, reply):
    """Reply, edit, hide and flag controls: per card for its author and moderators; for anyone
    else at most "Reply" and "Flag", whose HTML differs only by the card's id (and the author's
    name, should a host's controls show it), so it is rendered once a page per kind of card and
    those are filled in."""
    actor = context.actor
    if actor.can_moderate or not context.on_thread_page or permissions.is_author(actor, reply):
        return str(_viewer().tools_slot(reply))
    html, named = _tools_template(context, reply)
    author = reply.author
    if author is None or not named:
        return html
    return html.replace(PLACEHOLDER_NAME, str(escape(author.display_name)))


def _tools_template(context, reply):
    """(controls of someone else's card with placeholders for its id and author's name, whether
    the name shows), made once a page per kind of card."""
    author = reply.author
    key = ("tools_slot", reply.is_deleted, reply.is_hidden, author is None)
    found = context.memo.get(key)
    if found is None:  # a stand-in with what the controls read (author_id: not the viewer)
        html = str(_viewer().tools_slot(SimpleNamespace(
            id=PLACEHOLDER_ID, thread_id=reply.thread_id, author_id=reply.author_id,
            is_deleted=reply.is_deleted, is_hidden=reply.is_hidden, edited_at=reply.edited_at,
            hidden_reason=None, __tablename__=reply.__tablename__,
            author=None if author is None else SimpleNamespace(display_name=PLACEHOLDER_NAME))))
        found = context.memo[key] = (html, PLACEHOLDER_NAME in html)
    return found


PLACEHOLDER = str(PLACEHOLDER_ID)


def viewer_slots(reply, context, show_thread=False):
    """This viewer's parts of the card: {slot name: html}.

    The rating form and the outcome widget are the same on every card with the same stars
    and answers: those are rendered once per page and only the id differs.
    """
    reply_id = str(reply.id)
    return {name: html.replace(PLACEHOLDER, reply_id) if html else html
            for name, html in _slot_templates(reply, context, show_thread).items()}


def list_slots(replies, context, show_thread=False):
    """viewer_slots of each card of a list, as UTF-8. Cards whose parts differ only by their
    id (a visitor's view of live cards; a member's of others' live cards on which they have no
    outcome row, notes, refusal or open report form) share one set of parts per kind of card,
    made once a page, which each card's id fills in."""
    actor = context.actor
    if actor.is_authenticated and (actor.can_moderate or show_thread
                                   or not context.on_thread_page):
        return [encoded_slots(reply, context, show_thread) for reply in replies]
    kind_of = _member_kinds(replies, context) if actor.is_authenticated else _visitor_kind
    kinds, result = {}, []
    for reply in replies:
        key = kind_of(reply)
        if key is None:
            result.append(encoded_slots(reply, context, show_thread))
            continue
        kind = kinds.get(key)
        if kind is None:
            kind = kinds[key] = tuple(
                (name, tuple(piece.encode() for piece in html.split(PLACEHOLDER)))
                for name, html in _slot_templates(reply, context, show_thread).items())
        reply_id = str(reply.id).encode()
        result.append({name: pieces[0] if len(pieces) == 1 else reply_id.join(pieces)
                       for name, pieces in kind})
    return result


def encoded_slots(reply, context, show_thread=False):
    """viewer_slots as UTF-8 (the shared parts are kept so)."""
    return {name: html.encode()
            for name, html in viewer_slots(reply, context, show_thread).items()}


def _visitor_kind(reply):
    """The kind of card for a visitor: every live card has the same parts but its id."""
    return None if reply.is_deleted else ()


def _member_kinds(replies, context):
    """kind(reply) for a member who does not moderate: what a card's parts depend on beyond its
    id, or None when they are its own (their own card, their outcome row or notes, a refusal to
    try it, controls that name its author, the report form open on it)."""
    member_id, outcomes = context.actor.member_id, context.outcomes
    outcomes.preload(replies)
    own = outcomes.ids_with_own_parts()
    if (context.report or "").isdigit():
        own = own | {int(context.report)}
    shared, mine = {}, context.ratings.mine

    def kind(reply):
        if reply.is_deleted or reply.id in own or (
                reply.author_id is not None and reply.author_id == member_id):
            return None
        base = (reply.thread_id, reply.is_hidden, reply.author_id is None, reply.author is None)
        shareable = shared.get(base)
        if shareable is None:
            shareable = shared[base] = not (_refusals(context, reply)[1]
                                            or _tools_template(context, reply)[1])
        return (*base, mine("reply", reply)) if shareable else None
    return kind


def _slot_templates(reply, context, show_thread):
    """viewer_slots before the card's id goes in (PLACEHOLDER where it goes)."""
    actor = context.actor
    if not actor.is_authenticated and not reply.is_deleted:
        # A visitor may do nothing to a card but follow "Log in to rate": the same parts on
        # every card, made once per page.
        refusal = context.ratings.refusal("reply", reply)
        return {"tools": "", "mine": "", "outcomes": "",
                "rate": _plain("rate_slot", None, refusal, memo=context.memo)}
    slots = {"tools": _tools_slot(context, reply)}
    if not reply.is_deleted:
        ratings = context.ratings
        mine = ratings.mine("reply", reply)
        slots["mine"] = _mine_text(context, mine) if mine else ""
        slots["rate"] = _plain("rate_slot", mine, _refusals(context, reply)[0],
                               memo=context.memo)
        if not show_thread:  # lists across threads show the figures only
            slots["outcomes"] = _outcome_slot(context, reply)
    return slots


def _refusals(context, reply):
    """Why the viewer may not rate, and may not try, this card (messages, or None), asked once
    a page per kind of card: of a stand-in with only what those rules read (its thread, whether
    it is live, whether the viewer wrote it), so a rule that starts reading more fails loudly
    instead of answering for the wrong card."""
    author_id = reply.author_id
    if author_id is not None and author_id != context.actor.member_id:
        author_id = -1  # someone else's
    key = ("refusals", reply.thread_id, reply.is_hidden, reply.is_deleted, author_id)
    found = context.memo.get(key)
    if found is None:
        probe = SimpleNamespace(id=PLACEHOLDER_ID, thread_id=reply.thread_id,
                                author_id=author_id, is_hidden=reply.is_hidden,
                                is_deleted=reply.is_deleted, __tablename__=reply.__tablename__)
        found = context.memo[key] = (context.ratings.refusal("reply", probe),
                                     context.outcomes.refusal(probe))
    return found


def _mine_text(context, stars):
    """" Your rating: 4 stars." in the viewer's language, made once a page per number of stars
    (a member who rated every card of a page would otherwise format it 200 times)."""
    key = ("mine", stars)
    text = context.memo.get(key)
    if text is None:
        text = context.memo[key] = " " + _("Your rating: %(stars)s.", stars=stars_text(stars))
    return text
