"""Public profile pages, editing one's own profile and credentials, and moderators verifying
credentials."""
from flask import flash, redirect, request

from forum.errors import ForumError
from forum.limits import limit
from forum.services import credentials as credential_service
from forum.services import profiles as profile_service
from forum.urls import url_for
from forum.web import profile as settings_page
from forum.web.byte_pages import render_page
from forum.web.context import current_actor
from forum.web.discussion_common import login_required
from forum.web.forms import AboutForm, ActionForm, CredentialForm, attach_error
from forum.web.pages import page_arg
from forum.web.routes import Routes
from forum.web.thread_page import page_ratings
from forum.i18n import gettext as _

routes = Routes()


def attach_errors(form, error):
    """Every field's error of a ValidationError that carries several (.errors), else the one."""
    for name, message in getattr(error, "errors", {}).items():
        getattr(form, name).errors = [message]
    return error.status if getattr(error, "errors", None) else attach_error(form, error)


@routes.get("/members/<int:member_id>")
def member(member_id):
    """A member's public profile: about, credentials, expertise per tag, threads, contributions."""
    profile = profile_service.get_profile(member_id)
    threads = profile_service.member_threads(member_id, page_arg_named("threads_page"))
    replies = profile_service.member_replies(member_id, page_arg())
    page_ratings().preload_replies(replies.items)  # the viewer's stars on them: one query
    return render_page("forum/member.html", profile=profile, member=profile.member,
                       threads=threads, replies=replies, action_form=ActionForm())


def page_arg_named(name):
    """A second ?<name>= page number on a page with two pagers."""
    value = request.args.get(name, 1, type=int) or 1
    return min(max(1, value), 100_000)


@routes.post("/profile/about")
@limit("posting")
@login_required(back=lambda: url_for("forum.profile"))
def edit_about():
    """Save the member's display name, bio and coaching focus; errors keep what was typed."""
    form = AboutForm()
    if not form.validate_on_submit():
        return settings_page.render(about=form, status=400)
    try:
        member = profile_service.update_profile(current_actor(), form.display_name.data,
                                                form.bio.data, form.coaching_focus.data)
    except ForumError as error:
        return settings_page.render(about=form, status=attach_errors(form, error))
    flash(_('Your profile is saved.'), "success")
    return redirect(url_for("forum.member", member_id=member.id))


@routes.post("/profile/credentials")
@limit("posting")
@login_required(back=lambda: url_for("forum.profile"))
def declare_credential():
    """Add a credential to the member's profile (a moderator may verify it later)."""
    form = CredentialForm()
    if not form.validate_on_submit():
        return settings_page.render(credential=form, status=400)
    try:
        credential_service.declare(current_actor(), form.credential.data, form.url.data)
    except ForumError as error:
        return settings_page.render(credential=form, status=attach_errors(form, error))
    flash(_('Credential added; a moderator can now verify it.'), "success")
    return redirect(url_for("forum.profile") + "#credentials-title")


@routes.post("/profile/credentials/<int:credential_id>/remove")
@login_required(back=lambda credential_id: url_for("forum.profile"))
def withdraw_credential(credential_id):
    """Remove one of the member's own credentials."""
    if not ActionForm().validate_on_submit():
        return settings_page.render(status=400)
    credential_service.withdraw(current_actor(), credential_id)
    flash(_('Credential removed.'), "success")
    return redirect(url_for("forum.profile") + "#credentials-title")


@routes.post("/members/<int:member_id>/credentials/<int:credential_id>/"
             "<any(verify,unverify):action>")
@login_required(back=lambda member_id, **_: url_for("forum.member", member_id=member_id))
def verify_credential(member_id, credential_id, action):
    """A moderator marks a member's credential verified, or takes that back (logged)."""
    if not ActionForm().validate_on_submit():
        return redirect(url_for("forum.member", member_id=member_id)), 303
    credential = credential_service.set_verified(
        current_actor(), credential_id, action == "verify", request.form.get("reason", ""),
        member_id=member_id)
    flash(_('%(name)s is verified.', name=credential.name) if action == 'verify' else _('%(name)s is no longer verified.', name=credential.name),
          "success")
    return redirect(url_for("forum.member", member_id=member_id) + "#credentials")
