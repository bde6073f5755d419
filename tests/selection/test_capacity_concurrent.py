"""Two coordinators give the last place at the same moment: one succeeds, the other is told why.

Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL, where the cohort's row is locked
(SELECT ... FOR UPDATE) before the places are counted.
"""

from __future__ import annotations

import sqlalchemy as sa

from booking.core.errors import DomainError
from booking.extensions import db
from booking.selection import services
from booking.selection.models import Decision
from booking.staff.models import User
from booking.youth.models import Application, ApplicationStatus, Cohort
from tests.helpers import run_together


def _race(
    app, cohort_id: int, application_ids: list[int], coordinator_id: int
) -> tuple[list[int], list[str]]:
    """Each application accepted in a thread of its own, all at once: who won, what the rest were told."""

    def accept(index: int, _) -> tuple[int | None, str | None]:
        cohort = db.session.get(Cohort, cohort_id)
        actor = db.session.get(User, coordinator_id)
        try:
            services.decide(cohort, application_ids[index], ApplicationStatus.ACCEPTED, actor)
        except DomainError as error:
            return None, str(error)
        return application_ids[index], None

    outcomes = run_together(len(application_ids), accept, app=app)
    return [won for won, _ in outcomes if won], [refused for _, refused in outcomes if refused]


def test_two_coordinators_accepting_the_last_place_at_once_one_succeeds(
    app, cohort, coordinator, applications, after_window
):
    cohort.places = 3
    db.session.commit()
    services.decide(cohort, applications[0].id, ApplicationStatus.ACCEPTED, coordinator)
    services.decide(cohort, applications[1].id, ApplicationStatus.ACCEPTED, coordinator)
    cohort_id, coordinator_id = cohort.id, coordinator.id
    contenders = [applications[2].id, applications[3].id]
    db.session.remove()

    won, refused = _race(app, cohort_id, contenders, coordinator_id)

    assert len(won) == 1 and len(refused) == 1
    assert "3人の定員はすべて埋まっています" in refused[0]
    accepted = db.session.scalars(
        sa.select(Application.id).where(Application.status == ApplicationStatus.ACCEPTED)
    ).all()
    assert len(accepted) == 3 and won[0] in accepted
    places = db.session.scalars(
        sa.select(Decision.place_number).where(Decision.place_number.is_not(None))
    ).all()
    assert sorted(places) == [1, 2, 3]


def test_many_coordinators_at_once_never_fill_more_than_the_places(
    app, cohort, coordinator, schools, after_window
):
    from tests.factories.review import add_application

    cohort.places = 2
    db.session.commit()
    ids = [add_application(cohort, n, schools["tobata"]).id for n in range(1, 7)]
    cohort_id, coordinator_id = cohort.id, coordinator.id
    db.session.remove()

    won, refused = _race(app, cohort_id, ids, coordinator_id)

    assert len(won) == 2 and len(refused) == 4
    held = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Application)
        .where(Application.status == ApplicationStatus.ACCEPTED)
    )
    assert held == 2
