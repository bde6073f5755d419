"""School directory pages for administrators, and the coverage page for coordinators too."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from booking.core.auth import Role, role_required
from booking.core.errors import DomainError
from booking.core.exports import csv_response
from booking.core.input_guard import accepts_files
from booking.core.numbers import page_number
from booking.core.time import now_jst
from booking.schools import COVERAGE_READERS, bp, coverage, services
from booking.schools.forms import ImportForm, PeriodsForm, SchoolForm
from booking.schools.models import MAX_PERIODS, WARDS, SchoolType
from booking.schools.periods import schedule_of


@bp.route("/")
@role_required(Role.ADMIN)
def index():
    args = request.args
    schools = services.list_schools(
        args.get("type"), args.get("ward"), args.get("q"), page=args.get("page", 1, type=page_number)
    )
    return render_template(
        "schools/index.html", schools=schools, types=list(SchoolType), wards=WARDS, filters=args
    )


def _data(form: SchoolForm) -> services.SchoolData:
    return services.SchoolData(
        name=form.name.data,
        school_type=SchoolType(form.school_type.data),
        ward=form.ward.data or "",
        address=form.address.data or "",
        name_kana=form.name_kana.data or "",
        phone=form.phone.data or "",
    )


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new():
    form = SchoolForm()
    if form.validate_on_submit():
        try:
            school = services.create_school(_data(form), actor=current_user)
        except DomainError as error:
            form.add_error(error)
        else:
            flash(_("%(name)s is added to the directory.", name=school.name), "success")
            return redirect(url_for("schools.index"))
    return render_template("schools/form.html", form=form, school=None), 422 if form.has_errors else 200


@bp.route("/<int:school_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit(school_id: int):
    school = services.get_school(school_id) or abort(404)
    form = SchoolForm(
        obj=school, data=None if request.method == "POST" else {"school_type": school.school_type.value}
    )
    if form.validate_on_submit():
        try:
            services.update_school(school, _data(form), form.active.data, actor=current_user)
        except DomainError as error:
            form.add_error(error)
        else:
            flash(_("The changes are saved."), "success")
            return redirect(url_for("schools.index"))
    return render_template("schools/form.html", form=form, school=school), 422 if form.has_errors else 200


@bp.route("/import", methods=["GET", "POST"])
@accepts_files
@role_required(Role.ADMIN)
def import_csv():
    form = ImportForm()
    errors: list[services.RowError] = []
    if form.validate_on_submit():
        try:
            result = services.import_schools(form.file.data.read(), actor=current_user)
        except services.ImportRejected as rejected:
            form.add_error(rejected, field="file")
            errors = rejected.errors
        else:
            flash(
                _(
                    "Import done: %(added)d added, %(updated)d updated.",
                    added=result.added,
                    updated=result.updated,
                ),
                "success",
            )
            return redirect(url_for("schools.index"))
    return render_template("schools/import.html", form=form, errors=errors), 422 if form.has_errors else 200


@bp.route("/coverage")
@role_required(*COVERAGE_READERS)
def coverage_list():
    filters = coverage.CoverageFilters.from_args(request.args)
    return render_template(
        "schools/coverage.html",
        coverage=coverage.school_coverage(filters),
        filters=filters,
        types=list(SchoolType),
        wards=WARDS,
        reaches=list(coverage.Reach),
    )


COVERAGE_HEADER = (
    _l("School name"),
    _l("Type"),
    _l("Ward"),
    _l("Last lecture held"),
    _l("Next lecture scheduled"),
    _l("Reach"),
)


@bp.route("/coverage.csv")
@role_required(*COVERAGE_READERS)
def coverage_export():
    found = coverage.school_coverage(coverage.CoverageFilters.from_args(request.args))
    rows = (
        (row.name, str(row.school_type.label), row.ward, row.last_held_at, row.next_at, str(row.reach.label))
        for row in found.rows
    )
    name = _("school-coverage") + now_jst().strftime("-%Y%m%d")
    return csv_response(f"{name}.csv", [str(h) for h in COVERAGE_HEADER], rows)


@bp.route("/<int:school_id>/periods", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def periods(school_id: int):
    """The school's bell schedule (校時): its own, or its type's default until saved."""
    school = services.get_school(school_id) or abort(404)
    current = schedule_of(school)
    form = PeriodsForm(data=None if request.method == "POST" else PeriodsForm.data_of(current))
    if form.is_submitted() and "reset" in request.form:  # CSRF is checked for every POST
        services.reset_periods(school, actor=current_user)
        flash(_("%(name)s now follows the default schedule of its type.", name=school.name), "success")
        return redirect(url_for("schools.periods", school_id=school.id))
    if "reset" not in request.form and form.validate_on_submit():
        try:
            services.save_periods(school, form.periods(), actor=current_user)
        except DomainError as error:
            form.add_error(error)
        else:
            flash(_("The periods are saved."), "success")
            return redirect(url_for("schools.periods", school_id=school.id))
    return render_template(
        "schools/periods.html", form=form, school=school, own=bool(school.periods), max_periods=MAX_PERIODS
    ), 422 if form.has_errors else 200
