"""Interview times: adding them, the student's pick (first come, the cut-off), the .ics, reminders."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from booking.core.errors import DomainError
from booking.core.time import jst_to_utc
from booking.extensions import db
from booking.interview import services
from booking.interview.models import InterviewBooking, InterviewSlot
from booking.notifications.models import OutboxAttachment
from tests.factories.interview import INTERVIEW_DAY, add_slot, shortlist
from tests.factories.review import add_application
from tests.factories.youth import make_cohort
from tests.helpers import outbox


@pytest.fixture
def invited(cohort, interview_round, ranked, after_window):
    shortlist(cohort, ranked[:3])
    return ranked[:3]


def _slot(slot_id: int) -> InterviewSlot:
    db.session.rollback()
    return db.session.get(InterviewSlot, slot_id)


def _data(**changes) -> services.SlotData:
    values = {
        "starts_at": jst_to_utc(INTERVIEW_DAY, time(10)),
        "ends_at": jst_to_utc(INTERVIEW_DAY, time(10, 30)),
        "online": False,
        "capacity": 2,
        "place_ja": "上下水道局 会議室",
    } | changes
    return services.SlotData(**values)


def test_a_slot_is_added_in_japan_time(cohort, coordinator, interview_round, after_window):
    slot = services.add_slot(cohort, _data(), coordinator)
    assert slot.starts_at.hour == 1  # 10:00 in Japan is 01:00 UTC


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ends_at": jst_to_utc(INTERVIEW_DAY, time(9))}, "終了時刻は開始時刻より後"),
        ({"starts_at": jst_to_utc(date(2026, 1, 5), time(10))}, "今より後の日時"),
        ({"capacity": 0}, "1〜50"),
        ({"capacity": 10_000}, "1〜50"),
        ({"place_ja": ""}, "場所を入力するか"),
        ({"online": True, "place_ja": "", "meeting_url": "javascript:alert(1)"}, "https://"),
    ],
)
def test_a_slot_that_makes_no_sense_is_refused(
    cohort, coordinator, interview_round, after_window, changes, message
):
    with pytest.raises(DomainError) as refused:
        services.add_slot(cohort, _data(**changes), coordinator)
    assert any(message in str(e) for e in refused.value.errors)
    assert services.slots_for(cohort) == []


def test_the_first_picks_fill_a_slot_and_the_next_is_told_it_is_full(cohort, invited):
    slot = add_slot(cohort, capacity=2)
    services.pick_slot(invited[0], slot.id)
    services.pick_slot(invited[1], slot.id)
    with pytest.raises(DomainError, match="満員"):
        services.pick_slot(invited[2], slot.id)
    assert _slot(slot.id).booked == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(InterviewBooking)) == 2


def test_the_database_never_holds_more_bookings_than_the_capacity(cohort, invited):
    slot = add_slot(cohort, capacity=1)
    services.pick_slot(invited[0], slot.id)
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(sa.update(InterviewSlot).where(InterviewSlot.id == slot.id).values(booked=2))
    db.session.rollback()


def test_one_booking_per_application(cohort, invited):
    first, second = add_slot(cohort, hour=10), add_slot(cohort, hour=11)
    services.pick_slot(invited[0], first.id)
    db.session.add(InterviewBooking(application_id=invited[0].id, slot_id=second.id))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_changing_the_pick_moves_the_seat_and_raises_the_sequence(app, cohort, invited):
    first, second = add_slot(cohort, hour=10), add_slot(cohort, hour=11)
    services.pick_slot(invited[0], first.id)
    booking = services.pick_slot(invited[0], second.id)
    assert (_slot(first.id).booked, _slot(second.id).booked) == (0, 1)
    assert db.session.get(InterviewBooking, booking.id).sequence == 1
    # Picking the same time again changes nothing and sends nothing more.
    services.pick_slot(invited[0], second.id)
    emails = outbox(app, to=invited[0].applicant.email, template="interview/confirmed_to_student")
    assert len(emails) == 2 and "11:00" in emails[-1].subject
    place = "場所：上下水道局 会議室"
    assert place in emails[-1].body_text and place in emails[-1].body_html


@pytest.mark.parametrize("slot_id", [None, 0, 999_999])
def test_a_missing_or_unknown_slot_is_refused(cohort, invited, slot_id):
    add_slot(cohort)
    with pytest.raises(DomainError, match="表示されている日時から"):
        services.pick_slot(invited[0], slot_id)


def test_a_slot_of_another_cohort_is_refused(cohort, invited):
    other = make_cohort(fiscal_year=2030)
    foreign = add_slot(other)
    with pytest.raises(DomainError, match="表示されている日時から"):
        services.pick_slot(invited[0], foreign.id)
    assert _slot(foreign.id).booked == 0


def test_a_student_not_invited_cannot_pick(cohort, invited, ranked):
    slot = add_slot(cohort)
    with pytest.raises(DomainError, match="選べなくなりました"):
        services.pick_slot(ranked[4], slot.id)


def test_picks_close_24_hours_before_the_interview(cohort, invited, after_window):
    early, late = add_slot(cohort, hour=10), add_slot(cohort, hour=15)
    services.pick_slot(invited[0], early.id)
    # 24 hours before 10:00 on the day, to the minute: closed for the 10:00 time, open for 15:00.
    after_window.move_to(jst_to_utc(INTERVIEW_DAY - timedelta(days=1), time(10)))
    with pytest.raises(DomainError, match="24時間前"):
        services.pick_slot(invited[0], late.id)  # the booked one can no longer be left
    with pytest.raises(DomainError, match="24時間前"):
        services.pick_slot(invited[1], early.id)
    services.pick_slot(invited[1], late.id)
    assert _slot(late.id).booked == 1


def test_the_confirmation_carries_an_ics_with_a_stable_uid_and_growing_sequence(app, cohort, invited):
    first, second = add_slot(cohort, hour=10), add_slot(cohort, hour=11, online=True)
    services.pick_slot(invited[0], first.id)
    services.pick_slot(invited[0], second.id)
    emails = outbox(app, template="interview/confirmed_to_student")
    guardian = outbox(app, to=invited[0].applicant.guardian_email, template="interview/confirmed_to_guardian")
    assert len(guardian) == 2 and "/youth/applications/" not in guardian[0].body_text
    events = []
    for email in emails:
        data = db.session.scalar(
            sa.select(OutboxAttachment.data).where(OutboxAttachment.email_id == email.id)
        )
        events.append(Calendar.from_ical(data).walk("VEVENT")[0])
    assert events[0]["UID"] == events[1]["UID"] == f"youth-interview-{invited[0].id}@booking.test"
    assert [int(e["SEQUENCE"]) for e in events] == [0, 1]
    assert events[1].decoded("DTSTART") == jst_to_utc(INTERVIEW_DAY, time(11))
    assert str(events[1]["LOCATION"]) == "オンライン"


def test_the_reminder_goes_once_two_days_before(app, cohort, invited, after_window):
    slot = add_slot(cohort)
    services.pick_slot(invited[0], slot.id)
    assert services.send_interview_reminders() == "Interview reminders queued: 0"
    after_window.move_to(slot.starts_at - timedelta(days=2))
    assert services.send_interview_reminders() == "Interview reminders queued: 1"
    assert services.send_interview_reminders() == "Interview reminders queued: 0"
    assert len(outbox(app, template="interview/reminder_to_student")) == 1
    assert len(outbox(app, template="interview/reminder_to_guardian")) == 1


def test_the_reminder_command_is_wired_into_send_reminders(app, cohort, invited):
    result = app.test_cli_runner().invoke(args=["send-reminders"])
    assert "Interview reminders queued" in result.output


def test_a_slot_with_bookings_cannot_be_removed(cohort, coordinator, invited):
    slot = add_slot(cohort)
    services.pick_slot(invited[0], slot.id)
    with pytest.raises(DomainError, match="削除できません"):
        services.delete_slot(_slot(slot.id), coordinator)


def test_an_application_needs_no_interview_when_the_round_is_off(cohort, schools, after_window):
    application = add_application(cohort, 1, schools["tobata"])
    assert services.student_view(application) is None
