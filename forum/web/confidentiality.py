"""The confidentiality guard on the pages: findings highlighted under the form, one-click
stand-ins (a second form step without JavaScript), and the JSON check behind the typing hint."""
from dataclasses import dataclass

from flask import abort, flash, jsonify, redirect, render_template, request

from forum.limits import limit
from forum.services import confidentiality as guard
from forum.services import confidentiality_scan
from forum.services.replies import BODY_MAX
from forum.urls import url_for
from forum.web.context import current_actor
from forum.web.routes import Routes
from forum.i18n import gettext as _

TEXT_FIELDS = ("title", "lead", "prompts", "call_to_action", "body")
REPLACE = "confidential_replace"

routes = Routes()


@dataclass
class Panel:
    """One form field's text cut into plain and flagged pieces, and its findings."""

    name: str
    label: str
    pieces: list
    findings: list


def _texts(form):
    """The form's free-text fields by name."""
    return {name: getattr(form, name).data or "" for name in TEXT_FIELDS if hasattr(form, name)}


def _pieces(text, findings):
    """[(text, finding or None)] covering the whole text, for highlighting."""
    pieces, at = [], 0
    for finding in findings:
        pieces += [(text[at:finding.start], None), (finding.text, finding)]
        at = finding.end
    return [piece for piece in pieces + [(text[at:], None)] if piece[0]]


def show_findings(form):
    """Put the guard's findings on the form (form.confidential) for the template; True if any."""
    texts = _texts(form)
    found = guard.review(texts)
    form.confidential = [Panel(name, getattr(form, name).label.text,
                               _pieces(texts[name], found[name]), found[name])
                         for name in texts if name in found]
    form.confidential_blocked = guard.mode() == "block"
    return bool(form.confidential)


def replace_step(form):
    """If a stand-in button was pressed, put the stand-ins into the form's texts (nothing is
    stored) and list what is left; True when the page should simply be shown again."""
    choice = request.form.get(REPLACE)
    if not choice:
        return False
    for name, text in guard.replace(_texts(form), choice).items():
        getattr(form, name).data = text
    form.confidential_replaced = True
    show_findings(form)
    return True


@routes.post("/confidentiality/check")
@limit("confidentiality_check")
def confidentiality_check():
    """What may identify a client in a text being typed, as JSON (the server is the only judge)."""
    if not current_actor().is_authenticated:
        return jsonify(error={"code": "unauthorized", "message": _("Log in first.")}), 401
    text = (request.get_json(silent=True) or {}).get("text")
    if not isinstance(text, str) or len(text) > BODY_MAX:
        return jsonify(error={"code": "invalid", "message":
                              f"Send {{\"text\": ...}} of at most {BODY_MAX:,} characters."}), 422
    findings = guard.review({"text": text}).get("text", [])
    return jsonify(mode=guard.mode(), findings=[dict(f.as_json(), text=f.text) for f in findings])


@routes.get("/moderation/confidential")
def confidential_scan():
    """Moderators: posted threads and contributions with details that may identify a client,
    newest first, a batch at a time (?before=id); nothing is changed by looking."""
    before = request.args.get("before", type=int)
    hits, next_before = confidentiality_scan.scan(current_actor(), before)
    for hit in hits:
        hit.panels = [Panel(name, name, _pieces(hit.texts[name], findings), findings)
                      for name, findings in hit.found.items()]
    return render_template("forum/confidential_scan.html", hits=hits, next_before=next_before)


@routes.post("/moderation/confidential/<kind>/<int:item_id>/flag")
def confidential_flag(kind, item_id):
    """Moderators: send a scanned item to the flag queue as a client-info flag (logged)."""
    if kind not in ("thread", "reply"):
        abort(404)
    flag = confidentiality_scan.send_to_queue(current_actor(), kind, item_id,
                                              request.form.get("reason", ""))
    flash(_("Sent to the flag queue.") if flag else _("It is in the flag queue already."),
          "success")
    return redirect(url_for("forum.confidential_scan", before=request.form.get("before") or None))
