"""Emailing notices of the kinds a member gets immediately: batching, idempotency, visibility.

A sweep (a job after every fan-out, and each minute from the worker) finds notices set to
"immediately" with no email delivery yet, still unread, young enough (FORUM_EMAIL_MAX_AGE_HOURS)
and still visible to a member (checked now, not when the notice was made). It groups them per
member and thread: a thread emails a member at most once per FORUM_EMAIL_BATCH_MINUTES, and what
arrives in that window goes into the next email together. Each email first claims its notices
(a forum_delivery row per notice and channel, unique, committed), then sends, then marks them
sent: a second worker finds them claimed and never sends them too. A claim still unmarked after
FORUM_EMAIL_CLAIM_MINUTES was left by a worker that died (killed mid-send): the next sweep takes
it over and sends the email, so none is lost (twice only if the worker died in the instant
between the mail server's acceptance and the mark). A failed send releases the claim and
raises, so the job is retried with backoff.
"""
import logging
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from flask import current_app
from sqlalchemy import delete, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, joinedload

from forum import jobs
from forum.database import atomic, session
from forum.models import Delivery, Member, Notification, Reply, Thread, utcnow
from forum.services import email_links, mailer
from forum.services.actors import Actor
from forum.services.email_addresses import address_of
from forum.services.email_settings import LINK_LABELS, mode_sql
from forum.services.notification_kinds import NOTICES_WRITTEN
from forum.services.notifications import describe, excerpt
from forum.services.visibility import mark_shown_content, visible_notices
from forum.i18n import gettext as _
from forum.i18n import lazy_gettext as _lazy
from forum.i18n import ngettext, speaking_to
from forum.services.preferences import preference_for

log = logging.getLogger("forum.email")
CHUNK = 500
HIDDEN_TITLE = _lazy("a thread no longer shown")
MEMBER_VIEW = Actor(user_key="")  # a member who does not moderate: what every member may see


def abandoned_before():
    """Claims older than this and never marked were left by a worker that died while sending."""
    return utcnow() - timedelta(minutes=current_app.config["FORUM_EMAIL_CLAIM_MINUTES"])


def delivered(channel):
    """SQL: the notice has a delivery on channel (sent, skipped, or claimed by a live worker)."""
    return exists().where(Delivery.notification_id == Notification.id, Delivery.channel == channel,
                          or_(Delivery.status != "claimed",
                              Delivery.claimed_at >= abandoned_before()))


def _pending(after):
    """Up to CHUNK notices to email now, past id `after`, with thread, reply and actor."""
    now = utcnow()
    max_age = timedelta(hours=current_app.config["FORUM_EMAIL_MAX_AGE_HOURS"])
    query = (select(Notification)
             .join(Thread, Notification.thread_id == Thread.id)
             .outerjoin(Reply, Notification.reply_id == Reply.id)
             .where(Notification.id > after, Notification.read_at.is_(None),
                    Notification.created_at >= now - max_age, ~delivered("email"),
                    mode_sql(Notification.recipient_id, Notification.kind) == "immediately")
             .options(contains_eager(Notification.thread), contains_eager(Notification.reply),
                      joinedload(Notification.actor))
             .order_by(Notification.id).limit(CHUNK))
    notices = session().scalars(visible_notices(MEMBER_VIEW, query)).unique().all()
    return mark_shown_content(MEMBER_VIEW, notices)  # a notice about hiding shows no text


def _groups(notices):
    """{(recipient id, group key): [notices]} in the order the notices came."""
    groups = {}
    for notice in notices:
        groups.setdefault((notice.recipient_id, notice.group_key), []).append(notice)
    return groups


def _recently_emailed(member_id, group_key):
    """Whether this thread emailed the member within the batch window."""
    since = utcnow() - timedelta(minutes=current_app.config["FORUM_EMAIL_BATCH_MINUTES"])
    return session().scalar(select(func.count(Delivery.id)).where(
        Delivery.recipient_id == member_id, Delivery.batch_key == group_key,
        Delivery.channel == "email", Delivery.status != "skipped",
        Delivery.claimed_at > since,
        or_(Delivery.status == "sent", Delivery.claimed_at >= abandoned_before()))) > 0


@dataclass(frozen=True)
class Held:
    """What claiming needs of a notice, kept apart from the ORM object (a commit expires it)."""

    id: int
    recipient_id: int
    group_key: str


def held(notices):
    """The notices as Held values, read now, before any commit."""
    return [Held(notice.id, notice.recipient_id, notice.group_key) for notice in notices]


def claim(notices, channel, status="claimed"):
    """Commit one delivery row per notice (or Held) for channel, taking over claims a dead
    worker abandoned; False when another worker (or an earlier run) holds any of them already,
    and then nothing is claimed."""
    try:
        with atomic() as db_session:
            db_session.execute(delete(Delivery).where(
                Delivery.notification_id.in_([notice.id for notice in notices]),
                Delivery.channel == channel, Delivery.status == "claimed",
                Delivery.claimed_at < abandoned_before()))
            db_session.add_all([
                Delivery(notification_id=notice.id, recipient_id=notice.recipient_id,
                         channel=channel, batch_key=notice.group_key, status=status)
                for notice in notices])
    except IntegrityError:
        return False
    return True


def _settle(ids, channel, sent):
    """Mark claimed deliveries sent, or release them (delete) after a failed send."""
    where = (Delivery.notification_id.in_(ids), Delivery.channel == channel)
    with atomic() as db_session:
        if sent:
            db_session.execute(update(Delivery).where(*where).values(
                status="sent", sent_at=utcnow()))
        else:
            db_session.execute(delete(Delivery).where(*where))


def mark_sent(ids, channel):
    """After the mail server accepted the email: its deliveries are sent."""
    _settle(ids, channel, sent=True)


def send_claimed(notices, channel, send):
    """Claim the notices, call send(), mark them sent; release them and re-raise when send()
    fails. Returns False when they were claimed already (nothing sent)."""
    notices = held(notices)
    ids = [notice.id for notice in notices]
    if not claim(notices, channel):
        return False
    try:
        send()
    except Exception:
        log.exception("email of %d notice(s) failed; it will be retried", len(ids))
        _settle(ids, channel, sent=False)
        raise
    mark_sent(ids, channel)
    return True


def footer_links(member_id, kind):
    """The unsubscribe link of one kind, or of the digest (for the header and the footer), and
    the settings page's."""
    return {
        "unsubscribe_url": email_links.absolute_url(
            "forum.unsubscribe", token=email_links.unsubscribe_token(member_id, kind)),
        "settings_url": email_links.absolute_url("forum.email_settings"),
        "kind_label": str(LINK_LABELS.get(kind, kind)),
    }


def shown_title(notice):
    """The notice's thread title, unless members may no longer see that thread."""
    return notice.thread.title if notice.shows_thread else str(HIDDEN_TITLE)


def unsubscribe_headers(links):
    """RFC 2369 / RFC 8058 headers: mail programs offer a one-click unsubscribe button."""
    return {"List-Unsubscribe": f"<{links['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def _compose(member, notices):
    """(language preference, subject, template context) of one email about one thread's
    notices, written in the member's language and time zone."""
    preference = preference_for(member.id)
    with speaking_to(*preference):
        thread = notices[0].thread
        links = footer_links(member.id, notices[0].kind)
        items = [{"text": describe(notice), "excerpt": excerpt(notice),
                  "url": email_links.absolute_url("forum.thread", thread_id=thread.id,
                                                  slug=thread.slug,
                                                  _anchor=f"reply-{notice.reply_id}"
                                                  if notice.reply_id else None)}
                 for notice in notices]
        title = shown_title(notices[0])
        subject = (_("%(notice)s: %(title)s", notice=items[0]["text"], title=title)
                   if len(items) == 1 else
                   ngettext("%(num)s new in “%(title)s”", "%(num)s new in “%(title)s”",
                            len(items), title=title))
    return preference, subject, dict(headers=unsubscribe_headers(links), member=member,
                                     thread=thread, title=title, items=items, **links)


def _send_notice(address, preference, subject, context):
    """Send one notice email, its templates rendered in the member's language."""
    with speaking_to(*preference):
        mailer.send(address, subject, "notice", **context)


def _sweep(notices):
    """Email one chunk of pending notices, one email per member and thread; returns how many.
    Every email is written before the first claim commits (a commit expires the loaded rows)."""
    groups = _groups(notices)
    members = {member.id: member for member in session().scalars(
        select(Member).where(Member.id.in_({key[0] for key in groups})))}
    skipped, outgoing = [], []
    for (member_id, group_key), group in groups.items():
        if _recently_emailed(member_id, group_key):
            continue  # the next batch email takes them
        address = address_of(members[member_id])
        if address is None:
            skipped.append(held(group))
        else:
            outgoing.append((address, held(group), _compose(members[member_id], group)))
    for group in skipped:
        claim(group, "email", status="skipped")
    sent = 0
    for address, group, email in outgoing:
        sent += send_claimed(group, "email", partial(_send_notice, address, *email))
    return sent


@jobs.task(retries=5, retry_delay=60, retry_backoff=2)
def deliver_emails():
    """Email every notice due now (see the module's docstring); returns how many emails."""
    if not current_app.config["FORUM_EMAIL"]:
        return 0
    sent, after = 0, 0
    while notices := _pending(after):
        after = notices[-1].id
        sent += _sweep(notices)
    return sent


@jobs.periodic(jobs.crontab(minute="*"))
def deliver_batched_emails():
    """Each minute: send what waited for its batch window (and anything a crash left)."""
    deliver_emails()


NOTICES_WRITTEN.append(deliver_emails)
