"""The visitor list: the organiser sends it through the private link; coordinators export it.

- `GET, POST /visits/manage/<token>/visitors`: rows typed in (a button adds rows, without
  JavaScript) or a CSV uploaded; every row is checked first, errors by line, nothing kept
  until all is well. Open while the visit is to come.
- `GET /visits/manage/<token>/visitors-template.csv`: a blank list, headers in the page's language.
- `GET /staff/visits/<id>/visitors.csv|.xlsx`: the list for site access (coordinators and
  admins; each export in the audit log).
"""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from booking.core.auth import Role, role_required
from booking.core.errors import DomainError
from booking.core.exports import csv_response, xlsx_response
from booking.core.i18n import current_language
from booking.core.input_guard import accepts_files
from booking.core.ratelimit import public_form_limit
from booking.extensions import db
from booking.visits import bp, visitors
from booking.visits.countries import country_name
from booking.visits.models import VisitRequest
from booking.visits.services import requests as request_services
from booking.visits.services import visitors as service
from booking.visits.visitor_forms import VisitorFileForm, VisitorRowsForm

# Who may export names for site access; guides see how many are on the list, not who.
LIST_EXPORTERS = (Role.ADMIN, Role.COORDINATOR)


@bp.app_template_global("visitor_list")
def visitor_list(visit: VisitRequest) -> service.ListSummary:
    """For the organiser's and the staff pages: how many are on the list, and when it was sent."""
    return service.summary(visit)


@bp.app_template_global("can_edit_visitor_list")
def can_edit_visitor_list(visit: VisitRequest) -> bool:
    return service.can_edit_list(visit)


def _visit_or_404(token: str) -> VisitRequest:
    visit = request_services.find_by_token(token)
    if visit is None:
        abort(404)
    return visit


def _page(
    visit: VisitRequest, token: str, rows_form: VisitorRowsForm, file_form: VisitorFileForm, status=200
):
    return render_template(
        "visits/visitors/edit.html",
        visit=visit,
        token=token,
        rows_form=rows_form,
        file_form=file_form,
        form=rows_form if rows_form.has_errors else file_form,
        editable=service.can_edit_list(visit),
        country_names=visitors.country_names(current_language()),
    ), status


@bp.route("/visits/manage/<token>/visitors", methods=["GET", "POST"])
@public_form_limit()
@accepts_files
def visitor_list_page(token: str):
    visit = _visit_or_404(token)
    action = request.form.get("action", "") if request.method == "POST" else None
    if action not in (None, "save", "add", "upload"):
        abort(400)
    rows_form = VisitorRowsForm(
        visit.group_size, request.form if action in ("save", "add") else None, _initial(visit)
    )
    file_form = VisitorFileForm() if action == "upload" else VisitorFileForm(formdata=None)
    if action is None:
        return _page(visit, token, rows_form, file_form)
    if action == "add":
        if rows_form.validate_on_submit() and not rows_form.has_errors:
            rows_form.add_rows()
        return _page(visit, token, rows_form, file_form, 422 if rows_form.has_errors else 200)
    form, parsed = (
        (rows_form, _typed(rows_form, visit))
        if action == "save"
        else (file_form, _uploaded(file_form, visit))
    )
    if parsed is not None and parsed.ok and _saved(visit, form, parsed):
        return redirect(url_for("visits.manage", token=token, _anchor="visitors"))
    return _page(visit, token, rows_form, file_form, 422)


def _initial(visit: VisitRequest) -> list[list[str]]:
    """The list as kept, nationalities named in the page's language."""
    language = current_language()
    return [
        [v.full_name, v.organisation, country_name(v.nationality, language)]
        for v in service.visitors_of(visit)
    ]


def _typed(form: VisitorRowsForm, visit: VisitRequest) -> visitors.ParsedList | None:
    if not form.validate_on_submit() or form.has_errors:
        return None
    parsed = visitors.check_rows(form.numbered(), visit.group_size)
    form.show_errors(parsed.errors)
    return parsed


def _uploaded(form: VisitorFileForm, visit: VisitRequest) -> visitors.ParsedList | None:
    if not form.validate_on_submit():
        return None
    parsed = visitors.parse_csv(form.file.data.read(visitors.MAX_FILE_BYTES + 1), visit.group_size)
    for error in parsed.errors:
        form.add_error(str(error), "file")
    return parsed


def _saved(visit: VisitRequest, form, parsed: visitors.ParsedList) -> bool:
    try:
        count = service.replace_list(visit, parsed.rows)
    except DomainError as error:
        db.session.rollback()
        form.add_error(error)
        return False
    flash(_("Thank you: your list of %(count)d people is saved.", count=count), "success")
    return True


@bp.route("/visits/manage/<token>/visitors-template.csv")
def visitor_list_template(token: str):
    _visit_or_404(token)
    response = Response(visitors.template_csv(), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = 'attachment; filename="visitors.csv"'
    return response


@bp.route("/staff/visits/<int:request_id>/visitors.<any(csv, xlsx):kind>")
@role_required(*LIST_EXPORTERS)
def visitor_list_export(request_id: int, kind: str):
    visit = db.get_or_404(VisitRequest, request_id)
    people = service.record_export(visit, current_user, kind)
    language = current_language()
    header = [_("No."), *visitors.template_headers(), _("Nationality (code)")]
    rows = [
        (
            person.position,
            person.full_name,
            person.organisation or visit.organisation,
            country_name(person.nationality, language),
            person.nationality,
        )
        for person in people
    ]
    name = f"{visit.reference}-visitors"
    if kind == "csv":
        return csv_response(f"{name}.csv", header, rows)
    return xlsx_response(f"{name}.xlsx", visit.reference, header, rows)
