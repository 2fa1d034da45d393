"""Built-in account pages: register, log in, log out, change password (FORUM_BUILTIN_ACCOUNTS)."""
from urllib.parse import urlsplit

from flask import abort, current_app, flash, redirect, render_template, request, session
from flask_login import login_user, logout_user

from forum.builtin_login import AccountUser
from forum.errors import ForumError
from forum.limits import limit, note_failed_login, slow_down_login
from forum.services import builtin_accounts as account_service
from forum.services import email_addresses
from forum.urls import url_for
from forum.web.context import current_actor
from forum.web.forms import (
    ActionForm,
    LoginForm,
    PasswordForm,
    RegisterForm,
    attach_error,
    form_status,
)
from forum.web.routes import Routes
from forum.i18n import gettext as _

routes = Routes()


def _require_builtin():
    """404 unless the site uses the forum's own accounts."""
    if not current_app.config["FORUM_BUILTIN_ACCOUNTS"]:
        abort(404)


def safe_next(target):
    """The ?next= target if it is a local path on this site, else the forum's front page."""
    target = (target or "").strip()
    parts = urlsplit(target.replace("\\", "/"))
    if (not target.startswith("/") or target.startswith("//") or parts.scheme or parts.netloc
            or any(ch in target for ch in "\\\r\n\t")):
        return url_for("forum.index")
    return target


def _start_session(account, remember):
    """Log the account in with a fresh session (no fixation)."""
    session.clear()
    login_user(AccountUser(account), remember=remember)


@routes.route("/register", methods=["GET", "POST"])
@limit("register")
def register():
    """Create an account; errors show beside their field and keep what was typed."""
    _require_builtin()
    form = RegisterForm()
    status = form_status(form)
    if form.validate_on_submit():
        try:
            email = email_addresses.validate_email(form.email.data)
            account = account_service.create_account(
                form.name.data, form.password.data, confirm=form.confirm.data)
            if email:
                email_addresses.set_account_email(account.id, email)
        except ForumError as error:
            status = attach_error(form, error)
        else:
            _start_session(account, remember=False)
            flash(_('Welcome, %(name)s!', name=account.name), "success")
            return redirect(safe_next(request.args.get("next")))
    return render_template("forum/register.html", form=form), status


@routes.route("/login", methods=["GET", "POST"])
@limit("login_account", "login_address")
def login():
    """Log in; a wrong name or password gives the same message either way."""
    _require_builtin()
    form = LoginForm()
    status = form_status(form)
    if form.validate_on_submit():
        slow_down_login()
        account = account_service.authenticate(form.name.data, form.password.data)
        if account is not None:
            _start_session(account, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")))
        note_failed_login()
        form.form_errors.append(_("That name and password do not match an account."))
        status = 422
    return render_template("forum/login.html", form=form), status


@routes.post("/logout")
def logout():
    """Log out everywhere: this session and any copy of its cookies stop working."""
    _require_builtin()
    ActionForm()
    actor = current_actor()
    if actor.is_authenticated:
        account_service.end_sessions(int(actor.user_key.split(":")[1]))
    logout_user()
    session.clear()
    flash(_('You are logged out.'), "info")
    return redirect(url_for("forum.index"))


@routes.route("/account/password", methods=["GET", "POST"])
@limit("password")
def change_password():
    """Change the password; every other session and remember-me cookie stops working."""
    _require_builtin()
    actor = current_actor()
    if not actor.is_authenticated:
        return redirect(url_for("forum.login", next=request.full_path))
    form = PasswordForm()
    status = form_status(form)
    if form.validate_on_submit():
        try:
            account = account_service.change_password(
                int(actor.user_key.split(":")[1]), form.current.data, form.password.data,
                form.confirm.data)
        except ForumError as error:
            status = attach_error(form, error)
        else:
            remember = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
            _start_session(account, remember=remember in request.cookies)
            flash(_('Your password is changed. Other sessions have been logged out.'), "success")
            return redirect(url_for("forum.index"))
    return render_template("forum/password.html", form=form), status
