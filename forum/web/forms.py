"""Flask-WTF forms: CSRF and typed input; the rules themselves live in the services."""
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField, HiddenField, PasswordField, SelectField, StringField, TextAreaField,
)
from wtforms.fields.choices import SelectChoice

from forum.services.confidentiality import CONSENT
from forum.web.confidentiality import show_findings


class ThreadForm(FlaskForm):
    """Start a thread in the discussion format."""

    title = StringField("Question (the thread's title)")
    lead = TextAreaField("Lead paragraph")
    prompts = TextAreaField("Prompts, one per line as \"Label: text\"")
    call_to_action = StringField("Call to share")
    tags = StringField("Tags, separated by commas")
    confirm_confidential = BooleanField(CONSENT)


class ReplyForm(FlaskForm):
    """Contribute to a thread."""

    body = TextAreaField("Your contribution (Markdown)")
    prompt = SelectField("Answers prompt", choices=[SelectChoice("", "No particular prompt")],
                         validate_choice=False)
    tags = StringField("Tags, separated by commas")
    reply_to = HiddenField()
    confirm_confidential = BooleanField(CONSENT)


class LoginForm(FlaskForm):
    """Log in with a built-in account."""

    name = StringField("Name")
    password = PasswordField("Password")
    remember = BooleanField("Remember me")


class RegisterForm(FlaskForm):
    """Create a built-in account."""

    name = StringField("Name")
    email = StringField("Email address (optional)")
    password = PasswordField("Password")
    confirm = PasswordField("Repeat the password")


class PasswordForm(FlaskForm):
    """Change a built-in account's password."""

    current = PasswordField("Current password")
    password = PasswordField("New password")
    confirm = PasswordField("Repeat the new password")


class AboutForm(FlaskForm):
    """The public part of a member's profile."""

    display_name = StringField("Display name (empty: the name this site knows you by)")
    bio = TextAreaField("A short bio")
    coaching_focus = StringField("Coaching focus (e.g. leadership transitions, burnout)")


class CredentialForm(FlaskForm):
    """Declare a credential."""

    credential = StringField("Credential (e.g. ICF PCC, EMCC Senior Practitioner)")
    url = StringField("Verification link (optional, https://...)")


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
