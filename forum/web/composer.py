"""The composer's extra form steps: Preview and Save draft work as plain buttons (the form comes
back with the rendered text, or saved, nothing posted), a kept draft fills an empty form, and a
contribution can answer another one ("in reply to")."""
from flask import g, request

from forum.errors import ForumError
from forum.services import drafts as draft_service
from forum.services import replies as reply_service
from forum.services.preview import preview_html, preview_question
from forum.web.context import current_actor

PREVIEW, SAVE_DRAFT = "preview", "save_draft"
MARKDOWN_FIELDS = ("body", "lead")  # rendered through the sanitizer; the rest is plain text



def _fields(form, names):
    """The form's values for these field names (those it has)."""
    return {name: getattr(form, name).data or "" for name in names if hasattr(form, name)}


def _draft_names(thread_id):
    """The fields a draft keeps for a question (None) or a contribution to a thread."""
    return draft_service.THREAD_FIELDS if thread_id is None else draft_service.REPLY_FIELDS


def composer_step(form, thread_id=None, drafts=True):
    """If Preview or Save draft was pressed, do it and return True (show the form again).

    Preview puts form.preview_html (the Markdown field rendered as posting would) and, for a
    question, form.preview_prompts [(label, text)] and form.preview_cta; Save draft
    keeps the fields on the server (form.draft_saved) or names what is wrong on the form.
    Neither counts against the posting rate limit (nothing is posted).
    """
    if PREVIEW in request.form or (drafts and SAVE_DRAFT in request.form):
        g.forum_nothing_posted = True
    if PREVIEW in request.form:
        markdown = next(name for name in MARKDOWN_FIELDS if hasattr(form, name))
        try:
            form.preview_html = preview_html(getattr(form, markdown).data or "")
        except ForumError as error:
            getattr(form, markdown).errors = [error.message]
        if hasattr(form, "prompts"):  # a question: its prompts and call to action as well
            try:
                form.preview_prompts, form.preview_cta = preview_question(
                    form.prompts.data or "", form.call_to_action.data or "")
            except ForumError as error:
                getattr(form, error.field or "prompts").errors = [error.message]
        return True
    if drafts and SAVE_DRAFT in request.form:
        try:
            kept = draft_service.save_draft(current_actor(), thread_id,
                                            _fields(form, _draft_names(thread_id)))
        except ForumError as error:
            form.form_errors.append(error.message)
        else:
            form.draft_saved = "saved" if kept else "discarded"
        return True
    return False


def refresh_draft(form, thread_id=None):
    """After stand-ins replaced details in the form, overwrite a kept draft with the new text,
    so no draft keeps what the coach chose to redact."""
    actor = current_actor()
    if draft_service.get_draft(actor, thread_id) is not None:
        draft_service.save_draft(actor, thread_id, _fields(form, _draft_names(thread_id)))


def restore_draft(form, thread_id=None):
    """Fill a fresh form from the member's kept draft, if any (form.draft_restored: its time)."""
    return _fill_draft(form, draft_service.get_draft(current_actor(), thread_id), thread_id)


def draft_or_lazy(make, thread_id):
    """make() filled from the member's kept draft; with no draft, on a GET without ?reply_to=,
    a LazyForm of make instead (made only if the page renders the form's fields)."""
    draft = draft_service.get_draft(current_actor(), thread_id)
    if not draft and request.method == "GET" and not request.args.get("reply_to"):
        return LazyForm(make)
    return _fill_draft(make(), draft, thread_id)


class LazyForm:
    """A member's form with nothing of theirs in it, made on first use: where the rendered form
    is kept (web.kept_forms), a page needs only the CSRF token (making the reply form's fields
    was 6% of a member's thread page in a gunicorn worker)."""

    def __init__(self, make):
        self._make, self._form = make, None

    @property
    def made(self):
        """The form, if something read it already (else None)."""
        return self._form

    def __getattr__(self, name):
        if self._form is None:
            self._form = self._make()
        return getattr(self._form, name)

    def __iter__(self):
        return iter(self.__getattr__("_fields").values())


def _fill_draft(form, draft, thread_id):
    """The form with a kept draft's fields and form.draft_restored (its time), if there is one."""
    if draft:
        for name in _draft_names(thread_id):
            if hasattr(form, name) and name in draft:
                getattr(form, name).data = draft[name]
        form.draft_restored = draft["updated_at"]
    return form


def replying_to(form, thread):
    """The contribution the form answers (from the form or ?reply_to=), or None when it is not
    one the viewer can see in this thread (the link-back is then dropped)."""
    if not form.reply_to.data and request.method == "GET":
        form.reply_to.data = request.args.get("reply_to", "")
    try:
        target = int(form.reply_to.data or 0)
    except ValueError:
        target = 0
    reply = reply_service.reply_to_target(current_actor(), thread.id, target) if target else None
    if reply is None:
        form.reply_to.data = ""
    return reply
