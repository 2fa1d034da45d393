"""Visibility in one place: every content query a member can reach uses forum.services.visibility.

Each GET route is either listed here as content (with a URL to fetch) or as no content for
members; fetching each content URL as a member must run the shared rule and show no hidden
or deleted text. A scan of the source finds the rule written out anywhere else.
"""
import re
import sys
from pathlib import Path

import pytest

from forum.services import moderation, replies, threads, visibility

ROOT = Path(__file__).resolve().parent.parent / "forum"
PREFIX = "/community"
SECRETS = ("zanzibarhidden", "zanzibardeleted", "quokkahiddenthread")

# endpoint -> URL a member fetches ({t}: a thread with hidden content, {r}: the member's reply)
CONTENT = {
    "forum.index": ["/", "/?sort=top", "/?tag=listening"],
    "forum.thread": ["/threads/{t}", "/threads/{t}/{slug}", "/threads/{t}/{slug}?view=prompts"],
    "forum.thread_tags": ["/threads/{t}/tags"],
    "forum.tag": ["/tags/listening"],
    "forum.tag_suggestions": ["/tags/suggest?q=li"],
    "forum.search": ["/search?q=client", "/search?q=stall&kind=threads"],
    "forum.feed_threads": ["/feeds/threads.atom"],
    "forum.feed_tag": ["/feeds/tags/listening.atom"],
    "forum.feed_thread_replies": ["/feeds/threads/{t}.atom"],
    "forum.edit_reply": ["/replies/{r}/edit"],
    "forum.reply_tags": ["/replies/{r}/tags"],
    "forum.delete_reply": ["/replies/{r}/delete"],
    "forum.goto_reply": ["/replies/{r}"],
    "forum.flag_reply_form": ["/replies/{other_r}/flag"],
    "forum.flag_thread_form": ["/threads/{other_t}/flag"],
    "forum_api.list_threads": ["/api/threads", "/api/threads?tag=listening"],
    "forum_api.get_thread": ["/api/threads/{t}"],
    "forum_api.list_replies": ["/api/threads/{t}/replies"],
    "forum_api.get_reply": ["/api/replies/{r}"],
    "forum_api.list_related": ["/api/threads/{t}/related"],
    "forum_api.search": ["/api/search?q=client"],
    "forum_api.list_tags": ["/api/tags"],
    "forum.tags": ["/tags"],
    "forum.member": ["/members/{ana}", "/members/{ana}?page=1&threads_page=1"],
    "forum_api.get_member": ["/api/members/{ana}"],
    "forum.notifications": ["/notifications", "/notifications?unread=1"],
    "forum.following": ["/following"],
    "forum_api.list_notifications": ["/api/notifications", "/api/notifications?unread=true"],
    "forum_api.get_thread_watch": ["/api/threads/{t}/watch"],
    "forum_api.get_tag_follow": ["/api/tags/listening/follow"],
}
# GET routes that show members no threads or replies (forms, accounts, staff-only pages, files)
NOT_CONTENT = {
    "forum.login", "forum.register", "forum.change_password", "forum.profile", "forum.new_thread",
    "forum.import_articles", "forum.members", "forum.flag_queue", "forum.broken_links",
    "forum.moderation_log", "forum.reply_history", "forum.static", "static",
    "forum.confidential_scan", "forum.community", "forum.member_suggestions", "forum.email_settings",
    "forum.healthz",
    "forum.unsubscribe", "forum.verify_email", "forum_api.get_notification_settings",
    "forum_api.me", "forum_api.list_flags", "forum_api.moderation_log",
    "forum_api.openapi_document", "forum_api.unknown", "forum_api.get_member_follow",
    "forum_api.thread_draft", "forum_api.new_thread_draft", "forum_api.related_candidates",
}
# The rule written out: SQL conditions on the flags, raw SQL, per-object checks.
RAW_RULE = re.compile(
    r"is_(hidden|deleted)\.is_\(|is_(hidden|deleted) = :|\.is_visible\b"
    r"|is_hidden and not|(hidden|deleted)\s+and\s+not\s+\w+\.can_moderate")


@pytest.fixture
def board(make_user, actor_for):
    """A thread with a live, a hidden and a deleted contribution, and a hidden thread."""
    ana, ben, mo = make_user("Ana"), make_user("Ben"), make_user("Mo", staff=True)
    moderator = actor_for(mo)
    thread = threads.start_thread(actor_for(ben), "What opens up a resistant client?",
                                  prompts="Trust: Build rapport first", tags="listening")
    mine = replies.add_reply(actor_for(ben), thread.id, "Mirror their words.", tags="listening")
    theirs = replies.add_reply(actor_for(ana), thread.id, "Ask what they want.", tags="listening")
    open_thread = threads.start_thread(actor_for(ana), "How do you close a session warmly?",
                                       tags="listening")
    hidden = replies.add_reply(actor_for(ana), thread.id, "Name the client zanzibarhidden.",
                               tags="listening")
    moderation.hide_reply(moderator, hidden.id, reason="Client named")
    deleted = replies.add_reply(actor_for(ana), thread.id, "Wrong thread zanzibardeleted.",
                                tags="listening")
    replies.delete_reply(actor_for(ana), deleted.id)
    gone = threads.start_thread(actor_for(ana), "Why does quokkahiddenthread stall?",
                                tags="listening")
    moderation.hide_thread(moderator, gone.id, reason="Client named")
    return {"ben": ben, "t": thread.id, "slug": thread.slug, "r": mine.id,
            "other_r": theirs.id, "other_t": open_thread.id,
            "ana": actor_for(ana).require_member().id, "a": actor_for(ana).member_id}


def _visibility_calls(run):
    """(result of run(), names of forum.services.visibility functions it called)."""
    called = set()
    source = visibility.__file__

    def profile(frame, event, _arg):
        if event == "call" and frame.f_code.co_filename == source:
            called.add(frame.f_code.co_name)

    sys.setprofile(profile)
    try:
        result = run()
    finally:
        sys.setprofile(None)
    return result, called


def test_every_get_route_is_classified(app):
    """A new GET route must be added to CONTENT (and so to the test below) or NOT_CONTENT."""
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    assert endpoints - set(CONTENT) - NOT_CONTENT == set()
    assert set(CONTENT) - endpoints == set()


def test_every_member_content_query_uses_the_shared_rule(app, board, client_for):
    """Each content URL, fetched by a member, runs the visibility module and leaks nothing."""
    client = client_for(board["ben"])
    for endpoint, urls in CONTENT.items():
        for url in urls:
            url = PREFIX + url.format(**board)
            response, called = _visibility_calls(lambda: client.get(url))
            assert response.status_code in (200, 301, 302), (endpoint, url,
                                                             response.status_code)
            assert called, f"{endpoint} ({url}) answered without the shared visibility rule"
            for secret in SECRETS:
                assert secret not in response.text, (endpoint, url, secret)


def test_the_rule_is_written_out_nowhere_else():
    """No module but services/visibility.py spells out hidden/deleted conditions."""
    offenders = []
    for path in ROOT.rglob("*.py"):
        if path.name == "visibility.py" and path.parent.name == "services":
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if RAW_RULE.search(line):
                offenders.append(f"{path.relative_to(ROOT.parent)}:{number}: {line.strip()}")
    assert offenders == []
