"""The digest email, daily or weekly by the member's choice: the best new contributions in the
tags they follow and the threads they watch (Bayesian score, as the thread pages rank them),
and their notices of the kinds set to "digest". Nothing is sent when there is nothing.

The worker checks every hour which members are due (their last digest, or their first use of
the forum, a day or a week ago). Moving digest_sent_at and claiming the notices commit before
the email goes out, so a crash never sends the same digest twice.
"""
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, or_, select, union
from sqlalchemy.orm import contains_eager, joinedload

from forum import jobs
from forum.database import atomic, session
from forum.models import (
    EmailPreference, Member, Notification, Reply, ReplyTag, TagFollow, Thread,
    ThreadTag, ThreadWatch, utcnow,
)
from forum.services import email_delivery, email_links, mailer, ratings
from forum.services.email_addresses import address_of
from forum.services.email_settings import DEFAULT_DIGEST, DIGEST, mode_sql
from forum.services.notifications import describe, excerpt, reply_excerpt
from forum.services.visibility import (
    live_reply, live_thread, mark_shown_content, visible_notices,
)
from forum.i18n import gettext as _
from forum.i18n import speaking_to
from forum.services.preferences import preference_for

PERIOD = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}
NOTICES_MAX = 30
MEMBERS_CHUNK = 200


def _due_members(after, now):
    """Up to MEMBERS_CHUNK (member, preference) past id `after` whose digest is due and who
    follow a tag, watch a thread or have a notice waiting."""
    interested = union(select(TagFollow.member_id),
                       select(ThreadWatch.member_id).where(ThreadWatch.level == "watching"),
                       select(Notification.recipient_id).where(Notification.read_at.is_(None)))
    rows = session().execute(
        select(Member, EmailPreference)
        .outerjoin(EmailPreference, EmailPreference.member_id == Member.id)
        .where(Member.id > after, Member.id.in_(interested))
        .order_by(Member.id).limit(MEMBERS_CHUNK)).all()
    due = []
    for member, preference in rows:
        if preference is not None and preference.digest not in PERIOD:
            continue  # digest off
        every = PERIOD[preference.digest if preference else DEFAULT_DIGEST]
        last = (preference.digest_sent_at if preference and preference.digest_sent_at
                else member.created_at)
        if last <= now - every:
            due.append((member, preference))
    return rows[-1][0].id if rows else None, due


def waiting_notices(member_id, since):
    """The member's unread notices since `since` not in a digest yet, still visible to members:
    those of digest kinds, and those of "immediately" kinds that were never emailed because
    they grew too old first (FORUM_EMAIL_MAX_AGE_HOURS: a worker was down), so none is lost."""
    in_digest = email_delivery.delivered("digest")
    emailed = email_delivery.delivered("email")
    too_old = utcnow() - timedelta(hours=current_app.config["FORUM_EMAIL_MAX_AGE_HOURS"])
    mode = mode_sql(Notification.recipient_id, Notification.kind)
    query = (select(Notification)
             .join(Thread, Notification.thread_id == Thread.id)
             .outerjoin(Reply, Notification.reply_id == Reply.id)
             .where(Notification.recipient_id == member_id, Notification.read_at.is_(None),
                    Notification.created_at > since, ~in_digest,
                    or_(mode == "digest", and_(mode == "immediately", ~emailed,
                                               Notification.created_at < too_old)))
             .options(contains_eager(Notification.thread), contains_eager(Notification.reply),
                      joinedload(Notification.actor))
             .order_by(Notification.id.desc()).limit(NOTICES_MAX))
    notices = session().scalars(visible_notices(email_delivery.MEMBER_VIEW, query)).unique().all()
    return mark_shown_content(email_delivery.MEMBER_VIEW, notices)


def best_contributions(member_id, since, limit):
    """The best-rated live contributions since `since` by others, in threads the member
    watches or carrying (or in threads carrying) a tag they follow."""
    followed = select(TagFollow.tag_id).where(TagFollow.member_id == member_id)
    watched = select(ThreadWatch.thread_id).where(ThreadWatch.member_id == member_id,
                                                  ThreadWatch.level == "watching")
    tagged = union(select(ReplyTag.reply_id.label("id")).where(ReplyTag.tag_id.in_(followed)),
                   select(Reply.id).join(ThreadTag, ThreadTag.thread_id == Reply.thread_id)
                   .where(ThreadTag.tag_id.in_(followed)))
    query = (select(Reply).join(Thread, Reply.thread_id == Thread.id)
             .where(Reply.created_at > since, live_reply(), live_thread(),
                    or_(Reply.author_id.is_(None), Reply.author_id != member_id),
                    or_(Reply.thread_id.in_(watched), Reply.id.in_(tagged)))
             .options(contains_eager(Reply.thread))
             .order_by(*ratings.best_first(Reply), Reply.id.desc()).limit(limit))
    return session().scalars(query).unique().all()


def _thread_url(thread, reply_id=None):
    return email_links.absolute_url("forum.thread", thread_id=thread.id, slug=thread.slug,
                                    _anchor=f"reply-{reply_id}" if reply_id else None)


def digest_for(member, since):
    """(contributions, notice items, notices) for the member's digest: dicts for the
    templates (a notice about a listed contribution is not listed again) and the notices the
    digest covers."""
    picks = best_contributions(member.id, since, current_app.config["FORUM_DIGEST_ITEMS"])
    shown = {reply.id for reply in picks}
    notices = waiting_notices(member.id, since)
    contributions = [{
        "thread_title": reply.thread.title, "url": _thread_url(reply.thread, reply.id),
        "excerpt": reply_excerpt(reply), "rating": ratings.summary_of(
            reply.rating_count, reply.rating_sum)} for reply in picks]
    items = [{"text": describe(notice), "thread_title": email_delivery.shown_title(notice),
              "excerpt": excerpt(notice), "url": _thread_url(notice.thread, notice.reply_id)}
             for notice in notices if notice.reply_id not in shown]
    return contributions, items, notices


def _set_sent(member, preference, when):
    """Record when the member's digest went out (creating their preference row)."""
    if preference is None:
        session().add(EmailPreference(member_id=member.id, digest=DEFAULT_DIGEST,
                                      digest_sent_at=when))
    else:
        preference.digest_sent_at = when


def send_digest(member, preference, now):
    """Send one member's digest if it has anything, in their language and time zone; True
    when an email went out."""
    with speaking_to(*preference_for(member.id)):
        return _send_digest(member, preference, now)


def _send_digest(member, preference, now):
    """send_digest's work, in the language in force."""
    every = PERIOD[preference.digest if preference else DEFAULT_DIGEST]
    since = max(now - every, (preference.digest_sent_at if preference and
                              preference.digest_sent_at else member.created_at))
    contributions, items, notices = digest_for(member, since)
    notices = email_delivery.held(notices)  # the commit below expires the loaded rows
    address = address_of(member)
    with atomic():
        _set_sent(member, preference, now)  # nothing or no address: checked again next period
    if address is None or not (contributions or items):
        return False
    links = email_delivery.footer_links(member.id, DIGEST)
    period = "week" if every.days == 7 else "day"

    def send():
        site = current_app.config["FORUM_TITLE"]
        subject = _("Your week on %(site)s", site=site) if period == "week" else \
            _("Your day on %(site)s", site=site)
        mailer.send(address, subject, "digest",
                    headers=email_delivery.unsubscribe_headers(links), member=member,
                    contributions=contributions, items=items, period=period, **links)

    if notices:
        return email_delivery.send_claimed(notices, "digest", send)
    send()
    return True


@jobs.periodic(jobs.crontab(minute="7"))
def send_digests():
    """Every hour: each member whose digest is due gets it (when it has anything)."""
    if not current_app.config["FORUM_EMAIL"]:
        return 0
    now, after, sent = utcnow(), 0, 0
    while after is not None:
        after, due = _due_members(after, now)
        for member, preference in due:
            sent += send_digest(member, preference, now)
    return sent
