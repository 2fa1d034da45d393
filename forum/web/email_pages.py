"""Email pages: the member's email settings (per kind, digest rhythm, a built-in account's
address), the signed unsubscribe link (GET confirms, POST turns the kind off: one click from a
mail program, RFC 8058) and the address verification link. Plain forms: no JavaScript needed."""
from flask import abort, current_app, flash, redirect, render_template, request

from forum.errors import ForumError
from forum.models import DIGEST_EVERY, EMAIL_MODES
from forum.security import signed_link
from forum.services import email_addresses, email_links, email_settings
from forum.urls import url_for
from forum.web.context import current_actor
from forum.web.discussion_common import login_required
from forum.web.routes import Routes
from forum.i18n import gettext as _
from forum.i18n import lazy_gettext as _lazy

routes = Routes()
MODE_TEXT = {"immediately": _lazy("Immediately"), "digest": _lazy("In the digest"),
             "off": _lazy("Off")}


def _render(errors=None, typed=None, status=200):
    """The settings page; typed (the submitted form) is shown again after an error."""
    actor = current_actor()
    settings = email_settings.settings_for(actor)
    if typed:
        settings["kinds"].update({kind: typed.get(f"kind-{kind}", mode)
                                  for kind, mode in settings["kinds"].items()})
        settings["digest"] = typed.get("digest", settings["digest"])
    address, verified = email_addresses.account_email(actor)
    return render_template(
        "forum/email_settings.html", settings=settings, labels=email_settings.KIND_LABELS,
        modes=EMAIL_MODES, mode_text=MODE_TEXT, rhythms=DIGEST_EVERY, errors=errors or {},
        address=typed.get("email", address) if typed else address, verified=verified,
        builtin=current_app.config["FORUM_BUILTIN_ACCOUNTS"]), status


@routes.route("/notifications/settings", methods=["GET", "POST"], endpoint="email_settings")
@login_required(message=_lazy('Log in to choose which emails you get.'))
def email_settings_page():
    """Choose per kind: immediately, in the digest, or off; and daily or weekly digests."""
    if request.method == "GET":
        return _render()
    actor = current_actor()
    kinds = {kind: request.form[f"kind-{kind}"] for kind in email_settings.KINDS
             if f"kind-{kind}" in request.form}  # a kind left out keeps its setting
    try:
        email_settings.update_settings(actor, kinds, request.form.get("digest") or None)
    except ForumError as error:
        return _render({error.field or "kinds": error.message}, request.form, error.status)
    flash(_('Your email settings are saved.'), "success")
    return redirect(url_for("forum.email_settings"))


@routes.post("/notifications/settings/email")
@login_required(back=lambda: url_for("forum.email_settings"))
def change_email():
    """A built-in account sets (or removes) its address; a new one gets a verification link."""
    actor = current_actor()
    if not current_app.config["FORUM_BUILTIN_ACCOUNTS"]:
        abort(404)
    account_id = int(actor.user_key.split(":")[1])
    try:
        address = email_addresses.set_account_email(account_id, request.form.get("email"))
    except ForumError as error:
        return _render({"email": error.message}, request.form, error.status)
    flash(_("We sent a link to %(address)s: open it to start getting emails there.",
            address=address) if address else _("Your email address is removed."), "success")
    return redirect(url_for("forum.email_settings"))


@routes.route("/email/unsubscribe/<token>", methods=["GET", "POST"])
@signed_link
def unsubscribe(token):
    """GET: confirm (a link scanner's visit changes nothing); POST: that kind of email off."""
    found = email_links.read_unsubscribe(token)
    if found is None or found[1] not in email_settings.LINK_LABELS:
        return render_template("forum/unsubscribe.html", state="invalid"), 404
    member_id, kind = found
    label = email_settings.LINK_LABELS[kind]
    if request.method == "POST":
        if not email_settings.turn_off(member_id, kind):
            return render_template("forum/unsubscribe.html", state="invalid"), 404
        return render_template("forum/unsubscribe.html", state="done", label=label)
    return render_template("forum/unsubscribe.html", state="confirm", label=label, token=token)


@routes.get("/email/verify/<token>")
def verify_email(token):
    """Open the link sent to a new address: it is verified and emails may go there."""
    name = email_addresses.verify(token)
    if name is None:
        return render_template("forum/email_verified.html", verified=False), 404
    return render_template("forum/email_verified.html", verified=True, name=name)
