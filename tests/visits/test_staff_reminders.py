"""What `flask send-reminders` sends about study tours, and when, once.

The visit of these tests is on Thursday 3 December 2026 at 10:00 Japan time. With the
default three reminder days its reminder is due from Monday 30 November, 08:00 Japan time.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from booking.core.time import JST
from booking.extensions import db
from booking.scheduling.models import Program
from booking.scheduling.services import bookings_of
from booking.visits import reminders
from booking.visits.models import VisitRequest
from booking.visits.services import staff_actions
from tests.factories.visits import GOOD_DAY, at, make_guide, make_visit_request
from tests.helpers import outbox

REMINDER = "visits/reminder_to_organiser"
FEEDBACK = "visits/feedback_request_to_organiser"


def jst(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=JST)


def sent(app, template: str) -> list[str]:
    return [e.recipient for e in outbox(app, template=template)]


def run(frozen, when: datetime) -> str:
    frozen.move_to(when)
    db.session.rollback()
    return reminders.send_visit_reminders() + "\n" + reminders.send_feedback_requests()


@pytest.fixture
def booked(ctx, frozen, coordinator):
    """A visit asked for in English, scheduled on 2 November (well before its reminder is due)."""
    visit = make_visit_request(contact_email="organiser@example.org", language="en")
    staff_actions.schedule_visit(
        visit.id,
        staff_actions.VisitBookingData(starts_at=at(GOOD_DAY, 10), guide_ids=(make_guide().id,)),
        coordinator,
    )
    return visit.id


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (jst(date(2026, 11, 30), 7, 59), []),
        (jst(date(2026, 11, 30), 8, 0), ["organiser@example.org"]),
        (jst(date(2026, 12, 3), 9, 59), ["organiser@example.org"]),
        (jst(date(2026, 12, 3), 10, 0), []),  # started: too late
    ],
)
def test_the_reminder_is_due_from_8_am_three_days_before(app, frozen, booked, when, expected):
    run(frozen, when)
    assert sent(app, REMINDER) == expected


def test_the_reminder_goes_once(app, frozen, booked):
    first = run(frozen, jst(date(2026, 11, 30), 9))
    run(frozen, jst(date(2026, 12, 1), 9))
    assert "1 reminder(s)" in first
    assert sent(app, REMINDER) == ["organiser@example.org"]
    assert outbox(app, template=REMINDER)[0].language == "en"


def test_a_visit_booked_after_the_reminder_was_due_gets_none(app, frozen, ctx, coordinator):
    frozen.move_to(jst(date(2026, 12, 1), 9))
    visit = make_visit_request(contact_email="late@example.org")
    staff_actions.schedule_visit(
        visit.id,
        staff_actions.VisitBookingData(starts_at=at(GOOD_DAY, 10), guide_ids=(make_guide().id,)),
        coordinator,
    )
    run(frozen, jst(date(2026, 12, 2), 9))
    assert sent(app, REMINDER) == []


def test_a_visit_moved_a_week_later_is_reminded_of_again(app, frozen, booked, coordinator):
    run(frozen, jst(date(2026, 11, 30), 9))
    guide_ids = tuple(b.person_id for b in bookings_of(Program.VISIT, booked))
    staff_actions.reschedule_visit(
        booked,
        staff_actions.VisitBookingData(
            starts_at=at(GOOD_DAY + timedelta(days=7), 10), guide_ids=guide_ids, message="A week later."
        ),
        coordinator,
    )
    run(frozen, jst(date(2026, 12, 6), 9))
    assert sent(app, REMINDER) == ["organiser@example.org"]
    run(frozen, jst(date(2026, 12, 7), 8))
    assert sent(app, REMINDER) == ["organiser@example.org", "organiser@example.org"]


def test_a_cancelled_visit_is_not_reminded_of(app, frozen, booked, coordinator):
    staff_actions.cancel_visit(booked, "Typhoon.", coordinator)
    run(frozen, jst(date(2026, 11, 30), 9))
    assert sent(app, REMINDER) == []


def test_the_feedback_request_goes_the_morning_after_the_visit_is_recorded_once(
    app, frozen, booked, coordinator
):
    frozen.move_to(jst(GOOD_DAY, 15))
    db.session.rollback()
    staff_actions.complete_visit(booked, staff_actions.HeldData(11, {}), coordinator)
    run(frozen, jst(GOOD_DAY, 20))
    assert sent(app, FEEDBACK) == []
    run(frozen, jst(GOOD_DAY + timedelta(days=1), 8))
    run(frozen, jst(GOOD_DAY + timedelta(days=2), 8))
    assert sent(app, FEEDBACK) == ["organiser@example.org"]


def test_no_feedback_request_once_the_organiser_has_answered(app, frozen, booked, coordinator):
    frozen.move_to(jst(GOOD_DAY, 15))
    db.session.rollback()
    staff_actions.complete_visit(booked, staff_actions.HeldData(11, {}), coordinator)
    visit = db.session.get(VisitRequest, booked)
    visit.give_feedback(5, "Thank you.", jst(GOOD_DAY, 18))
    db.session.commit()
    run(frozen, jst(GOOD_DAY + timedelta(days=1), 9))
    assert sent(app, FEEDBACK) == []


def test_the_command_runs_the_study_tour_reminders(app, frozen, booked):
    frozen.move_to(jst(date(2026, 11, 30), 9))
    result = app.test_cli_runner().invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    assert "Study tours: 1 reminder(s)" in result.output
