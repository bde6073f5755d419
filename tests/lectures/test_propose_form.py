"""Proposing other dates reports every mistake in one pass; rescheduling says the date changed."""

from __future__ import annotations

import re
from datetime import date, time

import pytest
import sqlalchemy as sa

from booking.core.errors import DomainError
from booking.core.time import jst_to_utc
from booking.extensions import db
from booking.lectures import services
from booking.lectures.models import LectureRequest, LectureStatus
from tests.factories.lectures import GOOD_DAY, at, make_request

EN = {"Accept-Language": "en"}
SATURDAY = "2026-12-12"
HOLIDAY = "2027-01-11"  # Coming of Age Day


def errors_next_to(html: str, field: str) -> str:
    match = re.search(rf'<p class="field__error" id="{field}-error">(.*?)</p>', html, re.S)
    return " ".join(match.group(1).split()) if match else ""


def propose(client, lecture, **changes):
    data = {"date_1": "2026-12-10", "time_1": "10:00", "message": "別の日程はいかがでしょうか", **changes}
    return client.post(f"/staff/lectures/{lecture.id}/propose", data=data, headers=EN)


def proposals(lecture_id: int) -> int:
    db.session.rollback()
    return len(db.session.get(LectureRequest, lecture_id).proposals)


def test_form_mistakes_and_calendar_rules_come_in_one_pass(frozen, coordinator_client, program, lecturer):
    lecture = make_request(program)
    # No message (the form's rule) and a Saturday (the calendar's rule), both at once.
    response = propose(
        coordinator_client, lecture, date_1=SATURDAY, message="", lecturer_ids=str(lecturer.id)
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "short message" in errors_next_to(html, "message")
    assert "is a Saturday" in errors_next_to(html, "date_1")
    assert proposals(lecture.id) == 0


def test_a_clash_is_reported_with_a_form_mistake(frozen, coordinator_client, program, lecturer):
    make_request(program, status="scheduled", lecturers=[lecturer], starts_at=at(date(2026, 12, 10), 10, 0))
    lecture = make_request(program)
    response = propose(coordinator_client, lecture, message="", lecturer_ids=str(lecturer.id))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "short message" in errors_next_to(html, "message")
    assert "水野 健太" in errors_next_to(html, "date_1")  # the lecturer is booked then


def test_each_dates_mistake_stays_next_to_its_own_date(frozen, coordinator_client, program, lecturer):
    """Dates 1 and 3 given, 2 left empty: the third date's problem is shown by the third date."""
    lecture = make_request(program)
    for message in ("", "別の日程はいかがでしょうか"):  # with a form mistake, and without
        response = propose(
            coordinator_client,
            lecture,
            date_3=HOLIDAY,
            time_3="10:00",
            message=message,
            lecturer_ids=str(lecturer.id),
        )
        html = response.get_data(as_text=True)
        assert response.status_code == 422
        assert "Coming of Age Day" in errors_next_to(html, "date_3")
        assert errors_next_to(html, "date_2") == ""
        assert errors_next_to(html, "date_1") == ""
    assert proposals(lecture.id) == 0


def test_a_missing_lecturer_and_a_weekend_come_in_one_pass(frozen, coordinator_client, program):
    lecture = make_request(program)
    html = propose(coordinator_client, lecture, date_1=SATURDAY).get_data(as_text=True)
    assert "at least one lecturer" in errors_next_to(html, "lecturer_ids")
    assert "is a Saturday" in errors_next_to(html, "date_1")


def test_an_override_ticked_without_its_reason_does_not_add_the_rules_it_would_lift(
    frozen, coordinator_client, program, lecturer
):
    lecture = make_request(program)
    html = propose(
        coordinator_client, lecture, date_1=SATURDAY, override="y", lecturer_ids=str(lecturer.id)
    ).get_data(as_text=True)
    assert "Give the reason" in errors_next_to(html, "override_reason")
    assert errors_next_to(html, "date_1") == ""


def test_the_service_refuses_an_unknown_lecturer_and_a_weekend_together(frozen, program, coordinator):
    lecture = make_request(program)
    data = services.ProposalData(
        times=(jst_to_utc(date(2026, 12, 12), time(10, 0)),), lecturer_ids=(999_999,), message="別の日程"
    )
    with pytest.raises(DomainError) as refused:
        services.propose_dates(lecture.id, data, coordinator)
    assert sorted(e.field for e in refused.value.errors) == ["date_1", "lecturer_ids"]
    assert proposals(lecture.id) == 0


def test_a_good_proposal_is_still_saved(frozen, coordinator_client, program, lecturer):
    lecture = make_request(program)
    response = propose(
        coordinator_client, lecture, date_3="2026-12-11", time_3="10:00", lecturer_ids=str(lecturer.id)
    )
    assert response.status_code == 302
    assert proposals(lecture.id) == 2
    db.session.rollback()
    assert db.session.scalar(sa.select(LectureRequest.status).where(LectureRequest.id == lecture.id)) == (
        LectureStatus.PROPOSED
    )


# Rescheduling ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "said", "not_said"),
    [("ja", "日程を変更しました", "日程を確定しました"), ("en", "is changed", "is scheduled")],
)
def test_after_a_reschedule_the_message_says_the_date_changed(
    frozen, coordinator_client, program, lecturer, language, said, not_said
):
    lecture = make_request(program, status="scheduled", lecturers=[lecturer], starts_at=at(GOOD_DAY, 10, 30))
    data = {
        "slot": "other",
        "other_date": "2026-12-10",
        "other_time": "10:00",
        "lecturer_ids": str(lecturer.id),
        "message": "会場の都合で変更します",
    }
    headers = {"Accept-Language": language}
    response = coordinator_client.post(f"/staff/lectures/{lecture.id}/reschedule", data=data, headers=headers)
    assert response.status_code == 302
    page = coordinator_client.get(response.headers["Location"], headers=headers).get_data(as_text=True)
    assert said in page and not_said not in page
