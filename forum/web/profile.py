"""The member's profile page: personal API tokens (create, shown once; revoke)."""
from flask import flash, redirect, render_template
from flask_wtf import FlaskForm
from wtforms import StringField

from forum.errors import ForumError
from forum.services import tokens as token_service
from forum.urls import url_for
from forum.web.context import current_actor
from forum.web.discussion_common import login_required
from forum.web.forms import ActionForm, attach_error, form_status
from forum.web.routes import Routes

routes = Routes()


class TokenForm(FlaskForm):
    """Name a new API token."""

    name = StringField("Token name (what will use it)")


def _render(form, status=200, new_token=None):
    """The profile page with the member's tokens; a new clear token is shown only this once."""
    actor = current_actor()
    return render_template("forum/profile.html", form=form, action_form=ActionForm(),
                           tokens=token_service.list_tokens(actor), new_token=new_token), status


@routes.route("/profile", methods=["GET", "POST"])
@login_required(message="Log in to manage your API tokens.")
def profile():
    """Show the member's tokens; POST creates one and shows it in clear once."""
    actor = current_actor()
    form = TokenForm()
    status = form_status(form)
    if form.validate_on_submit():
        try:
            _token, raw = token_service.create_token(actor, form.name.data)
        except ForumError as error:
            status = attach_error(form, error)
        else:
            return _render(TokenForm(formdata=None), 201, new_token=raw)
    return _render(form, status)


@routes.post("/profile/tokens/<int:token_id>/revoke")
def revoke_token(token_id):
    """Revoke one of the member's tokens."""
    form = ActionForm()
    if not form.validate_on_submit():
        return _render(TokenForm(formdata=None), 400)
    token_service.revoke_token(current_actor(), token_id)
    flash("The token was revoked: programs using it can no longer call the API.", "success")
    return redirect(url_for("forum.profile"))

