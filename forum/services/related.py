"""Curated "More relevant reading": entries under a thread, their order, and suggestions."""
import difflib
from urllib.parse import urlsplit

from sqlalchemy import delete, func, inspect, select, update
from sqlalchemy.orm import joinedload

from forum import markup
from forum.database import atomic, get_or_not_found, session
from forum.errors import NotFound, ValidationError
from forum.models import RelatedLink, Reply, ReplyTag, Tag, Thread, ThreadTag
from forum.services import notification_kinds
from forum.services.audit import log_action
from forum.services.visibility import can_see, live_reply, live_thread
from forum.i18n import gettext as _

CATEGORY_MAX, TITLE_MAX, URL_MAX = 80, 200, 2000
SUGGESTIONS = 5
DEFAULT_CATEGORY = "Related discussion"


def _snapshot(link):
    """What a log entry records about an entry."""
    return {"position": link.position, "category": link.category, "title": link.title,
            "url": link.url, "target_thread_id": link.target_thread_id}


def validate_entry(category, title, url=None, target_thread_id=None, thread_id=None):
    """Cleaned (category, title, url, target_thread_id), or a ValidationError on the field at fault."""
    category = markup.clean_line(category)
    title = markup.clean_line(title)
    url = markup.clean_line(url) or None
    if not category:
        raise ValidationError(_('Give the entry a category, like "Life Coaching".'),
                              field="category")
    if len(category) > CATEGORY_MAX:
        raise ValidationError(_('A category has at most %(category_max)s characters.', category_max=CATEGORY_MAX),
                              field="category")
    if not title:
        raise ValidationError(_('Give the entry a title.'), field="title")
    if len(title) > TITLE_MAX:
        raise ValidationError(
            _('A title has at most %(title_max)s characters (this one has %(count)s).', title_max=TITLE_MAX, count=len(title)),
            field="title")
    if target_thread_id in ("", None):
        target_thread_id = None
    else:
        try:
            target_thread_id = int(target_thread_id)
        except (TypeError, ValueError):
            raise ValidationError(_('A thread is given by its number.'), field="target_thread_id")
    if url is not None and target_thread_id is not None:
        raise ValidationError(_('Link either to a thread of this forum or to a web address, not both.'), field="url")
    if url is not None:
        if len(url) > URL_MAX:
            raise ValidationError(_('A web address has at most %(url_max)s characters.', url_max=URL_MAX),
                                  field="url")
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
            raise ValidationError(_('Only http:// and https:// web addresses can be linked.'),
                                  field="url")
    if target_thread_id is not None:
        if target_thread_id == thread_id:
            raise ValidationError(_('A thread cannot recommend itself.'), field="target_thread_id")
        if session().get(Thread, target_thread_id) is None:
            raise ValidationError(_('There is no thread number %(target_thread_id)s.', target_thread_id=target_thread_id),
                                  field="target_thread_id")
    return category, title, url, target_thread_id


def list_links(actor, thread):
    """A thread's entries in order; those pointing at hidden threads only for moderators.

    get_thread loads them with the thread, so on a page this costs no query of its own.
    """
    if "related_links" in inspect(thread).unloaded:
        links = session().scalars(
            select(RelatedLink).where(RelatedLink.thread_id == thread.id)
            .options(joinedload(RelatedLink.target_thread))
            .order_by(RelatedLink.position, RelatedLink.id)).all()
    else:
        links = thread.related_links
    return [link for link in links
            if link.target_thread is None or can_see(actor, link.target_thread)]


def get_link(link_id):
    """An entry by id, or NotFound."""
    return get_or_not_found(RelatedLink, link_id, _("That reading entry does not exist."))


def _count(thread_id):
    """How many entries the thread has."""
    return session().scalar(
        select(func.count(RelatedLink.id)).where(RelatedLink.thread_id == thread_id))


def _check_position(position, size):
    """The position as an int within 0..size-1, or a ValidationError naming the range."""
    try:
        position = int(position)
    except (TypeError, ValueError):
        raise ValidationError(_('A position is a whole number.'), field="position")
    if position < 0 or position >= size:
        raise ValidationError(
            _("Choose a position from 1 to %(size)s.", size=size) if size else _("The list is empty."),
            field="position")
    return position


def add_link(actor, thread_id, category, title, url=None, target_thread_id=None, position=None):
    """Add an entry (at the end, or at position, counted from 0); returns it. Logged."""
    member = actor.require_moderator()
    with atomic() as db_session:
        if db_session.get(Thread, thread_id) is None:
            raise NotFound(_('That thread does not exist.'))
        if not markup.clean_line(category) and str(target_thread_id or "").isdigit():
            category = _category_labels([int(target_thread_id)]).get(int(target_thread_id), "")
        fields = validate_entry(category, title, url, target_thread_id, thread_id)
        size = _count(thread_id)
        position = size if position in (None, "") else _check_position(position, size + 1)
        db_session.execute(
            update(RelatedLink)
            .where(RelatedLink.thread_id == thread_id, RelatedLink.position >= position)
            .values(position=RelatedLink.position + 1))
        link = RelatedLink(thread_id=thread_id, position=position, category=fields[0],
                           title=fields[1], url=fields[2], target_thread_id=fields[3],
                           curator_id=member.id)
        db_session.add(link)
        db_session.flush()
        log_action(member, "related.add", "related_link", link.id, after=_snapshot(link))
        notification_kinds.reading_added(link, member)
    return link


def update_link(actor, link_id, category, title, url=None, target_thread_id=None):
    """Change an entry's category, title and destination; returns it. Logged."""
    member = actor.require_moderator()
    with atomic():
        link = get_link(link_id)
        fields = validate_entry(category, title, url, target_thread_id, link.thread_id)
        before = _snapshot(link)
        if fields[2] != link.url:
            link.check_status = link.check_final_url = link.check_error = link.checked_at = None
        link.category, link.title, link.url, link.target_thread_id = fields
        log_action(member, "related.edit", "related_link", link.id,
                   before=before, after=_snapshot(link))
    return link


def move_link(actor, link_id, position):
    """Move an entry to position (0 is the top), shifting the others; returns it. Logged."""
    member = actor.require_moderator()
    with atomic() as db_session:
        link = get_link(link_id)
        position = _check_position(position, _count(link.thread_id))
        old = link.position
        if position != old:
            low, high, step = (position, old, 1) if position < old else (old + 1, position + 1, -1)
            db_session.execute(
                update(RelatedLink).where(
                    RelatedLink.thread_id == link.thread_id, RelatedLink.id != link.id,
                    RelatedLink.position >= low, RelatedLink.position < high)
                .values(position=RelatedLink.position + step))
            link.position = position
            log_action(member, "related.move", "related_link", link.id,
                       before={"position": old}, after={"position": position})
    return link


def move_link_by(actor, link_id, offset):
    """Move an entry up (-1) or down (+1); past either end is refused."""
    actor.require_moderator()
    link = get_link(link_id)
    if not 0 <= link.position + offset < _count(link.thread_id):
        raise ValidationError(_("This entry is already at the top.") if offset < 0
                              else _("This entry is already at the bottom."), field="position")
    return move_link(actor, link_id, link.position + offset)


def delete_link(actor, link_id):
    """Remove an entry and close the gap it leaves; returns the removed entry. Logged."""
    member = actor.require_moderator()
    with atomic() as db_session:
        link = get_link(link_id)
        before = _snapshot(link)
        db_session.execute(delete(RelatedLink).where(RelatedLink.id == link.id))
        db_session.execute(
            update(RelatedLink).where(RelatedLink.thread_id == link.thread_id,
                                      RelatedLink.position > link.position)
            .values(position=RelatedLink.position - 1))
        log_action(member, "related.delete", "related_link", link.id, before=before)
        notification_kinds.reading_removed(link)
    return link


def categories():
    """Every category used so far, for reuse as moderators type."""
    return session().scalars(
        select(RelatedLink.category).distinct().order_by(RelatedLink.category)).all()


def _tag_ids(thread_ids):
    """{thread_id: set of tag ids} from thread tags and visible reply tags, in two queries."""
    found = {thread_id: set() for thread_id in thread_ids}
    rows = session().execute(
        select(ThreadTag.thread_id, ThreadTag.tag_id).where(ThreadTag.thread_id.in_(thread_ids))
    ).all()
    rows += session().execute(
        select(Reply.thread_id, ReplyTag.tag_id).join(ReplyTag, ReplyTag.reply_id == Reply.id)
        .where(Reply.thread_id.in_(thread_ids), live_reply())
    ).all()
    for thread_id, tag_id in rows:
        found[thread_id].add(tag_id)
    return found


def suggestions(actor, thread, links=None, limit=SUGGESTIONS):
    """Up to `limit` visible threads ranked by shared tags, then title similarity; not listed yet."""
    actor.require_moderator()
    links = list_links(actor, thread) if links is None else links
    listed = {link.target_thread_id for link in links} | {thread.id}
    own_tags = _tag_ids([thread.id])[thread.id]
    sharing = set()
    if own_tags:
        sharing = set(session().scalars(
            select(ThreadTag.thread_id).where(ThreadTag.tag_id.in_(own_tags)).union(
                select(Reply.thread_id).join(ReplyTag, ReplyTag.reply_id == Reply.id)
                .where(ReplyTag.tag_id.in_(own_tags), live_reply()))
        ).all())
    candidates = session().execute(
        select(Thread.id, Thread.title, Thread.title_key).where(
            live_thread(), Thread.id.not_in(listed))
        .order_by(Thread.last_activity_at.desc()).limit(500)
    ).all()
    candidate_ids = {row.id for row in candidates} | (sharing - listed)
    tags = _tag_ids(list(candidate_ids)) if own_tags else {}
    titles = {row.id: row.title for row in candidates}
    missing = (sharing - listed) - set(titles)
    if missing:
        titles.update(session().execute(
            select(Thread.id, Thread.title).where(Thread.id.in_(missing), live_thread())).all())
    key = thread.title_key
    scored = []
    for thread_id, title in titles.items():
        shared = len(tags.get(thread_id, set()) & own_tags)
        similarity = difflib.SequenceMatcher(None, key, title.casefold()).ratio()
        if shared or similarity >= 0.3:
            scored.append((shared, similarity, thread_id, title))
    scored.sort(key=lambda item: (-item[0], -item[1], item[2]))
    scored = scored[:limit]
    labels = _category_labels([item[2] for item in scored])
    return [{"thread_id": thread_id, "title": title, "category": labels.get(thread_id, DEFAULT_CATEGORY),
             "shared_tags": shared, "similarity": round(similarity, 2)}
            for shared, similarity, thread_id, title in scored]


FIND_LIMIT = 8


def find_threads(actor, thread, text, limit=FIND_LIMIT):
    """Moderators: live threads whose title contains the text (not this thread, not listed
    yet), newest activity first, each with the category its first tag gives: one query
    for the threads, one for their tags."""
    actor.require_moderator()
    key = " ".join(markup.clean_line(text).split()).casefold()[:200]
    if len(key) < 2:
        return []
    pattern = "%" + key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    listed = select(RelatedLink.target_thread_id).where(
        RelatedLink.thread_id == thread.id, RelatedLink.target_thread_id.is_not(None))
    rows = session().execute(
        select(Thread.id, Thread.title).where(
            live_thread(), Thread.id != thread.id, Thread.id.not_in(listed),
            Thread.title_key.like(pattern, escape="\\"))
        .order_by(Thread.last_activity_at.desc(), Thread.id.desc()).limit(limit)).all()
    labels = _category_labels([row.id for row in rows])
    return [{"thread_id": row.id, "title": row.title,
             "category": labels.get(row.id, DEFAULT_CATEGORY)} for row in rows]


def _category_labels(thread_ids):
    """{thread_id: a category label from its first tag ("life-coaching" -> "Life Coaching")}."""
    labels = {}
    if thread_ids:
        rows = session().execute(
            select(ThreadTag.thread_id, Tag.name).join(Tag, Tag.id == ThreadTag.tag_id)
            .where(ThreadTag.thread_id.in_(thread_ids)).order_by(Tag.slug)).all()
        for thread_id, name in rows:
            labels.setdefault(thread_id, " ".join(
                word[:1].upper() + word[1:] for word in name.replace("-", " ").split()))
    return labels
