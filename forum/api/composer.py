"""API endpoints for writing: a preview through the one sanitizer, and drafts kept on the server."""
from flask import jsonify

from forum.api.shapes import when
from forum.api.spec import endpoint, schema
from forum.limits import limit
from forum.request_actor import current_actor
from forum.services import drafts as draft_service
from forum.services.preview import PREVIEW_MAX, preview_html, preview_question

PREVIEW_REQUEST = schema("PreviewRequest", {
    "type": "object", "required": ["text"], "additionalProperties": False,
    "properties": {
        "text": {"type": "string", "maxLength": PREVIEW_MAX},
        "prompts": {"type": "string", "maxLength": PREVIEW_MAX,
                    "description": "A question's prompts, one \"Label: text\" a line."},
        "call_to_action": {"type": "string", "maxLength": PREVIEW_MAX,
                           "description": "A question's call to action."}},
})
PROMPT = schema("PreviewPrompt", {
    "type": "object", "required": ["label", "text"],
    "properties": {"label": {"type": "string"}, "text": {"type": "string"}},
})
PREVIEW = schema("Preview", {
    "type": "object", "required": ["html"],
    "properties": {"html": {"type": "string",
                            "description": "The text as posting would render it (sanitized)."},
                   "prompts": {"type": "array", "items": PROMPT,
                               "description": "When prompts or call_to_action were sent: the "
                                              "prompts as posting would keep them."},
                   "call_to_action": {"type": "string"}},
})
FIELD = {"type": "string", "maxLength": draft_service.FIELD_MAX}
DRAFT_REQUEST = schema("DraftRequest", {
    "type": "object", "required": ["fields"], "additionalProperties": False,
    "properties": {"fields": {
        "type": "object", "additionalProperties": False, "description":
            "The form's fields: title, lead, prompts, call_to_action, tags for a question; body, "
            "prompt, tags, reply_to for a contribution. All empty: the draft is discarded.",
        "properties": {name: FIELD for name in
                       draft_service.THREAD_FIELDS + draft_service.REPLY_FIELDS}}},
})
DRAFT = schema("Draft", {
    "type": "object", "required": ["fields", "updated_at"],
    "properties": {"fields": {"type": "object", "additionalProperties": {"type": "string"}},
                   "updated_at": {"type": ["string", "null"], "format": "date-time"}},
})


def _draft_json(fields):
    """A draft as JSON: its fields and when it was saved (nothing kept: empty, null)."""
    fields = dict(fields or {})
    updated = fields.pop("updated_at", None)
    return jsonify(fields=fields, updated_at=when(updated))


@endpoint("/preview", "POST", summary="Preview a text", tag="composer", response=PREVIEW,
          body=PREVIEW_REQUEST, auth=True)
@limit("composing")
def preview(body):
    """Render Markdown exactly as posting would (the one sanitizer), and a question's prompts
    and call to action as posting would keep them (the same checks); nothing is stored."""
    answer = {"html": str(preview_html(body["text"]))}
    if "prompts" in body or "call_to_action" in body:
        prompts, call_to_action = preview_question(body.get("prompts", ""),
                                                   body.get("call_to_action", ""))
        answer.update(prompts=[{"label": label, "text": text} for label, text in prompts],
                      call_to_action=call_to_action)
    return jsonify(answer)


def _draft_endpoints(rule, name, summary, thread_arg):
    """GET, PUT and DELETE of one kind of draft (a new question's, or a thread's reply)."""
    def get_draft(**path):
        """The member's kept draft (empty fields when there is none)."""
        actor = current_actor()
        return _draft_json(draft_service.get_draft(actor, thread_arg(path)))

    def put_draft(body, **path):
        """Keep the draft, replacing the last one; all-empty fields discard it."""
        actor = current_actor()
        fields = draft_service.save_draft(actor, thread_arg(path), body["fields"])
        return _draft_json(draft_service.get_draft(actor, thread_arg(path))
                           if fields else None)

    def delete_draft(**path):
        """Drop the kept draft."""
        actor = current_actor()
        draft_service.save_draft(actor, thread_arg(path), {})
        return "", 204

    for view, method, verb, extra in (
            (get_draft, "GET", "Read", {"response": DRAFT}),
            (put_draft, "PUT", "Save", {"response": DRAFT, "body": DRAFT_REQUEST}),
            (delete_draft, "DELETE", "Discard", {"status": 204})):
        view.__name__ = name if method == "GET" else f"{name}_{method.lower()}"
        if method != "GET":
            view = limit("composing")(view)
        endpoint(rule, method, summary=f"{verb} {summary}", tag="composer", auth=True,
                 **extra)(view)


_draft_endpoints("/drafts/new-thread", "new_thread_draft", "the draft of a new question",
                 lambda path: None)
_draft_endpoints("/threads/<int:thread_id>/draft", "thread_draft",
                 "the draft of a contribution to a thread",
                 lambda path: draft_service.draft_thread_id(current_actor(), path["thread_id"]))
