"""Drafts: a member's unfinished question or contribution, kept on the server per thread (or
"new" for a question), so it comes back on any device; posting discards it."""
import json

from sqlalchemy import bindparam, delete, select
from sqlalchemy.exc import IntegrityError

from forum.database import atomic, session
from forum.errors import ValidationError
from forum.models import Draft, Thread, utcnow
from forum.services.visibility import visible_thread
from forum.i18n import format_number
from forum.i18n import gettext as _

THREAD_FIELDS = ("title", "lead", "prompts", "call_to_action", "tags")
REPLY_FIELDS = ("body", "prompt", "tags", "reply_to")
FIELD_MAX = 25_000  # above a contribution's 20,000: a draft may be over, posting says so


def scope_for(thread_id):
    """The draft's key beside its member: "new" for a question, "thread:<id>" for a reply."""
    return "new" if thread_id is None else f"thread:{thread_id}"


def _clean(thread_id, fields):
    """The draft's fields: known names only, text values, each within FIELD_MAX characters."""
    names = THREAD_FIELDS if thread_id is None else REPLY_FIELDS
    if not isinstance(fields, dict):
        raise ValidationError(_('A draft is an object of field names and texts.'), field="fields")
    cleaned = {}
    for name, value in fields.items():
        if name not in names:
            raise ValidationError(_('A draft has no field %(value)s (use %(join)s).', value=repr(name[:40]), join=', '.join(names)),
                                  field="fields")
        value = "" if value is None else value
        if not isinstance(value, (str, int)):
            raise ValidationError(_("The draft's %(name)s must be text.", name=name), field="fields")
        value = str(value)
        if len(value) > FIELD_MAX:
            raise ValidationError(_("The draft's %(name)s has at most %(field_max)s characters.", name=name, field_max=format_number(FIELD_MAX)),
                                  field="fields")
        if value.strip():
            cleaned[name] = value
    return cleaned


def draft_thread_id(actor, thread_id):
    """The thread's id if the actor may see it (None stays None), else NotFound: no draft is
    kept or read for a thread that is gone or hidden."""
    if thread_id is not None:
        visible_thread(actor, session().get(Thread, thread_id))
    return thread_id


def get_draft(actor, thread_id=None):
    """The actor's draft fields for this thread (None: a new question), or None; anonymous
    visitors and members who never acted have none (nothing is created by looking)."""
    member_id = actor.member_id if actor.is_authenticated else None
    if member_id is None:
        return None
    draft = session().scalar(_DRAFT_QUERY, {"member_id": member_id, "scope": scope_for(thread_id)})
    return dict(json.loads(draft.fields), updated_at=draft.updated_at) if draft else None


# get_draft's statement, built once (a member's thread page reads it on every view)
_DRAFT_QUERY = select(Draft).where(Draft.member_id == bindparam("member_id"),
                                   Draft.scope == bindparam("scope"))


def save_draft(actor, thread_id, fields):
    """Keep the actor's draft (replacing the last one); an all-empty draft is discarded.
    Returns the saved fields, or None when nothing is kept."""
    member = actor.require_member()
    cleaned = _clean(thread_id, fields)
    draft_thread_id(actor, thread_id)
    scope = scope_for(thread_id)
    for attempt in (1, 2):  # two first saves at once: the second updates the first's row
        try:
            with atomic() as db_session:
                draft = db_session.scalar(select(Draft).where(Draft.member_id == member.id,
                                                              Draft.scope == scope))
                if not cleaned:
                    if draft is not None:
                        db_session.delete(draft)
                    return None
                if draft is None:
                    draft = Draft(member_id=member.id, scope=scope, thread_id=thread_id)
                    db_session.add(draft)
                draft.fields, draft.updated_at = json.dumps(cleaned), utcnow()
            return cleaned
        except IntegrityError:
            if attempt == 2:
                raise
    return cleaned


def discard_draft(member_id, thread_id=None):
    """Drop a member's draft for this thread (or new question) in the caller's transaction:
    posting it is what a draft was for."""
    session().execute(delete(Draft).where(Draft.member_id == member_id,
                                          Draft.scope == scope_for(thread_id)))
