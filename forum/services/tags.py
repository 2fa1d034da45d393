"""Tags: normalizing names to slugs, resolving synonyms, finding or creating tags."""
import re
import unicodedata

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from forum.database import session
from forum.errors import ValidationError
from forum.markup import clean_line
from forum.models import Tag

TAG_MIN, TAG_MAX = 2, 40
HASHTAG_RE = re.compile(r"(?<![\w&/#])#([^\W_][\w-]{1,39})", re.UNICODE)


def slugify(name):
    """Lower-case, accent-free slug of letters, digits and single hyphens."""
    text = unicodedata.normalize("NFKD", clean_line(name).lstrip("#")).casefold()
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^\w]+|_+", "-", text).strip("-")


def parse_tag_names(raw, field="tags"):
    """Split a comma-separated string (or list) into cleaned, de-duplicated tag names."""
    items = raw if isinstance(raw, (list, tuple)) else str(raw or "").split(",")
    names, seen = [], set()
    for item in items:
        if not isinstance(item, str):
            raise ValidationError("Tags must be text.", field=field)
        name = clean_line(item).lstrip("#").strip()
        if not name:
            continue
        if len(name) > TAG_MAX:
            raise ValidationError(f"A tag has at most {TAG_MAX} characters: {name[:50]!r}.",
                                  field=field)
        slug = slugify(name)
        if len(slug) < TAG_MIN:
            raise ValidationError(
                f"A tag needs at least {TAG_MIN} letters or digits: {name!r}.", field=field)
        if slug not in seen:
            seen.add(slug)
            names.append(name)
    limit = current_app.config["FORUM_MAX_TAGS"]
    if len(names) > limit:
        raise ValidationError(f"Use at most {limit} tags.", field=field)
    return names


def hashtags(text):
    """Hashtag names written in a text (#listeningforthewin), in order of appearance."""
    return [match.group(1) for match in HASHTAG_RE.finditer(text or "")]


def canonical(tag):
    """Follow a merged tag to the tag it was merged into."""
    seen = set()
    while tag.canonical_id is not None and tag.id not in seen:
        seen.add(tag.id)
        tag = session().get(Tag, tag.canonical_id)
    return tag


def find_tag(slug):
    """The canonical tag for a slug (synonyms resolve), or None."""
    tag = session().scalar(select(Tag).where(Tag.slug == slugify(slug)))
    return canonical(tag) if tag else None


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
                    tag = Tag(name=name, slug=slug)
                    db_session.add(tag)
            except IntegrityError:
                tag = db_session.scalar(select(Tag).where(Tag.slug == slug))
        tag = canonical(tag)
        if tag.id not in seen:
            seen.add(tag.id)
            tags.append(tag)
    return tags
