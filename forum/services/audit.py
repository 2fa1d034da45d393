"""The append-only moderation log: one entry per moderator action, in that action's transaction."""
import json

from forum.database import session
from forum.models import ModerationLog


def _dump(value):
    """JSON text for before/after snapshots (None stays None)."""
    return None if value is None else json.dumps(value, sort_keys=True, default=str)


def log_action(actor_member, action, target_type, target_id, reason="", before=None, after=None):
    """Add a log entry inside the caller's transaction (so it commits or rolls back with it)."""
    entry = ModerationLog(
        actor_id=actor_member.id if actor_member else None, action=action,
        target_type=target_type, target_id=target_id, reason=(reason or "")[:1000],
        before=_dump(before), after=_dump(after),
    )
    session().add(entry)
    return entry
