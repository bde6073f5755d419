"""Students taking the last interview seats at the same moment: exactly the capacity is booked.

Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL, where the slot's row is locked
(SELECT ... FOR UPDATE) before its count is read, and a CHECK keeps the count within the capacity.
"""

from __future__ import annotations

import sqlalchemy as sa

from booking.core.errors import DomainError
from booking.extensions import db
from booking.interview import services
from booking.interview.models import InterviewBooking, InterviewSlot
from booking.youth.models import Application
from tests.factories.interview import add_slot, shortlist
from tests.factories.review import add_application
from tests.helpers import run_together


def _race(app, slot_id: int, application_ids: list[int]) -> tuple[list[int], list[str]]:
    def pick(index: int, _) -> tuple[int | None, str | None]:
        application = db.session.get(Application, application_ids[index])
        try:
            services.pick_slot(application, slot_id)
        except DomainError as error:
            return None, str(error)
        return application.id, None

    outcomes = run_together(len(application_ids), pick, app=app)
    return [won for won, _ in outcomes if won], [refused for _, refused in outcomes if refused]


def test_eight_students_at_once_for_three_seats_book_exactly_three(
    app, cohort, interview_round, ranked, schools, after_window
):
    students = ranked + [add_application(cohort, n, schools["tobata"]) for n in (7, 8)]
    shortlist(cohort, students)
    slot = add_slot(cohort, capacity=3)
    slot_id, ids = slot.id, [a.id for a in students]
    db.session.remove()

    won, refused = _race(app, slot_id, ids)

    assert len(won) == 3 and len(refused) == 5
    assert all("満員" in message or "直前に他の方" in message for message in refused)
    assert db.session.get(InterviewSlot, slot_id).booked == 3
    booked = db.session.scalars(sa.select(InterviewBooking.application_id)).all()
    assert sorted(booked) == sorted(won)


def test_one_student_picking_twice_at_once_holds_one_seat(app, cohort, interview_round, ranked, after_window):
    shortlist(cohort, ranked[:1])
    slot = add_slot(cohort, capacity=5)
    slot_id, application_id = slot.id, ranked[0].id
    db.session.remove()

    won, _refused = _race(app, slot_id, [application_id] * 4)

    assert len(won) >= 1
    assert db.session.get(InterviewSlot, slot_id).booked == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(InterviewBooking)) == 1
