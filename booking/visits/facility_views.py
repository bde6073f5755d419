"""Staff keep the list of facilities groups can visit: list, add, edit, close to requests."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from booking.core.auth import Role, role_required
from booking.core.errors import DomainError
from booking.core.navigation import register_nav
from booking.visits import bp
from booking.visits.forms import FacilityForm
from booking.visits.services import facilities as service

# Who keeps the facilities.
FACILITY_KEEPERS = (Role.ADMIN, Role.COORDINATOR)

register_nav(
    "visits.facilities", _l("Facilities"), FACILITY_KEEPERS, order=150, prefixes=("/staff/visits/facilities",)
)


def _data(form: FacilityForm) -> service.FacilityData:
    fields = service.FacilityData.__dataclass_fields__
    values = {name: form[name].data for name in fields if name not in ("open_weekdays", "position")}
    values["open_weekdays"] = "".join(sorted(set(form.open_weekdays.data)))
    values["position"] = form.position.data or 0
    return service.FacilityData(**{k: (v if v is not None else "") for k, v in values.items()})


def _page(form: FacilityForm, facility=None):
    return render_template("visits/facilities/form.html", form=form, facility=facility), (
        422 if form.has_errors else 200
    )


@bp.route("/staff/visits/facilities")
@role_required(*FACILITY_KEEPERS)
def facilities():
    return render_template("visits/facilities/list.html", facilities=service.all_facilities())


@bp.route("/staff/visits/facilities/new", methods=["GET", "POST"])
@role_required(*FACILITY_KEEPERS)
def new_facility():
    form = FacilityForm()
    if form.validate_on_submit():
        try:
            facility = service.create_facility(_data(form), current_user)
        except DomainError as error:
            for problem in error.errors:
                form.add_error(problem)
        else:
            flash(_("“%(name)s” is added to the facilities.", name=facility.name), "success")
            return redirect(url_for("visits.facilities"))
    return _page(form)


@bp.route("/staff/visits/facilities/<int:facility_id>", methods=["GET", "POST"])
@role_required(*FACILITY_KEEPERS)
def edit_facility(facility_id: int):
    facility = service.get_facility(facility_id) or abort(404)
    defaults = {"open_weekdays": [str(d) for d in facility.weekdays]}
    form = FacilityForm(obj=facility, data=None if request.method == "POST" else defaults)
    if form.validate_on_submit():
        try:
            service.update_facility(facility, _data(form), current_user)
        except DomainError as error:
            for problem in error.errors:
                form.add_error(problem)
        else:
            flash(_("The changes are saved."), "success")
            return redirect(url_for("visits.facilities"))
    return _page(form, facility)
