"""Star ratings: rate, change and remove, aggregates kept in step, Bayesian ranking, summaries."""
from dataclasses import dataclass
from functools import cache

from flask import current_app
from sqlalchemy import Float, and_, bindparam, cast, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from forum.database import atomic, session
from forum.errors import Conflict, NotFound, ValidationError
from forum.models import Member, Rating, RatingTotal, Reply, Thread, utcnow
from forum.services import notification_kinds
from forum.services.actors import with_preference
from forum.services.permissions import GONE, rating_refusal, unrating_refusal
from forum.services.visibility import live_reply
from forum.i18n import gettext as _

TARGET_KINDS = ("thread", "reply")
STARS_MIN, STARS_MAX = 1, 5
NEUTRAL_MEAN = (STARS_MIN + STARS_MAX) / 2
_MODELS = {"thread": Thread, "reply": Reply}


def stars_message():
    """The refusal of a number of stars out of range, in the reader's language."""
    return _("Choose a whole number of stars from %(min)s to %(max)s.", min=STARS_MIN,
             max=STARS_MAX)

_COLUMNS = {"thread": Rating.thread_id, "reply": Rating.reply_id}
# Each failed attempt means another request of the same member inserted and then removed its
# rating in between; 3 attempts lost that race once in a loaded PostgreSQL run of four clients.
_INSERT_ATTEMPTS = 10
_KEPT_TOTAL = "forum_rating_total"  # key in the session's info: (transaction, RatingTotal)


@dataclass(frozen=True)
class RatingSummary:
    """What a page or the API shows about one item's ratings (and the viewer's own rating)."""

    count: int
    total: int
    average: float | None
    score: float
    needs_more: bool
    mine: int | None = None

    def as_dict(self):
        """The JSON form: count, average, score, needs_more and the viewer's own stars."""
        return {
            "count": self.count,
            "average": None if self.average is None else round(self.average, 2),
            "score": round(self.score, 3),
            "needs_more": self.needs_more,
            "mine": self.mine,
        }


@dataclass(frozen=True)
class Contributor:
    """A member's rating figures over their contributions to one thread."""

    member_id: int
    display_name: str
    contributions: int
    count: int
    average: float
    score: float


def parse_stars(value):
    """Whole stars from 1 to 5 from a form or JSON value, or a ValidationError on "stars"."""
    if isinstance(value, bool) or value is None:
        raise ValidationError(stars_message(), field="stars")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        value = value.strip()
        if not value.isdecimal() or not value.isascii():
            raise ValidationError(stars_message(), field="stars")
        value = int(value)
    if not isinstance(value, int) or not STARS_MIN <= value <= STARS_MAX:
        raise ValidationError(stars_message(), field="stars")
    return value


def prior_weight():
    """C in (C*m + sum) / (C + n): how many votes of the site mean each item starts with."""
    weight = current_app.config["FORUM_RATING_PRIOR_WEIGHT"]
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight < 0:
        raise RuntimeError("FORUM_RATING_PRIOR_WEIGHT must be a number >= 0 (e.g. 5).")
    return weight


def site_mean():
    """The site-wide mean rating m, from the one-row forum_rating_total that triggers keep.

    No query when get_thread brought the row along, or an earlier call read it, in this
    transaction (keep_site_total); computed from the ratings only if that row is missing.
    """
    db_session = session()
    transaction, total = db_session.info.get(_KEPT_TOTAL, (None, None))
    if total is None or transaction is not _transaction():
        total = keep_site_total(db_session.get(RatingTotal, 1))
    if total is None:
        rating_sum, rating_count = db_session.execute(
            select(func.coalesce(func.sum(Rating.stars), 0), func.count(Rating.id))).one()
    else:
        rating_sum, rating_count = total.rating_sum, total.rating_count
    return float(rating_sum) / rating_count if rating_count else NEUTRAL_MEAN


def keep_site_total(total):
    """Hold the RatingTotal row a query brought along for site_mean, for this transaction only
    (a rating commits, so the next transaction reads the moved total again)."""
    session().info[_KEPT_TOTAL] = (_transaction(), total)
    return total


def _transaction():
    """The current database transaction of the session (None between transactions)."""
    return session()().get_transaction()


def bayesian(total, count, mean=None, weight=None):
    """The Bayesian average (C*m + sum) / (C + n) in Python, for one item's summary."""
    mean = site_mean() if mean is None else mean
    weight = prior_weight() if weight is None else weight
    if weight + count == 0:
        return mean
    return (weight * mean + total) / (weight + count)


def score_expression(rating_sum, rating_count, mean=None):
    """The Bayesian average as a SQL expression (m and C bound), so ORDER BY can paginate."""
    mean = site_mean() if mean is None else mean
    weight = prior_weight()
    return _score_sql(rating_sum, rating_count, weight * mean, weight, mean)


def _score_sql(rating_sum, rating_count, mass=None, weight=None, mean=None):
    """The Bayesian average in SQL with m*C, C and m bound to these values (or left for the
    execution's parameters, in a statement built once: score_parameters)."""
    numerator = bindparam("rating_prior_mass", mass, type_=Float) + rating_sum
    denominator = cast(bindparam("rating_prior_weight", weight, type_=Float) + rating_count,
                       Float)
    return func.coalesce(numerator / func.nullif(denominator, 0),
                         bindparam("rating_mean", mean, type_=Float))


def score_parameters():
    """The parameters of a statement built once with _score_sql's unbound m*C, C and m."""
    mean, weight = site_mean(), prior_weight()
    return {"rating_prior_mass": weight * mean, "rating_prior_weight": weight,
            "rating_mean": mean}


def best_first(model):
    """ORDER BY terms for Thread or Reply: best Bayesian score first, more ratings break ties."""
    return [score_expression(model.rating_sum, model.rating_count).desc(),
            model.rating_count.desc()]


def summarize(item, mine=None, mean=None):
    """The RatingSummary of a Thread or Reply row from its stored aggregates."""
    return summary_of(item.rating_count or 0, item.rating_sum or 0, mine=mine, mean=mean)


def summary_of(count, total, mine=None, mean=None):
    """The RatingSummary of an item with these aggregates (stored, or just returned by a write)."""
    return RatingSummary(
        count=count, total=total, average=(total / count) if count else None,
        score=bayesian(total, count, mean),
        needs_more=count < current_app.config["FORUM_RATING_MIN_COUNT"], mine=mine,
    )


def _check_kind(target_kind):
    """Refuse target kinds other than "thread" and "reply"."""
    if target_kind not in TARGET_KINDS:
        raise ValidationError(_('Only threads and contributions can be rated.'), field="target")


def _load_target(db_session, actor, target_kind, target_id, check=rating_refusal):
    """The Thread or Reply that passes `check` (a permissions refusal), or its ForumError."""
    item = db_session.get(_MODELS[target_kind], target_id)
    if item is None:
        raise NotFound(GONE[target_kind])
    thread = item if target_kind == "thread" else db_session.get(Thread, item.thread_id)
    refusal = check(actor, target_kind, item, thread)
    if refusal is not None:
        raise refusal
    return item


def _own_rating(db_session, member_id, target_kind, target_id, lock):
    """The member's current stars for the target (row-locked on PostgreSQL when lock), or None."""
    query = select(Rating.stars).where(
        Rating.member_id == member_id, _COLUMNS[target_kind] == target_id)
    if lock:
        query = query.with_for_update()
    return db_session.scalar(query)


def _insert_rating(db_session, member_id, target_kind, target_id, stars):
    """Insert the rating; its id, or None when a concurrent request inserted it first.

    INSERT ... ON CONFLICT DO NOTHING (both databases), where a savepoint around a plain
    INSERT cost two more statements per rating.
    """
    now = utcnow()
    dialect_insert = (sqlite_insert if db_session.get_bind().dialect.name == "sqlite"
                      else postgresql_insert)
    inserted = db_session.execute(
        dialect_insert(Rating).values(
            member_id=member_id, stars=stars, created_at=now, updated_at=now,
            **{_COLUMNS[target_kind].key: target_id})
        .on_conflict_do_nothing(index_elements=[Rating.member_id, _COLUMNS[target_kind]])
        .returning(Rating.id)).first()
    return inserted and inserted[0]


def _bump(db_session, target_kind, target_id, old=None, new=None):
    """Move the stored aggregates from the old stars to the new (either None: no rating) with
    SQL arithmetic (never read-modify-write in Python): count, sum and the per-star counts.
    Returns (count, sum) as this transaction leaves them."""
    model = _MODELS[target_kind]
    if old == new:
        return tuple(db_session.execute(
            select(model.rating_count, model.rating_sum).where(model.id == target_id)).one())
    count_delta = int(new is not None) - int(old is not None)
    values = {"rating_count": model.rating_count + count_delta,
              "rating_sum": model.rating_sum + (new or 0) - (old or 0)}
    for stars, step in ((old, -1), (new, 1)):
        if stars is not None:
            column = getattr(model, f"stars_{stars}")
            values[column.key] = column + step
    return tuple(db_session.execute(
        update(model).where(model.id == target_id).values(**values)
        .returning(model.rating_count, model.rating_sum)
        .execution_options(synchronize_session=False)
    ).one())


def rate(actor, target_kind, target_id, stars):
    """Give, or change, the actor's 1-5 stars for a thread or reply; returns the new summary."""
    _check_kind(target_kind)
    stars = parse_stars(stars)
    member = actor.require_member()
    with atomic() as db_session:
        item = _load_target(db_session, actor, target_kind, target_id)
        for _attempt in range(_INSERT_ATTEMPTS):
            old = _own_rating(db_session, member.id, target_kind, target_id, lock=True)
            if old is not None:
                if old != stars:
                    db_session.execute(
                        update(Rating).where(Rating.member_id == member.id,
                                             _COLUMNS[target_kind] == target_id)
                        .values(stars=stars, updated_at=utcnow())
                        .execution_options(synchronize_session=False))
                figures = _bump(db_session, target_kind, target_id, old, stars)
                break
            rating_id = _insert_rating(db_session, member.id, target_kind, target_id, stars)
            if rating_id:
                figures = _bump(db_session, target_kind, target_id, None, stars)
                notification_kinds.rating_given(
                    item, getattr(item, "thread_id", item.id),
                    item.id if target_kind == "reply" else None, rating_id, member.id)
                break
        else:
            raise Conflict(_('Your rating is being changed by another request; try again.'))
        result = summary_of(*figures, mine=stars)
    return result


def unrate(actor, target_kind, target_id):
    """Remove the actor's rating of a thread or reply (nothing to remove is fine); new summary."""
    _check_kind(target_kind)
    member = actor.require_member()
    with atomic() as db_session:
        _load_target(db_session, actor, target_kind, target_id, check=unrating_refusal)
        removed = db_session.scalar(
            delete(Rating).where(Rating.member_id == member.id,
                                 _COLUMNS[target_kind] == target_id)
            .returning(Rating.stars).execution_options(synchronize_session=False))
        figures = _bump(db_session, target_kind, target_id, removed, None)
        result = summary_of(*figures, mine=None)
    return result


def viewer_ratings(actor, thread_id=None, reply_ids=None):
    """The actor's stars on a thread and all its replies, or on the replies with these ids (a
    list page's contributions from many threads): {(kind, id): stars}.

    ONE query, which also finds the actor's Member row (a page needs it anyway, to tell the
    viewer's own contributions), instead of a lookup by user key followed by a ratings query.
    """
    if actor.user_key is None:
        return {}
    if reply_ids is not None:
        wanted = {"reply_ids": list(reply_ids)}
    else:
        wanted = {"thread_id": thread_id}
    if actor.member_known:  # the ratings alone: an ORM Member on each of 200 rows cost 2 ms
        rows = session().execute(_ratings_only_query(reply_ids is not None),
                                 {"user_key": actor.user_key, **wanted}).all()
        return {("thread", t) if t is not None else ("reply", r): stars for t, r, stars in rows}
    rows = session().execute(_viewer_ratings_query(reply_ids is not None),
                             {"user_key": actor.user_key, **wanted}).all()
    actor.remember_member(*(rows[0][:2] if rows else (None, None)))
    return {("thread", t) if t is not None else ("reply", r): stars
            for _member, _preference, t, r, stars in rows if stars is not None}


def _wanted_ratings(by_replies):
    """Which of the member's ratings a page wants: on the contributions reply_ids, or on the
    thread thread_id and its contributions."""
    if by_replies:
        return Rating.reply_id.in_(bindparam("reply_ids", expanding=True))
    thread_id = bindparam("thread_id")
    return or_(Rating.thread_id == thread_id,
               Rating.reply_id.in_(select(Reply.id).where(Reply.thread_id == thread_id)))


@cache
def _viewer_ratings_query(by_replies):
    """viewer_ratings' statement, built once, with the member's Member and preference rows; the
    member's key and what is wanted bound per call."""
    return (with_preference(Rating.thread_id, Rating.reply_id, Rating.stars)
            .outerjoin(Rating, and_(Rating.member_id == Member.id, _wanted_ratings(by_replies)))
            .where(Member.user_key == bindparam("user_key")))


@cache
def _ratings_only_query(by_replies):
    """viewer_ratings' statement when the request knows the member's rows already."""
    return (select(Rating.thread_id, Rating.reply_id, Rating.stars)
            .join(Member, Member.id == Rating.member_id)
            .where(Member.user_key == bindparam("user_key"), _wanted_ratings(by_replies)))


def top_contributors(thread_id, limit=5):
    """Members whose visible contributions to a thread are rated best, in ONE query (a
    statement built once: building it cost four times what running it does)."""
    rows = session().execute(_top_contributors_query(limit),
                             {"thread_id": thread_id, **score_parameters()}).all()
    return [Contributor(member_id=mid, display_name=name, contributions=contributions,
                        count=int(n), average=float(s) / int(n), score=float(sc))
            for mid, name, contributions, n, s, sc in rows]


@cache
def _top_contributors_query(limit):
    """The top contributors statement, thread and score parameters left to bind."""
    count = func.sum(Reply.rating_count)
    total = func.sum(Reply.rating_sum)
    score = _score_sql(total, count)
    return (select(Member.id, Member.display_name, func.count(Reply.id), count, total, score)
            .join(Reply, Reply.author_id == Member.id)
            .where(Reply.thread_id == bindparam("thread_id"), live_reply(),
                   Reply.rating_count > 0)
            .group_by(Member.id, Member.display_name)
            .order_by(score.desc(), count.desc(), Member.id)
            .limit(limit))


def recount(target_kind, target_id):
    """(count, sum) recomputed from the rating rows: what the stored aggregates must equal."""
    _check_kind(target_kind)
    count, total = session().execute(
        select(func.count(Rating.id), func.coalesce(func.sum(Rating.stars), 0))
        .where(_COLUMNS[target_kind] == target_id)).one()
    return int(count), int(total)


def recount_items(target_kind, ids):
    """Set the stored aggregates (count, sum, per-star counts) of these threads or replies from
    their rating rows, in one UPDATE: for ratings written in bulk (the demo, repairs)."""
    _check_kind(target_kind)
    model, column = _MODELS[target_kind], _COLUMNS[target_kind]

    def figure(value, stars=None):
        query = select(value).where(column == model.id)
        if stars is not None:
            query = query.where(Rating.stars == stars)
        return query.scalar_subquery()

    values = {"rating_count": figure(func.count(Rating.id)),
              "rating_sum": figure(func.coalesce(func.sum(Rating.stars), 0))}
    for stars in range(STARS_MIN, STARS_MAX + 1):
        values[f"stars_{stars}"] = figure(func.count(Rating.id), stars)
    session().execute(update(model).where(model.id.in_(list(ids))).values(**values)
                      .execution_options(synchronize_session=False))


__all__ = [
    "Contributor", "RatingSummary", "TARGET_KINDS", "best_first", "bayesian", "parse_stars",
    "keep_site_total", "rate", "recount", "recount_items", "score_expression", "site_mean",
    "summarize", "summary_of", "top_contributors", "unrate", "viewer_ratings",
]
