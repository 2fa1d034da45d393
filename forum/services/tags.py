"""Tags: normalizing names to slugs, synonyms, suggestions, replacing an item's tags, merging."""
import re
import unicodedata
from urllib.parse import quote

from flask import current_app
from sqlalchemy import delete, func, insert, literal, or_, select, union, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from forum import markup
from forum.database import atomic, session
from forum.errors import NotFound, ValidationError
from forum.markup import clean_line
from forum.models import Reply, ReplyTag, Tag, TagFollow, Thread, ThreadTag
from forum.services.audit import log_action
from forum.settings import url_prefix
from forum.services.visibility import live_reply, live_thread
from forum.i18n import gettext as _

TAG_MIN, TAG_MAX = 2, 40
SUGGEST_LIMIT = 10


def slugify(name):
    """Lower-case, accent-free slug of letters, digits and single hyphens."""
    text = unicodedata.normalize("NFKD", clean_line(name).lstrip("#")).casefold()
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^\w]+|_+", "-", text).strip("-")[:TAG_MAX].strip("-")


def hashtag_linker(tag_names):
    """tag_link for markup.render: a hashtag links to its tag's page when it is one of these
    tags (the ones the contribution carries), else stays text."""
    base = f"{url_prefix(current_app.config) or ''}/tags/"
    slugs = {slugify(name) for name in tag_names}
    return lambda name: base + quote(slugify(name)) if slugify(name) in slugs else None


def parse_tag_names(raw, field="tags"):
    """Split a comma-separated string (or list) into cleaned, de-duplicated tag names.

    Raises ValidationError(field=field) for a tag over TAG_MAX characters, one with fewer than
    TAG_MIN letters or digits (only punctuation), or more than FORUM_MAX_TAGS tags.
    """
    items = raw if isinstance(raw, (list, tuple)) else str(raw or "").split(",")
    names, seen = [], set()
    for item in items:
        if not isinstance(item, str):
            raise ValidationError(_('Tags must be text.'), field=field)
        name = clean_line(item).lstrip("#").strip()
        if not name:
            continue
        if len(name) > TAG_MAX:
            raise ValidationError(
                _('A tag has %(tag_min)s to %(tag_max)s characters: %(value)s is too long.', tag_min=TAG_MIN, tag_max=TAG_MAX, value=repr(name[:50])),
                field=field)
        slug = slugify(name)
        if len(slug) < TAG_MIN:
            raise ValidationError(
                _('A tag needs at least %(tag_min)s letters or digits: %(name)s.', tag_min=TAG_MIN, name=repr(name)), field=field)
        if slug not in seen:
            seen.add(slug)
            names.append(name)
    limit = current_app.config["FORUM_MAX_TAGS"]
    if len(names) > limit:
        raise ValidationError(_('Use at most %(limit)s tags (you gave %(count)s).', limit=limit, count=len(names)), field=field)
    return names


def hashtags(text):
    """Hashtag names written in a Markdown text (#listeningforthewin), in order of appearance."""
    return markup.hashtags(text)


def with_hashtags(chosen, body, field="tags"):
    """Chosen tags (validated) plus the text's hashtags, within FORUM_MAX_TAGS in total.

    Chosen tags beyond the limit are an error; hashtags beyond it are simply not added.
    """
    names = parse_tag_names(chosen, field=field)
    limit = current_app.config["FORUM_MAX_TAGS"]
    seen = {slugify(name) for name in names}
    for name in hashtags(body):
        slug = slugify(name)
        if len(names) >= limit:
            break
        if len(slug) >= TAG_MIN and slug not in seen:
            seen.add(slug)
            names.append(name)
    return names


def canonical(tag):
    """Follow a merged tag to the tag it was merged into."""
    seen = set()
    while tag.canonical_id is not None and tag.id not in seen:
        seen.add(tag.id)
        tag = session().get(Tag, tag.canonical_id)
    return tag


def find_tag(slug):
    """The canonical tag for a slug or name (synonyms resolve), or None."""
    tag = session().scalar(select(Tag).where(Tag.slug == slugify(slug or "")))
    return canonical(tag) if tag else None


def synonyms(tag):
    """The tags merged into this one (their old slugs still lead here), by slug."""
    return session().scalars(select(Tag).where(Tag.canonical_id == tag.id).order_by(Tag.slug)).all()


def get_or_create_tags(names):
    """Canonical Tag rows for names, creating missing ones inside the caller's transaction."""
    db_session = session()
    tags, seen = [], set()
    for name in names:
        slug = slugify(name)
        tag = db_session.scalar(select(Tag).where(Tag.slug == slug))
        if tag is None:
            try:
                with db_session.begin_nested():
                    tag = Tag(name=clean_line(name).lstrip("#")[:TAG_MAX], slug=slug)
                    db_session.add(tag)
            except IntegrityError:
                tag = db_session.scalar(select(Tag).where(Tag.slug == slug))
        tag = canonical(tag)
        if tag.id not in seen:
            seen.add(tag.id)
            tags.append(tag)
    return tags


def replace_tags(link_model, owner_column, owner_id, names):
    """Make the item's tags exactly `names` (inside the caller's transaction); return the Tags.

    link_model is ThreadTag or ReplyTag, owner_column its "thread_id" or "reply_id".
    """
    db_session = session()
    tags = get_or_create_tags(names)
    column = getattr(link_model, owner_column)
    db_session.execute(delete(link_model).where(column == owner_id))
    for tag in tags:
        db_session.add(link_model(**{owner_column: owner_id, "tag_id": tag.id}))
    return tags


def contribution_tags():
    """Subquery of (reply_id, tag_id) for every contribution under a tag: its own tags and its
    thread's (what a member's expertise per tag counts, ratings and outcomes alike)."""
    return union(
        select(ReplyTag.reply_id, ReplyTag.tag_id),
        select(Reply.id.label("reply_id"), ThreadTag.tag_id)
        .join(ThreadTag, ThreadTag.thread_id == Reply.thread_id),
    ).subquery()


def _live_threads_tagged(tag_id):
    """SELECT of the visible threads carrying the tag with this id (a value, or Tag.id)."""
    return (select(ThreadTag.thread_id).join(Thread, Thread.id == ThreadTag.thread_id)
            .where(ThreadTag.tag_id == tag_id, live_thread()))


def _live_replies_tagged(tag_id):
    """SELECT of the visible contributions, in visible threads, carrying the tag with this id."""
    return (select(ReplyTag.reply_id).join(Reply, Reply.id == ReplyTag.reply_id)
            .join(Thread, Thread.id == Reply.thread_id)
            .where(ReplyTag.tag_id == tag_id, live_reply(), live_thread()))


def _count(tagged):
    """SQL, correlated to Tag: how many rows one of the SELECTs above finds for Tag.id."""
    return tagged(Tag.id).with_only_columns(func.count()).scalar_subquery()


def is_listed(actor, tag):
    """Whether the actor may see this tag: it tags live content (moderators see every tag), so
    a tag used only on hidden or deleted items names nothing to members (one query)."""
    if actor.can_moderate:
        return True
    return bool(session().scalar(select(or_(_live_threads_tagged(tag.id).exists(),
                                            _live_replies_tagged(tag.id).exists()))))


def tag_for_listing(actor, slug):
    """The canonical tag for a slug, or NotFound: also for members when it tags nothing they
    can see (a tag used only on hidden or deleted items stays unknown)."""
    tag = find_tag(slug)
    if tag is None or not is_listed(actor, tag):
        raise NotFound(_('No tag %(slug)s.', slug=repr(slug)))
    return tag


def suggest_tags(query, limit=SUGGEST_LIMIT):
    """Canonical tags whose slug (or a synonym's) starts with the query, most used first.

    Returns a list of {"name", "slug", "uses"} dicts, for the tag field's suggestions; uses
    count visible threads and contributions only, and tags of nothing visible are left out.
    """
    prefix = slugify(query or "")
    if not prefix:
        return []
    synonym = aliased(Tag)
    matching = select(func.coalesce(synonym.canonical_id, synonym.id)).where(
        synonym.slug.startswith(prefix, autoescape=True))
    uses = _count(_live_threads_tagged) + _count(_live_replies_tagged)
    rows = session().execute(
        select(Tag.name, Tag.slug, uses.label("uses"))
        .where(Tag.canonical_id.is_(None), Tag.id.in_(matching), uses > 0)
        .order_by(uses.desc(), Tag.slug).limit(limit)
    ).all()
    return [{"name": name, "slug": slug, "uses": count} for name, slug, count in rows]


def list_tags():
    """Canonical tags of visible content with the number of visible threads and contributions
    carrying each, most used first: a list of {"name", "slug", "thread_count", "reply_count"}
    dicts (the tags page and the API's tag list)."""
    threads, replies = _count(_live_threads_tagged), _count(_live_replies_tagged)
    rows = session().execute(
        select(Tag.name, Tag.slug, threads.label("thread_count"), replies.label("reply_count"))
        .where(Tag.canonical_id.is_(None), (threads + replies) > 0)
        .order_by(threads.desc(), replies.desc(), Tag.slug)).all()
    return [{"name": name, "slug": slug, "thread_count": n, "reply_count": r}
            for name, slug, n, r in rows]


def _move_links(link_model, owner_column, source_id, target_id):
    """Move an item-tag link table from source tag to target tag, skipping duplicates."""
    db_session = session()
    owner = getattr(link_model, owner_column)
    already = select(owner).where(link_model.tag_id == target_id)
    moved = db_session.execute(
        insert(link_model).from_select(
            [owner_column, "tag_id"],
            select(owner, literal(target_id)).where(
                link_model.tag_id == source_id, owner.not_in(already)),
        )
    ).rowcount
    db_session.execute(delete(link_model).where(link_model.tag_id == source_id))
    return moved


def merge_tags(actor, source_slug, target, reason=""):
    """Merge one tag into another (moderators): the old slug becomes a synonym that resolves.

    Threads and replies carrying the old tag carry the target instead and its followers follow
    the target; tags that were already synonyms of the old tag now point at the target. Logged
    as "tag.merge". Returns the target.
    """
    moderator = actor.require_moderator()
    with atomic() as db_session:
        source = db_session.scalar(select(Tag).where(Tag.slug == slugify(source_slug or "")))
        if source is None or source.canonical_id is not None:
            raise NotFound(_('That tag does not exist or was already merged.'))
        target_tag = find_tag(target)
        if target_tag is None:
            raise ValidationError(_('No tag %(clean_line)s to merge into.', clean_line=repr(clean_line(target))), field="into")
        if target_tag.id == source.id:
            raise ValidationError(_('Merge a tag into a different tag.'), field="into")
        threads = _move_links(ThreadTag, "thread_id", source.id, target_tag.id)
        replies = _move_links(ReplyTag, "reply_id", source.id, target_tag.id)
        _move_links(TagFollow, "member_id", source.id, target_tag.id)  # followers follow on
        db_session.execute(update(Tag).where(or_(
            Tag.canonical_id == source.id, Tag.id == source.id)).values(canonical_id=target_tag.id))
        log_action(moderator, "tag.merge", "tag", source.id, reason=reason,
                   before={"slug": source.slug},
                   after={"into": target_tag.slug, "threads": threads, "replies": replies})
    return target_tag
