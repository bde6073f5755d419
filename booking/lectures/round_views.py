"""Staff pages for busy-term rounds: the list, opening one, closing and allocating it, and
re-running an allocation with its seed."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from booking.core.auth import role_required
from booking.core.errors import DomainError
from booking.core.forms import ConfirmForm
from booking.core.navigation import TodoItem, Urgency, register_todo
from booking.core.time import today_jst
from booking.lectures import LECTURE_STAFF, bp, services
from booking.lectures.round_forms import RerunForm, RoundForm
from booking.lectures.round_models import LectureRound
from booking.settings.services import current_settings


def _todo(user):
    """The dashboard line: rounds whose requests have closed, to close and allocate."""
    count = services.rounds_to_allocate(today_jst())
    yield TodoItem(
        label=_("Rounds past their closing day, to allocate: %(n)d", n=count),
        count=count,
        url=url_for("lectures.rounds"),
        urgency=Urgency.NEW_REQUESTS,
    )


register_todo("lectures.rounds", LECTURE_STAFF, _todo)


def _round_or_404(round_id: int) -> LectureRound:
    return services.get_round(round_id) or abort(404)


@bp.route("/staff/lectures/rounds")
@role_required(*LECTURE_STAFF)
def rounds():
    return render_template("lectures/rounds/index.html", rounds=services.list_rounds())


@bp.route("/staff/lectures/rounds/new", methods=["GET", "POST"])
@role_required(*LECTURE_STAFF)
def new_round():
    form = RoundForm(data=None if request.method == "POST" else {"per_day": current_settings().daily_cap})
    if form.validate_on_submit():
        data = services.RoundData(
            form.name.data, form.first_day.data, form.last_day.data, form.closes_on.data, form.per_day.data
        )
        try:
            lecture_round = services.open_round(data, current_user)
        except DomainError as error:
            for problem in error.errors:
                form.add_error(problem.message, field=problem.field)
        else:
            flash(_("The round “%(name)s” is open.", name=lecture_round.name), "success")
            return redirect(url_for("lectures.show_round", round_id=lecture_round.id))
    status = 422 if form.has_errors else 200
    return render_template("lectures/rounds/form.html", form=form), status


@bp.route("/staff/lectures/rounds/<int:round_id>")
@role_required(*LECTURE_STAFF)
def show_round(round_id: int):
    return render_template(
        "lectures/rounds/show.html", lecture_round=_round_or_404(round_id), form=ConfirmForm()
    )


def _round_action(round_id: int, act, done: str):
    _round_or_404(round_id)
    if ConfirmForm().validate_on_submit():
        try:
            act(round_id, current_user)
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(done, "success")
    return redirect(url_for("lectures.show_round", round_id=round_id))


@bp.route("/staff/lectures/rounds/<int:round_id>/close", methods=["POST"])
@role_required(*LECTURE_STAFF)
def close_round(round_id: int):
    return _round_action(round_id, services.close_round, _("The round is closed: it can be allocated now."))


@bp.route("/staff/lectures/rounds/<int:round_id>/allocate", methods=["POST"])
@role_required(*LECTURE_STAFF)
def allocate_round(round_id: int):
    done = _(
        "The round is allocated. The schools are emailed; schedule the allocated requests with lecturers."
    )
    return _round_action(round_id, services.allocate_round, done)


@bp.route("/staff/lectures/rounds/<int:round_id>/rerun")
@role_required(*LECTURE_STAFF)
def rerun_round(round_id: int):
    lecture_round = _round_or_404(round_id)
    if lecture_round.seed is None:
        abort(404)
    form = RerunForm(request.args, data={"seed": lecture_round.seed})
    result = None
    if form.validate():
        result = services.rerun(lecture_round, form.seed.data or lecture_round.seed)
    requests = {e.request.reference: e.request for e in lecture_round.entries}
    status = 422 if form.has_errors else 200
    return render_template(
        "lectures/rounds/rerun.html", lecture_round=lecture_round, form=form, result=result, requests=requests
    ), status
