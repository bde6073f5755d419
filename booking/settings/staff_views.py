"""The settings page for administrators (the request and scheduling rules), and the blackout
days, which coordinators keep too."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from booking.core.auth import Role, role_required
from booking.core.errors import DomainError
from booking.core.forms import ConfirmForm
from booking.core.time import today_jst
from booking.settings import BLACKOUT_KEEPERS, bp, services
from booking.settings.closing import closed_days
from booking.settings.forms import BlackoutDayForm, SettingsForm


def _page(form: SettingsForm, status: int = 200):
    return render_template("settings/edit.html", form=form, row=services.settings_row()), status


def _blackout_page(form: BlackoutDayForm, status: int = 200):
    today = today_jst()
    return render_template(
        "settings/blackout_days.html",
        form=form,
        rows=closed_days(services.list_blackout_days(since=today), today),
    ), status


@bp.route("", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit():
    form = SettingsForm(obj=services.current_settings())
    if form.validate_on_submit():
        data = services.SettingsData(
            **{name: form[name].data for name in services.SettingsData.__dataclass_fields__}
        )
        try:
            services.update_settings(data, actor=current_user)
        except DomainError as error:
            form.add_error(error)
        else:
            flash(_("The settings are saved."), "success")
            return redirect(url_for("settings.edit"))
    return _page(form, 422 if form.has_errors else 200)


@bp.route("/blackout-days", methods=["GET"])
@role_required(*BLACKOUT_KEEPERS)
def blackout_days():
    return _blackout_page(BlackoutDayForm(formdata=None))


@bp.route("/blackout-days", methods=["POST"])
@role_required(*BLACKOUT_KEEPERS)
def add_blackout_day():
    form = BlackoutDayForm()
    if form.validate_on_submit():
        try:
            services.add_blackout_day(form.day.data, form.reason.data or "", current_user)
        except DomainError as error:
            form.add_error(error)
        else:
            flash(_("No lectures will be booked on that day."), "success")
            return redirect(url_for("settings.blackout_days"))
    return _blackout_page(form, 422)


@bp.route("/blackout-days/<int:blackout_id>/delete", methods=["POST"])
@role_required(*BLACKOUT_KEEPERS)
def remove_blackout_day(blackout_id: int):
    if ConfirmForm().validate_on_submit():
        try:
            services.remove_blackout_day(blackout_id, current_user)
        except DomainError as error:
            flash(str(error), "error")
        else:
            flash(_("The blackout day is removed."), "success")
    return redirect(url_for("settings.blackout_days"))
