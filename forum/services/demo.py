"""Demo content for `make run`: the demo articles imported through the importer, plus members."""
import importlib
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from forum import formats
from forum.database import atomic, session
from forum.models import Account, Member, Reply, Thread
from forum.services import builtin_accounts
from forum.services import importer
from forum.services.actors import Actor

# (name, role): the moderator asks the questions, everyone contributes.
DEMO_MEMBERS = (
    ("Amara Okafor", "moderator"),
    ("Jonas Weber", "member"),
    ("Priya Nair", "member"),
    ("Lucía Romero", "member"),
)


@dataclass
class DemoSummary:
    """What load_demo did: one import result per file and lines worth telling the user."""

    results: list
    notes: list = field(default_factory=list)


def forum_is_empty():
    """Whether the forum has no thread at all."""
    return session().scalar(select(Thread.id).limit(1)) is None


def demo_plans(directory):
    """Validated plans for every *.txt article in the folder, in file-name order."""
    paths = sorted(Path(directory).glob("*.txt"))
    return [importer.plan_text(formats.read_file(path, path.name), path.name) for path in paths]


def _member(user_key, name):
    """The Member row for a key, created if missing (inside the caller's transaction)."""
    member = session().scalar(select(Member).where(Member.user_key == user_key))
    if member is None:
        member = Member(user_key=user_key, display_name=name)
        session().add(member)
        session().flush()
    return member


def demo_members():
    """Demo members; with built-in accounts they are real accounts (password returned once)."""
    builtin = current_app.config["FORUM_BUILTIN_ACCOUNTS"]
    password, created = secrets.token_urlsafe(12), []
    members = []
    for name, role in DEMO_MEMBERS:
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


def load_demo(directory, if_empty=False):
    """Import the demo articles (existing titles skipped); None when if_empty and not empty."""
    if if_empty and not forum_is_empty():
        return None
    plans = demo_plans(directory)
    members, password, created = demo_members()
    results = importer.import_plans(plans, mode="skip", actor_member=members[0],
                                    contributors=members)
    summary = DemoSummary(results=results)
    if created:
        summary.notes.append(f"Demo accounts: {', '.join(created)}; password {password} "
                             "(shown once).")
    ratings = _ratings_service()
    if ratings is None:
        summary.notes.append("Ratings are not part of the demo (no ratings service installed).")
    else:
        given = rate_demo(ratings, [r for r in results if r.status != "skipped"], members)
        summary.notes.append(f"Demo ratings given: {given}.")
    return summary


def _ratings_service():
    """forum.services.ratings when this version of the forum has it, else None."""
    try:
        return importlib.import_module("forum.services.ratings")
    except ModuleNotFoundError:
        return None


def rate_demo(ratings, results, members):
    """Give varied, repeatable 3-5 star ratings to the new threads and replies (never one's own)."""
    actors = {m.id: Actor(user_key=m.user_key, display_name=m.display_name) for m in members}
    given = 0
    for number, result in enumerate(results):
        thread_author = session().scalar(select(Thread.author_id).where(
            Thread.id == result.thread_id))
        replies = session().execute(select(Reply.id, Reply.author_id).where(
            Reply.thread_id == result.thread_id).order_by(Reply.id)).all()
        targets = [("thread", result.thread_id, thread_author)] + [
            ("reply", reply_id, author_id) for reply_id, author_id in replies]
        for index, (kind, target_id, author_id) in enumerate(targets):
            raters = [m for m in members if m.id != author_id][:2 + (index + number) % 2]
            for offset, member in enumerate(raters):
                ratings.rate(actors[member.id], kind, target_id, 3 + (number + index + offset) % 3)
                given += 1
    return given
