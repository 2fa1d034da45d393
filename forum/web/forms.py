"""Flask-WTF forms: CSRF and typed input; the rules themselves live in the services."""
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField, HiddenField, PasswordField, SelectField, StringField, TextAreaField,
)
from wtforms.fields.choices import SelectChoice

from forum.services.confidentiality import CONSENT
from forum.web.confidentiality import show_findings
from forum.i18n import lazy_gettext as _lazy
from forum.i18n import lazy_gettext as _lazy
from forum.i18n import lazy_gettext as _lazy


class ThreadForm(FlaskForm):
    """Start a thread in the discussion format."""

    title = StringField(_lazy("Question (the thread's title)"))
    lead = TextAreaField(_lazy('Lead paragraph'))
    prompts = TextAreaField(_lazy('Prompts, one per line as "Label: text"'))
    call_to_action = StringField(_lazy('Call to share'))
    tags = StringField(_lazy('Tags, separated by commas'))
    confirm_confidential = BooleanField(CONSENT)


class ReplyForm(FlaskForm):
    """Contribute to a thread."""

    body = TextAreaField(_lazy('Your contribution (Markdown)'))
    prompt = SelectField(_lazy('Answers prompt'), choices=[SelectChoice("", _lazy("No particular prompt"))],
                         validate_choice=False)
    tags = StringField(_lazy('Tags, separated by commas'))
    reply_to = HiddenField()
    confirm_confidential = BooleanField(CONSENT)


class LoginForm(FlaskForm):
    """Log in with a built-in account."""

    name = StringField(_lazy('Name'))
    password = PasswordField(_lazy('Password'))
    remember = BooleanField(_lazy('Remember me'))


class RegisterForm(FlaskForm):
    """Create a built-in account."""

    name = StringField(_lazy('Name'))
    email = StringField(_lazy('Email address (optional)'))
    password = PasswordField(_lazy('Password'))
    confirm = PasswordField(_lazy('Repeat the password'))


class PasswordForm(FlaskForm):
    """Change a built-in account's password."""

    current = PasswordField(_lazy('Current password'))
    password = PasswordField(_lazy('New password'))
    confirm = PasswordField(_lazy('Repeat the new password'))


class AboutForm(FlaskForm):
    """The public part of a member's profile."""

    display_name = StringField(_lazy('Display name (empty: the name this site knows you by)'))
    bio = TextAreaField(_lazy('A short bio'))
    coaching_focus = StringField(_lazy('Coaching focus (e.g. leadership transitions, burnout)'))


class CredentialForm(FlaskForm):
    """Declare a credential."""

    credential = StringField(_lazy('Credential (e.g. ICF PCC, EMCC Senior Practitioner)'))
    url = StringField(_lazy('Verification link (optional, https://...)'))


class ActionForm(FlaskForm):
    """A bare form for buttons that post an action: only the CSRF token."""


def attach_error(form, error):
    """Show a service's ForumError (every one of a ValidationErrors) next to its field, or at the
    form's top; return its status.
    A confidentiality warning also lists its findings under the form."""
    if error.code == "confidential":
        show_findings(form)
    for each in getattr(error, "errors", None) or [error]:
        field = getattr(form, each.field, None) if each.field else None
        if field is None:
            form.form_errors.append(each.message)
        else:
            field.errors = list(field.errors) + [each.message]
    return error.status


def form_status(form):
    """200 for a fresh form, 400 for a failed CSRF check."""
    return 400 if form.errors else 200
