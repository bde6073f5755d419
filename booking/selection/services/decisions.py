"""Decisions: accepting, waitlisting, not selecting, and ordering the waiting list, before publication."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from booking.audit.services import record
from booking.core.errors import DomainError
from booking.core.i18n import format_datetime
from booking.core.time import utcnow
from booking.db import write_lock
from booking.extensions import db
from booking.interview import services as interview_services
from booking.review import services as review_services
from booking.selection.models import Decision
from booking.selection.services.places import (
    DECIDABLE,
    cohort_decisions,
    decision_for,
    free_place,
    full_message,
    waitlisted,
)
from booking.staff.models import User
from booking.youth.models import (
    HOLDING_A_PLACE,
    Application,
    ApplicationStatus,
    Cohort,
)
from booking.youth.services import lock_cohort


@dataclass
class DecisionRow:
    application: Application
    standing: Any  # review.ranking.Standing
    decision: Decision | None
    interview: Any = None  # interview.ranking.CombinedStanding, when shortlisted for the interview


@dataclass
class Board:
    cohort: Cohort
    rows: list[DecisionRow]
    waitlist: list[DecisionRow]
    review_closed: bool
    counts: dict[str, int] = field(default_factory=dict)
    combined: Any = None  # interview.services.CombinedBoard, when the cohort has an interview round


def board(cohort: Cohort) -> Board:
    """The ranking with each application's decision, and the waiting list in its order."""
    ranking = review_services.ranking(cohort)
    decisions = cohort_decisions(cohort)
    rows = [DecisionRow(r.application, r.standing, decisions.get(r.application.id)) for r in ranking.rows]
    combined = (
        interview_services.combined_ranking(cohort) if interview_services.has_interview(cohort) else None
    )
    if combined is not None:
        # Two stages: the shortlist first, in the combined order; the rest as the essays rank them.
        order = {row.application.id: (index, row.standing) for index, row in enumerate(combined.rows)}
        for row in rows:
            row.interview = order.get(row.application.id, (None, None))[1]
        rows.sort(key=lambda r: order.get(r.application.id, (len(order), None))[0])
    counts = {s.value: 0 for s in ApplicationStatus}
    for row in rows:
        counts[row.application.status.value] += 1
    counts["held"] = sum(counts[s.value] for s in HOLDING_A_PLACE)
    waitlist = sorted(
        (r for r in rows if r.application.status == ApplicationStatus.WAITLISTED and r.decision),
        key=lambda r: (r.decision.waitlist_position or 0, r.application.code),
    )
    return Board(cohort, rows, waitlist, review_services.is_closed(cohort), counts, combined)


def _check_not_published(cohort: Cohort) -> None:
    if cohort.results_published_at is not None:
        raise DomainError(
            _(
                "The results were published on %(date)s: decisions can no longer change.",
                date=format_datetime(cohort.results_published_at),
            )
        )


def decide(cohort: Cohort, application_id: int, decision: ApplicationStatus, actor: User) -> None:
    """Accept, waitlist, not select, or take the decision back (SUBMITTED), before publication.

    Never more accepted than the cohort's places, never a place or the waiting list without
    the guardian's consent. Two coordinators giving the last place at once: the cohort's row
    lock makes the second wait, then count the first's acceptance and be refused.
    """
    if decision not in DECIDABLE:
        raise DomainError(_("Choose a decision."))
    try:
        with write_lock():
            cohort = lock_cohort(cohort.id)
            _check_not_published(cohort)
            application = db.session.get(Application, application_id, populate_existing=True)
            if (
                application is None
                or application.cohort_id != cohort.id
                or application.status not in DECIDABLE
            ):
                raise DomainError(_("This application cannot be decided on."))
            if application.status == decision:
                return
            needs_consent = decision in (ApplicationStatus.ACCEPTED, ApplicationStatus.WAITLISTED)
            if needs_consent and not application.can_be_offered_a_place():
                raise DomainError(
                    _(
                        "%(code)s cannot be given a place or put on the waiting list: its guardian "
                        "has not consented.",
                        code=application.code,
                    )
                )
            row = decision_for(application)
            row.place_number = None
            row.waitlist_position = None
            db.session.flush()
            if decision == ApplicationStatus.ACCEPTED:
                number = free_place(cohort)
                if number is None:
                    raise DomainError(full_message(cohort))
                row.place_number = number
            elif decision == ApplicationStatus.WAITLISTED:
                waiting = waitlisted(cohort)
                if len(waiting) >= cohort.waitlist_length:
                    raise DomainError(
                        ngettext(
                            "The waiting list is full (%(num)d application). Lengthen it in the cohort's "
                            "settings, or take another application off it first.",
                            "The waiting list is full (%(num)d applications). Lengthen it in the cohort's "
                            "settings, or take another application off it first.",
                            cohort.waitlist_length,
                        )
                    )
                row.waitlist_position = max((d.waitlist_position or 0 for _a, d in waiting), default=0) + 1
            _record_decision(
                application,
                row,
                decision,
                actor,
                place=row.place_number,
                waitlist_position=row.waitlist_position,
            )
            db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        raise DomainError(full_message(cohort)) from None


def _record_decision(
    application: Application, row: Decision, decision: ApplicationStatus, actor: User, **details: object
) -> None:
    """Who decided and when, the application's move, and the audit entry (caller commits)."""
    row.decided_at = utcnow()
    row.decided_by_id = actor.id
    application.decide(decision, actor)
    record(
        actor,
        "selection.decide",
        "youth_application",
        application.id,
        code=application.code,
        decision=decision.value,
        **details,
    )


def decide_rest(cohort: Cohort, actor: User) -> int:
    """Mark every application still undecided as not selected."""
    with write_lock():
        cohort = lock_cohort(cohort.id)
        _check_not_published(cohort)
        undecided = list(
            db.session.scalars(
                sa.select(Application).where(
                    Application.cohort_id == cohort.id, Application.status == ApplicationStatus.SUBMITTED
                )
            )
        )
        for application in undecided:
            _record_decision(application, decision_for(application), ApplicationStatus.NOT_SELECTED, actor)
        db.session.commit()
    return len(undecided)


def move_waitlisted(cohort: Cohort, application_id: int, up: bool, actor: User) -> None:
    """Swap an application with the one before (or after) it on the waiting list."""
    with write_lock():
        cohort = lock_cohort(cohort.id)
        waiting = waitlisted(cohort)
        index = next((i for i, (a, _d) in enumerate(waiting) if a.id == application_id), None)
        if index is None:
            raise DomainError(_("This application is not on the waiting list."))
        other = index - 1 if up else index + 1
        if 0 <= other < len(waiting):
            (app, mine), (_other_app, theirs) = waiting[index], waiting[other]
            first, second = mine.waitlist_position, theirs.waitlist_position
            mine.waitlist_position = None
            db.session.flush()
            theirs.waitlist_position = first
            db.session.flush()
            mine.waitlist_position = second
            record(
                actor,
                "selection.waitlist.move",
                "youth_application",
                app.id,
                code=app.code,
                position=other + 1,
            )
        db.session.commit()
