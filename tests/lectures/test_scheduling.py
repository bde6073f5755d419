"""Scheduling: buffers between lectures, time off, the daily cap, overrides, and the database's own guard.

How buffers combine: two lectures of one lecturer must be at least the longer of their
two buffers apart (60 minutes if either is in person, 15 if both are online).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from booking.core.errors import DomainError
from booking.extensions import db
from booking.lectures import services
from booking.lectures.models import (
    LectureFormat,
    LectureRequest,
    LectureStatus,
)
from booking.scheduling.models import StaffBooking
from booking.settings.services import SettingsData, add_blackout_day, update_settings
from tests.factories import make_user
from tests.factories.lectures import GOOD_DAY, at, make_lecturer, make_program, make_request

ONLINE, IN_PERSON = LectureFormat.ONLINE, LectureFormat.IN_PERSON


def book(lecture, starts_at, lecturers, actor, **extra):
    data = services.BookingData(starts_at=starts_at, lecturer_ids=tuple(u.id for u in lecturers), **extra)
    return services.schedule_request(lecture.id, data, actor)


def assert_booked(lecture, starts_at, lecturers) -> LectureRequest:
    """The database holds `lecture` as scheduled at `starts_at` with exactly `lecturers`."""
    db.session.expire_all()
    saved = db.session.get(LectureRequest, lecture.id)
    assert saved.status == LectureStatus.SCHEDULED
    assert saved.starts_at == starts_at
    assert sorted(a.person_id for a in saved.assignments if a.active) == sorted(u.id for u in lecturers)
    return saved


def refusals(error: DomainError) -> list[str]:
    return [e.message for e in error.errors]


@pytest.fixture
def program(ctx):
    return make_program(duration_minutes=45)


def existing(program, fmt, hour, minute, lecturer):
    """A lecture already booked for `lecturer` on GOOD_DAY (Japan time)."""
    return make_request(
        program, fmt=fmt, status="scheduled", lecturers=[lecturer], starts_at=at(GOOD_DAY, hour, minute)
    )


# (booked lecture's format, new lecture's format, minutes between them, may it be booked?)
BUFFERS = [
    (IN_PERSON, IN_PERSON, 59, False),
    (IN_PERSON, IN_PERSON, 60, True),
    (ONLINE, ONLINE, 14, False),
    (ONLINE, ONLINE, 15, True),
    (IN_PERSON, ONLINE, 30, False),  # the in-person lecture's 60 minutes apply
    (IN_PERSON, ONLINE, 60, True),
    (ONLINE, IN_PERSON, 45, False),
    (ONLINE, IN_PERSON, 60, True),
]


@pytest.mark.parametrize(
    ("before", "after", "gap", "allowed"), BUFFERS, ids=[f"{b}-{a}-{g}" for b, a, g, _ in BUFFERS]
)
def test_buffers_combine_as_the_longer_of_the_two(
    frozen, program, coordinator, lecturer, before, after, gap, allowed
):
    existing(program, before, 10, 0, lecturer)  # 10:00-10:45
    lecture = make_request(program, fmt=after)
    start = at(GOOD_DAY, 10, 45) + timedelta(minutes=gap)
    if allowed:
        book(lecture, start, [lecturer], coordinator)
        assert db.session.get(LectureRequest, lecture.id).status == LectureStatus.SCHEDULED
    else:
        with pytest.raises(DomainError) as refused:
            book(lecture, start, [lecturer], coordinator)
        (message,) = refusals(refused.value)
        assert "水野 健太" in message and "間隔が必要" in message
        assert db.session.get(LectureRequest, lecture.id).status == LectureStatus.SUBMITTED


def test_the_same_buffer_applies_before_a_booked_lecture(frozen, program, coordinator, lecturer):
    existing(program, IN_PERSON, 13, 0, lecturer)
    with pytest.raises(DomainError):
        book(make_request(program, fmt=ONLINE), at(GOOD_DAY, 11, 30), [lecturer], coordinator)  # ends 12:15
    lecture = make_request(program, fmt=ONLINE)
    book(lecture, at(GOOD_DAY, 11, 15), [lecturer], coordinator)  # ends 12:00
    assert_booked(lecture, at(GOOD_DAY, 11, 15), [lecturer])


def test_an_overlap_names_the_lecture_it_clashes_with(frozen, program, coordinator, lecturer):
    booked = existing(program, ONLINE, 10, 0, lecturer)
    with pytest.raises(DomainError) as refused:
        book(make_request(program), at(GOOD_DAY, 10, 30), [lecturer], coordinator)
    (message,) = refusals(refused.value)
    assert booked.reference in message and "別の講座があります" in message and "10:00" in message


def test_another_lecturer_at_the_same_time_is_fine(frozen, program, coordinator, lecturer):
    existing(program, IN_PERSON, 10, 0, lecturer)
    other = make_lecturer()
    lecture = make_request(program)
    book(lecture, at(GOOD_DAY, 10, 0), [other], coordinator)
    assert_booked(lecture, at(GOOD_DAY, 10, 0), [other])


def test_every_lecturer_of_a_lecture_is_checked(frozen, program, coordinator, lecturer):
    existing(program, IN_PERSON, 10, 0, lecturer)
    free = make_lecturer(name="北野 真理子")
    with pytest.raises(DomainError) as refused:
        book(make_request(program), at(GOOD_DAY, 10, 0), [free, lecturer], coordinator)
    assert ["水野 健太" in m for m in refusals(refused.value)] == [True]


def test_a_cancelled_lecture_frees_the_time(frozen, program, coordinator, lecturer):
    make_request(program, status="cancelled_scheduled", lecturers=[lecturer], starts_at=at(GOOD_DAY, 10, 0))
    lecture = make_request(program)
    book(lecture, at(GOOD_DAY, 10, 0), [lecturer], coordinator)
    assert_booked(lecture, at(GOOD_DAY, 10, 0), [lecturer])


def add_time_off(lecturer, start, end, reason, actor):
    services.add_unavailability(lecturer, services.PeriodData(start, end, reason), actor)


@pytest.mark.parametrize(
    ("fmt", "hour", "minute", "allowed"),
    [(ONLINE, 10, 0, False), (ONLINE, 10, 15, True), (IN_PERSON, 10, 30, False), (IN_PERSON, 11, 0, True)],
)
def test_time_off_with_the_lectures_buffer_is_respected(
    frozen, program, coordinator, lecturer, fmt, hour, minute, allowed
):
    add_time_off(lecturer, at(GOOD_DAY, 9, 0), at(GOOD_DAY, 10, 0), "プノンペン出張", coordinator)
    lecture = make_request(program, fmt=fmt)
    if allowed:
        book(lecture, at(GOOD_DAY, hour, minute), [lecturer], coordinator)
    else:
        with pytest.raises(DomainError) as refused:
            book(lecture, at(GOOD_DAY, hour, minute), [lecturer], coordinator)
        (message,) = refusals(refused.value)
        assert "不在" in message and "プノンペン出張" in message


def test_the_daily_cap_counts_every_lecture_of_the_bureau(frozen, program, coordinator, lecturer):
    admin = make_user(email="cap-admin@example.jp")
    update_settings(
        SettingsData(
            14,
            180,
            at(GOOD_DAY, 8, 30).astimezone().time().replace(hour=8, minute=30),
            at(GOOD_DAY, 8, 30).astimezone().time().replace(hour=16, minute=30),
            60,
            15,
            1,
            3,
        ),
        admin,
    )
    existing(program, ONLINE, 9, 0, make_lecturer())
    with pytest.raises(DomainError) as refused:
        book(make_request(program), at(GOOD_DAY, 14, 0), [lecturer], coordinator)
    (message,) = refusals(refused.value)
    assert "1日の上限" in message and "2026年12月3日" in message
    book(make_request(program), at(GOOD_DAY + timedelta(days=1), 14, 0), [lecturer], coordinator)


def test_staff_may_override_the_lead_time_with_a_reason_kept_in_the_history(
    frozen, program, coordinator, lecturer
):
    soon = at(date(2026, 11, 5), 10, 0)  # three days ahead
    lecture = make_request(program)
    with pytest.raises(DomainError) as refused:
        book(lecture, soon, [lecturer], coordinator)
    (message,) = refusals(refused.value)
    assert "14日前まで" in message and "通常のルール外で確定する" in message
    book(lecture, soon, [lecturer], coordinator, override_reason="校長先生から直接のご依頼")
    lecture = db.session.get(LectureRequest, lecture.id)
    event = lecture.events[-1]
    assert event.internal_note == "校長先生から直接のご依頼"
    assert event.details["overridden"] == ["lead_time"]


@pytest.mark.parametrize(
    ("day", "rule", "reason"),
    [(date(2026, 11, 21), "weekend", "土曜授業"), (date(2027, 1, 11), "holiday", "成人の日の行事")],
    ids=["saturday", "coming-of-age-day"],
)
def test_staff_may_override_a_weekend_or_a_holiday(frozen, program, coordinator, lecturer, day, rule, reason):
    lecture = make_request(program)
    with pytest.raises(DomainError):
        book(lecture, at(day, 10, 0), [lecturer], coordinator)
    book(lecture, at(day, 10, 0), [lecturer], coordinator, override_reason=reason)
    event = assert_booked(lecture, at(day, 10, 0), [lecturer]).events[-1]
    assert event.internal_note == reason
    assert event.details["overridden"] == [rule]


def test_blackout_days_school_hours_and_the_past_cannot_be_overridden(frozen, program, coordinator, lecturer):
    add_blackout_day(date(2026, 12, 25), "設備点検", coordinator)
    for start in (at(date(2026, 12, 25), 10, 0), at(GOOD_DAY, 18, 0), at(date(2026, 10, 30), 10, 0)):
        with pytest.raises(DomainError):
            book(make_request(program), start, [lecturer], coordinator, override_reason="どうしても")


def test_a_clash_cannot_be_overridden(frozen, program, coordinator, lecturer):
    existing(program, IN_PERSON, 10, 0, lecturer)
    with pytest.raises(DomainError):
        book(
            make_request(program), at(GOOD_DAY, 10, 0), [lecturer], coordinator, override_reason="どうしても"
        )


def test_a_lecturer_must_hold_the_lecturer_role(frozen, program, coordinator):
    with pytest.raises(DomainError) as refused:
        book(make_request(program), at(GOOD_DAY, 10, 0), [coordinator], coordinator)
    assert refused.value.field == "lecturer_ids"


def test_rescheduling_moves_the_booking_and_may_change_lecturers(frozen, program, coordinator, lecturer):
    other = make_lecturer(name="北野 真理子", time_zone="Asia/Phnom_Penh")
    lecture = make_request(program)
    book(lecture, at(GOOD_DAY, 10, 0), [lecturer], coordinator)
    data = services.BookingData(at(GOOD_DAY, 11, 0), (lecturer.id, other.id), message="会場の都合で変更")
    services.reschedule_request(lecture.id, data, coordinator)
    lecture = db.session.get(LectureRequest, lecture.id)
    assert lecture.starts_at == at(GOOD_DAY, 11, 0) and lecture.calendar_sequence == 1
    assert sorted(a.person_id for a in lecture.assignments) == sorted([lecturer.id, other.id])
    assert all(a.starts_at == at(GOOD_DAY, 11, 0) for a in lecture.assignments)
    # A move of an hour does not clash with the lecture's own earlier time.
    services.reschedule_request(
        lecture.id, services.BookingData(at(GOOD_DAY, 10, 30), (other.id,), "再変更"), coordinator
    )
    lecture = db.session.get(LectureRequest, lecture.id)
    assert [a.person_id for a in lecture.assignments] == [other.id]


def test_the_school_picks_a_proposed_date_and_the_lecture_is_booked(frozen, program, coordinator, lecturer):
    lecture = make_request(program)
    proposal = services.ProposalData(
        (at(GOOD_DAY, 13, 30), at(GOOD_DAY + timedelta(days=1), 9, 30)), (lecturer.id,), "ご提案"
    )
    services.propose_dates(lecture.id, proposal, coordinator)
    lecture = db.session.get(LectureRequest, lecture.id)
    assert lecture.status == LectureStatus.PROPOSED and len(lecture.proposals) == 2
    services.choose_proposed_date(lecture.id, lecture.proposals[1].id)
    lecture = db.session.get(LectureRequest, lecture.id)
    assert lecture.status == LectureStatus.SCHEDULED
    assert lecture.starts_at == at(GOOD_DAY + timedelta(days=1), 9, 30)
    assert [a.person_id for a in lecture.assignments] == [lecturer.id]
    assert lecture.events[-1].by_school


def test_a_proposed_date_taken_in_the_meantime_is_refused_kindly(frozen, program, coordinator, lecturer):
    lecture = make_request(program)
    services.propose_dates(
        lecture.id, services.ProposalData((at(GOOD_DAY, 13, 30),), (lecturer.id,), "ご提案"), coordinator
    )
    book(make_request(program), at(GOOD_DAY, 13, 30), [lecturer], coordinator)
    slot_id = db.session.get(LectureRequest, lecture.id).proposals[0].id
    with pytest.raises(DomainError) as refused:
        services.choose_proposed_date(lecture.id, slot_id)
    assert "ふさがりました" in str(refused.value) and "水野" not in str(refused.value)
    assert db.session.get(LectureRequest, lecture.id).status == LectureStatus.PROPOSED


def test_proposed_dates_are_checked_against_the_diary(frozen, program, coordinator, lecturer):
    existing(program, IN_PERSON, 13, 30, lecturer)
    with pytest.raises(DomainError) as refused:
        services.propose_dates(
            make_request(program).id,
            services.ProposalData((at(GOOD_DAY, 9, 0), at(GOOD_DAY, 13, 30)), (lecturer.id,), "ご提案"),
            coordinator,
        )
    assert [e.field for e in refused.value.errors] == ["date_2"]


# The database's own guard, for code that skips the services ----------------------------


def raw_booking(program, lecturer, fmt, hour, minute):
    """Book with the model alone, as code that skipped the checks would."""
    return make_request(
        program,
        fmt=fmt,
        status="scheduled",
        lecturers=[lecturer],
        starts_at=at(GOOD_DAY, hour, minute),
        commit=False,
    )


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ((ONLINE, 10, 0), (ONLINE, 10, 30)),  # overlapping
        ((IN_PERSON, 10, 0), (IN_PERSON, 11, 15)),  # 30 minutes apart, 60 needed
        ((ONLINE, 10, 0), (ONLINE, 10, 50)),  # 5 minutes apart, 15 needed
    ],
)
def test_the_database_refuses_a_double_booking_made_around_the_services(
    ctx, program, lecturer, first, second
):
    raw_booking(program, lecturer, *first)
    db.session.commit()
    raw_booking(program, lecturer, *second)
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(StaffBooking.id))) == 1


def test_the_database_allows_what_the_rule_allows(ctx, program, lecturer):
    raw_booking(program, lecturer, IN_PERSON, 10, 0)
    raw_booking(program, lecturer, IN_PERSON, 11, 45)  # exactly 60 minutes apart
    raw_booking(program, lecturer, ONLINE, 13, 30)  # 60 minutes after 12:30
    raw_booking(program, lecturer, ONLINE, 14, 30)  # 15 minutes after 14:15
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(StaffBooking.id))) == 4


def test_the_database_guard_also_covers_updates(ctx, program, lecturer):
    raw_booking(program, lecturer, ONLINE, 10, 0)
    moved = raw_booking(program, lecturer, ONLINE, 14, 0)
    db.session.commit()
    assignment = moved.assignments[0]
    assignment.blocked_from, assignment.blocked_until = at(GOOD_DAY, 10, 30), at(GOOD_DAY, 11, 30)
    assignment.starts_at, assignment.ends_at = at(GOOD_DAY, 10, 40), at(GOOD_DAY, 11, 20)
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_proposing_a_weekend_needs_a_reason_that_is_kept(frozen, program, coordinator, lecturer):
    lecture = make_request(program)
    saturday = at(date(2026, 11, 21), 10, 0)
    with pytest.raises(DomainError):
        services.propose_dates(
            lecture.id, services.ProposalData((saturday,), (lecturer.id,), "土曜授業"), coordinator
        )
    data = services.ProposalData(
        (saturday,), (lecturer.id,), "土曜授業の日です", override_reason="学校の希望"
    )
    services.propose_dates(lecture.id, data, coordinator)
    event = db.session.get(LectureRequest, lecture.id).events[-1]
    assert (event.internal_note, event.details["overridden"]) == ("学校の希望", ["weekend"])
