"""Public member profiles: what a member says about themselves, their counts, and the expertise
per tag that ratings by other members of their contributions earned them."""
from dataclasses import dataclass, field, replace

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from forum import markup, settings
from forum.database import atomic, get_or_not_found, session
from forum.errors import ValidationError
from forum.i18n import format_number
from forum.i18n import gettext as _
from forum.i18n import lazy_gettext as _lazy
from forum.models import Member, Rating, Reply, Tag, Thread
from forum.services import outcomes, ratings
from forum.services.actors import ANONYMOUS, rename_member
from forum.services.credentials import list_credentials
from forum.services.paging import paginate
from forum.services.tags import contribution_tags
from forum.services.visibility import live_reply, live_thread, visible_replies, visible_threads

NAME_MAX, BIO_MAX, FOCUS_MAX = 80, 1000, 200


@dataclass(frozen=True)
class TagExpertise:
    """A member's standing under one tag, from other members' ratings of their contributions.

    field_tested: how many of their contributions carrying the tag have enough outcome reports
    (services.outcomes.field_tested_by_tag) to show a field-tested score.
    """

    name: str
    slug: str
    count: int
    average: float
    score: float
    field_tested: int | None = None


@dataclass
class Profile:
    """What a profile page and api/members/{id} show about one member."""

    member: Member
    thread_count: int
    reply_count: int
    ratings_received: int
    credentials: list
    expertise: list = field(default_factory=list)  # TagExpertise past the minimum, best first
    min_ratings: int = 0
    prior_weight: float = 0
    site_mean: float = 0

    def as_dict(self):
        """The JSON form (no email, no user key, no hidden content)."""
        member = self.member
        return {
            "id": member.id,
            "display_name": member.display_name,
            "bio": member.bio,
            "coaching_focus": member.coaching_focus,
            "member_since": member.created_at.isoformat(),
            "counts": {"threads": self.thread_count, "contributions": self.reply_count,
                       "ratings_received": self.ratings_received},
            "credentials": [{"name": c.name, "url": c.url, "verified": c.verified_at is not None}
                            for c in self.credentials],
            "expertise": {
                "formula": "(C*m + sum of stars) / (C + n)",
                "prior_weight": self.prior_weight, "site_mean": round(self.site_mean, 3),
                "min_ratings": self.min_ratings,
                "tags": [{"name": e.name, "slug": e.slug, "ratings": e.count,
                          "average": round(e.average, 2), "score": round(e.score, 3),
                          "field_tested": e.field_tested} for e in self.expertise],
            },
        }


def min_ratings():
    """FORUM_EXPERTISE_MIN_RATINGS: ratings under a tag before expertise in it is shown."""
    return settings.number(current_app.config, "FORUM_EXPERTISE_MIN_RATINGS")


def get_member(member_id):
    """The member, or NotFound."""
    return get_or_not_found(Member, member_id, _("That member does not exist."))


def _live_authored(model, member_id):
    """SQL: live items of the member in live threads (a reply's thread must be live too)."""
    query = select(func.count(model.id)).where(model.author_id == member_id, live_thread())
    if model is Reply:
        query = query.join(Thread, Thread.id == Reply.thread_id).where(live_reply())
    return query.scalar_subquery()


def expertise(member_id, mean, weight, minimum):
    """The member's TagExpertise past `minimum` ratings, best score first: ratings of their
    live contributions by OTHER members only (one query)."""
    tagged = contribution_tags()
    count, total = func.count(Rating.id), func.sum(Rating.stars)
    rows = session().execute(
        select(Tag.name, Tag.slug, count, total)
        .select_from(tagged)
        .join(Reply, Reply.id == tagged.c.reply_id)
        .join(Thread, Thread.id == Reply.thread_id)
        .join(Rating, Rating.reply_id == Reply.id)
        .join(Tag, Tag.id == tagged.c.tag_id)
        .where(Reply.author_id == member_id, Rating.member_id != member_id,
               live_reply(), live_thread(), Tag.canonical_id.is_(None))
        .group_by(Tag.id, Tag.name, Tag.slug)
        .having(count >= minimum)
    ).all()
    found = [TagExpertise(name=name, slug=slug, count=int(n), average=float(s) / int(n),
                          score=ratings.bayesian(int(s), int(n), mean, weight))
             for name, slug, n, s in rows]
    return sorted(found, key=lambda e: (-e.score, -e.count, e.name))


def get_profile(member_id):
    """The member's Profile: counts of live content, credentials, earned expertise."""
    member = get_member(member_id)
    received = (select(func.count(Rating.id)).join(Reply, Reply.id == Rating.reply_id)
                .where(Reply.author_id == member_id, Rating.member_id != member_id,
                       live_reply()).scalar_subquery())
    threads, replies, received = session().execute(
        select(_live_authored(Thread, member_id), _live_authored(Reply, member_id), received)
    ).one()
    mean, weight, minimum = ratings.site_mean(), ratings.prior_weight(), min_ratings()
    tested = {row["slug"]: row["contributions"]
              for row in outcomes.field_tested_by_tag(member_id)}
    earned = [replace(item, field_tested=tested.get(item.slug, 0))
              for item in expertise(member_id, mean, weight, minimum)]
    return Profile(member=member, thread_count=threads, reply_count=replies,
                   ratings_received=received, credentials=list_credentials(member_id),
                   expertise=earned, min_ratings=minimum, prior_weight=weight, site_mean=mean)


def member_threads(member_id, page=1):
    """A page of the member's live threads, newest first (a profile shows no hidden content,
    to moderators neither)."""
    query = visible_threads(ANONYMOUS, select(Thread).where(Thread.author_id == member_id))
    query = query.options(*_thread_loads()).order_by(Thread.created_at.desc(), Thread.id.desc())
    return paginate(query, page, current_app.config["FORUM_THREADS_PER_PAGE"])


def _thread_loads():
    """Loader options for thread cards: author and tags."""
    return joinedload(Thread.author), selectinload(Thread.tags)


def member_replies(member_id, page=1):
    """A page of the member's live contributions in live threads, newest first, with thread,
    author, prompt and tags loaded."""
    query = (select(Reply).join(Thread, Thread.id == Reply.thread_id)
             .where(Reply.author_id == member_id)
             .options(contains_eager(Reply.thread), joinedload(Reply.author),
                      joinedload(Reply.prompt), selectinload(Reply.tags)))
    query = visible_threads(ANONYMOUS, visible_replies(ANONYMOUS, query))
    return paginate(query.order_by(Reply.created_at.desc(), Reply.id.desc()), page,
                    current_app.config["FORUM_THREADS_PER_PAGE"])


# What each field's length error says, one whole sentence each (a language orders its own words)
TOO_LONG = {
    "display_name": _lazy("A display name has at most %(limit)s characters (this one has "
                          "%(length)s)."),
    "bio": _lazy("A bio has at most %(limit)s characters (this one has %(length)s)."),
    "coaching_focus": _lazy("A coaching focus has at most %(limit)s characters (this one has "
                            "%(length)s)."),
}


def _clean(value, limit, field, errors, multiline=False):
    """The cleaned text, noting an error for `field` when it is longer than `limit`."""
    text = (markup.clean_text(value or "").strip() if multiline
            else markup.clean_line(value or ""))
    if len(text) > limit:
        errors[field] = str(TOO_LONG[field]) % {"limit": format_number(limit),
                                                "length": format_number(len(text))}
    return text


def update_profile(actor, display_name, bio, coaching_focus):
    """Save the member's display name (empty: the site's name for them), bio and coaching
    focus; fields the host supplies (member_profile hook) stay the host's. Every error at once:
    a ValidationError whose .errors maps each field to its message."""
    member = actor.require_member()
    errors = {}
    name = _clean(display_name, NAME_MAX, "display_name", errors)
    bio = _clean(bio, BIO_MAX, "bio", errors, multiline=True)
    focus = _clean(coaching_focus, FOCUS_MAX, "coaching_focus", errors)
    if errors:
        error = ValidationError(" ".join(errors.values()), field=next(iter(errors)))
        error.errors = errors
        raise error
    supplied = actor.host_profile or {}
    with atomic():
        rename_member(member, name or actor.display_name or member.display_name, chosen=bool(name))
        if supplied.get("bio") is None:
            member.bio = bio
        if supplied.get("coaching_focus") is None:
            member.coaching_focus = focus
        apply_host_profile(member, supplied)
    return member


def host_profile_changes(member, supplied):
    """{column: value} of what the host's member_profile hook supplies (bio, coaching_focus;
    None: the member's own) that differs from the member row."""
    changes = {}
    for key, limit in (("bio", BIO_MAX), ("coaching_focus", FOCUS_MAX)):
        value = (supplied or {}).get(key)
        if value is not None:
            value = (markup.clean_text(str(value)).strip() if key == "bio"
                     else markup.clean_line(str(value)))[:limit]
            if getattr(member, key) != value:
                changes[key] = value
    return changes


def apply_host_profile(member, supplied):
    """Store what the host's member_profile hook supplies on the member row, inside the
    caller's transaction."""
    for key, value in host_profile_changes(member, supplied).items():
        setattr(member, key, value)
