"""Whatever staff type or a crafted request sends to the study-tour staff forms: a message next
to the field (or the input guard's refusal), nothing saved, never a server error."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from booking.extensions import db
from booking.scheduling.models import Program, StaffBooking
from booking.visits.models import VisitRequest, VisitStatus
from tests.factories.visits import at, make_guide, make_visit_request

EN = {"Accept-Language": "en"}
LONG = "水" * 10_000


@pytest.fixture(autouse=True)
def _clock(frozen):
    return frozen


@pytest.fixture
def setup(ctx, coordinator_client):
    from datetime import date

    return {
        "client": coordinator_client,
        "submitted": make_visit_request(),
        "held": make_visit_request(status="scheduled", starts_at=at(date(2026, 10, 30), 10)),
        "guide": make_guide("案内 花子"),
    }


def _unchanged(visit_id: int, status: VisitStatus) -> None:
    db.session.rollback()
    assert db.session.get(VisitRequest, visit_id).status == status
    assert db.session.query(StaffBooking).filter_by(program=Program.VISIT, subject_id=visit_id).count() == 0


SCHEDULE_CASES = [
    {"slot": "other", "other_date": "9999-12-31", "other_time": "10:00"},
    {"slot": "other", "other_date": "0001-01-01", "other_time": "10:00"},
    {"slot": "other", "other_date": "２０２６-１２-０３", "other_time": "25:00"},
    {"slot": "other", "other_date": "2026-12-0³", "other_time": "10:00"},
    {"slot": "other", "other_date": "", "other_time": ""},
    {"slot": "nonsense"},
    {"slot": "99999999999999999999"},
    {"slot": None},  # missing
    {"guide_ids": None},  # missing
    {"guide_ids": "abc"},
    {"guide_ids": "99999999999999999999"},
    {"guide_ids": "0"},
    {"guide_ids": ""},
    {"interpreter_id": "abc"},
    {"interpreter_id": "99999"},
    {"interpreter_name": LONG},
    {"interpreter_name": "x" * 101},  # one more than the column holds
    {"interpreter_name": "two\nlines"},
    {"message": LONG},
]


@pytest.mark.parametrize("changes", SCHEDULE_CASES)
def test_schedule_form_refuses_bad_input_with_a_message(setup, changes):
    visit, guide = setup["submitted"], setup["guide"]
    data = {"slot": str(visit.candidates[0].id), "guide_ids": str(guide.id), **changes}
    data = {k: v for k, v in data.items() if not (k in changes and changes[k] is None)}
    response = setup["client"].post(f"/staff/visits/{visit.id}/schedule", data=data, headers=EN)
    assert response.status_code == 422
    assert 'class="error-summary' in response.get_data(as_text=True) or "field__error" in response.get_data(
        as_text=True
    )
    _unchanged(visit.id, VisitStatus.SUBMITTED)


def test_duplicated_fields_take_the_first_and_never_fail(setup):
    visit, guide = setup["submitted"], setup["guide"]
    response = setup["client"].post(
        f"/staff/visits/{visit.id}/schedule",
        data=MultiDict(
            [("slot", "nonsense"), ("slot", str(visit.candidates[0].id)), ("guide_ids", str(guide.id))]
        ),
        headers=EN,
    )
    assert response.status_code in (302, 422)


@pytest.mark.parametrize("page", ["schedule", "propose", "decline", "cancel"])
@pytest.mark.parametrize("value", ["a\x00b", "\x1b[31m", "\ufffd"])
def test_control_characters_are_refused_before_the_view(setup, page, value):
    visit = setup["submitted"]
    response = setup["client"].post(
        f"/staff/visits/{visit.id}/{page}", data={"message": value, "reason": value}
    )
    assert response.status_code == 400
    _unchanged(visit.id, VisitStatus.SUBMITTED)


PROPOSE_CASES = [
    {"date_1": "9999-12-31"},
    {"date_1": "0001-01-01"},
    {"date_1": "2026-12-0³"},
    {
        "time_1": "１０：００",
        "date_1": "2026/12/3",
        "date_2": "2026年12月3日",
        "time_2": "10時",
    },  # the same date twice
    {"date_1": "", "time_1": ""},
    {"date_2": "2026-12-04"},  # a date without its time
    {"message": ""},
    {"message": LONG},
    {"guide_ids": "abc"},
]


@pytest.mark.parametrize("changes", PROPOSE_CASES)
def test_propose_form_refuses_bad_input_with_a_message(setup, changes):
    visit = setup["submitted"]
    data = {"date_1": "2026-12-08", "time_1": "13:00", "message": "Does this suit?", **changes}
    response = setup["client"].post(f"/staff/visits/{visit.id}/propose", data=data, headers=EN)
    assert response.status_code == 422
    db.session.rollback()
    assert db.session.get(VisitRequest, visit.id).status == VisitStatus.SUBMITTED


@pytest.mark.parametrize("reason", ["", "   ", LONG])
@pytest.mark.parametrize("page", ["decline", "cancel"])
def test_reason_forms_refuse_an_empty_or_endless_reason(setup, page, reason):
    visit = setup["submitted"]
    response = setup["client"].post(f"/staff/visits/{visit.id}/{page}", data={"reason": reason}, headers=EN)
    assert response.status_code == 422
    _unchanged(visit.id, VisitStatus.SUBMITTED)


COMPLETE_CASES = [
    {"actual_visitors": ""},
    {"actual_visitors": "-1"},
    {"actual_visitors": "12²"},
    {"actual_visitors": "99999999999999999999"},
    {"actual_visitors": "twelve"},
    {"actual_visitors": "3", "country_1": "XX", "visitors_1": "3"},
    {"actual_visitors": "3", "country_1": "<script>", "visitors_1": "3"},
    {"actual_visitors": "3", "country_1": "KH"},
    {"actual_visitors": "3", "visitors_1": "3"},
    {"actual_visitors": "4", "country_1": "KH", "visitors_1": "2", "country_2": "KH", "visitors_2": "2"},
    {"actual_visitors": "3", "held_note": LONG},
]


@pytest.mark.parametrize("changes", COMPLETE_CASES)
def test_record_form_refuses_bad_input_with_a_message(setup, changes):
    visit = setup["held"]
    response = setup["client"].post(f"/staff/visits/{visit.id}/complete", data=changes, headers=EN)
    assert response.status_code == 422
    db.session.rollback()
    assert db.session.get(VisitRequest, visit.id).status == VisitStatus.SCHEDULED


def test_full_width_digits_are_read_as_numbers(setup):
    visit = setup["held"]
    response = setup["client"].post(
        f"/staff/visits/{visit.id}/complete",
        data={"actual_visitors": "１２", "country_1": "KH", "visitors_1": "１２"},
        headers=EN,
    )
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.get(VisitRequest, visit.id).actual_visitors == 12
