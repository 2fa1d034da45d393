"""The community at a glance, for moderators: activity per week over six months, how fast
questions get a first answer, the questions still waiting, and the open flags."""
from dataclasses import dataclass
from datetime import timedelta
from statistics import median

from sqlalchemy import Float, Integer, cast, func, literal, select

from forum.database import session
from forum.errors import Forbidden
from forum.models import Flag, Member, Reply, Thread, utcnow
from forum.services.permissions import can_see_community
from forum.services.visibility import live_reply, live_thread
from forum.i18n import gettext as _
from forum.i18n import ngettext

WEEKS = 26  # six months
UNANSWERED_SHOWN = 20
PLACEHOLDER_PREFIX = "forum:"  # the importer's stand-in author is not a new member


@dataclass
class Week:
    """One week's counts: contributions, new questions, new members."""

    start: object
    contributions: int = 0
    questions: int = 0
    members: int = 0


@dataclass
class Community:
    """What the community page shows."""

    weeks: list
    median_first_answer: timedelta | None
    answered: int
    unanswered: list
    unanswered_total: int
    open_flags: int


def _week_number(column, start, dialect):
    """SQL: the whole weeks between `start` and the timestamp column (0 = the first week)."""
    if dialect == "sqlite":
        since = literal(start.strftime("%Y-%m-%d %H:%M:%S"))
        days = func.julianday(column) - func.julianday(since)
    else:
        days = func.extract("epoch", column - literal(start)) / 86400.0
    return cast(func.floor(cast(days, Float) / 7), Integer)


def _per_week(db_session, column, condition, start):
    """{week number: rows} of one table since start (one grouped query)."""
    week = _week_number(column, start, db_session.get_bind().dialect.name)
    rows = db_session.execute(
        select(week.label("week"), func.count()).where(column >= start, condition)
        .group_by(week)).all()
    return {int(number): count for number, count in rows if number is not None}


def _first_answer_times(db_session, since):
    """How long each live question asked since `since` waited for its first live contribution."""
    first = func.min(Reply.created_at)
    rows = db_session.execute(
        select(Thread.created_at, first).join(Reply, Reply.thread_id == Thread.id)
        .where(Thread.created_at >= since, live_thread(), live_reply())
        .group_by(Thread.id, Thread.created_at)).all()
    return [answered - asked for asked, answered in rows]


def overview(actor):
    """The Community figures for a moderator (Forbidden for anyone else)."""
    if not can_see_community(actor):
        raise Forbidden(_("Only moderators can see the community overview."))
    db_session = session()
    now = utcnow()
    start = (now - timedelta(weeks=WEEKS - 1)).replace(hour=0, minute=0, second=0, microsecond=0)
    start -= timedelta(days=start.weekday())  # weeks start on Monday
    weeks = [Week(start=start + timedelta(weeks=n)) for n in range(WEEKS)]
    series = {
        "contributions": _per_week(db_session, Reply.created_at, live_reply(), start),
        "questions": _per_week(db_session, Thread.created_at, live_thread(), start),
        "members": _per_week(db_session, Member.created_at,
                             ~Member.user_key.startswith(PLACEHOLDER_PREFIX), start),
    }
    for name, counts in series.items():
        for number, count in counts.items():
            if 0 <= number < WEEKS:
                setattr(weeks[number], name, count)
    waits = _first_answer_times(db_session, start)
    waiting = live_thread() & (Thread.reply_count == 0)
    unanswered = db_session.scalars(
        select(Thread).where(waiting).order_by(Thread.created_at, Thread.id)
        .limit(UNANSWERED_SHOWN)).all()
    unanswered_total, open_flags = db_session.execute(select(
        select(func.count(Thread.id)).where(waiting).scalar_subquery(),
        select(func.count(Flag.id)).where(Flag.status == "open").scalar_subquery())).one()
    return Community(weeks=weeks, median_first_answer=median(waits) if waits else None,
                     answered=len(waits), unanswered=unanswered,
                     unanswered_total=unanswered_total, open_flags=open_flags)


def duration_text(delta):
    """'3 hours 20 minutes', '2 days 4 hours', '45 minutes' (the two largest units)."""
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [(days, ngettext("%(num)s day", "%(num)s days", days)),
             (hours, ngettext("%(num)s hour", "%(num)s hours", hours)),
             (minutes, ngettext("%(num)s minute", "%(num)s minutes", minutes))]
    shown = [text for n, text in parts if n][:2]
    return " ".join(shown) or _("under a minute")
