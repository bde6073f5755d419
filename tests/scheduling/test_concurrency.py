"""Twenty coordinators at once, booking ONE person for lectures and study tours at clashing
times through the shared service: exactly one booking is made, whatever the programs.

On SQLite writers take turns (BEGIN IMMEDIATE); on PostgreSQL the day locks make them take
turns, and the exclusion constraint has the last word.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import sqlalchemy as sa

from booking.core.errors import DomainError
from booking.db import write_lock
from booking.extensions import db
from booking.scheduling import services as scheduling
from booking.scheduling.models import BookingRole, Program, StaffBooking
from booking.scheduling.services import Hold
from booking.staff.models import User
from tests.factories.lectures import GOOD_DAY, at, make_lecturer
from tests.helpers import run_together

THREADS = 20


def _hold(person: User, index: int) -> Hold:
    """Even threads a lecture, odd ones a study tour; every one overlaps every other."""
    program = Program.LECTURE if index % 2 == 0 else Program.VISIT
    start = at(GOOD_DAY, 10, 0) + timedelta(minutes=index)
    return Hold(
        starts_at=start,
        ends_at=start + timedelta(minutes=45),
        buffer_minutes=60,
        people=(person,),
        program=program,
        subject_id=1000 + index,
        in_person=True,
        role=BookingRole.LECTURER if program is Program.LECTURE else BookingRole.GUIDE,
    )


def _book(person_id: int, index: int) -> str:
    with write_lock():
        person = db.session.get(User, person_id)
        try:
            scheduling.book(_hold(person, index))
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            return "refused: " + error.message
    return "booked"


def _outcome(results: list[str]) -> Counter:
    return Counter("booked" if r == "booked" else "refused" for r in results)


def test_twenty_bookings_of_one_person_across_programs_end_with_one(app, ctx, frozen):
    person_id = make_lecturer(name="水野 健太").id
    db.session.remove()

    results = run_together(THREADS, lambda index, _: _book(person_id, index), app=app)

    assert _outcome(results) == {"booked": 1, "refused": THREADS - 1}
    refusals = [r for r in results if r != "booked"]
    assert all("水野 健太" in r or "Someone else" in r or "ほかの担当者" in r for r in refusals), refusals
    db.session.rollback()
    active = list(db.session.scalars(sa.select(StaffBooking).where(StaffBooking.active.is_(True))))
    assert len(active) == 1 and active[0].person_id == person_id


def test_without_the_services_checks_the_database_still_books_once(app, ctx, frozen, monkeypatch):
    """The checks and the day locks taken away: the constraint (or trigger) refuses the rest."""
    monkeypatch.setattr(scheduling, "problems", lambda hold: [])
    monkeypatch.setattr(scheduling, "clashes", lambda hold: [])
    monkeypatch.setattr(scheduling, "lock_days", lambda days: None)
    person_id = make_lecturer(name="水野 健太").id
    db.session.remove()

    results = run_together(THREADS, lambda index, _: _book(person_id, index), app=app)

    assert _outcome(results) == {"booked": 1, "refused": THREADS - 1}
    assert all("Someone else" in r or "ほかの担当者" in r for r in results if r != "booked"), results
    db.session.rollback()
    programs = list(db.session.scalars(sa.select(StaffBooking.program).where(StaffBooking.active.is_(True))))
    assert len(programs) == 1
