"""API endpoints for "I'll try this" and outcome reports on contributions."""
from flask import jsonify

from forum.api import shapes
from forum.api.spec import endpoint, schema
from forum.api.threads import CONFIRM
from forum.limits import limit
from forum.request_actor import current_actor
from forum.services import outcomes as outcome_service

TRYING = schema("Trying", {
    "type": "object", "additionalProperties": False,
    "properties": {"remind_in_days": {
        "type": ["integer", "null"], "minimum": 0, "maximum": outcome_service.REMIND_DAYS_MAX,
        "description": "Days until you are asked \"How did it go?\" (0: never; null or left "
                       "out: the site's default, FORUM_OUTCOME_REMINDER_DAYS)."}},
})
REPORT = schema("OutcomeReport", {
    "type": "object", "required": ["outcome"], "additionalProperties": False,
    "properties": {
        "outcome": {"type": "integer", "minimum": outcome_service.OUTCOME_MIN,
                    "maximum": outcome_service.OUTCOME_MAX,
                    "description": "-2 much worse than expected, -1 somewhat worse, 0 as "
                                   "expected, 1 somewhat better, 2 much better than expected."},
        "note": {"type": "string", "maxLength": 5000,
                 "description": f"Optional, at most {outcome_service.NOTE_MAX} characters once "
                                "cleaned; shown to members, newest first."},
        "show_name": {"type": "boolean", "default": False,
                      "description": "Show your name beside the note (it is anonymous otherwise)."},
        "confirm_confidential": CONFIRM,
    },
})
RULE = "/replies/<int:reply_id>"


@endpoint(f"{RULE}/trying", "PUT", summary="Say you will try a contribution", tag="outcomes",
          response=shapes.OUTCOMES, body=TRYING, auth=True, errors=(403, 409))
@limit("rating")
def mark_trying(reply_id, body):
    """Mark "I'll try this" (private: only the counts show it); a reminder asks how it went."""
    figures = outcome_service.mark_trying(current_actor(), reply_id, body.get("remind_in_days"))
    return jsonify(shapes.outcomes_json(figures))


@endpoint(f"{RULE}/trying", "DELETE", summary="Take back \"I'll try this\"", tag="outcomes",
          response=shapes.OUTCOMES, auth=True, errors=(403, 409))
@limit("rating")
def unmark_trying(reply_id):
    """Take back "I'll try this" (409 once you reported how it went: remove the report first)."""
    return jsonify(shapes.outcomes_json(outcome_service.unmark_trying(current_actor(), reply_id)))


@endpoint(f"{RULE}/outcome", "PUT", summary="Report how a contribution worked", tag="outcomes",
          response=shapes.OUTCOMES, body=REPORT, auth=True, errors=(403, 409))
@limit("rating")
def report_outcome(reply_id, body):
    """Report, or change, how trying a contribution went, with an optional short note."""
    figures = outcome_service.report(
        current_actor(), reply_id, body["outcome"], body.get("note", ""),
        body.get("show_name", False), confirm_confidential=body.get("confirm_confidential", False))
    return jsonify(shapes.outcomes_json(figures))


@endpoint(f"{RULE}/outcome", "DELETE", summary="Remove your outcome report", tag="outcomes",
          response=shapes.OUTCOMES, auth=True, errors=(403, 409))
@limit("rating")
def withdraw_outcome(reply_id):
    """Remove your report (you stay marked as trying the contribution)."""
    return jsonify(shapes.outcomes_json(
        outcome_service.withdraw_report(current_actor(), reply_id)))
