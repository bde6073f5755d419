"""Staff pages of the review.

Reviewers: their list of essays, the scoring page, the schools they declare. These pages
show the applicant code and the essay only, and are found by application id.
Coordinators: the rubric, reviewers' conflicts, assignment, progress, ranking, exports.
"""

from __future__ import annotations

from decimal import Decimal

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from booking.core.auth import Role, role_required
from booking.core.errors import DomainError
from booking.core.exports import csv_response, xlsx_response
from booking.core.forms import ConfirmForm
from booking.core.navigation import register_panel
from booking.core.numbers import page_number
from booking.core.pages import ListPage
from booking.core.time import utcnow
from booking.extensions import db
from booking.review import bp, services
from booking.review.forms import (
    AddReviewerForm,
    AssignmentForm,
    ConflictsForm,
    CriterionForm,
    NoteForm,
    amend_form,
    score_form,
)
from booking.review.models import REVIEW_ACTION_LABELS, Criterion, Review
from booking.review.ranking import DISAGREEMENT_Z
from booking.youth.models import Cohort

REVIEWER = (Role.REVIEWER,)
LEVEL_FIELDS = tuple(f"level_{level}_{lang}" for level in ("low", "mid", "high") for lang in ("ja", "en"))
COORDINATOR = (Role.COORDINATOR,)

register_panel("review", "review/_panel.html", services.reviewer_panel, order=310)
register_panel("review-progress", "review/_coordinator_panel.html", services.coordinator_panel, order=320)


# The reviewer's pages -----------------------------------------------------------------------


@bp.route("/staff/review/")
@role_required(*REVIEWER)
def queue():
    groups = services.queue_for(current_user)
    calibration = services.calibration_for_queue(current_user, [g.cohort for g in groups])
    return render_template("review/queue.html", groups=groups, calibration=calibration)


def _own_review_or_404(application_id: int):
    return services.review_for(current_user, application_id) or abort(404)


def _score_form(criteria: list[Criterion], review):
    if request.method == "POST":
        return score_form(criteria)
    data = {f"score_{c.id}": _initial(review.score_for(c.id), c) for c in criteria}
    return score_form(criteria, data={**data, "comment": review.comment})


def _initial(value: int | None, criterion: Criterion) -> object:
    if value is None:
        return None
    return str(value) if criterion.max_score <= 10 else value


@bp.route("/staff/review/essays/<int:application_id>", methods=["GET", "POST"])
@role_required(*REVIEWER)
def essay(application_id: int):
    review = _own_review_or_404(application_id)
    if request.method == "GET":
        services.open_essay(review, actor=current_user)
    cohort = review.application.cohort
    criteria = services.criteria_for(cohort)
    form = _score_form(criteria, review)
    if request.method == "POST" and form.validate():
        submit = request.form.get("action") == "submit"
        was_submitted = review.is_submitted
        try:
            services.save_review(review, form.values(), form.comment.data or "", submit, actor=current_user)
        except DomainError as error:
            for problem in error.errors:
                form.add_error(problem)
        else:
            if submit and not was_submitted and services.submitted_all(current_user, review.cohort_id):
                flash(_("That was the last one: all essays on your list are scored. Thank you."), "success")
                return redirect(url_for("review.queue"))
            flash(_("Your review is submitted.") if submit else _("Your draft is saved."), "success")
            _previous, following, _n, _m = services.neighbours(review)
            # Submitted: on to the next essay in the reviewer's order.
            target = following if submit and following is not None else application_id
            return redirect(url_for("review.essay", application_id=target))
    return render_essay(review, criteria, form=form)


def render_essay(
    review: Review, criteria: list[Criterion], form=None, amend=None, note: NoteForm | None = None
):
    """The essay page: the essay, the reviewer's scores, and the discussion once the review closes."""
    cohort = review.application.cohort
    review_round = services.review_round(cohort)
    discussing = review_round is not None and review_round.discussion_open
    scores = {f"score_{c.id}": _initial(review.score_for(c.id), c) for c in criteria}
    if form is None:
        form = score_form(criteria, formdata=None, data={**scores, "comment": review.comment})
    if amend is None and discussing and review.is_submitted:
        amend = amend_form(criteria, formdata=None, data=scores)
    previous, following, position, count = services.neighbours(review)
    failed = any(f is not None and f.has_errors for f in (form, amend, note))
    return render_template(
        "review/essay.html",
        review=review,
        application=review.application,
        essay=services.masked_essay(review.application),
        cohort=cohort,
        form=form,
        can_edit=review.can_edit(review_round),
        can_flag=review.can_flag_conflict(review_round),
        previous=previous,
        following=following,
        position=position,
        count=count,
        confirm=ConfirmForm(),
        discussing=discussing,
        amend_form=amend,
        note_form=note or NoteForm(formdata=None),
        notes=services.notes_for(review.application_id, current_user, for_coordinator=False),
    ), 422 if failed else 200


@bp.route("/staff/review/essays/<int:application_id>/conflict", methods=["POST"])
@role_required(*REVIEWER)
def flag_conflict(application_id: int):
    review = _own_review_or_404(application_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.flag_conflict(review, actor=current_user)
        except DomainError as error:
            flash(str(error), "error")
            return redirect(url_for("review.essay", application_id=application_id))
        flash(_("Thank you. The essay has been taken off your list and goes to another reviewer."), "success")
    return redirect(url_for("review.queue"))


@bp.route("/staff/review/conflicts", methods=["GET", "POST"])
@role_required(*REVIEWER)
def conflicts():
    form = ConflictsForm(
        data=None
        if request.method == "POST"
        else {"schools": sorted(services.declared_school_ids(current_user))}
    )
    form.schools.choices = [SelectChoice(s.id, s.name) for s in services.conflict_school_choices()]
    if form.validate_on_submit():
        try:
            services.declare_conflicts(current_user, set(form.schools.data or []))
        except DomainError as error:
            form.add_error(error)
        else:
            flash(_("Your schools are saved. The next assignment of essays respects them."), "success")
            return redirect(url_for("review.conflicts"))
    return render_template("review/conflicts.html", form=form), 422 if form.has_errors else 200


# Coordinators: cohorts, rubric, reviewers ------------------------------------------------------


@bp.route("/staff/review/cohorts/")
@role_required(*COORDINATOR)
def cohorts():
    return render_template("review/cohorts.html", overview=services.cohorts_overview(), now=utcnow())


@bp.route("/staff/review/reviewers")
@role_required(*COORDINATOR)
def reviewers():
    return render_template("review/reviewers.html", rows=services.reviewers_with_conflicts())


@bp.route("/staff/review/cohorts/<int:cohort_id>/rubric")
@role_required(*COORDINATOR)
def rubric(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    return render_template(
        "review/rubric.html",
        cohort=cohort,
        criteria=services.criteria_for(cohort),
        locked=services.rubric_locked(cohort),
        confirm=ConfirmForm(),
    )


def _criterion_data(form: CriterionForm) -> services.CriterionData:
    return services.CriterionData(
        name_ja=form.name_ja.data,
        name_en=form.name_en.data or "",
        description_ja=form.description_ja.data or "",
        description_en=form.description_en.data or "",
        **{name: form[name].data or "" for name in LEVEL_FIELDS},
        max_score=form.max_score.data,
        weight=form.weight.data,
    )


@bp.route("/staff/review/cohorts/<int:cohort_id>/rubric/new", methods=["GET", "POST"])
@role_required(*COORDINATOR)
def new_criterion(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    form = CriterionForm()
    if form.validate_on_submit():
        try:
            services.add_criterion(cohort, _criterion_data(form), actor=current_user)
        except DomainError as error:
            form.add_error(error)
        else:
            flash(_("The criterion is added."), "success")
            return redirect(url_for("review.rubric", cohort_id=cohort.id))
    return render_template("review/criterion_form.html", form=form, cohort=cohort, criterion=None), (
        422 if form.has_errors else 200
    )


def _criterion_or_404(cohort: Cohort, criterion_id: int) -> Criterion:
    return services.get_criterion(cohort, criterion_id) or abort(404)


@bp.route("/staff/review/cohorts/<int:cohort_id>/rubric/<int:criterion_id>", methods=["GET", "POST"])
@role_required(*COORDINATOR)
def edit_criterion(cohort_id: int, criterion_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    criterion = _criterion_or_404(cohort, criterion_id)
    form = CriterionForm(obj=criterion)
    if form.validate_on_submit():
        try:
            services.update_criterion(criterion, _criterion_data(form), actor=current_user)
        except DomainError as error:
            form.add_error(error)
        else:
            flash(_("The changes are saved."), "success")
            return redirect(url_for("review.rubric", cohort_id=cohort.id))
    return render_template("review/criterion_form.html", form=form, cohort=cohort, criterion=criterion), (
        422 if form.has_errors else 200
    )


@bp.route("/staff/review/cohorts/<int:cohort_id>/rubric/<int:criterion_id>/delete", methods=["POST"])
@role_required(*COORDINATOR)
def delete_criterion(cohort_id: int, criterion_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    criterion = _criterion_or_404(cohort, criterion_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.delete_criterion(criterion, actor=current_user)
        except DomainError as error:
            flash(str(error), "error")
        else:
            flash(_("The criterion is removed."), "success")
    return redirect(url_for("review.rubric", cohort_id=cohort.id))


@bp.route("/staff/review/cohorts/<int:cohort_id>/rubric/<int:criterion_id>/move", methods=["POST"])
@role_required(*COORDINATOR)
def move_criterion(cohort_id: int, criterion_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    criterion = _criterion_or_404(cohort, criterion_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.move_criterion(criterion, up=request.form.get("direction") == "up", actor=current_user)
        except DomainError as error:
            flash(str(error), "error")
    return redirect(url_for("review.rubric", cohort_id=cohort.id))


# Coordinators: assignment and progress ----------------------------------------------------------


@bp.route("/staff/review/cohorts/<int:cohort_id>/assignments", methods=["GET", "POST"])
@role_required(*COORDINATOR)
def assignments(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    pool = services.reviewers()
    form = AssignmentForm(data=None if request.method == "POST" else {"reviewers": [u.id for u in pool]})
    form.reviewers.choices = [SelectChoice(u.id, u.name) for u in pool]
    report = None
    if form.validate_on_submit():
        try:
            report = services.run_assignment(cohort, current_user, set(form.reviewers.data or []))
        except DomainError as error:
            form.add_error(error)
        else:
            flash(
                _(
                    "Reviewers are assigned: %(added)d reviews added, %(kept)d kept, %(dropped)d moved away.",
                    added=report.added,
                    kept=report.kept,
                    dropped=report.dropped,
                ),
                "success" if not report.problems else "warning",
            )
    rows, progress = services.assignment_overview(cohort)
    return render_template(
        "review/assignments.html",
        cohort=cohort,
        form=form,
        report=report,
        rows=rows,
        short=services.shortfalls(cohort, rows),
        progress=progress,
        closed=services.is_closed(cohort),
        add_form=AddReviewerForm(),
        confirm=ConfirmForm(),
    ), 422 if form.has_errors else 200


@bp.route("/staff/review/cohorts/<int:cohort_id>/assignments/add", methods=["POST"])
@role_required(*COORDINATOR)
def add_reviewer(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    form = AddReviewerForm()
    if form.validate_on_submit():
        try:
            services.add_reviewer(cohort, form.application_id.data, form.reviewer_id.data, actor=current_user)
        except DomainError as error:
            flash(str(error), "error")
        else:
            flash(_("The reviewer is added."), "success")
    else:
        flash(_("Choose a reviewer to add."), "error")
    anchor = f"application-{form.application_id.data}" if form.application_id.data else None
    return redirect(url_for("review.assignments", cohort_id=cohort.id, _anchor=anchor))


@bp.route("/staff/review/reviews/<int:review_id>/remove", methods=["POST"])
@role_required(*COORDINATOR)
def remove_reviewer(review_id: int):
    review = services.get_review(review_id) or abort(404)
    if ConfirmForm().validate_on_submit():
        try:
            services.remove_reviewer(review, actor=current_user)
        except DomainError as error:
            flash(str(error), "error")
        else:
            flash(_("The reviewer is taken off the essay."), "success")
    return redirect(
        url_for(
            "review.assignments", cohort_id=review.cohort_id, _anchor=f"application-{review.application_id}"
        )
    )


@bp.route("/staff/review/cohorts/<int:cohort_id>/progress")
@role_required(*COORDINATOR)
def progress(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    return render_template(
        "review/progress.html",
        cohort=cohort,
        progress=services.progress(cohort),
        closed=services.is_closed(cohort),
    )


# Coordinators: ranking, one essay's reviews, closing, exports --------------------------------------


@bp.route("/staff/review/cohorts/<int:cohort_id>/ranking")
@role_required(*COORDINATOR)
def ranking(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    sort = request.args.get("sort", "rank")
    sort = sort if sort in services.SORTS else "rank"
    board = services.view_ranking(cohort, sort, actor=current_user)
    review_round = services.review_round(cohort)
    return render_template(
        "review/ranking.html",
        cohort=cohort,
        board=board,
        rows=ListPage(board.rows, request.args.get("page", 1, type=page_number)),
        sort=sort,
        threshold=DISAGREEMENT_Z,
        closed=review_round is not None and review_round.is_closed,
        discussing=review_round is not None and review_round.discussion_open,
        confirm=ConfirmForm(),
    )


@bp.route("/staff/review/cohorts/<int:cohort_id>/applications/<int:application_id>")
@role_required(*COORDINATOR)
def application_reviews(cohort_id: int, application_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    found = services.view_application_reviews(cohort, application_id, actor=current_user) or abort(404)
    return render_application_reviews(cohort, found)


def render_application_reviews(cohort: Cohort, found, note: NoteForm | None = None):
    """One essay's reviews for coordinators, with the discussion's notes and the history."""
    application, row, reviews = found
    return render_template(
        "review/application_reviews.html",
        cohort=cohort,
        application=application,
        row=row,
        reviews=reviews,
        criteria=services.criteria_for(cohort),
        threshold=DISAGREEMENT_Z,
        discussing=services.discussion_open(cohort),
        notes=services.notes_for(application.id, current_user, for_coordinator=True),
        history=services.essay_history(application.id),
        action_labels=REVIEW_ACTION_LABELS,
        note_form=note or NoteForm(formdata=None),
    ), 422 if note is not None and note.has_errors else 200


@bp.route("/staff/review/cohorts/<int:cohort_id>/close", methods=["POST"])
@role_required(*COORDINATOR)
def close(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    if ConfirmForm().validate_on_submit():
        try:
            if request.form.get("action") == "reopen":
                services.reopen_review(cohort, actor=current_user)
                flash(_("The review is open again: reviewers can score and revise."), "success")
            else:
                services.close_review(cohort, actor=current_user)
                flash(_("The review is closed: scores can no longer change."), "success")
        except DomainError as error:
            flash(str(error), "error")
    return redirect(url_for("review.ranking", cohort_id=cohort.id))


def _export(cohort: Cohort, fmt: str, name: str, title: str, build):
    header, rows = build(cohort, fmt, actor=current_user)
    filename = f"{name}-{cohort.fiscal_year}.{fmt}"
    if fmt == "csv":
        return csv_response(filename, header, rows)
    return xlsx_response(filename, title, header, rows)


@bp.route("/staff/review/cohorts/<int:cohort_id>/ranking.<any(csv, xlsx):fmt>")
@role_required(*COORDINATOR)
def export_ranking(cohort_id: int, fmt: str):
    cohort = db.get_or_404(Cohort, cohort_id)
    return _export(cohort, fmt, "youth-ranking", _("Ranking"), services.ranking_export)


@bp.route("/staff/review/cohorts/<int:cohort_id>/reviews.<any(csv, xlsx):fmt>")
@role_required(*COORDINATOR)
def export_reviews(cohort_id: int, fmt: str):
    cohort = db.get_or_404(Cohort, cohort_id)
    return _export(cohort, fmt, "youth-reviews", _("Reviews"), services.reviews_export)


@bp.app_template_filter("score")
def score_filter(value: float | None, digits: int = 1) -> str:
    """A figure of the ranking, or a dash when there is none yet."""
    if value is None:
        return "—"
    return f"{value:+.{digits}f}" if digits >= 2 else f"{value:.{digits}f}"


@bp.app_template_filter("weight")
def weight_filter(value: Decimal | float) -> str:
    """A criterion's weight without trailing zeros: 2, 1.5, 0.25."""
    text = format(Decimal(str(value)).normalize(), "f")
    return text
