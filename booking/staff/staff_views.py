"""The dashboard, the signed-in user's own settings, and user administration (admins)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from booking.core.auth import Role, role_required
from booking.core.errors import DomainError
from booking.core.forms import ConfirmForm
from booking.core.navigation import panels_for, todos_for
from booking.staff import bp, services
from booking.staff.forms import InviteForm, PreferencesForm, UserForm
from booking.staff.models import User

ANY_STAFF = tuple(Role)


@bp.route("/")
@role_required(*ANY_STAFF)
def dashboard():
    return render_template(
        "staff/dashboard.html", todos=todos_for(current_user), panels=panels_for(current_user)
    )


@bp.route("/account", methods=["GET", "POST"])
@role_required(*ANY_STAFF)
def account():
    form = PreferencesForm(obj=current_user)
    if form.validate_on_submit():
        services.update_own_preferences(current_user, form.language.data, form.time_zone.data)
        flash(_("Your settings are saved."), "success")
        return redirect(url_for("staff.account"))
    return render_template("staff/account.html", form=form), 422 if form.has_errors else 200


@bp.route("/users")
@role_required(Role.ADMIN)
def users():
    return render_template("staff/users.html", users=services.list_users(), form=ConfirmForm())


@bp.route("/users/invite", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def invite_user():
    form = InviteForm(language="ja", time_zone="Asia/Tokyo")
    if form.validate_on_submit():
        data = services.NewUser(
            email=form.email.data,
            name=form.name.data,
            roles={Role(r) for r in form.roles.data},
            language=form.language.data,
            time_zone=form.time_zone.data,
        )
        try:
            user = services.invite_user(data, actor=current_user)
        except DomainError as error:
            form.add_error(error)
        else:
            flash(
                _(
                    "%(name)s is invited: an email with a link to set a password is on its way.",
                    name=user.name,
                ),
                "success",
            )
            return redirect(url_for("staff.users"))
    return render_template("staff/invite.html", form=form), 422 if form.has_errors else 200


def _user_or_404(user_id: int) -> User:
    user = services.get_user(user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_user(user_id: int):
    user = _user_or_404(user_id)
    form = UserForm(obj=user, data=None if request.method == "POST" else {"roles": sorted(user.roles)})
    if form.validate_on_submit():
        try:
            services.update_user(
                user,
                form.name.data,
                {Role(r) for r in form.roles.data},
                form.language.data,
                form.time_zone.data,
                actor=current_user,
            )
        except DomainError as error:
            form.add_error(error)
        else:
            flash(_("The changes are saved."), "success")
            return redirect(url_for("staff.users"))
    return render_template("staff/edit_user.html", form=form, user=user, actions=ConfirmForm()), (
        422 if form.has_errors else 200
    )


@bp.route("/users/<int:user_id>/<any(activate, deactivate):action>", methods=["POST"])
@role_required(Role.ADMIN)
def set_user_active(user_id: int, action: str):
    user = _user_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.set_active(user, action == "activate", actor=current_user)
        except DomainError as error:
            flash(str(error), "error")
        else:
            message = (
                _("%(name)s can sign in again.", name=user.name)
                if action == "activate"
                else _("%(name)s is deactivated and signed out everywhere.", name=user.name)
            )
            flash(message, "success")
    return redirect(url_for("staff.edit_user", user_id=user.id))


@bp.route("/users/<int:user_id>/send-link", methods=["POST"])
@role_required(Role.ADMIN)
def send_user_link(user_id: int):
    user = _user_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.resend_password_link(user, actor=current_user)
        except DomainError as error:
            flash(str(error), "error")
        else:
            flash(_("A new link to set a password is queued for %(email)s.", email=user.email), "success")
    return redirect(url_for("staff.edit_user", user_id=user.id))
