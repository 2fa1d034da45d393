"""Demo content for `make run`: the demo articles imported through the importer, plus members."""
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from forum import formats
from forum.database import atomic, session
from forum.models import Account, Member, Thread
from forum.services import accounts, importer

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
                Account.name_key == accounts.name_key(name)))
            if account is None:
                account = accounts.create_account(name, password, role=role)
                created.append(f"{name} ({role})")
            key = f"account:{account.id}"
        else:
            key = f"demo:{accounts.name_key(name)}"
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
    summary.notes.append("Ratings are not part of the demo yet (no ratings service).")
    return summary
