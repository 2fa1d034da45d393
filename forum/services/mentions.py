"""@name mentions: links to the members a contribution names, and names suggested as you type."""
from flask import current_app
from sqlalchemy import func, select

from forum import markup
from forum.database import session
from forum.models import Member
from forum.services.notifications import MENTIONS_MAX
from forum.urls import endpoint_for

SUGGEST_MAX = 8
PREFIX_MAX = 40


def member_path(member_id):
    """The path of a member's page, the same in a request, an import or the CLI (stored HTML
    must not depend on who posted how): under the app's APPLICATION_ROOT, as Flask builds
    URLs outside a request."""
    root = current_app.config.get("APPLICATION_ROOT") or "/"
    adapter = current_app.url_map.bind("localhost", script_name=root)
    return adapter.build(endpoint_for("forum.member"), {"member_id": member_id})


def mention_links(body):
    """{casefolded name: member page path} for the names a text mentions (at most
    MENTIONS_MAX) that belong to a member; one query, none when nothing is mentioned."""
    names = [name.casefold() for name in markup.mentions(body)[:MENTIONS_MAX]]
    if not names:
        return {}
    rows = session().execute(
        select(func.lower(Member.display_name), func.min(Member.id))
        .where(func.lower(Member.display_name).in_(names))
        .group_by(func.lower(Member.display_name))).all()
    return {name.casefold(): member_path(member_id) for name, member_id in rows}


def contribution_html(body):
    """A contribution's HTML (str, to store), its @mentions linked to the members they name."""
    return str(markup.render(body, mention_links(body)))


def _escape_like(text):
    """text with LIKE's wildcards taken literally (escape character: backslash)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def suggest(prefix, limit=SUGGEST_MAX):
    """Names of members starting with prefix (case-insensitive) that an @mention can name (no
    spaces), by name; [] for an empty prefix. One query."""
    prefix = markup.clean_line(prefix).lstrip("@")[:PREFIX_MAX]
    if not markup.MENTION_RE.fullmatch("@" + prefix):
        return []
    lowered = func.lower(Member.display_name)
    names = session().scalars(
        select(Member.display_name).distinct()
        .where(lowered.like(_escape_like(prefix.casefold()) + "%", escape="\\"),
               Member.display_name.not_like("% %"), Member.is_banned.is_(False))
        .order_by(Member.display_name).limit(limit)).all()
    return [name for name in names if markup.MENTION_RE.fullmatch("@" + name)]
