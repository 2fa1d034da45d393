"""Demo content for `make run`: a living forum from the hand-written articles plus questions
composed from demo/bank.toml with a fixed seed, twelve members with profiles and credentials,
and contributions and ratings spread over the last weeks."""
import random
import secrets
import tomllib
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from forum import formats
from forum.database import atomic, session
from forum.models import Account, Credential, Member, Rating, Reply, Thread, ThreadTag, utcnow
from forum.resources import resource_dir
from forum.services import builtin_accounts, credentials, importer, ratings
from forum.services.tags import get_or_create_tags

SEED = 17  # the same demo on every machine
SPREAD_DAYS = 56  # questions asked over the last eight weeks
MEMBER_DAYS = 180  # members joined over the last six months
BANK = "bank.toml"
DEFAULT_CALL = "Share what works for you."


@dataclass
class DemoSummary:
    """What load_demo did: one import result per file and lines worth telling the user."""

    results: list
    notes: list = field(default_factory=list)


def forum_is_empty():
    """Whether the forum has no thread at all."""
    return session().scalar(select(Thread.id).limit(1)) is None


def read_bank(directory):
    """The phrase bank (demo/bank.toml) of the demo folder, or an empty one."""
    path = Path(directory) / BANK
    return tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def composed_articles(bank, rng):
    """(file name, text in the discussion format, tag) for each topic of the bank."""
    pairs, snippets = bank["prompts"]["pairs"], bank["snippets"]
    articles = []
    for number, topic in enumerate(bank.get("topic", []), 1):
        own = snippets[topic["tag"]]
        lines = [topic["title"], topic["lead"]]
        lines += [f"- {pair}" for pair in rng.sample(pairs, rng.randint(2, 3))]
        lines.append(topic.get("cta", DEFAULT_CALL))
        for index in range(rng.randint(2, 5)):
            text = own[(number + index * 2) % len(own)]
            if rng.random() < 0.3:
                text += " " + rng.choice(snippets["general"])
            if rng.random() < 0.6:
                text += f" #{topic['tag']}"
            lines += ["-", text]
        lines.append(formats.RATE_MARKER)
        articles.append((f"composed-{number:02d}.txt", "\n".join(lines) + "\n", topic["tag"]))
    return articles


def demo_plans(directory, rng=None):
    """(plan, tag or None) for every hand-written *.txt article in the folder, in file-name
    order, then for every question composed from the bank."""
    bank = read_bank(directory)
    tags = bank.get("files", {})
    paths = sorted(Path(directory).glob("*.txt"))
    plans = [(importer.plan_text(formats.read_file(path, path.name), path.name),
              tags.get(path.name)) for path in paths]
    if bank:
        plans += [(importer.plan_text(text, name), tag)
                  for name, text, tag in composed_articles(bank, rng or random.Random(SEED))]
    return plans


def _member(user_key, name):
    """The Member row for a key, created if missing (inside the caller's transaction)."""
    member = session().scalar(select(Member).where(Member.user_key == user_key))
    if member is None:
        member = Member(user_key=user_key, display_name=name)
        session().add(member)
        session().flush()
    return member


def demo_people(directory):
    """The bank's members (name, role, focus, bio, credentials); the shipped bank's when the
    folder has none (a folder of articles only)."""
    return (read_bank(directory).get("member")
            or read_bank(resource_dir("demo")).get("member", []))


def demo_members(people):
    """Demo members; with built-in accounts they are real accounts (password returned once)."""
    builtin = current_app.config["FORUM_BUILTIN_ACCOUNTS"]
    password, created = secrets.token_urlsafe(12), []
    members = []
    for person in people:
        name, role = person["name"], person.get("role", "member")
        if builtin:
            account = session().scalar(select(Account).where(
                Account.name_key == builtin_accounts.name_key(name)))
            if account is None:
                account = builtin_accounts.create_account(name, password, role=role)
                created.append(f"{name} ({role})")
            key = f"account:{account.id}"
        else:
            key = f"demo:{builtin_accounts.name_key(name)}"
        with atomic():
            members.append(_member(key, name))
    return members, (password if created else None), created


def fill_profiles(members, people, rng):
    """Bios, coaching focus, join dates and credentials (those with a link verified by the
    moderator) for members who have none yet."""
    now = utcnow()
    verifier = members[0]
    with atomic() as db_session:
        for member, person in zip(members, people):
            if member.bio or member.coaching_focus:
                continue
            member.bio, member.coaching_focus = person.get("bio", ""), person.get("focus", "")
            member.created_at = now - timedelta(days=MEMBER_DAYS - rng.randint(0, 30))
            for name, url in person.get("credentials", []):
                verified = bool(url) and member.id != verifier.id
                db_session.add(Credential(
                    member_id=member.id, name=name, name_key=name.casefold(), url=url or None,
                    verified_at=now if verified else None,
                    verified_by_id=verifier.id if verified else None))
            db_session.flush()
            credentials.refresh_badges(member)


def spread_activity(results, tags, members, rng):
    """Give the new threads authors, tags and dates over the last weeks, and their contributions
    authors (never the asker) and later dates; returns {thread id: [(reply id, author id)]}."""
    now = utcnow()
    replies_of = {}
    with atomic() as db_session:
        for result, tag in zip(results, tags):
            thread = db_session.get(Thread, result.thread_id)
            thread.author_id = rng.choice(members).id
            asked = now - timedelta(days=rng.uniform(2, SPREAD_DAYS))
            thread.created_at = thread.last_activity_at = asked
            if tag:
                for found in get_or_create_tags([tag]):
                    db_session.add(ThreadTag(thread_id=thread.id, tag_id=found.id))
            others = [m for m in members if m.id != thread.author_id]
            rows = db_session.scalars(select(Reply).where(
                Reply.thread_id == thread.id).order_by(Reply.id)).all()
            gaps = [rng.uniform(1, 60) for _row in rows]
            room = (now - asked).total_seconds() / 3600 - 1  # the last one before this hour
            scale = min(1.0, room / sum(gaps)) if gaps else 1.0
            when, replies_of[thread.id] = asked, []
            for reply, gap in zip(rows, gaps):
                when += timedelta(hours=gap * scale)
                reply.author_id, reply.created_at = rng.choice(others).id, when
                replies_of[thread.id].append((reply.id, reply.author_id))
            thread.last_activity_at = when
    return replies_of


def rate_demo(results, replies_of, members, rng):
    """Ratings by other members, in bulk: each member's contributions lean to their own level
    (so expertise differs), threads get two to six. Returns how many were given."""
    level = {m.id: rng.uniform(3.0, 4.8) for m in members}
    now = utcnow()
    rows = []
    with atomic() as db_session:
        for result in results:
            thread = db_session.get(Thread, result.thread_id)
            raters = [m for m in members if m.id != thread.author_id]
            for member in rng.sample(raters, min(len(raters), rng.randint(2, 6))):
                rows.append(Rating(member_id=member.id, thread_id=thread.id,
                                   stars=rng.choice((3, 4, 4, 5, 5)), created_at=now,
                                   updated_at=now))
            for reply_id, author_id in replies_of[thread.id]:
                others = [m for m in members if m.id != author_id]
                for member in rng.sample(others, min(len(others), rng.randint(1, 7))):
                    stars = max(1, min(5, round(rng.gauss(level[author_id], 0.8))))
                    rows.append(Rating(member_id=member.id, reply_id=reply_id, stars=stars,
                                       created_at=now, updated_at=now))
        db_session.add_all(rows)
        db_session.flush()
        ratings.recount_items("thread", [r.thread_id for r in results])
        ratings.recount_items("reply", [rid for pairs in replies_of.values() for rid, _ in pairs])
    return len(rows)


def load_demo(directory, if_empty=False):
    """Import the demo articles (existing titles skipped); None when if_empty and not empty."""
    if if_empty and not forum_is_empty():
        return None
    rng = random.Random(SEED)
    people = demo_people(directory)
    planned = demo_plans(directory, rng)
    members, password, created = demo_members(people)
    fill_profiles(members, people, rng)
    results = importer.import_plans([plan for plan, _tag in planned], mode="skip",
                                    actor_member=members[0], contributors=members)
    summary = DemoSummary(results=results)
    if created:
        summary.notes.append(f"Demo accounts: {', '.join(created)}; password {password} "
                             "(shown once).")
    tag_of = {plan.title_key: tag for plan, tag in planned}
    new = [r for r in results if r.status != "skipped"]
    replies_of = spread_activity(new, [tag_of.get(r.plan.title_key) for r in new], members, rng)
    summary.notes.append(f"Demo ratings given: {rate_demo(new, replies_of, members, rng)}.")
    return summary


