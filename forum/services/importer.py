"""Import and export of discussion-format articles: one thread per file, all or nothing."""
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from forum import formats, markup
from forum.database import atomic, session
from forum.errors import Conflict, ForumError, NotFound, ValidationError
from forum.formats import ParseError
from forum.models import Member, RelatedLink, Reply, Thread, utcnow
from forum.services import confidentiality
from forum.services import related as related_service
from forum.services import replies as reply_service
from forum.services import threads as thread_service
from forum.services.audit import log_action
from forum.services.languages import detect_thread_language
from forum.services.tags import with_hashtags
from forum.services.visibility import live_reply, live_thread
from forum.i18n import gettext as _

IMPORT_AUTHOR_KEY = "forum:import-author"
MODES = ("refuse", "replace", "skip")


@dataclass
class ThreadPlan:
    """What importing one article will create, validated by the same rules as the services."""

    filename: str
    article: formats.Article
    title: str
    lead: str
    call_to_action: str
    prompts: list
    replies: list = field(default_factory=list)
    related: list = field(default_factory=list)

    @property
    def title_key(self):
        """The key that finds a thread with the same question."""
        return thread_service.title_key(self.title)

    @property
    def tags(self):
        """Every tag the contributions carry, in order of first use."""
        seen = {}
        for reply in self.replies:
            for name in reply["tags"]:
                seen.setdefault(name.casefold(), name)
        return list(seen.values())


@dataclass
class ImportResult:
    """The outcome for one file: the thread created (or the existing one when skipped)."""

    plan: ThreadPlan
    thread_id: int
    slug: str
    status: str  # "imported", "replaced" or "skipped"


class TitleExists(Conflict):
    """A thread with the article's title is already in the forum."""

    def __init__(self, plan, thread_id):
        super().__init__(f"{plan.filename}:{plan.article.title_line}: a thread with this title "
                         f"already exists (thread {thread_id})", field="text")
        self.thread_id = thread_id


class ConfidentialImport(ForumError):
    """Articles holding details that may identify a client: one line per finding, by file and line."""

    status = 422
    code = "confidential"

    def __init__(self, lines, blocked):
        advice = (_("This site refuses such text (FORUM_CONFIDENTIALITY=block).") if blocked else
                  _("Replace them with stand-ins, or allow confidential details to import anyway "
                    "(the threads then go to the moderators' queue)."))
        super().__init__("\n".join(lines + [advice]), field="text")
        self.lines, self.blocked = lines, blocked


def _texts_by_line(plan):
    """(first line, text) of every text an article adds: title, lead, prompts, contributions."""
    article = plan.article
    texts = [(article.title_line, plan.title), (article.lead_line, plan.lead),
             (article.call_to_action_line, plan.call_to_action)]
    texts += [(prompt.line, f"{prompt.label}: {prompt.text}") for prompt in article.prompts]
    return texts + [(reply["line"], reply["body"]) for reply in plan.replies]


def confidential_findings(plan):
    """(line, finding) for each detail that may identify a client in an article."""
    texts = _texts_by_line(plan)
    found = confidentiality.review({str(index): text for index, (_, text) in enumerate(texts)})
    return [(texts[int(key)][0] + texts[int(key)][1].count("\n", 0, finding.start), finding)
            for key, findings in found.items() for finding in findings]


def confidential_lines(plan, found=None):
    """The findings as "file:line: explanation "text" -> stand-in", for the importing operator."""
    found = confidential_findings(plan) if found is None else found
    return [f"{plan.filename}:{line}: {finding.explanation} \"{finding.text}\" -> "
            f"{finding.suggestion}" for line, finding in found]


def _at(plan_or_name, line, error):
    """A ParseError at a line, carrying a service ValidationError's message."""
    name = getattr(plan_or_name, "filename", plan_or_name)
    return ParseError(name, line, error.message)


def _plan_prompts(article, filename):
    """Validated prompt dicts; an error points at the prompt's line."""
    items = [{"label": p.label, "text": p.text} for p in article.prompts]
    try:
        thread_service.parse_prompts(items)
    except ValidationError as error:
        line = article.prompts[min(len(items), thread_service.PROMPTS_MAX + 1) - 1].line
        for prompt, item in zip(article.prompts, items):
            try:
                thread_service.parse_prompts([item])
            except ValidationError:
                line = prompt.line
                break
        raise _at(filename, line, error) from None
    return [{"label": markup.clean_line(i["label"]), "text": markup.clean_line(i["text"])}
            for i in items]


def plan_article(article, filename):
    """Validate a parsed article with the services' rules; every error is reported at once
    (ParseErrors), each carrying file and line."""
    errors = []

    def check(line, run):
        """run()'s result, or None with its ValidationError noted at this line."""
        try:
            return run()
        except ParseError as error:
            errors.extend(getattr(error, "errors", [error]))
        except ValidationError as error:
            errors.append(_at(filename, line, error))
        return None

    title = check(article.title_line, lambda: thread_service.validate_title(article.title))
    lead = check(article.lead_line, lambda: thread_service.validate_lead(article.lead))
    call_to_action = check(article.call_to_action_line,
                           lambda: thread_service.validate_call_to_action(article.call_to_action))
    plan = ThreadPlan(filename=filename, article=article, title=title, lead=lead,
                      call_to_action=call_to_action,
                      prompts=check(None, lambda: _plan_prompts(article, filename)))
    for contribution in article.contributions:
        body = check(contribution.line, lambda: reply_service.validate_body(contribution.text))
        if body is not None:
            plan.replies.append({"body": body, "tags": with_hashtags((), body),
                                 "line": contribution.line})
    for entry in article.related:
        fields = check(entry.line, lambda: related_service.validate_entry(entry.category,
                                                                          entry.title))
        if fields is not None:
            plan.related.append({"category": fields[0], "title": fields[1], "line": entry.line})
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise formats.ParseErrors(errors)
    return plan


def plan_text(data, filename):
    """Parse and validate one file's bytes or text: a ThreadPlan or a ParseError (ParseErrors:
    several); a text that does not parse is not checked further."""
    return plan_article(formats.parse(data, filename), filename)


def placeholder_member():
    """The member imported contributions are attributed to (named by FORUM_IMPORT_AUTHOR)."""
    db_session = session()
    name = current_app.config["FORUM_IMPORT_AUTHOR"][:80]
    member = db_session.scalar(select(Member).where(Member.user_key == IMPORT_AUTHOR_KEY))
    if member is None:
        member = Member(user_key=IMPORT_AUTHOR_KEY, display_name=name)
        db_session.add(member)
        db_session.flush()
    elif member.display_name != name:
        member.display_name = name
    return member


def _create_thread(plan, author, contributors):
    """Insert the thread, its prompts, replies (with tags) and related entries of one plan."""
    db_session = session()
    now = utcnow()
    times = [now + timedelta(microseconds=i) for i in range(len(plan.replies) + 1)]
    thread = Thread(
        title=plan.title, title_key=plan.title_key, slug=thread_service.slug_for(plan.title),
        lead=plan.lead, lead_html=str(markup.render(plan.lead)),
        call_to_action=plan.call_to_action, author_id=author.id, created_at=now,
        last_activity_at=now,
        prompts=thread_service.parse_prompts(plan.prompts),
        language=detect_thread_language(plan.title, plan.lead, plan.call_to_action,
                                        *(reply["body"] for reply in plan.replies[:3])),
    )
    db_session.add(thread)
    db_session.flush()
    for index, item in enumerate(plan.replies):
        reply_service.insert_reply(thread.id, contributors[index % len(contributors)].id,
                                   item["body"], item["tags"], created_at=times[index + 1])
    reply_service.recount_thread(thread.id)
    targets = threads_by_title_key({thread_service.title_key(r["title"]) for r in plan.related})
    targets = {key: target for key, target in targets.items() if target != thread.id}
    for position, item in enumerate(plan.related):
        db_session.add(RelatedLink(
            thread_id=thread.id, position=position, category=item["category"],
            title=item["title"], url=None, curator_id=author.id,
            target_thread_id=targets.get(thread_service.title_key(item["title"]))))
    return thread


def threads_by_title_key(keys, visible_only=True):
    """{title_key: oldest thread id} for a set of title keys (hidden threads too if asked)."""
    if not keys:
        return {}
    query = select(Thread.title_key, Thread.id).where(Thread.title_key.in_(keys))
    if visible_only:
        query = query.where(live_thread())
    return {key: thread_id for key, thread_id in session().execute(
        query.order_by(Thread.id.desc())).all()}


def preview(plan):
    """What confirming will do: the thread holding the title now, and each related entry's link."""
    existing = threads_by_title_key({plan.title_key}, visible_only=False).get(plan.title_key)
    keys = {thread_service.title_key(item["title"]) for item in plan.related}
    targets = threads_by_title_key(keys)
    return {
        "existing_thread_id": existing, "confidential": confidential_lines(plan),
        "related": [dict(item, target_thread_id=targets.get(
            thread_service.title_key(item["title"]))) for item in plan.related],
    }


def _link_waiting_entries(threads):
    """Point unlinked related entries whose title matches a newly imported thread at it."""
    by_key = {thread.title_key: thread.id for thread in threads}
    if not by_key:
        return
    waiting = session().scalars(select(RelatedLink).where(
        RelatedLink.target_thread_id.is_(None), RelatedLink.url.is_(None))).all()
    for link in waiting:
        target = by_key.get(thread_service.title_key(link.title))
        if target is not None and target != link.thread_id:
            link.target_thread_id = target


def import_plans(plans, mode="refuse", actor_member=None, contributors=None,
                 allow_confidential=False):
    """Create one thread per plan in ONE transaction: any failure creates nothing at all.

    Articles with details that may identify a client are refused (ConfidentialImport) unless
    allow_confidential, and always in block mode; allowed ones get a system client-info flag.

    mode "refuse" fails on a title that exists, "replace" deletes the existing thread first,
    "skip" leaves it and moves on. The thread author is the importing moderator (web) or the
    FORUM_IMPORT_AUTHOR placeholder (CLI); contributions go to the placeholder unless
    `contributors` (members, used in turn) are given.
    """
    if mode not in MODES:
        raise ValidationError(_('mode must be one of %(join)s', join=', '.join(MODES)), field="mode")
    confidential = {plan.filename: confidential_findings(plan) for plan in plans}
    lines = [line for plan in plans for line in confidential_lines(
        plan, confidential[plan.filename])]
    if lines and (not allow_confidential or confidentiality.mode() == "block"):
        raise ConfidentialImport(lines, blocked=confidentiality.mode() == "block")
    results = []
    with atomic():
        placeholder = placeholder_member()
        author = actor_member or placeholder
        existing = threads_by_title_key({p.title_key for p in plans}, visible_only=False)
        seen = {}
        created = []
        for plan in plans:
            if plan.title_key in seen:
                if mode == "skip":
                    continue
                raise ParseError(plan.filename, plan.article.title_line,
                                 _("the same title is in %(file)s too", file=seen[plan.title_key]))
            seen[plan.title_key] = plan.filename
            old_id = existing.get(plan.title_key)
            if old_id is not None and mode == "skip":
                old = session().get(Thread, old_id)
                results.append(ImportResult(plan, old_id, old.slug, "skipped"))
                continue
            if old_id is not None and mode == "refuse":
                raise TitleExists(plan, old_id)
            if old_id is not None:
                _delete_same_title(plan, actor_member)
            thread = _create_thread(plan, author, contributors or [placeholder])
            created.append(thread)
            if confidential[plan.filename]:
                confidentiality.flag_posted(session(), {"import": [
                    finding for _, finding in confidential[plan.filename]]}, thread_id=thread.id)
            log_action(actor_member, "import_thread", "thread", thread.id,
                       reason=f"imported from {plan.filename}"[:1000],
                       after={"title": plan.title, "replies": len(plan.replies),
                              "related": len(plan.related)})
            results.append(ImportResult(plan, thread.id, thread.slug,
                                        "replaced" if old_id is not None else "imported"))
        session().flush()
        _link_waiting_entries(created)
    return results


def _delete_same_title(plan, actor_member):
    """Delete the threads holding the plan's title (replies, prompts, links go with them)."""
    ids = session().scalars(select(Thread.id).where(Thread.title_key == plan.title_key)).all()
    for thread_id in ids:
        log_action(actor_member, "replace_thread", "thread", thread_id,
                   reason=f"replaced by an import of {plan.filename}"[:1000],
                   before={"title": plan.title})
    session().execute(delete(Thread).where(Thread.id.in_(ids)),
                      execution_options={"synchronize_session": False})
    session().expire_all()


def export_article(thread_id):
    """The Article of a thread: header, visible contributions in posting order, related reading."""
    db_session = session()
    thread = db_session.scalar(select(Thread).where(Thread.id == thread_id).options(
        selectinload(Thread.prompts)))
    if thread is None:
        raise NotFound(_('No thread %(thread_id)s.', thread_id=thread_id))
    bodies = db_session.scalars(select(Reply.body).where(
        Reply.thread_id == thread_id, live_reply())
        .order_by(Reply.created_at, Reply.id)).all()
    links = db_session.execute(select(RelatedLink.category, RelatedLink.title).where(
        RelatedLink.thread_id == thread_id).order_by(RelatedLink.position, RelatedLink.id)).all()
    return formats.Article(
        title=thread.title, lead=thread.lead, call_to_action=thread.call_to_action,
        prompts=[formats.Prompt(p.label, p.text, 0) for p in thread.prompts],
        contributions=[formats.Contribution(body, 0) for body in bodies],
        related=[formats.RelatedEntry(category, title, 0) for category, title in links],
    )


def export_text(thread_id):
    """The thread written in the discussion format (header once, LF, no trailing spaces)."""
    return formats.write(export_article(thread_id))
