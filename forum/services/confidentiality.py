"""The confidentiality guard before anything is stored: the site's mode, terms and hook, and the
`client-info` flag the system raises when a coach posts anyway."""
from flask import current_app
from sqlalchemy import select

from forum import confidentiality
from forum.errors import ValidationError
from forum.models import Flag
from forum.i18n import lazy_gettext as _lazy

MODES = ("warn", "block", "off")
CONSENT = _lazy("I have the client's consent or this is not a real person")


class ConfidentialError(ValidationError):
    """Text that may identify a client: refused until the author confirms (warn) or always (block)."""

    code = "confidential"

    def __init__(self, found, blocked=False):
        self.found = found
        self.blocked = blocked
        kinds = ", ".join(sorted({f.explanation for items in found.values() for f in items}))
        advice = ("This site does not accept it: replace them with the suggested stand-ins."
                  if blocked else f"Replace them with the suggested stand-ins, or tick "
                                  f"\"{CONSENT}\".")
        super().__init__(f"This may identify a client ({kinds}). {advice}",
                         field=next(iter(found)))

    @property
    def details(self):
        """The API's extra error fields: each finding with the field it is in."""
        return {"findings": [dict(finding.as_json(), field=field)
                             for field, items in self.found.items() for finding in items]}


def mode():
    """The site's FORUM_CONFIDENTIALITY setting: warn (default), block or off."""
    value = current_app.config["FORUM_CONFIDENTIALITY"]
    if value not in MODES:
        raise RuntimeError(f"FORUM_CONFIDENTIALITY is {value!r}; use one of {', '.join(MODES)}.")
    return value


def warm_up():
    """Build the site's guard now, with a scan of a short text (what the first post would
    otherwise pay: spaCy's pipeline and presidio's recognizers), unless the guard is off."""
    if mode() != "off":
        review({"warm_up": "A client called Sam Example on 020 7946 0000."})


def review(fields):
    """{field: findings} for the non-empty fields with findings ({} when the guard is off)."""
    if mode() == "off":
        return {}
    config = current_app.config
    guard = confidentiality.detector(tuple(config["FORUM_CONFIDENTIALITY_TERMS"] or ()),
                                     config["FORUM_CONFIDENTIALITY_SPACY_MODEL"])
    hook = config["FORUM_CONFIDENTIALITY_HOOK"]
    found = {}
    for field, findings in guard.scan_fields({k: v for k, v in fields.items() if v}).items():
        if hook is not None:
            findings = list(hook(fields[field], findings))
        if findings:
            found[field] = findings
    return found


def check(fields, confirmed=False):
    """The findings to flag once stored ({} if none); ConfidentialError when the text may not
    be posted as it is: block mode, or warn mode without the author's confirmation."""
    found = review(fields)
    if found and (mode() == "block" or not confirmed):
        raise ConfidentialError(found, blocked=mode() == "block")
    return found


def replace(fields, choice="all"):
    """The fields with stand-ins put in: for every finding ("all"), or for the one named
    "field:start:end" and each other mention of the same detail (a client's name in every form).
    Nothing is stored or logged: the coach sees the result and decides whether to post it."""
    found = review(fields)
    chosen = None
    if choice != "all":
        name, _, span = choice.partition(":")
        chosen = next((f for f in found.get(name, ()) if f"{f.start}:{f.end}" == span), None)
        if chosen is None:
            return dict(fields)
    replaced = dict(fields)
    for name, findings in found.items():
        if chosen is not None:
            findings = [f for f in findings if _same_detail(f, chosen)]
        replaced[name] = confidentiality.redact(fields[name], findings)
    return replaced


def _same_detail(finding, chosen):
    """Whether a finding names the same detail as the chosen one (same stand-in for a client)."""
    if chosen.kind == "client_name":
        return finding.suggestion == chosen.suggestion
    return finding.text.casefold() == chosen.text.casefold()


def flag_posted(db_session, found, thread_id=None, reply_id=None, note=None):
    """In the caller's transaction: a `client-info` flag raised by the system (no reporter) for
    an item posted after a warning (or sent by a moderator's scan: note); it names the kinds
    found, never the text. None when the item has an open system flag already."""
    target = Flag.reply_id == reply_id if reply_id else Flag.thread_id == thread_id
    if not found or db_session.scalar(select(Flag.id).where(
            target, Flag.status == "open", Flag.raised_by_system.is_(True))):
        return None
    kinds = ", ".join(sorted({f.explanation for items in found.values() for f in items}))
    flag = Flag(reporter_id=None, raised_by_system=True, thread_id=None if reply_id else thread_id, reply_id=reply_id,
                reason="client-info",
                text=(f"{note} ({kinds})." if note else
                      f"Posted after the confidentiality warning ({kinds}); the author "
                      f"confirmed: {CONSENT.lower()}.")[:1000])
    db_session.add(flag)
    return flag
