"""The member's own settings page ("Your profile"): the public profile form, credentials, and
personal API tokens (create, shown once; revoke)."""
from flask import current_app, flash, redirect, render_template
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField

from forum.errors import ForumError
from forum.limits import limit
from forum.services import builtin_accounts as account_service
from forum.services import credentials as credential_service
from forum.services import tokens as token_service
from forum.urls import url_for
from forum.web.context import current_actor
from forum.web.discussion_common import login_required
from forum.web.forms import AboutForm, ActionForm, CredentialForm, attach_error, form_status
from forum.web.routes import Routes
from forum.i18n import gettext as _
from forum.i18n import lazy_gettext as _lazy

routes = Routes()


class TokenForm(FlaskForm):
    """Name a new API token."""

    name = StringField(_lazy('Token name (what will use it)'))
    password = PasswordField(_lazy('Your password (a token acts as you: confirm it is you)'))


def render(form=None, status=200, new_token=None, about=None, credential=None):
    """The settings page with the member's profile form, credentials and tokens; a new clear
    token is shown only this once. Forms given (with errors) replace the fresh ones."""
    actor = current_actor()
    member = actor.existing_member()
    return render_template(
        "forum/profile.html", form=form or TokenForm(formdata=None), action_form=ActionForm(),
        tokens=token_service.list_tokens(actor), new_token=new_token,
        about_form=about or about_form(actor),
        credential_form=credential or CredentialForm(formdata=None), member=member,
        credentials=credential_service.list_credentials(member.id) if member else [],
    ), status


def about_form(actor):
    """The profile form filled with what the member has now."""
    member = actor.existing_member()
    form = AboutForm(formdata=None)
    if member is not None:
        form.display_name.data = member.display_name if member.name_chosen else ""
        form.bio.data, form.coaching_focus.data = member.bio, member.coaching_focus
    return form


def render_profile(status=200):
    """The profile page with a fresh token form (after another form on it failed)."""
    return render(status=status)


def _create_token(actor, form):
    """A new clear token; with built-in accounts only after the password is typed again, so a
    borrowed or stolen session cannot mint a lasting credential."""
    if current_app.config["FORUM_BUILTIN_ACCOUNTS"]:
        account_service.check_password(int(actor.user_key.split(":")[1]), form.password.data)
    return token_service.create_token(actor, form.name.data)[1]


@routes.route("/profile", methods=["GET", "POST"])
@limit("password")  # each try checks the password: as many tries as the password page gives
@login_required(message=_lazy('Log in to manage your API tokens.'))
def profile():
    """Show the member's tokens; POST creates one and shows it in clear once."""
    actor = current_actor()
    form = TokenForm()
    status = form_status(form)
    if form.validate_on_submit():
        try:
            raw = _create_token(actor, form)
        except ForumError as error:
            status = attach_error(form, error)
        else:
            return render(TokenForm(formdata=None), 201, new_token=raw)
    return render(form, status)


@routes.post("/profile/tokens/<int:token_id>/revoke")
def revoke_token(token_id):
    """Revoke one of the member's tokens."""
    form = ActionForm()
    if not form.validate_on_submit():
        return render(TokenForm(formdata=None), 400)
    token_service.revoke_token(current_actor(), token_id)
    flash(_('The token was revoked: programs using it can no longer call the API.'), "success")
    return redirect(url_for("forum.profile"))

