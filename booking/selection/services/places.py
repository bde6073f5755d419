"""The places and the waiting list, as every use case of selection counts them.

The places are the scarce thing. Every change that takes or frees one locks the cohort's
row first (PostgreSQL: SELECT ... FOR UPDATE; SQLite: BEGIN IMMEDIATE through write_lock),
then counts under that lock; the unique (cohort, place number) constraint is the last word.
A place freed after the results are out goes at once to the next on the waiting list.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import ngettext

from booking.extensions import db
from booking.selection.models import Decision
from booking.youth import services as youth_services
from booking.youth.models import (
    DECISIONS,
    HOLDING_A_PLACE,
    Application,
    ApplicationStatus,
    Cohort,
)

DECIDABLE = (ApplicationStatus.SUBMITTED, *DECISIONS)


def cohort_decisions(cohort: Cohort) -> dict[int, Decision]:
    return {
        d.application_id: d
        for d in db.session.scalars(sa.select(Decision).where(Decision.cohort_id == cohort.id))
    }


def decision_for(application: Application) -> Decision:
    found = db.session.scalar(sa.select(Decision).where(Decision.application_id == application.id))
    if found is None:
        found = Decision(application=application, cohort_id=application.cohort_id)
        db.session.add(found)
    return found


def _release_decision(application: Application) -> None:
    """A decision taken back before publication: its place or waiting spot is free again."""
    decision = decision_of(application)
    if decision is not None:
        decision.place_number = None
        decision.waitlist_position = None


youth_services.DECISION_TAKEN_BACK.append(_release_decision)


def get_application(application_id: int) -> Application | None:
    return db.session.get(Application, application_id)


def decision_of(application: Application) -> Decision | None:
    return db.session.scalar(sa.select(Decision).where(Decision.application_id == application.id))


def free_place(cohort: Cohort) -> int | None:
    """The number of a place free to give, or None when the cohort's places are all held.

    Counted under the cohort's row lock; the unique (cohort, place number) constraint
    stops whatever races past it.
    """
    held = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Application)
        .where(Application.cohort_id == cohort.id, Application.status.in_(HOLDING_A_PLACE))
    )
    if held >= cohort.places:
        return None
    taken = set(
        db.session.scalars(
            sa.select(Decision.place_number).where(
                Decision.cohort_id == cohort.id, Decision.place_number.is_not(None)
            )
        )
    )
    return next((n for n in range(1, cohort.places + 1) if n not in taken), None)


def waitlisted(cohort: Cohort) -> list[tuple[Application, Decision]]:
    rows = db.session.execute(
        sa.select(Application, Decision)
        .join(Decision, Decision.application_id == Application.id)
        .where(Application.cohort_id == cohort.id, Application.status == ApplicationStatus.WAITLISTED)
        .order_by(Decision.waitlist_position, Application.code)
    ).all()
    return [(a, d) for a, d in rows]


def waitlist_ranks(cohort: Cohort) -> dict[int, int]:
    return {a.id: n for n, (a, _d) in enumerate(waitlisted(cohort), start=1)}


def full_message(cohort: Cohort) -> str:
    return ngettext(
        "The only place is already given. Put this application on the waiting list, or change "
        "another decision first.",
        "All %(num)d places are already given. Put this application on the waiting list, or change "
        "another decision first.",
        cohort.places,
    )
