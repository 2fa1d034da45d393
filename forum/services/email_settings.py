"""Per-kind email settings (immediately, in the digest, or off) and the digest's rhythm.

No row means the kind's default: mention, question_reply and outcome_reminder immediately,
every other kind in the weekly digest. mode_sql() gives the same answer inside a query, so the
delivery sweep picks its notices in SQL.
"""
from sqlalchemy import String, case, func, literal, select

from forum.database import atomic, session
from forum.errors import ValidationError
from forum.i18n import gettext as _
from forum.i18n import lazy_gettext as _lazy
from forum.models import DIGEST_EVERY, EMAIL_MODES, EmailPreference, EmailSetting, Member

# Every notification kind (the names are shared with the features that create them).
KIND_LABELS = {
    "mention": _lazy("Someone mentions you"),
    "question_reply": _lazy("A contribution to your question"),
    "watched_thread": _lazy("A contribution in a thread you watch"),
    "tag_reply": _lazy("A contribution with a tag you follow"),
    "tag_thread": _lazy("A new question with a tag you follow"),
    "member_thread": _lazy("A new question by a member you follow"),
    "rating": _lazy("Ratings of your contributions"),
    "moderation": _lazy("A moderator acted on your post"),
    "related_added": _lazy("Related reading added to your question"),
    "flag_resolved": _lazy("A flag you raised was resolved"),
    "outcome_reminder": _lazy("A reminder to report how a suggestion worked"),
}
KINDS = tuple(KIND_LABELS)
DIGEST = "digest"  # what an unsubscribe link in a digest turns off: the digest itself
LINK_LABELS = dict(KIND_LABELS, digest=_lazy("The daily or weekly digest"))
IMMEDIATE_BY_DEFAULT = ("mention", "question_reply", "outcome_reminder")
DEFAULT_DIGEST = "weekly"


def default_mode(kind):
    """The mode of a kind the member never set."""
    return "immediately" if kind in IMMEDIATE_BY_DEFAULT else "digest"


def mode_sql(member_id, kind):
    """SQL: the member's mode for the kind (columns or values), the default when unset."""
    chosen = select(EmailSetting.mode).where(
        EmailSetting.member_id == member_id, EmailSetting.kind == kind).scalar_subquery()
    default = case((kind.in_(IMMEDIATE_BY_DEFAULT), literal("immediately", String)),
                   else_=literal("digest", String))
    return func.coalesce(chosen, default)


def settings_of(member_id):
    """{"kinds": {kind: mode}, "digest": "daily"|"weekly"|"off"} of a member (None: all
    defaults)."""
    kinds = {kind: default_mode(kind) for kind in KINDS}
    digest = DEFAULT_DIGEST
    if member_id is not None:
        kinds.update(session().execute(select(EmailSetting.kind, EmailSetting.mode).where(
            EmailSetting.member_id == member_id)).all())
        digest = session().scalar(select(EmailPreference.digest).where(
            EmailPreference.member_id == member_id)) or DEFAULT_DIGEST
    return {"kinds": {kind: kinds[kind] for kind in KINDS}, "digest": digest}


def settings_for(actor):
    """The actor's settings (defaults for a member who never acted)."""
    return settings_of(actor.member_id)


def _check(kinds, digest):
    """Raise one ValidationError naming every bad kind or mode, and a bad digest choice."""
    problems = [_("%(kind)s is not a notification kind", kind=repr(kind))
                for kind in kinds if kind not in KINDS]
    problems += [_("%(kind)s: choose %(choices)s", kind=kind, choices=", ".join(EMAIL_MODES))
                 for kind, mode in kinds.items() if kind in KINDS and mode not in EMAIL_MODES]
    if digest is not None and digest not in DIGEST_EVERY:
        problems.append(_("%(kind)s: choose %(choices)s", kind="digest",
                          choices=", ".join(DIGEST_EVERY)))
    if problems:
        raise ValidationError("; ".join(problems) + ".",
                              field="digest" if problems[-1].startswith("digest") else "kinds")


def update_settings(actor, kinds=None, digest=None):
    """Change some kinds' modes and/or the digest rhythm; returns the settings now."""
    kinds = dict(kinds or {})
    _check(kinds, digest)
    member = actor.require_member()
    with atomic():
        for kind, mode in kinds.items():
            _set_mode(member.id, kind, mode)
        if digest is not None:
            _set_digest(member.id, digest)
    return settings_of(member.id)


def _set_mode(member_id, kind, mode):
    """Store one kind's mode inside the caller's transaction."""
    row = session().get(EmailSetting, (member_id, kind))
    if row is None:
        session().add(EmailSetting(member_id=member_id, kind=kind, mode=mode))
    else:
        row.mode = mode


def turn_off(member_id, kind):
    """Stop emails of one kind, or the digest, for a member (the unsubscribe link); False if
    there is no such kind or member."""
    if kind not in LINK_LABELS or session().get(Member, member_id) is None:
        return False
    with atomic():
        if kind == DIGEST:
            _set_digest(member_id, "off")
        else:
            _set_mode(member_id, kind, "off")
    return True


def _set_digest(member_id, digest):
    """Store the digest choice inside the caller's transaction."""
    preference = session().get(EmailPreference, member_id)
    if preference is None:
        session().add(EmailPreference(member_id=member_id, digest=digest))
    else:
        preference.digest = digest
