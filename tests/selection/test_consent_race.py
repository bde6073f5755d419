"""No place, participation or waiting list without the guardian's consent, ever.

The guardian's answer and the coordinator's decisions and publication lock the same
cohort row, so they never cross; the database refuses the combination on its own as
well. The races run on SQLite (writers take turns) and, with TEST_DATABASE_URL, on
PostgreSQL (SELECT ... FOR UPDATE on the cohort's row).
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from booking.core.errors import DomainError
from booking.extensions import db
from booking.selection import services
from booking.selection.models import Decision
from booking.staff.models import User
from booking.youth import services as youth_services
from booking.youth.models import Application, ApplicationStatus, Cohort, ConsentStatus
from tests.helpers import run_together

ROUNDS = 12


def _state(application_id: int) -> tuple[ApplicationStatus, ConsentStatus]:
    db.session.rollback()
    row = db.session.execute(
        sa.select(Application.status, Application.consent_status).where(Application.id == application_id)
    ).one()
    return row.status, row.consent_status


def _never_a_place_without_consent() -> None:
    db.session.rollback()
    broken = db.session.scalars(
        sa.select(Application.code).where(
            Application.status.in_(
                [ApplicationStatus.ACCEPTED, ApplicationStatus.CONFIRMED, ApplicationStatus.WAITLISTED]
            ),
            Application.consent_status != ConsentStatus.GIVEN,
        )
    ).all()
    assert broken == []


def _attempt(action) -> str | None:
    """Run one side of the race: None on success, else the message."""
    try:
        action()
    except DomainError as error:
        return str(error)
    return None


@pytest.mark.parametrize(
    ("status", "consent"),
    [
        ("accepted", "refused"),
        ("confirmed", "refused"),
        ("waitlisted", "refused"),
        ("accepted", "pending"),
    ],
)
def test_the_database_refuses_a_place_without_consent(cohort, applications, status, consent):
    application_id = applications[1].id
    answered = "NULL" if consent == "pending" else "consent_answered_at"
    with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
        conn.exec_driver_sql(
            f"UPDATE youth_applications SET status = '{status}', consent_status = '{consent}', "
            f"consent_answered_at = {answered} WHERE id = {application_id}"
        )
    assert _state(application_id) == (ApplicationStatus.SUBMITTED, ConsentStatus.GIVEN)


def test_a_refusal_before_publication_takes_back_the_place_and_frees_it(
    cohort, coordinator, applications, after_window
):
    cohort.places = 1
    db.session.commit()
    first, second = applications[0], applications[1]
    services.decide(cohort, first.id, ApplicationStatus.ACCEPTED, coordinator)
    youth_services.answer_consent(first, ConsentStatus.REFUSED, "山田 保護者1")
    assert _state(first.id) == (ApplicationStatus.SUBMITTED, ConsentStatus.REFUSED)
    # The only place is free again for another student.
    services.decide(cohort, second.id, ApplicationStatus.ACCEPTED, coordinator)
    assert (
        db.session.scalar(sa.select(Decision.place_number).where(Decision.application_id == second.id)) == 1
    )
    with pytest.raises(DomainError, match="同意"):
        services.decide(cohort, first.id, ApplicationStatus.ACCEPTED, coordinator)


def test_a_guardian_refusing_while_the_coordinator_publishes_never_leaves_a_place_without_consent(
    app, cohort, coordinator, applications, closed_review, after_window
):
    chosen = applications[0]
    services.decide(cohort, chosen.id, ApplicationStatus.ACCEPTED, coordinator)
    services.decide_rest(cohort, coordinator)
    cohort_id, chosen_id, coordinator_id = cohort.id, chosen.id, coordinator.id
    outcomes = set()
    for _round in range(ROUNDS):
        with db.engine.begin() as conn:  # the same start each round: selected, consent given, unpublished
            conn.execute(sa.update(Cohort).where(Cohort.id == cohort_id).values(results_published_at=None))
            conn.execute(
                sa.update(Application)
                .where(Application.id == chosen_id)
                .values(status=ApplicationStatus.ACCEPTED, consent_status=ConsentStatus.GIVEN)
            )
            conn.execute(
                sa.update(Decision)
                .where(Decision.application_id == chosen_id)
                .values(place_number=1, offered_at=None, offer_deadline_at=None)
            )
        db.session.remove()

        def refuse() -> None:
            youth_services.answer_consent(
                db.session.get(Application, chosen_id), ConsentStatus.REFUSED, "保護者"
            )

        def publish() -> None:
            services.publish_results(db.session.get(Cohort, cohort_id), db.session.get(User, coordinator_id))

        guardian, coordinator_says = run_together(
            2, lambda index, _: _attempt((refuse, publish)[index]), app=app
        )
        # One of the two wins; the other is told why, in words (never a 500).
        if guardian is None:
            assert coordinator_says is not None and "Y-2026-001" in coordinator_says
            assert _state(chosen_id) == (ApplicationStatus.SUBMITTED, ConsentStatus.REFUSED)
        else:
            assert coordinator_says is None
            assert "発表" in guardian  # the results are out: the answer can no longer change
            assert _state(chosen_id) == (ApplicationStatus.ACCEPTED, ConsentStatus.GIVEN)
        outcomes.add(guardian is None)
        _never_a_place_without_consent()
    assert outcomes  # every round ended in one of the two orders above


def test_a_guardian_refusing_while_the_coordinator_accepts_never_leaves_a_place_without_consent(
    app, cohort, coordinator, applications, after_window
):
    chosen = applications[0]
    cohort_id, chosen_id, coordinator_id = cohort.id, chosen.id, coordinator.id
    for _round in range(ROUNDS):
        with db.engine.begin() as conn:
            conn.execute(
                sa.update(Application)
                .where(Application.id == chosen_id)
                .values(status=ApplicationStatus.SUBMITTED, consent_status=ConsentStatus.GIVEN)
            )
            conn.execute(sa.delete(Decision))
        db.session.remove()

        def refuse() -> None:
            youth_services.answer_consent(
                db.session.get(Application, chosen_id), ConsentStatus.REFUSED, "保護者"
            )

        def accept() -> None:
            services.decide(
                db.session.get(Cohort, cohort_id),
                chosen_id,
                ApplicationStatus.ACCEPTED,
                db.session.get(User, coordinator_id),
            )

        guardian, coordinator_says = run_together(
            2, lambda index, _: _attempt((refuse, accept)[index]), app=app
        )
        assert guardian is None  # before publication the guardian can always answer
        if coordinator_says is not None:
            assert "同意" in coordinator_says  # refused first: no place without consent
        # Either way the refusal stands and no place is held.
        assert _state(chosen_id) == (ApplicationStatus.SUBMITTED, ConsentStatus.REFUSED)
        assert (
            db.session.scalar(sa.select(Decision.place_number).where(Decision.place_number.is_not(None)))
            is None
        )
        _never_a_place_without_consent()
