"""The forum's pages: one module per feature, each one's routes put on the one blueprint here."""
from forum.security import headers_for_unmatched
from forum.settings import url_prefix
from forum.web import (
    card_cache,
    card_viewer,
    community_page,
    confidentiality,
    context,
    email_pages,
    feeds,
    health,
    importing,
    kept_forms,
    language_pages,
    list_cache,
    log_sentences,
    login_pages,
    member_pages,
    moderation,
    notification_pages,
    outcome_widgets,
    outcomes,
    page_cache,
    profile,
    profile_pages,
    ratings,
    related,
    reply_pages,
    search,
    tag_pages,
    thread_page,
    threads,
)
from forum.web.blueprint import bp

PAGES = (context, health, page_cache, list_cache, login_pages, feeds, importing, language_pages,
         log_sentences, moderation, notification_pages, email_pages, member_pages, profile,
         profile_pages, outcome_widgets, kept_forms, thread_page, card_viewer, card_cache,
         ratings, outcomes, related, search, reply_pages, tag_pages, threads, confidentiality,
         community_page)

for _module in PAGES:
    _module.routes.register(bp)


def register_pages(app, name="forum"):
    """Mount the forum's pages under FORUM_URL_PREFIX as the blueprint `name`."""
    app.register_blueprint(bp, url_prefix=url_prefix(app.config), name=name,
                           static_url_path=app.config["FORUM_STATIC_URL_PATH"])
    app.after_request(headers_for_unmatched(url_prefix(app.config)))
