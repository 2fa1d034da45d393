"""Outcome reports: "I'll try this", the "How did it go?" reminder, reports on a five-point
scale, and the field-tested score, with the figures kept in step by SQL arithmetic."""
import functools
import math
from dataclasses import dataclass
from datetime import timedelta
from typing import NamedTuple

from flask import current_app
from sqlalchemy import Integer, String, bindparam, cast, delete, func, literal, select, update

from forum import jobs, markup, settings
from forum.database import atomic, dialect_insert, session
from forum.errors import Conflict, NotFound, ValidationError
from forum.models import (
    Member, Notification, Outcome, Prompt, Reply, Tag, Thread, Timestamp, utcnow,
)
from forum.services import confidentiality, notification_kinds
from forum.services.permissions import outcome_refusal, outcome_withdrawal_refusal
from forum.services.tags import contribution_tags
from forum.services.visibility import live_reply, live_thread
from forum.i18n import gettext as _
from forum.i18n import lazy_gettext as _lazy

OUTCOME_MIN, OUTCOME_MAX = -2, 2
# Goal Attainment Scaling's five levels, from -2 to +2
OUTCOME_LABELS = {
    -2: _lazy("much worse than expected"), -1: _lazy("somewhat worse than expected"),
    0: _lazy("as expected"), 1: _lazy("somewhat better than expected"),
    2: _lazy("much better than expected"),
}
OUTCOME_MESSAGE = _lazy(
    "Choose how it went: a whole number from -2 (much worse than expected) to 2.")
NOTE_MAX = 500
REMIND_DAYS_MAX = 365
NOTES_SHOWN = 5  # newest notes shown under one contribution
Z = 1.96  # 95% Wilson interval
REMINDER_KIND = "outcome_reminder"
# As for ratings: each failed attempt means another request of the same member inserted and
# removed its row in between.
_INSERT_ATTEMPTS = 10
NOTE_FLAG = "An outcome note on this contribution was posted after the confidentiality warning"


def wilson_lower_bound(positive, total, z=Z):
    """The lower bound of the Wilson score interval of positive/total (0 without reports):
    3 good reports of 3 score 0.44, 30 of 30 score 0.89."""
    if total <= 0:
        return 0.0
    share = positive / total
    centre = share + z * z / (2 * total)
    spread = z * math.sqrt(share * (1 - share) / total + z * z / (4 * total * total))
    return max(0.0, (centre - spread) / (1 + z * z / total))


def min_reports():
    """FORUM_OUTCOME_MIN_REPORTS: reports needed before a card shows its figures."""
    return settings.number(current_app.config, "FORUM_OUTCOME_MIN_REPORTS")


class OutcomeFigures(NamedTuple):
    """What a card or the API shows about one contribution's outcomes. `minimum` is the
    FORUM_OUTCOME_MIN_REPORTS it was made under: a field, so a cached card (whose key these
    figures are part of) never outlives a change of the setting. A tuple, so hashing and
    comparing it as part of a card's key cost no Python call (200 cards a page)."""

    tried: int
    reported: int
    better: int
    worse: int
    field_tested: float
    minimum: int

    @property
    def positive(self):
        """Reports at 0 ("as expected") or better."""
        return self.reported - self.worse

    @property
    def shown(self):
        """Whether there are enough reports to show the figures on the card."""
        return self.reported >= self.minimum

    def as_dict(self, readable=True):
        """The JSON form: tried, reported, positive, field_tested (all null when not readable:
        see permissions.can_read_outcome_figures)."""
        if not readable:
            return dict.fromkeys(("tried", "reported", "positive", "field_tested"))
        return {"tried": self.tried, "reported": self.reported, "positive": self.positive,
                "field_tested": round(self.field_tested, 3)}


@dataclass(frozen=True)
class Note:
    """One member's note on how a contribution worked for them (their name only if they chose)."""

    reply_id: int
    outcome: int
    html: str
    reported_at: object
    name: str | None

    @property
    def label(self):
        """The outcome in words."""
        return str(OUTCOME_LABELS[self.outcome])


@dataclass(frozen=True)
class PromptOutcomes:
    """For the question's author: how the advice given to one prompt went."""

    position: int | None
    label: str | None
    tried: int
    better: int
    worse: int


def figures(reply, minimum=None):
    """The OutcomeFigures of a loaded Reply from its stored columns (minimum: the setting,
    when the caller read it once for many replies)."""
    return OutcomeFigures(reply.outcome_tried or 0, reply.outcome_reported or 0,
                          reply.outcome_better or 0, reply.outcome_worse or 0,
                          reply.field_tested or 0.0,
                          min_reports() if minimum is None else minimum)


def parse_outcome(value):
    """A whole number from -2 to 2 from a form or JSON value, or a ValidationError on "outcome"."""
    if isinstance(value, bool) or value is None:
        raise ValidationError(OUTCOME_MESSAGE, field="outcome")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        text = value.strip()
        digits = text[1:] if text[:1] in "+-" else text
        if not digits.isdecimal() or not digits.isascii():
            raise ValidationError(OUTCOME_MESSAGE, field="outcome")
        value = int(text)
    if not isinstance(value, int) or not OUTCOME_MIN <= value <= OUTCOME_MAX:
        raise ValidationError(OUTCOME_MESSAGE, field="outcome")
    return value


def parse_remind_days(value):
    """Days until the reminder (None: the site's default; 0: no reminder), or a ValidationError."""
    if value is None or value == "":
        return current_app.config["FORUM_OUTCOME_REMINDER_DAYS"]
    if isinstance(value, str) and value.strip().isdecimal():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= REMIND_DAYS_MAX:
        raise ValidationError(_('Choose a reminder from 0 (none) to %(remind_days_max)s days.', remind_days_max=REMIND_DAYS_MAX),
                              field="remind_in_days")
    return value


def clean_note(note):
    """The note's cleaned text (at most 500 characters), or a ValidationError on "note"."""
    note = markup.clean_text(note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError(_('A note has at most %(note_max)s characters (this one has %(count)s).', note_max=NOTE_MAX, count=len(note)), field="note")
    return note


def _load(db_session, actor, reply_id, check):
    """The Reply that passes `check` (a permissions refusal), or its ForumError."""
    reply = db_session.get(Reply, reply_id)
    if reply is None:
        raise NotFound(_('That contribution does not exist.'))
    refusal = check(actor, reply, db_session.get(Thread, reply.thread_id))
    if refusal is not None:
        raise refusal
    return reply


def _mine(member_id, reply_id):
    """SQL condition: the member's row for this contribution."""
    return (Outcome.member_id == member_id) & (Outcome.reply_id == reply_id)


def _locked_outcome(db_session, member_id, reply_id):
    """(found, outcome) of the member's row, row-locked on PostgreSQL."""
    row = db_session.execute(select(Outcome.outcome).where(_mine(member_id, reply_id))
                             .with_for_update()).first()
    return (row is not None), (row[0] if row else None)


def _insert(db_session, values):
    """Insert the member's row; False when a concurrent request inserted it first."""
    inserted = db_session.execute(
        dialect_insert(Outcome).values(**values)
        .on_conflict_do_nothing(index_elements=[Outcome.member_id, Outcome.reply_id])
        .returning(Outcome.id)).first()
    return inserted is not None


def best_field_tested(thread_id):
    """SQL: the best field-tested score among a thread's live contributions (0 without any)."""
    return func.coalesce(
        select(func.max(Reply.field_tested))
        .where(Reply.thread_id == thread_id, live_reply()).scalar_subquery(), 0.0)


def _bump(db_session, reply, tried=0, reported=0, better=0, worse=0):
    """Move the contribution's figures by SQL arithmetic; when its score changes, store it and
    its thread's best. Returns the figures as this transaction leaves them.

    The reply row is locked by the UPDATE, then the thread row (SELECT ... FOR NO KEY UPDATE,
    the lock an UPDATE takes: a plain FOR UPDATE deadlocked against the key-share locks other
    reports hold) before its best is recomputed in a new statement, which therefore sees every
    report committed on the thread's other contributions (reply, then thread: the order hiding
    a reply takes too).
    """
    counts = (Reply.outcome_tried, Reply.outcome_reported, Reply.outcome_better,
              Reply.outcome_worse, Reply.field_tested)
    where = Reply.id == reply.id
    if tried or reported or better or worse:
        row = db_session.execute(update(Reply).where(where).values(
            outcome_tried=Reply.outcome_tried + tried,
            outcome_reported=Reply.outcome_reported + reported,
            outcome_better=Reply.outcome_better + better,
            outcome_worse=Reply.outcome_worse + worse,
        ).returning(*counts).execution_options(synchronize_session=False)).one()
    else:
        row = db_session.execute(select(*counts).where(where)).one()
    n_tried, n_reported, n_better, n_worse, stored = row
    score = wilson_lower_bound(n_reported - n_worse, n_reported)
    if score != stored:
        db_session.execute(update(Reply).where(where).values(field_tested=score)
                           .execution_options(synchronize_session=False))
        db_session.execute(select(Thread.id).where(Thread.id == reply.thread_id)
                           .with_for_update(key_share=True))  # FOR NO KEY UPDATE
        db_session.execute(update(Thread).where(Thread.id == reply.thread_id).values(
            field_tested_best=best_field_tested(reply.thread_id))
            .execution_options(synchronize_session=False))
    return OutcomeFigures(n_tried, n_reported, n_better, n_worse, score, min_reports())


def _moves(old, new):
    """The changes of (reported, better, worse) when a member's outcome goes from old to new."""
    def levels(value):
        if value is None:
            return 0, 0, 0
        return 1, int(value > 0), int(value < 0)
    before, after = levels(old), levels(new)
    return {name: a - b for name, a, b in zip(("reported", "better", "worse"), after, before)}


def mark_trying(actor, reply_id, remind_in_days=None):
    """Say "I'll try this" (again: a new reminder delay); returns the contribution's figures.

    remind_in_days: when to ask "How did it go?" (None: FORUM_OUTCOME_REMINDER_DAYS; 0: never).
    """
    days = parse_remind_days(remind_in_days)
    member = actor.require_member()
    with atomic() as db_session:
        reply = _load(db_session, actor, reply_id, outcome_refusal)
        now = utcnow()
        remind_at = now + timedelta(days=days) if days else None
        for _attempt in range(_INSERT_ATTEMPTS):
            found, outcome = _locked_outcome(db_session, member.id, reply.id)
            if found:
                if outcome is None:  # reported already: nothing left to remind of
                    db_session.execute(update(Outcome).where(_mine(member.id, reply.id)).values(
                        remind_at=remind_at, reminded_at=None))
                result = _bump(db_session, reply)
                break
            if _insert(db_session, {"member_id": member.id, "reply_id": reply.id,
                                    "trying_since": now, "remind_at": remind_at}):
                result = _bump(db_session, reply, tried=1)
                break
        else:
            raise Conflict(_('Your outcome is being changed by another request; try again.'))
    return result


def unmark_trying(actor, reply_id):
    """Take back "I'll try this" (nothing to take back is fine); a member who reported how it
    went removes the report first (409). Returns the contribution's figures."""
    member = actor.require_member()
    with atomic() as db_session:
        reply = _load(db_session, actor, reply_id, outcome_withdrawal_refusal)
        removed = db_session.scalar(
            delete(Outcome).where(_mine(member.id, reply.id), Outcome.outcome.is_(None))
            .returning(Outcome.id).execution_options(synchronize_session=False))
        if removed is None and _locked_outcome(db_session, member.id, reply.id)[0]:
            raise Conflict(_('You reported how it went: remove your report first.'),
                           field="outcome")
        result = _bump(db_session, reply, tried=-1 if removed else 0)
    return result


def report(actor, reply_id, outcome, note="", show_name=False, confirm_confidential=False):
    """Report, or change, how trying a contribution went (-2..2) with an optional short note
    (sanitized, and read by the confidentiality guard); returns the contribution's figures."""
    outcome = parse_outcome(outcome)
    note = clean_note(note)
    member = actor.require_member()
    found = confidentiality.check({"note": note}, confirm_confidential) if note else {}
    with atomic() as db_session:
        reply = _load(db_session, actor, reply_id, outcome_refusal)
        now = utcnow()
        written = {"outcome": outcome, "note": note, "note_html": str(markup.render(note)),
                   "show_name": bool(show_name), "reported_at": now, "remind_at": None}
        for _attempt in range(_INSERT_ATTEMPTS):
            exists, old = _locked_outcome(db_session, member.id, reply.id)
            if exists:
                db_session.execute(update(Outcome).where(_mine(member.id, reply.id))
                                   .values(**written))
                result = _bump(db_session, reply, **_moves(old, outcome))
                break
            if _insert(db_session, {"member_id": member.id, "reply_id": reply.id,
                                    "trying_since": now, **written}):
                result = _bump(db_session, reply, tried=1, **_moves(None, outcome))
                break
        else:
            raise Conflict(_('Your outcome is being changed by another request; try again.'))
        confidentiality.flag_posted(db_session, found, reply_id=reply.id, note=NOTE_FLAG)
    return result


def withdraw_report(actor, reply_id):
    """Remove the member's report (they stay marked as trying it); returns the figures."""
    member = actor.require_member()
    with atomic() as db_session:
        reply = _load(db_session, actor, reply_id, outcome_withdrawal_refusal)
        _found, old = _locked_outcome(db_session, member.id, reply.id)
        if old is not None:
            db_session.execute(update(Outcome).where(_mine(member.id, reply.id)).values(
                outcome=None, note="", note_html="", show_name=False, reported_at=None))
        result = _bump(db_session, reply, **_moves(old, None))
    return result


def send_due_reminders(now=None):
    """Ask "How did it go?" (a notification of kind outcome_reminder) of every member whose
    reminder is due and who has not reported yet; returns how many were sent.

    Two statements whatever the number: an INSERT ... SELECT of the notices (a repeat adds
    nothing: the event key is the outcome row's) and an UPDATE clearing remind_at and setting
    reminded_at, so a second run, or two workers at once, send each reminder once. Reminders
    about contributions hidden or deleted meanwhile are dropped. Once committed, the email
    sweep is queued as after any fan-out (run at once where jobs run in the request).
    """
    now = now or utcnow()
    due = Outcome.remind_at <= now
    rows = (
        select(Outcome.member_id, literal(REMINDER_KIND, String), Reply.thread_id,
               Outcome.reply_id, Reply.author_id,
               literal("outcome:", String) + cast(Outcome.id, String),
               literal("thread:", String) + cast(Reply.thread_id, String),
               literal(now, Timestamp))
        .join(Reply, Reply.id == Outcome.reply_id).join(Thread, Thread.id == Reply.thread_id)
        .where(due, Outcome.outcome.is_(None), live_reply(), live_thread())
    )
    with atomic() as db_session:
        sent = db_session.scalars(
            dialect_insert(Notification).from_select(
                ["recipient_id", "kind", "thread_id", "reply_id", "actor_id", "event_key",
                 "group_key", "created_at"], rows)
            .on_conflict_do_nothing(index_elements=[Notification.recipient_id,
                                                    Notification.event_key])
            .returning(Notification.id)).all()
        db_session.execute(update(Outcome).where(due).values(remind_at=None, reminded_at=now)
                           .execution_options(synchronize_session=False))
        if sent:  # the email sweep, as after any fan-out (not only the worker's next minute)
            notification_kinds.notices_written()
    return len(sent)


@jobs.periodic(jobs.crontab(minute="17"))
def send_reminders_hourly():
    """Every hour, in `flask forum worker`: the reminders that came due (then the email sweep
    emails them, a separate job, so sending stays two statements)."""
    send_due_reminders()


@dataclass(frozen=True)
class Mine:
    """The viewer's own row on one contribution: trying since, reminder, and their report."""

    reply_id: int
    outcome: int | None
    note: str
    show_name: bool
    remind_at: object
    reminded_at: object


@functools.cache
def _page_outcomes_query():
    """page_outcomes' query, built once (a third of its time was building it): binds user_key,
    reply_ids and per_reply."""
    is_mine = Member.user_key == bindparam("user_key")
    has_note = Outcome.outcome.is_not(None) & (Outcome.note != "")
    number = func.row_number().over(partition_by=(Outcome.reply_id, is_mine),
                                    order_by=(Outcome.reported_at.desc(), Outcome.id.desc()))
    ranked = (select(Outcome.reply_id, Outcome.outcome, Outcome.note, Outcome.note_html,
                     Outcome.show_name, Outcome.remind_at, Outcome.reminded_at,
                     Outcome.reported_at, Member.display_name, is_mine.label("mine"),
                     has_note.label("has_note"), number.label("number"))
              .join(Member, Member.id == Outcome.member_id)
              .where(Outcome.reply_id.in_(bindparam("reply_ids", expanding=True)),
                     is_mine | has_note).subquery())
    return (select(ranked).where(ranked.c.mine | (ranked.c.number <= bindparam("per_reply")))
            .order_by(ranked.c.reply_id, ranked.c.reported_at.desc(), ranked.c.number))


def page_outcomes(actor, reply_ids, per_reply=NOTES_SHOWN):
    """({reply_id: Mine}, {reply_id: [Note]}) for a page's contributions, in ONE query: the
    viewer's own rows, and members' newest notes (newest first; names only where the reporter
    chose to show theirs; a window numbers each contribution's notes). Nothing for visitors:
    notes are for members."""
    ids = list(reply_ids)
    if actor.user_key is None or not ids:
        return {}, {}
    rows = session().execute(_page_outcomes_query(), {
        "user_key": actor.user_key, "reply_ids": ids, "per_reply": per_reply}).all()
    mine, notes = {}, {}
    for row in rows:
        if row.mine:
            mine[row.reply_id] = Mine(row.reply_id, row.outcome, row.note, row.show_name,
                                      row.remind_at, row.reminded_at)
        if row.has_note:
            notes.setdefault(row.reply_id, []).append(Note(
                row.reply_id, row.outcome, row.note_html, row.reported_at,
                row.display_name if row.show_name else None))
    return mine, notes


def prompt_outcomes(thread):
    """For the question's author: per prompt (then "no prompt"), how many members tried its
    live contributions and how many found them better or worse than expected; one query."""
    rows = session().execute(
        select(Prompt.position, Prompt.label, func.sum(Reply.outcome_tried),
               func.sum(Reply.outcome_better), func.sum(Reply.outcome_worse))
        .select_from(Reply).outerjoin(Prompt, Prompt.id == Reply.prompt_id)
        .where(Reply.thread_id == thread.id, live_reply(), Reply.outcome_tried > 0)
        .group_by(Prompt.position, Prompt.label)
        .order_by(Prompt.position.is_(None), Prompt.position)).all()
    return [PromptOutcomes(position, label, int(tried), int(better), int(worse))
            for position, label, tried, better, worse in rows]


def field_tested_by_tag(member_id):
    """A member's field-tested record per tag, for profiles: [{"tag", "slug", "contributions"
    (with at least FORUM_OUTCOME_MIN_REPORTS reports), "reported", "positive"}], most positive
    reports first; one query. The tags are the ones expertise counts ratings under (a
    contribution's own and its thread's, canonical tags only), live contributions in live
    threads only, so the two columns of a profile's row speak of the same contributions."""
    tagged = contribution_tags()
    enough = func.sum(cast(Reply.outcome_reported >= min_reports(), Integer))
    reported = func.sum(Reply.outcome_reported)
    positive = func.sum(Reply.outcome_reported - Reply.outcome_worse)
    rows = session().execute(
        select(Tag.name, Tag.slug, enough, reported, positive)
        .select_from(tagged)
        .join(Reply, Reply.id == tagged.c.reply_id)
        .join(Thread, Thread.id == Reply.thread_id)
        .join(Tag, Tag.id == tagged.c.tag_id)
        .where(Reply.author_id == member_id, live_reply(), live_thread(),
               Tag.canonical_id.is_(None), Reply.outcome_reported > 0)
        .group_by(Tag.id, Tag.name, Tag.slug).order_by(positive.desc(), Tag.slug)).all()
    return [{"tag": name, "slug": slug, "contributions": int(n), "reported": int(r),
             "positive": int(p)} for name, slug, n, r, p in rows]


def recount(reply_id):
    """(tried, reported, better, worse) recomputed from the rows: what the stored figures must equal."""
    tried, reported, better, worse = session().execute(
        select(func.count(Outcome.id), func.count(Outcome.outcome),
               func.coalesce(func.sum(cast(Outcome.outcome > 0, Integer)), 0),
               func.coalesce(func.sum(cast(Outcome.outcome < 0, Integer)), 0))
        .where(Outcome.reply_id == reply_id)).one()
    return int(tried), int(reported), int(better), int(worse)
