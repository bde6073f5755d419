"""The calendar's world: two lecturers (one in Phnom Penh), lectures and time off around
December 2026, and a youth cohort's event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from booking.extensions import db
from booking.lectures.models import (
    LectureFormat,
)
from booking.scheduling.models import TimeOff
from booking.staff.models import User
from booking.youth.models import CohortEvent, EventKind
from tests.factories.lectures import at, make_lecturer, make_request
from tests.factories.youth import make_cohort


@dataclass
class World:
    mizuno: User
    kitano: User  # in Phnom Penh, two hours behind Japan
    december: int  # Mizuno's lecture on 3 December, 10:30 Japan time
    abroad: int  # Kitano's online lecture on 10 December, 10:30 Japan time
    january: int  # Mizuno's lecture on 14 January
    cancelled: int
    time_off: int  # Mizuno's, 21 to 23 December
    cohort_event: int  # domestic training, 19 December


@pytest.fixture
def world(ctx, frozen, program) -> World:
    mizuno = make_lecturer(name="水野 健太", email="mizuno@example.jp")
    kitano = make_lecturer(name="北野 真理子", email="kitano@example.jp", time_zone="Asia/Phnom_Penh")
    december = make_request(
        program,
        status="scheduled",
        lecturers=[mizuno],
        starts_at=at(date(2026, 12, 3), 10, 30),
        fmt=LectureFormat.IN_PERSON,
        school_name="北九州市立港小学校",
        venue="体育館",
    )
    abroad = make_request(
        program,
        status="scheduled",
        lecturers=[kitano],
        starts_at=at(date(2026, 12, 10), 10, 30),
        school_name="北九州市立山手中学校",
    )
    january = make_request(
        program, status="scheduled", lecturers=[mizuno], starts_at=at(date(2027, 1, 14), 13, 30)
    )
    cancelled = make_request(
        program,
        status="cancelled_scheduled",
        lecturers=[mizuno],
        starts_at=at(date(2026, 12, 8), 10, 30),
        school_name="北九州市立中止小学校",
    )
    make_request(program, school_name="北九州市立受付中小学校")  # submitted: on no calendar
    period = TimeOff(
        person_id=mizuno.id,
        starts_at=at(date(2026, 12, 21), 0),
        ends_at=at(date(2026, 12, 24), 0),
        reason="通院",
    )
    db.session.add(period)
    cohort = make_cohort()
    event = CohortEvent(
        kind=EventKind.DOMESTIC_TRAINING,
        title_ja="国内研修",
        title_en="Domestic training",
        starts_at=datetime(2026, 12, 19, 0, 0, tzinfo=UTC),
        ends_at=datetime(2026, 12, 19, 7, 0, tzinfo=UTC),
        place_ja="本庁舎",
        place_en="City hall",
    )
    cohort.events.append(event)
    db.session.commit()
    return World(mizuno, kitano, december.id, abroad.id, january.id, cancelled.id, period.id, event.id)
