"""Requests by period (校時): times follow from the school's day, every rule applies to them,
and staff pages and emails show both the periods and the times."""

from __future__ import annotations

import re
from datetime import date, time

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from booking.core.errors import DomainError
from booking.extensions import db
from booking.lectures import services
from booking.lectures.models import LectureRequest, LectureSlot
from booking.schools.models import SchoolPeriod, SchoolType
from booking.settings.services import add_blackout_day
from tests.factories import make_user
from tests.factories.lectures import GOOD_DAY, at, form_data, make_program, make_request, request_data
from tests.factories.schools import make_school
from tests.helpers import outbox

MONDAY_AFTER = date(2026, 12, 7)


@pytest.fixture
def school(ctx):
    """An elementary school on the default day: 3 10:45–11:30, 4 11:40–12:25, lunch, 5 13:45–14:30."""
    return make_school("北九州市立校時小学校", school_type=SchoolType.ELEMENTARY)


@pytest.fixture
def long_program(ctx):
    return make_program(title_en="Ninety minutes", title_ja="九十分の講座", duration_minutes=90)


def latest() -> LectureRequest | None:
    db.session.rollback()
    return db.session.scalar(sa.select(LectureRequest).order_by(LectureRequest.id.desc()))


def post(client, data, language="en"):
    return client.post("/lectures/request", data=data, headers={"Accept-Language": language})


def by_periods(program, school, periods="3-4", **overrides):
    values = {
        "candidate_1_time": "",
        "candidate_1_periods": periods,
        "candidate_2_date": "",
        "candidate_2_time": "",
    }
    values.update(overrides)
    return form_data(program, school, **values)


def error_of(html: str, field: str) -> str:
    match = re.search(rf'<p class="field__error" id="{field}-error">(.*?)</p>', html, re.S)
    assert match, f"no error next to {field}"
    return match.group(1)


# The service: times follow from the schedule -------------------------------------------------


def test_periods_3_4_at_an_elementary_school_run_from_1045_to_1225(frozen, long_program, school):
    result = services.submit_request(
        request_data(
            long_program,
            school,
            candidates=(services.Candidate(1, GOOD_DAY, None, (3, 4)),),
            class_count=3,
        )
    )
    slot = result.request.candidates[0]
    assert (slot.period_from, slot.period_to) == (3, 4)
    assert (slot.starts_at, slot.ends_at) == (at(GOOD_DAY, 10, 45), at(GOOD_DAY, 12, 25))
    assert result.request.class_count == 3


def test_the_schools_own_schedule_gives_the_times(frozen, program, school):
    school.periods = [SchoolPeriod(number=1, starts_at=time(8, 30), ends_at=time(9, 20))]
    db.session.commit()
    result = services.submit_request(
        request_data(program, school, candidates=(services.Candidate(1, GOOD_DAY, None, (1, 1)),))
    )
    slot = result.request.candidates[0]
    assert (slot.starts_at, slot.ends_at) == (at(GOOD_DAY, 8, 30), at(GOOD_DAY, 9, 20))


def refusal(program, school, candidate) -> DomainError:
    with pytest.raises(DomainError) as raised, force_locale("en"):
        services.submit_request(request_data(program, school, candidates=(candidate,)))
    return raised.value


def test_a_run_across_the_lunch_break_is_refused(frozen, long_program, school):
    error = refusal(long_program, school, services.Candidate(1, GOOD_DAY, None, (4, 5)))
    assert [e.field for e in error.errors] == ["candidate_1_periods"]
    assert "lunch break" in str(error.errors[0])
    assert latest() is None


@pytest.mark.parametrize(("periods", "needed"), [((3, 3), 2), ((5, 5), 2)])
def test_a_program_longer_than_the_periods_says_how_many_it_needs(
    frozen, long_program, school, periods, needed
):
    error = refusal(long_program, school, services.Candidate(1, GOOD_DAY, None, periods))
    assert "This program takes 90 minutes: choose 2 consecutive periods." in str(error.errors[0])


def test_a_period_the_school_does_not_have_is_refused(frozen, program, school):
    error = refusal(program, school, services.Candidate(1, GOOD_DAY, None, (7, 7)))
    assert "periods 1 to 6" in str(error.errors[0])


def test_periods_need_a_school_from_the_directory(frozen, program):
    error = refusal(program, None, services.Candidate(1, GOOD_DAY, None, (3, 4)))
    assert error.errors[0].field == "candidate_1_periods"
    assert "school from the list" in str(error.errors[0])


def early_school(school):
    """A school whose first period starts before the bureau's school hours (08:30)."""
    school.periods = [
        SchoolPeriod(number=1, starts_at=time(8, 0), ends_at=time(8, 45)),
        SchoolPeriod(number=2, starts_at=time(8, 50), ends_at=time(9, 35)),
    ]
    db.session.commit()


def blackout(school):
    add_blackout_day(date(2026, 12, 25), "year-end inspection", make_user(email="blackout-admin@example.jp"))


# (date, periods, how the school is set up, the field of the message, words of the message)
RULES = {
    "lead_time": (date(2026, 11, 10), (3, 4), None, "candidate_1_date", "at least 14 days ahead"),
    "horizon": (date(2027, 6, 1), (3, 4), None, "candidate_1_date", "up to 180 days ahead"),
    "saturday": (date(2026, 12, 5), (3, 4), None, "candidate_1_date", "is a Saturday"),
    "holiday": (date(2027, 1, 11), (3, 4), None, "candidate_1_date", "Coming of Age Day"),
    "blackout": (date(2026, 12, 25), (3, 4), blackout, "candidate_1_date", "year-end inspection"),
    "school_hours": (GOOD_DAY, (1, 2), early_school, "candidate_1_periods", "between 08:30 and 16:30"),
}


@pytest.mark.parametrize("case", list(RULES), ids=list(RULES))
def test_every_rule_on_times_applies_to_period_derived_times(frozen, long_program, school, case):
    day, periods, setup, field, words = RULES[case]
    if setup:
        setup(school)
    with pytest.raises(DomainError) as raised, force_locale("en"):
        services.submit_request(
            request_data(long_program, school, candidates=(services.Candidate(1, day, None, periods),)),
        )
    assert [e.field for e in raised.value.errors] == [field]
    assert words in str(raised.value.errors[0])


def test_a_lecturer_busy_over_the_periods_cannot_be_booked_for_them(frozen, long_program, school, lecturer):
    from booking.lectures.services import BookingData, schedule_request

    coordinator = make_user(email="coord-periods@example.jp")
    # Already booked from 11:00 to 12:30 that day, in person at another school.
    make_request(long_program, starts_at=at(GOOD_DAY, 11, 0), status="scheduled", lecturers=[lecturer])
    result = services.submit_request(
        request_data(long_program, school, candidates=(services.Candidate(1, GOOD_DAY, None, (3, 4)),))
    )
    slot = result.request.candidates[0]
    with pytest.raises(DomainError) as raised:
        schedule_request(result.request.id, BookingData(slot.starts_at, (lecturer.id,)), coordinator)
    assert raised.value.errors
    db.session.rollback()
    assert db.session.get(LectureRequest, result.request.id).status.value == "submitted"


# The form ---------------------------------------------------------------------------


def test_a_request_by_periods_through_the_form_is_saved_with_its_times(client, frozen, long_program, school):
    response = post(client, by_periods(long_program, school, class_count="３"))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    lecture = latest()
    slot = lecture.candidates[0]
    assert (slot.period_from, slot.period_to, slot.starts_at) == (3, 4, at(GOOD_DAY, 10, 45))
    assert lecture.class_count == 3


@pytest.mark.parametrize("typed", ["３-４", "3–4", "3・4校時", "３－４"])
def test_typed_variants_of_3_4_read_as_periods_3_and_4(client, frozen, long_program, school, typed):
    assert post(client, by_periods(long_program, school, typed)).status_code == 302
    slot = latest().candidates[0]
    assert (slot.period_from, slot.period_to) == (3, 4)


HOSTILE = {
    "backwards": ("4-3", "earlier period first"),
    "zero": ("0", "periods 1 to 8"),
    "ninety_nine": ("99", "periods 1 to 8"),
    "three_periods_dashed": ("3-4-5", "from the list"),
    "superscript": ("²", "from the list"),
    "superscript_in_run": ("3-⁴", "from the list"),
    "very_long": ("3" * 10_000, "from the list"),
    "across_lunch": ("4-5", "lunch break"),
    "not_at_this_school": ("7-8", "periods 1 to 6"),
    "too_short": ("3", "choose 2 consecutive periods"),
}


@pytest.mark.parametrize(("typed", "words"), HOSTILE.values(), ids=HOSTILE.keys())
def test_bad_periods_get_a_message_next_to_the_field_and_nothing_is_saved(
    client, frozen, long_program, school, typed, words
):
    response = post(client, by_periods(long_program, school, typed))
    assert response.status_code == 422
    assert words in error_of(response.get_data(as_text=True), "candidate_1_periods")
    assert latest() is None


def test_control_characters_in_the_periods_are_refused_whole(client, frozen, long_program, school):
    response = post(client, by_periods(long_program, school, "3-\x004"))
    assert response.status_code == 400
    assert latest() is None


def test_a_time_and_periods_together_get_a_message(client, frozen, long_program, school):
    response = post(client, by_periods(long_program, school, "3-4", candidate_1_time="10:45"))
    assert response.status_code == 422
    assert "not both" in error_of(response.get_data(as_text=True), "candidate_1_periods")
    assert latest() is None


def test_neither_time_nor_periods_asks_for_one(client, frozen, long_program, school):
    response = post(client, by_periods(long_program, school, ""))
    assert response.status_code == 422
    assert "Enter the start time" in error_of(response.get_data(as_text=True), "candidate_1_time")


def test_the_same_periods_twice_are_refused(client, frozen, long_program, school):
    data = by_periods(
        long_program, school, candidate_2_date=GOOD_DAY.isoformat(), candidate_2_periods="３-４"
    )
    response = post(client, data)
    assert response.status_code == 422
    assert "same as choice 1" in error_of(response.get_data(as_text=True), "candidate_2_date")


@pytest.mark.parametrize(("typed", "status"), [("21", 422), ("0", 422), ("²", 422), ("3組", 422), ("", 302)])
def test_the_number_of_classes_is_from_1_to_20(client, frozen, program, typed, status):
    response = post(client, form_data(program, class_count=typed))
    assert response.status_code == status
    if status == 422:
        assert "from 1 to 20" in error_of(
            response.get_data(as_text=True), "class_count"
        ) or "whole number" in (error_of(response.get_data(as_text=True), "class_count"))


def test_the_form_offers_the_chosen_schools_periods_without_javascript(client, frozen, long_program, school):
    data = form_data(long_program, school, choose_school="1")
    response = post(client, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'name="candidate_1_periods"' in html
    assert "Periods 3–4 (10:45–12:25)" in html
    assert 'value="4-5"' not in html  # never across lunch
    assert latest() is None  # nothing is sent
    japanese = post(client, data, language="ja").get_data(as_text=True)
    assert "3・4校時 (10:45–12:25)" in japanese


def test_the_empty_form_asks_for_a_time_only(client, frozen, program):
    html = client.get("/lectures/request").get_data(as_text=True)
    assert 'name="candidate_1_time"' in html
    # The periods wait, hidden, for a school of the directory (the script fills them in).
    assert re.search(
        r'<div data-periods-field hidden>\s*<div class="field" data-field="candidate_1_periods"', html
    )


def test_a_date_in_the_address_fills_in_the_first_choice(client, frozen, program):
    html = client.get("/lectures/request?date=2026-12-03").get_data(as_text=True)
    assert re.search(r'name="candidate_1_date"[^>]*value="2026-12-03"', html)
    # The cached empty form does not keep it for the next teacher.
    again = client.get("/lectures/request").get_data(as_text=True)
    assert not re.search(r'name="candidate_1_date"[^>]*value="2026-12-03"', again)


@pytest.mark.parametrize(
    "given", ["9999-12-31", "0001-01-01", "2026-02-30", "２０２６-12-03", "2026-12-3", "x" * 500]
)
def test_a_date_in_the_address_that_is_not_one_ahead_leaves_the_field_empty(client, frozen, program, given):
    response = client.get("/lectures/request", query_string={"date": given})
    assert response.status_code == 200
    assert not re.search(r'name="candidate_1_date"[^>]*value="[^"]', response.get_data(as_text=True))


# What staff and the teacher read --------------------------------------------------------


def test_staff_pages_and_emails_show_the_periods_and_their_times(
    app, frozen, long_program, school, coordinator_client
):
    services.submit_request(
        request_data(
            long_program,
            school,
            candidates=(services.Candidate(1, GOOD_DAY, None, (3, 4)),),
            class_count=2,
            language="ja",
        )
    )
    lecture = latest()
    page = coordinator_client.get(f"/staff/lectures/{lecture.id}", headers={"Accept-Language": "en"})
    html = page.get_data(as_text=True)
    assert "Periods 3–4 (10:45–12:25)" in html
    assert "Number of classes" in html
    teacher = outbox(app, to="teacher@example.jp")[0]
    assert "3・4校時 (10:45–12:25)" in teacher.body_text and "3・4校時 (10:45–12:25)" in teacher.body_html
    assert "学級数" in teacher.body_text
    coordinator = outbox(app, to="coord@example.jp")[0]
    assert (
        "3・4校時 (10:45–12:25)" in coordinator.body_text
        or "Periods 3–4 (10:45–12:25)" in coordinator.body_text
    )


def test_the_slot_keeps_the_periods_the_database_checks(ctx, program):
    lecture = make_request(program)
    slot = lecture.candidates[0]
    slot.period_from, slot.period_to = 4, 3
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()
    slot = db.session.get(LectureSlot, slot.id)
    slot.period_from, slot.period_to = 3, None
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_the_class_count_is_checked_by_the_database(ctx, program):
    lecture = make_request(program)
    lecture.class_count = 21
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_the_demo_has_a_request_by_periods_and_every_school_a_schedule(app, ctx, frozen):
    from booking.schools.models import School

    seeded = app.test_cli_runner().invoke(args=["seed-demo"])
    assert seeded.exit_code == 0, seeded.output
    db.session.rollback()
    by_periods = db.session.scalars(sa.select(LectureSlot).where(LectureSlot.period_from.is_not(None))).all()
    assert [(s.period_from, s.period_to) for s in by_periods] == [(3, 4)]
    assert by_periods[0].request.class_count == 2
    assert all(school.periods for school in db.session.scalars(sa.select(School)))


def test_the_schools_periods_as_json_for_the_forms_script(client, frozen, school):
    runs = client.get(f"/lectures/schools/{school.id}/periods", headers={"Accept-Language": "en"}).get_json()[
        "runs"
    ]
    assert {"value": "3-4", "label": "Periods 3–4 (10:45–12:25)"} in runs
    assert "4-5" not in [run["value"] for run in runs]
    assert client.get("/lectures/schools/999999/periods").status_code == 404
