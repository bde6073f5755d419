"""The track record's figures on a small history built by hand, where every number is known."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from booking.core.time import jst_to_utc
from booking.lectures.models import LectureFormat
from booking.records import services
from booking.schools.models import SchoolType
from booking.youth.models import ApplicationStatus as A
from tests.factories.lectures import make_request
from tests.factories.records import applications, held, past_cohort

ONLINE, IN_PERSON = LectureFormat.ONLINE, LectureFormat.IN_PERSON
E, J, H, S = SchoolType.ELEMENTARY, SchoolType.JUNIOR_HIGH, SchoolType.HIGH, SchoolType.SPECIAL_NEEDS


def by_year() -> dict[int, services.LectureYear]:
    return {year.fiscal_year: year for year in services.lecture_years()}


def test_lectures_count_in_the_fiscal_year_of_their_date_in_japan_time(frozen, program):
    # 08:30 on 1 April in Japan is still 31 March in UTC: it opens the new fiscal year.
    first_of_april = held(program, date(2025, 4, 1), 8, 30)
    assert first_of_april.starts_at == datetime(2025, 3, 31, 23, 30, tzinfo=UTC)
    held(program, date(2025, 3, 31), 16, 0)  # the last afternoon of fiscal year 2024
    held(program, date(2024, 4, 1), 9, 0)  # the first morning of fiscal year 2024
    held(program, date(2026, 3, 31), 23, 59)  # the last minute of fiscal year 2025

    years = by_year()
    assert list(years) == [2024, 2025]
    assert years[2024].held == 2
    assert years[2025].held == 2


def test_only_lectures_held_are_counted(frozen, program):
    day = date(2025, 10, 15)
    held(program, day, 10)
    for status in ("submitted", "proposed", "scheduled", "declined", "cancelled", "cancelled_scheduled"):
        # Every other status, dated in the past and in the same year, with an audience too.
        make_request(program, starts_at=jst_to_utc(day, time(13)), status=status)

    (year,) = services.lecture_years()
    assert (year.fiscal_year, year.held, year.audience) == (2025, 1, 60)


def test_format_school_type_and_audience_are_summed_per_year(frozen, program):
    held(program, date(2024, 6, 3), fmt=IN_PERSON, school_type=E, audience=60)
    held(program, date(2024, 6, 4), fmt=IN_PERSON, school_type=E, audience=75)
    held(program, date(2024, 11, 12), fmt=ONLINE, school_type=J, audience=120)
    held(program, date(2025, 5, 20), fmt=ONLINE, school_type=H, audience=200)
    held(program, date(2026, 2, 10), fmt=IN_PERSON, school_type=S, audience=18)
    held(program, date(2026, 2, 12), fmt=ONLINE, school_type=E, audience=0)  # nobody came: still held

    years = by_year()
    fy2024, fy2025 = years[2024], years[2025]
    assert (fy2024.held, fy2024.audience, fy2024.in_person, fy2024.online) == (3, 255, 2, 1)
    assert dict(fy2024.by_school_type) == {E: 2, J: 1}
    assert (fy2025.held, fy2025.audience, fy2025.in_person, fy2025.online) == (3, 218, 1, 2)
    assert dict(fy2025.by_school_type) == {H: 1, S: 1, E: 1}

    record = services.track_record()
    assert (record.lectures_held, record.audience, record.in_person, record.online) == (6, 473, 3, 3)
    assert record.school_types == [E, J, H, S]  # the directory's order; types never visited are left out
    assert [record.held_at(t) for t in record.school_types] == [3, 1, 1, 1]


def test_the_audience_is_the_number_recorded_after_the_lecture(frozen, program):
    held(program, date(2025, 9, 9), audience=88, audience_size=100)
    assert services.lecture_years()[0].audience == 88


def test_a_year_without_lectures_between_two_is_shown_as_zero(frozen, program):
    held(program, date(2022, 10, 3))
    held(program, date(2024, 10, 3))
    rows = [(y.fiscal_year, y.held, y.audience) for y in services.lecture_years()]
    assert rows == [(2022, 1, 60), (2023, 0, 0), (2024, 1, 60)]


def test_no_lecture_held_gives_no_years(frozen, program):
    make_request(program, status="cancelled")
    assert services.lecture_years() == []
    assert services.track_record().lectures_held == 0


def test_the_current_fiscal_year_is_marked_as_so_far(frozen, program):
    held(program, date(2026, 10, 1))
    record = services.track_record()
    assert record.as_of == date(2026, 11, 2)
    assert record.is_current(2026) and not record.is_current(2025)


# Youth cohorts -------------------------------------------------------------------------


def test_cohorts_count_sent_applications_and_the_students_who_took_part(frozen, ctx):
    cohort = past_cohort(2024)
    applications(
        cohort,
        A.DRAFT,
        A.DRAFT,
        *[A.NOT_SELECTED] * 9,
        A.WAITLISTED,
        A.DECLINED,
        A.EXPIRED,
        A.WITHDRAWN,
        *[A.CONFIRMED] * 5,
        A.ACCEPTED,  # still deciding whether to take the place
    )
    (record,) = services.cohort_records()
    assert record.fiscal_year == 2024
    assert record.applications == 19
    assert record.participants == 5
    assert not record.in_progress
    assert record.destination("ja") == "ベトナム社会主義共和国 ハイフォン市"
    assert record.destination("en") == "Hai Phong, Vietnam"


def test_cohorts_whose_results_are_not_published_are_left_out(frozen, ctx):
    past_cohort(2025)
    applications(past_cohort(2026, published=False), A.SUBMITTED, A.SUBMITTED)
    assert [c.fiscal_year for c in services.cohort_records()] == [2025]


def test_a_cohort_run_before_the_system_shows_its_recorded_participants(frozen, ctx):
    past_cohort(2017, published=False, recorded_participants=6)
    (record,) = services.cohort_records()
    assert (record.fiscal_year, record.applications, record.participants) == (2017, None, 6)


def test_recorded_participants_stand_beside_applications_sent_through_the_system(frozen, ctx):
    cohort = past_cohort(2019, recorded_participants=6)
    applications(cohort, *[A.NOT_SELECTED] * 6, *[A.CONFIRMED] * 5, A.DECLINED)
    (record,) = services.cohort_records()
    assert (record.applications, record.participants) == (12, 6)


def test_a_published_cohort_whose_program_is_still_running_is_marked(frozen, ctx):
    cohort = past_cohort(2026)
    event = cohort.events[0]
    event.starts_at, event.ends_at = datetime(2026, 10, 20, tzinfo=UTC), datetime(2027, 3, 25, tzinfo=UTC)
    applications(cohort, A.CONFIRMED, A.CONFIRMED)
    (record,) = services.cohort_records()
    assert record.in_progress and record.begun and record.participants == 2


def test_participants_count_only_once_the_program_has_begun(frozen, ctx):
    cohort = past_cohort(2026)
    event = cohort.events[0]
    begins = datetime(2027, 3, 20, tzinfo=UTC)
    event.starts_at, event.ends_at = begins, datetime(2027, 3, 25, tzinfo=UTC)
    applications(cohort, A.CONFIRMED, A.CONFIRMED, A.ACCEPTED)
    (record,) = services.cohort_records()
    assert not record.begun and record.participants == 0 and record.applications == 3
    (record,) = services.cohort_records(begins - timedelta(seconds=1))
    assert record.participants == 0
    (record,) = services.cohort_records(begins)
    assert record.begun and record.participants == 2


def test_cohorts_come_oldest_first_with_the_total_of_participants(frozen, ctx):
    for year in (2021, 2017, 2019):
        past_cohort(year, recorded_participants=6)
    record = services.track_record()
    assert [c.fiscal_year for c in record.cohorts] == [2017, 2019, 2021]
    assert record.participants == 18
