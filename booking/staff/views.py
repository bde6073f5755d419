"""Signing in and out, and setting a password from an emailed link."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from booking.core.errors import DomainError
from booking.core.ratelimit import give_back_attempt, public_form_limit
from booking.core.security import safe_next_url
from booking.extensions import limiter
from booking.staff import bp, services
from booking.staff.forms import ForgotPasswordForm, LoginForm, SetPasswordForm
from booking.staff.models import User


def _login_limit() -> str:
    return current_app.config["LOGIN_FAILURE_LIMIT"]


def start_session(user: User) -> None:
    """A fresh session for a signed-in user: nothing from before sign-in carries over."""
    session.clear()
    user.session_token = services.open_session(user)
    login_user(user, fresh=True)
    session.permanent = True


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    """Every attempt is counted before the password is checked; a successful one is given back."""
    fallback = url_for("staff.dashboard")
    if current_user.is_authenticated:
        return redirect(safe_next_url(request.args.get("next"), fallback))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except DomainError as error:
            form.add_error(error)
        else:
            give_back_attempt()
            start_session(user)
            return redirect(safe_next_url(form.next.data, fallback))
    status = 422 if form.has_errors else 200
    return render_template("staff/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    session_id = session.get("_user_id")
    if session_id is not None:
        services.close_session(session_id)
    logout_user()
    session.clear()
    flash(_("You have signed out."), "success")
    return redirect(url_for("staff.login"))


def _reset_limit() -> str:
    return current_app.config["PASSWORD_RESET_LIMIT"]


@bp.route("/forgot-password", methods=["GET", "POST"])
@public_form_limit()
@limiter.limit(_reset_limit, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        # The same answer whether or not the address has an account.
        flash(
            _(
                "If that address belongs to a staff account, a link to set a new password "
                "is on its way. It is valid for %(n)d hours.",
                n=current_app.config["INVITE_VALID_HOURS"],
            ),
            "success",
        )
        return redirect(url_for("staff.login"))
    return render_template("staff/forgot_password.html", form=form), 422 if form.has_errors else 200


@bp.route("/set-password/<token>", methods=["GET", "POST"])
def set_password(token: str):
    row = services.find_usable_token(token)
    if row is None:
        abort(404)
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            services.set_password_with_token(token, form.password.data)
        except DomainError as error:
            form.add_error(error, field=error.field)
        else:
            flash(_("Your password is set. You can sign in now."), "success")
            return redirect(url_for("staff.login"))
    return render_template("staff/set_password.html", form=form, user=row.user), (
        422 if form.has_errors else 200
    )
