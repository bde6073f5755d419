"""The interview rubric, the interviewers' scores, and the combined ranking for coordinators."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from booking.audit.services import record
from booking.core.errors import DomainError
from booking.db import write_lock
from booking.extensions import db
from booking.interview.models import (
    InterviewBooking,
    InterviewCriterion,
    Interviewer,
    InterviewRound,
    InterviewScore,
    ShortlistEntry,
)
from booking.interview.ranking import CombinedStanding, combine, interview_figures
from booking.interview.services.round import is_interviewer, round_for
from booking.review import services as review_services
from booking.review.ranking import CriterionSpec, ScoredReview
from booking.review.services import CriterionData
from booking.staff.models import User
from booking.youth.models import Application, Cohort
from booking.youth.services import lock_cohort

# The rubric ---------------------------------------------------------------------------------------


def criteria_for(cohort: Cohort) -> list[InterviewCriterion]:
    return list(
        db.session.scalars(
            sa.select(InterviewCriterion)
            .where(InterviewCriterion.cohort_id == cohort.id)
            .order_by(InterviewCriterion.position, InterviewCriterion.id)
        )
    )


def rubric_locked(cohort: Cohort) -> bool:
    """Fixed from the first interview score."""
    return (
        db.session.scalar(sa.select(InterviewScore.id).where(InterviewScore.cohort_id == cohort.id).limit(1))
        is not None
    )


def _check_rubric_open(cohort: Cohort) -> None:
    if rubric_locked(cohort):
        raise DomainError(
            _("Interviewers have started scoring with this rubric, so it can no longer be changed.")
        )


def add_criterion(cohort: Cohort, data: CriterionData, actor: User) -> InterviewCriterion:
    errors = []
    if not 1 <= data.max_score <= 100:
        errors.append(DomainError(_("The maximum score must be between 1 and 100."), field="max_score"))
    if not 0 < data.weight <= 99:
        errors.append(DomainError(_("The weight must be above 0 and at most 99."), field="weight"))
    if errors:
        raise DomainError.several(errors)
    with write_lock():
        cohort = lock_cohort(cohort.id)
        _check_rubric_open(cohort)
        last = db.session.scalar(
            sa.select(sa.func.max(InterviewCriterion.position)).where(
                InterviewCriterion.cohort_id == cohort.id
            )
        )
        criterion = InterviewCriterion(cohort_id=cohort.id, position=(last or 0) + 1, **data.__dict__)
        db.session.add(criterion)
        db.session.flush()
        record(actor, "interview.rubric.create", "youth_cohort", cohort.id, criterion_id=criterion.id)
        db.session.commit()
    return criterion


def delete_criterion(cohort: Cohort, criterion_id: int, actor: User) -> None:
    with write_lock():
        cohort = lock_cohort(cohort.id)
        _check_rubric_open(cohort)
        criterion = db.session.get(InterviewCriterion, criterion_id)
        if criterion is None or criterion.cohort_id != cohort.id:
            raise DomainError(_("Choose a criterion from the list."))
        record(actor, "interview.rubric.delete", "youth_cohort", cohort.id, criterion_id=criterion.id)
        db.session.delete(criterion)
        db.session.commit()


# The interviewer's side -----------------------------------------------------------------------------


@dataclass
class InterviewRow:
    """One interview on an interviewer's list: who, when, whether this interviewer has scored."""

    application: Application
    booking: InterviewBooking | None
    scored: bool


@dataclass
class InterviewList:
    cohort: Cohort
    rows: list[InterviewRow]


def interviews_for(user: User) -> list[InterviewList]:
    """For each cohort with an interview round this user sits on: the shortlisted students."""
    cohorts = list(
        db.session.scalars(
            sa.select(Cohort)
            .join(Interviewer, Interviewer.cohort_id == Cohort.id)
            .join(InterviewRound, InterviewRound.cohort_id == Cohort.id)
            .where(Interviewer.user_id == user.id, InterviewRound.enabled.is_(True))
            .order_by(Cohort.fiscal_year.desc())
        )
    )
    if not cohorts:
        return []
    ids = [c.id for c in cohorts]
    entries = list(
        db.session.scalars(
            sa.select(ShortlistEntry)
            .where(ShortlistEntry.cohort_id.in_(ids), ShortlistEntry.invited_at.is_not(None))
            .options(joinedload(ShortlistEntry.application).joinedload(Application.applicant))
        )
    )
    bookings = {
        b.application_id: b
        for b in db.session.scalars(
            sa.select(InterviewBooking)
            .where(InterviewBooking.application_id.in_([e.application_id for e in entries]))
            .options(joinedload(InterviewBooking.slot))
        )
    }
    scored = set(
        db.session.scalars(
            sa.select(InterviewScore.application_id)
            .where(InterviewScore.interviewer_id == user.id, InterviewScore.cohort_id.in_(ids))
            .distinct()
        )
    )
    by_cohort: dict[int, list[InterviewRow]] = defaultdict(list)
    for entry in entries:
        booking = bookings.get(entry.application_id)
        by_cohort[entry.cohort_id].append(
            InterviewRow(entry.application, booking, entry.application_id in scored)
        )
    for rows in by_cohort.values():
        rows.sort(
            key=lambda r: (
                r.booking is None,
                r.booking.slot.starts_at if r.booking else None,
                r.application.applicant.family_name_kana,
            )
        )
    return [InterviewList(c, by_cohort.get(c.id, [])) for c in cohorts]


@dataclass
class ScoreSheet:
    application: Application
    cohort: Cohort
    criteria: list[InterviewCriterion]
    booking: InterviewBooking | None
    scores: dict[int, int]  # criterion id -> this interviewer's score
    can_score: bool


def score_sheet(user: User, application_id: int) -> ScoreSheet | None:
    """The interviewer's sheet for one shortlisted applicant, or None if it is not theirs to score."""
    entry = db.session.scalar(
        sa.select(ShortlistEntry)
        .where(ShortlistEntry.application_id == application_id, ShortlistEntry.invited_at.is_not(None))
        .options(joinedload(ShortlistEntry.application).joinedload(Application.applicant))
    )
    if entry is None or not is_interviewer(entry.cohort_id, user):
        return None
    cohort = entry.application.cohort
    found = round_for(cohort)
    if found is None or not found.enabled:
        return None
    scores = dict(
        db.session.execute(
            sa.select(InterviewScore.criterion_id, InterviewScore.value).where(
                InterviewScore.application_id == application_id, InterviewScore.interviewer_id == user.id
            )
        ).all()
    )
    booking = db.session.scalar(
        sa.select(InterviewBooking)
        .where(InterviewBooking.application_id == application_id)
        .options(joinedload(InterviewBooking.slot))
    )
    return ScoreSheet(
        entry.application,
        cohort,
        criteria_for(cohort),
        booking,
        scores,
        can_score=cohort.results_published_at is None,
    )


def save_scores(sheet: ScoreSheet, values: dict[int, int | None], actor: User) -> None:
    """Every criterion scored, each from 0 to its maximum; saved again replaces the scores."""
    errors = []
    for criterion in sheet.criteria:
        value = values.get(criterion.id)
        field = f"score_{criterion.id}"
        if value is None:
            errors.append(DomainError(_("Score “%(name)s”.", name=criterion.name()), field=field))
        elif not 0 <= value <= criterion.max_score:
            errors.append(
                DomainError(
                    _("Score “%(name)s” from 0 to %(max)d.", name=criterion.name(), max=criterion.max_score),
                    field=field,
                )
            )
    if not sheet.criteria:
        errors.append(DomainError(_("The interview rubric has no criteria yet.")))
    if errors:
        raise DomainError.several(errors)
    with write_lock():
        cohort = lock_cohort(sheet.cohort.id)
        if cohort.results_published_at is not None:
            raise DomainError(_("The results are published: scores can no longer change."))
        current = {
            s.criterion_id: s
            for s in db.session.scalars(
                sa.select(InterviewScore).where(
                    InterviewScore.application_id == sheet.application.id,
                    InterviewScore.interviewer_id == actor.id,
                )
            )
        }
        for criterion in sheet.criteria:
            score = current.get(criterion.id) or InterviewScore(
                cohort_id=cohort.id,
                application_id=sheet.application.id,
                interviewer_id=actor.id,
                criterion_id=criterion.id,
            )
            score.value = values[criterion.id]
            db.session.add(score)
        record(
            actor,
            "interview.scores.save",
            "youth_application",
            sheet.application.id,
            code=sheet.application.code,
        )
        db.session.commit()


# The combined ranking ---------------------------------------------------------------------------------


@dataclass
class CombinedRow:
    application: Application
    standing: CombinedStanding


@dataclass
class CombinedBoard:
    cohort: Cohort
    round: InterviewRound
    rows: list[CombinedRow]


def combined_ranking(cohort: Cohort) -> CombinedBoard | None:
    """The shortlist ranked by the weighted essay and interview figures; None without a round."""
    found = round_for(cohort)
    if found is None or not found.enabled:
        return None
    essay_board = review_services.ranking(cohort)
    applications = {r.application.id: r.application for r in essay_board.rows}
    essay = {r.application.id: (r.standing.normalised, r.standing.rank) for r in essay_board.rows}
    shortlisted = [
        a
        for a in db.session.scalars(
            sa.select(ShortlistEntry.application_id).where(ShortlistEntry.cohort_id == cohort.id)
        )
        if a in applications
    ]
    criteria = criteria_for(cohort)
    specs = [CriterionSpec(c.id, c.max_score, float(c.weight)) for c in criteria]
    sheets: dict[tuple[int, int], dict[int, int]] = defaultdict(dict)
    for application_id, interviewer_id, criterion_id, value in db.session.execute(
        sa.select(
            InterviewScore.application_id,
            InterviewScore.interviewer_id,
            InterviewScore.criterion_id,
            InterviewScore.value,
        ).where(InterviewScore.cohort_id == cohort.id)
    ):
        sheets[(application_id, interviewer_id)][criterion_id] = value
    scored = [
        ScoredReview(application_id, interviewer_id, scores)
        for (application_id, interviewer_id), scores in sorted(sheets.items())
        if application_id in shortlisted
    ]
    standings = combine(
        shortlisted, essay, interview_figures(scored, specs), found.essay_weight, found.interview_weight
    )
    return CombinedBoard(cohort, found, [CombinedRow(applications[s.application_id], s) for s in standings])


def view_combined_ranking(cohort: Cohort, actor: User) -> CombinedBoard | None:
    """The combined ranking for coordinators; the viewing is audited."""
    record(actor, "interview.ranking.view", "youth_cohort", cohort.id)
    db.session.commit()
    return combined_ranking(cohort)
