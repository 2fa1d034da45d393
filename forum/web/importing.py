"""Moderators' import of discussion-format files from the web UI: upload or paste, preview, confirm."""
from flask import flash, redirect, render_template, request
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, TextAreaField

from forum import formats
from forum.errors import ForumError
from forum.security import accepts_large_forms
from forum.services import importer
from forum.services.preview import preview_html
from forum.urls import url_for
from forum.web.context import current_actor
from forum.web.forms import attach_error, form_status
from forum.web.routes import Routes
from forum.i18n import gettext as _
from forum.i18n import lazy_gettext as _lazy

routes = Routes()

PASTED = "pasted text"


class ImportForm(FlaskForm):
    """Upload a file or paste its text; "replace" allows replacing a thread with the same title."""

    file = FileField(_lazy('Upload an article file (UTF-8 text)'))
    text = TextAreaField(_lazy('…or paste the article'))
    filename = HiddenField()
    replace = BooleanField(_lazy('Replace the thread that has the same title'))
    allow_confidential = BooleanField(
        _lazy("Import it although it may identify a client (it goes to the moderators' queue)"))


def _submitted_text(form):
    """(file name, text) from the upload if one was sent, else from the text area."""
    upload = form.file.data
    if upload is not None and getattr(upload, "filename", ""):
        name = upload.filename[:200]
        text = formats.decode(formats.read_stream(upload.stream, name), name)
        form.text.data = text
        return name, text
    return (form.filename.data or PASTED)[:200], form.text.data or ""


@routes.template_global("forum_render_markdown")
def render_markdown(text):
    """A contribution's text as it will be posted (the one sanitizer), for the preview."""
    return preview_html(text)


@routes.route("/import", methods=["GET", "POST"])
@accepts_large_forms(formats.MAX_BYTES + 64 * 1024, 3 * formats.MAX_BYTES)  # Flask's: 500 kB
def import_articles():
    """Preview what an article will create, then import it on confirmation (moderators only)."""
    actor = current_actor()
    member = actor.require_moderator()
    form = ImportForm()
    status, plan, preview = form_status(form), None, None
    if form.validate_on_submit():
        try:
            name, text = _submitted_text(form)
            form.filename.data = name
            plan = importer.plan_text(text, name)
            if request.form.get("action") == "confirm":
                mode = "replace" if form.replace.data else "refuse"
                result = importer.import_plans(
                    [plan], mode=mode, actor_member=member,
                    allow_confidential=form.allow_confidential.data)[0]
                flash(_('Imported thread #%(thread_id)s from %(name)s.', thread_id=result.thread_id, name=name), "success")
                return redirect(url_for("forum.thread", thread_id=result.thread_id,
                                        slug=result.slug))
            preview = importer.preview(plan)
        except ForumError as error:
            plan, status = None, attach_error(form, error)
    return render_template("forum/import.html", form=form, plan=plan, preview=preview), status
