"""Atom feeds (RFC 4287) for new threads, new threads with a tag, and new replies of a thread."""
from xml.etree import ElementTree as ET

from flask import Response, current_app, render_template_string

from forum.models import utcnow
from forum.services import feeds as feed_service
from forum.urls import url_for
from forum.web.routes import Routes
from forum.i18n import gettext as _

routes = Routes()

ATOM_NS = "http://www.w3.org/2005/Atom"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
THREAD_CONTENT = (
    "{{ t.lead_html|safe }}{% if t.prompts %}<ol>{% for p in t.prompts %}<li><strong>"
    "{{ p.label }}:</strong> {{ p.text }}</li>{% endfor %}</ol>{% endif %}"
    "{% if t.call_to_action %}<p>{{ t.call_to_action }}</p>{% endif %}")


def _add(parent, tag, text=None, **attributes):
    """Append an Atom element with optional text and attributes."""
    element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attributes)
    if text is not None:
        element.text = text
    return element


def _entry(feed, entry_id, title, link, author, published, updated, html):
    """One <entry>: id, title, link, author, dates, and the page's sanitized HTML as content."""
    entry = _add(feed, "entry")
    _add(entry, "id", entry_id)
    _add(entry, "title", title, type="text")
    _add(entry, "link", rel="alternate", type="text/html", href=link)
    _add(_add(entry, "author"), "name", author.display_name if author else "A former member")
    _add(entry, "published", published.isoformat())
    _add(entry, "updated", updated.isoformat())
    _add(entry, "content", html, type="html")


def _feed(title, self_url, page_url, updated):
    """The <feed> element with its required id, title, updated, links and author."""
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    _add(feed, "id", self_url)
    _add(feed, "title", title, type="text")
    _add(feed, "updated", updated.isoformat())
    _add(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _add(feed, "link", rel="alternate", type="text/html", href=page_url)
    _add(_add(feed, "author"), "name", current_app.config["FORUM_TITLE"])
    _add(feed, "generator", "coaching-forum")
    return feed


def _response(feed):
    """Serialize with the Atom namespace as the default one."""
    ET.register_namespace("", ATOM_NS)
    body = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return Response(body, content_type=ATOM_TYPE)


def _threads_feed(title, self_url, page_url, threads, replies=()):
    """A feed whose entries are threads and, for a tag, contributions: newest first."""
    entries = [(t.created_at, "thread", t) for t in threads] + [
        (r.created_at, "reply", r) for r in replies]
    entries.sort(key=lambda entry: entry[0], reverse=True)
    updated = max((when for when, _kind, _item in entries), default=utcnow())
    feed = _feed(title, self_url, page_url, updated)
    for _when, kind, item in entries[:feed_service.FEED_SIZE]:
        if kind == "thread":
            link = url_for("forum.thread", thread_id=item.id, slug=item.slug, _external=True)
            _entry(feed, link, item.title, link, item.author, item.created_at,
                   item.created_at, render_template_string(THREAD_CONTENT, t=item))
        else:
            _reply_entry(feed, item)
    return _response(feed)


def _reply_entry(feed, reply, page=None):
    """One contribution as an entry. page: its thread's URL when the feed is that thread's;
    without it (a tag's feed) the loaded reply.thread gives the URL and the title names it."""
    author = reply.author.display_name if reply.author else _("a former member")
    if page is None:
        page = url_for("forum.thread", thread_id=reply.thread.id, slug=reply.thread.slug,
                       _external=True)
        title = _("Contribution by %(name)s in %(thread)s", name=author, thread=reply.thread.title)
    else:
        title = _("Contribution by %(name)s", name=author)
    _entry(feed, f"{page}#reply-{reply.id}", title, f"{page}#reply-{reply.id}", reply.author,
           reply.created_at, reply.edited_at or reply.created_at, reply.html)


@routes.get("/feeds/threads.atom")
def feed_threads():
    """New threads in the whole forum."""
    _tag, threads = feed_service.newest_threads()
    site = current_app.config["FORUM_TITLE"]
    return _threads_feed(_("%(site)s: new threads", site=site), url_for("forum.feed_threads", _external=True),
                         url_for("forum.index", sort="newest", _external=True), threads)


@routes.get("/feeds/tags/<slug>.atom")
def feed_tag(slug):
    """New threads and contributions with one tag."""
    tag, threads = feed_service.newest_threads(slug)
    site = current_app.config["FORUM_TITLE"]
    return _threads_feed(_("%(site)s: new threads and contributions tagged #%(tag)s",
                           site=site, tag=tag.name),
                         url_for("forum.feed_tag", slug=tag.slug, _external=True),
                         url_for("forum.tag", slug=tag.slug, _external=True), threads,
                         feed_service.newest_tagged_replies(tag))


@routes.get("/feeds/threads/<int:thread_id>.atom")
def feed_thread_replies(thread_id):
    """New contributions to one thread."""
    thread, replies = feed_service.newest_replies(thread_id)
    page = url_for("forum.thread", thread_id=thread.id, slug=thread.slug, _external=True)
    updated = max([thread.created_at] + [r.edited_at or r.created_at for r in replies])
    feed = _feed(_("%(title)s: contributions", title=thread.title),
                 url_for("forum.feed_thread_replies", thread_id=thread.id, _external=True),
                 page, updated)
    for reply in replies:
        _reply_entry(feed, reply, page)
    return _response(feed)
