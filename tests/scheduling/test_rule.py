"""The shared scheduling rule: one person's bookings are kept apart across every program.

A study tour (program "visit") and a lecture of the same person are checked against each
other with the same buffers (the longer of the two: 60 minutes around anything in person,
15 between two online bookings, from the bureau's settings), the same time off and the
same base abroad; the database refuses what the services would.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from booking.core.errors import DomainError
from booking.extensions import db
from booking.lectures import services as lectures
from booking.lectures.models import LectureFormat, LectureRequest, LectureStatus
from booking.lectures.services.retention import purge_personal_data
from booking.scheduling import services as scheduling
from booking.scheduling.models import BookingRole, Posting, Program, StaffBooking, TimeOff
from booking.scheduling.services import Hold
from booking.settings.services import current_settings
from booking.staff.models import User
from tests.factories.lectures import GOOD_DAY, at, make_lecturer, make_program, make_request

VISIT_ID = 7001  # a study tour's record: the table names it without a foreign key


def visit(
    person: User, start: datetime, minutes: int = 60, *, in_person: bool = True, subject_id: int = VISIT_ID
):
    settings = current_settings()
    return Hold(
        starts_at=start,
        ends_at=start + timedelta(minutes=minutes),
        buffer_minutes=settings.buffer_minutes(online=not in_person),
        people=(person,),
        program=Program.VISIT,
        subject_id=subject_id,
        in_person=in_person,
        role=BookingRole.GUIDE,
    )


def lecture_at(person: User, hour: int, minute: int = 0, fmt: LectureFormat = LectureFormat.IN_PERSON):
    """A lecture of 45 minutes on GOOD_DAY, scheduled with `person` through the model's verb."""
    return make_request(
        make_program(), status="scheduled", fmt=fmt, starts_at=at(GOOD_DAY, hour, minute), lecturers=[person]
    )


def active_bookings(person: User) -> list[StaffBooking]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(StaffBooking).where(StaffBooking.person_id == person.id, StaffBooking.active.is_(True))
        )
    )


@pytest.fixture
def guide(ctx, frozen):
    return make_lecturer(name="水野 健太")


def test_a_study_tour_over_a_lecture_of_the_same_person_is_refused_naming_the_lecture(guide):
    booked = lecture_at(guide, 10, 0)  # 10:00–10:45, in person
    hold = visit(guide, at(GOOD_DAY, 10, 30))
    with force_locale("en"):
        (message,) = scheduling.problems(hold)
    assert message.startswith("水野 健太 already has a lecture at that time")
    assert booked.reference in message and "10:00" in message
    with force_locale("ja"):
        (message,) = scheduling.problems(hold)
    assert "別の講座があります" in message
    with pytest.raises(DomainError):
        scheduling.book(hold)
    db.session.rollback()
    assert [b.program for b in active_bookings(guide)] == [Program.LECTURE]


# (lecture format, tour in person?, minutes needed between them: the longer buffer)
BUFFERS = [
    (LectureFormat.IN_PERSON, True, 60),
    (LectureFormat.IN_PERSON, False, 60),
    (LectureFormat.ONLINE, True, 60),
    (LectureFormat.ONLINE, False, 15),
]


@pytest.mark.parametrize(("fmt", "in_person", "needed"), BUFFERS, ids=[f"{f}-{p}-{n}" for f, p, n in BUFFERS])
def test_buffers_between_a_lecture_and_a_study_tour_are_the_longer_of_the_two(guide, fmt, in_person, needed):
    settings = current_settings()
    assert needed == max(
        settings.buffer_minutes(fmt == LectureFormat.ONLINE), settings.buffer_minutes(not in_person)
    )
    lecture_at(guide, 10, 0, fmt)  # ends 10:45
    too_soon = visit(guide, at(GOOD_DAY, 10, 45) + timedelta(minutes=needed - 1), in_person=in_person)
    with force_locale("en"):
        (message,) = scheduling.problems(too_soon)
    assert "has a lecture too close to this one" in message and f"{needed} minutes are needed" in message
    just_enough = visit(guide, at(GOOD_DAY, 10, 45) + timedelta(minutes=needed), in_person=in_person)
    assert scheduling.problems(just_enough) == []
    scheduling.book(just_enough)
    db.session.commit()
    assert sorted(b.program for b in active_bookings(guide)) == [Program.LECTURE, Program.VISIT]


def test_a_lecture_over_a_study_tour_of_the_same_lecturer_is_refused_naming_the_study_tour(guide):
    coordinator = make_lecturer(name="調整 担当")  # any staff member may act in the service
    scheduling.book(visit(guide, at(GOOD_DAY, 10, 0), 120))
    db.session.commit()
    lecture = make_request(make_program())
    data = lectures.BookingData(starts_at=at(GOOD_DAY, 11, 0), lecturer_ids=(guide.id,))
    with force_locale("en"), pytest.raises(DomainError) as refused:
        lectures.schedule_request(lecture.id, data, coordinator)
    messages = [e.message for e in refused.value.errors]
    assert any(m.startswith("水野 健太 already has a study tour at that time") for m in messages), messages
    db.session.rollback()
    assert db.session.get(LectureRequest, lecture.id).status == LectureStatus.SUBMITTED
    assert [b.program for b in active_bookings(guide)] == [Program.VISIT]


def test_time_off_applies_to_a_study_tour_with_its_buffer(guide):
    db.session.add(
        TimeOff(person_id=guide.id, starts_at=at(GOOD_DAY, 13, 0), ends_at=at(GOOD_DAY, 17, 0), reason="通院")
    )
    db.session.commit()
    # 11:00–12:00 in person: its 60-minute buffer reaches 13:00, where the time off starts.
    assert scheduling.problems(visit(guide, at(GOOD_DAY, 11, 0))) == []
    with force_locale("en"):
        (message,) = scheduling.problems(visit(guide, at(GOOD_DAY, 11, 1)))
    assert message.startswith("水野 健太 is unavailable from") and "通院" in message
    with pytest.raises(DomainError):
        scheduling.book(visit(guide, at(GOOD_DAY, 14, 0)))


def test_a_person_based_abroad_is_not_booked_in_person_without_a_reason(guide):
    db.session.add(Posting(person_id=guide.id, place="プノンペン", first_day=date(2026, 11, 1)))
    db.session.commit()
    in_person = visit(guide, at(GOOD_DAY, 10, 0))
    with force_locale("en"):
        (message,) = scheduling.problems(in_person)
    assert "based abroad" in message and "プノンペン" in message
    with pytest.raises(DomainError):
        scheduling.book(in_person)
    assert scheduling.problems(visit(guide, at(GOOD_DAY, 10, 0), in_person=False)) == []
    (booking,) = scheduling.book(in_person, base_override_reason="一時帰国")
    assert booking.in_person and booking.active and booking.subject_id == VISIT_ID


def test_release_frees_the_time_for_any_program(guide):
    scheduling.book(visit(guide, at(GOOD_DAY, 10, 0), subject_id=1))
    db.session.commit()
    assert scheduling.problems(visit(guide, at(GOOD_DAY, 10, 0), subject_id=2))
    scheduling.release(Program.VISIT, 1)
    db.session.commit()
    assert active_bookings(guide) == []
    assert scheduling.busy([guide.id], at(GOOD_DAY, 0, 0), at(GOOD_DAY, 23, 0)) == {guide.id: []}
    assert scheduling.problems(visit(guide, at(GOOD_DAY, 10, 0), subject_id=2)) == []
    scheduling.book(visit(guide, at(GOOD_DAY, 10, 0), subject_id=2))
    db.session.commit()
    assert [b.subject_id for b in active_bookings(guide)] == [2]
    # The released booking stays as a record, inactive.
    assert [b.active for b in scheduling.bookings_of(Program.VISIT, 1)] == [False]


def test_booking_a_record_again_moves_its_own_bookings_and_drops_people_left_out(guide):
    other = make_lecturer(name="北野 花子")
    first = visit(guide, at(GOOD_DAY, 10, 0))
    scheduling.book(replace(first, people=(guide, other)))
    db.session.commit()
    moved = visit(guide, at(GOOD_DAY, 10, 30))  # overlaps its own earlier time: no clash
    assert scheduling.problems(moved) == []
    scheduling.book(moved)
    db.session.commit()
    (booking,) = scheduling.bookings_of(Program.VISIT, VISIT_ID)
    assert booking.person_id == guide.id and booking.starts_at == at(GOOD_DAY, 10, 30)


def test_busy_lists_bookings_of_every_program_and_time_off(guide):
    lecture = lecture_at(guide, 9, 0)
    scheduling.book(visit(guide, at(GOOD_DAY, 13, 0)))
    db.session.add(TimeOff(person_id=guide.id, starts_at=at(GOOD_DAY, 16, 0), ends_at=at(GOOD_DAY, 18, 0)))
    db.session.commit()
    found = scheduling.busy([guide.id], at(GOOD_DAY, 0, 0), at(GOOD_DAY, 23, 59))
    assert [(b.kind, b.program, b.subject_id, b.starts_at) for b in found[guide.id]] == [
        ("booking", Program.LECTURE, lecture.id, at(GOOD_DAY, 9, 0)),
        ("booking", Program.VISIT, VISIT_ID, at(GOOD_DAY, 13, 0)),
        ("time_off", None, None, at(GOOD_DAY, 16, 0)),
    ]
    assert scheduling.busy([guide.id], at(GOOD_DAY, 10, 0), at(GOOD_DAY, 12, 0)) == {guide.id: []}


def test_the_database_refuses_a_clashing_booking_of_another_program_written_directly(guide):
    lecture_at(guide, 10, 0)
    row = StaffBooking(program=Program.VISIT, subject_id=VISIT_ID, person_id=guide.id, role=BookingRole.GUIDE)
    row.place(at(GOOD_DAY, 10, 30), at(GOOD_DAY, 11, 30), 60, in_person=True)
    db.session.add(row)
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()
    assert [b.program for b in active_bookings(guide)] == [Program.LECTURE]


def test_a_concurrent_clash_caught_by_the_database_becomes_a_message(guide, monkeypatch):
    lecture_at(guide, 10, 0)
    monkeypatch.setattr(scheduling, "problems", lambda hold: [])
    monkeypatch.setattr(scheduling, "clashes", lambda hold: [])
    with force_locale("en"), pytest.raises(DomainError) as refused:
        scheduling.book(visit(guide, at(GOOD_DAY, 10, 30)))
    assert refused.value.message.startswith("Someone else has just booked this person")
    assert [b.program for b in active_bookings(guide)] == [Program.LECTURE]


def test_deleting_a_lecture_request_deletes_its_bookings(guide):
    kept = lecture_at(guide, 9, 0)
    gone = lecture_at(guide, 14, 0)
    db.session.execute(sa.delete(LectureRequest).where(LectureRequest.id == gone.id))
    db.session.commit()
    assert [b.subject_id for b in active_bookings(guide)] == [kept.id]
    assert scheduling.bookings_of(Program.LECTURE, gone.id) == []
    # A visit booking with the same subject id is another program's: untouched.
    scheduling.book(visit(guide, at(GOOD_DAY, 16, 0), subject_id=kept.id))
    db.session.commit()
    db.session.delete(db.session.get(LectureRequest, kept.id))
    db.session.commit()
    assert [(b.program, b.subject_id) for b in active_bookings(guide)] == [(Program.VISIT, kept.id)]


def test_the_retention_purge_leaves_no_active_booking_behind_a_cancelled_request(guide, frozen):
    cancelled = make_request(
        make_program(), status="cancelled_scheduled", starts_at=at(GOOD_DAY, 10, 0), lecturers=[guide]
    )
    assert scheduling.bookings_of(Program.LECTURE, cancelled.id)[0].active is False
    frozen.move_to(datetime(2029, 4, 2, 1, 0, tzinfo=UTC))
    purge_personal_data()
    db.session.expire_all()
    assert db.session.get(LectureRequest, cancelled.id).contact_email == ""
    assert active_bookings(guide) == []
