"""Staff pages for one request, the catalog, and lecturers' diaries, through the real forms."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from booking.core.auth import Role
from booking.core.time import utcnow
from booking.extensions import db
from booking.lectures.models import (
    LectureFormat,
    LectureRequest,
    LectureStatus,
    Program,
)
from booking.scheduling.models import TimeOff
from tests.factories import make_user
from tests.factories.lectures import GOOD_DAY, at, make_lecturer, make_request
from tests.helpers import outbox

EN = {"Accept-Language": "en"}


def reload(lecture_id: int) -> LectureRequest:
    db.session.rollback()
    return db.session.get(LectureRequest, lecture_id)


def test_schedule_one_of_the_schools_dates(app, frozen, coordinator_client, program, lecturer):
    lecture = make_request(program)
    page = coordinator_client.get(f"/staff/lectures/{lecture.id}/schedule", headers=EN).get_data(as_text=True)
    assert "Who is free" in page and "Free" in page and "水野 健太" in page
    response = coordinator_client.post(
        f"/staff/lectures/{lecture.id}/schedule",
        data={
            "slot": str(lecture.candidates[0].id),
            "lecturer_ids": str(lecturer.id),
            "message": "10時に伺います",
        },
    )
    assert response.status_code == 302
    lecture = reload(lecture.id)
    assert lecture.status == LectureStatus.SCHEDULED and lecture.starts_at == at(GOOD_DAY, 10, 30)
    assert lecture.events[-1].note == "10時に伺います"
    assert {e.template for e in outbox(app)} == {
        "lectures/scheduled_to_teacher",
        "lectures/scheduled_to_lecturer",
    }


def test_schedule_another_date_and_time(frozen, coordinator_client, program, lecturer):
    lecture = make_request(program)
    response = coordinator_client.post(
        f"/staff/lectures/{lecture.id}/schedule",
        data={
            "slot": "other",
            "other_date": "2026-12-10",
            "other_time": "13:40",
            "lecturer_ids": str(lecturer.id),
        },
    )
    assert response.status_code == 302
    assert reload(lecture.id).starts_at == datetime(2026, 12, 10, 4, 40, tzinfo=UTC)


def test_a_clash_is_shown_next_to_the_lecturers_and_in_the_grid(
    frozen, coordinator_client, program, lecturer
):
    booked = make_request(program, status="scheduled", lecturers=[lecturer], starts_at=at(GOOD_DAY, 10, 0))
    lecture = make_request(program)
    grid = coordinator_client.get(f"/staff/lectures/{lecture.id}/schedule", headers=EN).get_data(as_text=True)
    assert "Busy" in grid and booked.reference in grid
    response = coordinator_client.post(
        f"/staff/lectures/{lecture.id}/schedule",
        data={"slot": str(lecture.candidates[0].id), "lecturer_ids": str(lecturer.id)},
        headers=EN,
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert (
        'id="lecturer_ids-error"' in html
        and f"水野 健太 already has a lecture at that time: {booked.reference}" in html
    )
    assert reload(lecture.id).status == LectureStatus.SUBMITTED


def test_an_early_date_needs_the_override_and_its_reason(frozen, coordinator_client, program, lecturer):
    lecture = make_request(program)
    data = {
        "slot": "other",
        "other_date": "2026-11-05",
        "other_time": "10:00",
        "lecturer_ids": str(lecturer.id),
    }
    refused = coordinator_client.post(f"/staff/lectures/{lecture.id}/schedule", data=data, headers=EN)
    assert refused.status_code == 422 and 'id="other_date-error"' in refused.get_data(as_text=True)
    no_reason = coordinator_client.post(
        f"/staff/lectures/{lecture.id}/schedule", data={**data, "override": "y"}, headers=EN
    )
    assert 'id="override_reason-error"' in no_reason.get_data(as_text=True)
    done = coordinator_client.post(
        f"/staff/lectures/{lecture.id}/schedule",
        data={**data, "override": "y", "override_reason": "急ぎの依頼"},
    )
    assert done.status_code == 302
    show = coordinator_client.get(f"/staff/lectures/{lecture.id}").get_data(as_text=True)
    assert "急ぎの依頼" in show and "通常のルール外で確定しました" in show


def test_propose_decline_cancel_and_record_as_held(app, frozen, coordinator_client, program, lecturer):
    proposed = make_request(program)
    response = coordinator_client.post(
        f"/staff/lectures/{proposed.id}/propose",
        data={
            "date_1": "2026-12-10",
            "time_1": "10:00",
            "date_2": "2026-12-11",
            "time_2": "10:00",
            "lecturer_ids": str(lecturer.id),
            "message": "別の日程はいかがでしょうか",
        },
    )
    assert response.status_code == 302
    assert [s.starts_at.day for s in reload(proposed.id).proposals] == [10, 11]

    declined = make_request(program)
    assert (
        coordinator_client.post(f"/staff/lectures/{declined.id}/decline", data={"reason": ""}).status_code
        == 422
    )
    coordinator_client.post(f"/staff/lectures/{declined.id}/decline", data={"reason": "対象学年が違います"})
    assert reload(declined.id).status == LectureStatus.DECLINED

    scheduled = make_request(program, status="scheduled", lecturers=[lecturer], starts_at=at(GOOD_DAY, 14, 0))
    coordinator_client.post(f"/staff/lectures/{scheduled.id}/cancel", data={"reason": "講師の体調不良"})
    assert reload(scheduled.id).status == LectureStatus.CANCELLED
    assert not reload(scheduled.id).assignments[0].active

    held = make_request(
        program, status="scheduled", lecturers=[lecturer], starts_at=utcnow() - timedelta(days=1)
    )
    form = coordinator_client.get(f"/staff/lectures/{held.id}/complete").get_data(as_text=True)
    assert 'value="60"' in form  # the expected audience, to correct
    coordinator_client.post(
        f"/staff/lectures/{held.id}/complete", data={"actual_audience": "58", "notes": "好評"}
    )
    held = reload(held.id)
    assert (held.status, held.actual_audience, held.completion_notes) == (LectureStatus.COMPLETED, 58, "好評")


def test_a_lecture_in_the_future_cannot_be_recorded_as_held(frozen, coordinator_client, program, lecturer):
    lecture = make_request(program, status="scheduled", lecturers=[lecturer])
    response = coordinator_client.get(f"/staff/lectures/{lecture.id}/complete")
    assert response.status_code == 302


def test_reschedule_asks_for_the_reason(frozen, coordinator_client, program, lecturer):
    lecture = make_request(program, status="scheduled", lecturers=[lecturer])
    data = {
        "slot": "other",
        "other_date": "2026-12-10",
        "other_time": "10:00",
        "lecturer_ids": str(lecturer.id),
    }
    assert coordinator_client.post(f"/staff/lectures/{lecture.id}/reschedule", data=data).status_code == 422
    data["message"] = "会場の都合で変更します"
    assert coordinator_client.post(f"/staff/lectures/{lecture.id}/reschedule", data=data).status_code == 302
    lecture = reload(lecture.id)
    assert lecture.calendar_sequence == 1 and lecture.events[-1].note == "会場の都合で変更します"


# The catalog ---------------------------------------------------------------------------


def test_staff_add_and_edit_programs_and_the_catalog_shows_active_ones(app, client, ctx, coordinator_client):
    data = {
        "title_ja": "水のしごとと国際キャリア",
        "title_en": "Careers in water",
        "summary_ja": "水の仕事を紹介します。",
        "summary_en": "Jobs in water.",
        "target_grades": ["junior_high", "high"],
        "formats": ["in_person"],
        "duration_minutes": "50",
        "max_audience": "120",
        "position": "1",
        "active": "y",
    }
    assert (
        coordinator_client.post("/staff/lectures/programs/new", data={**data, "formats": []}).status_code
        == 422
    )
    assert coordinator_client.post("/staff/lectures/programs/new", data=data).status_code == 302
    db.session.rollback()
    program = db.session.scalar(sa.select(Program))
    assert (program.offers_in_person, program.offers_online, program.target_grades) == (
        True,
        False,
        ["junior_high", "high"],
    )
    catalog = client.get("/lectures/", headers=EN).get_data(as_text=True)
    assert "Careers in water" in catalog and f"/lectures/request?program={program.id}" in catalog
    edited = {**data, "active": ""}
    assert coordinator_client.post(f"/staff/lectures/programs/{program.id}", data=edited).status_code == 302
    assert "Careers in water" not in client.get("/lectures/", headers=EN).get_data(as_text=True)


# Lecturers and their time off ------------------------------------------------------------------


def test_time_off_times_are_read_in_the_lecturers_own_zone_and_whole_days_in_japan_time(
    app, ctx, frozen, login
):
    abroad = make_lecturer(name="北野 真理子", email="kitano@example.jp", time_zone="Asia/Phnom_Penh")
    client = app.test_client()
    login(client, abroad.email)
    response = client.post(
        f"/staff/lectures/lecturers/{abroad.id}/unavailable",
        data={
            "span": "times",
            "start_date": "2026-12-07",
            "start_time": "08:00",
            "end_date": "2026-12-09",
            "end_time": "18:00",
            "reason": "プノンペン出張",
        },
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/staff/lectures/schedule")
    response = client.post(
        f"/staff/lectures/lecturers/{abroad.id}/unavailable",
        data={"span": "days", "start_date": "2026-12-14", "end_date": "2026-12-15", "start_time": "08:00"},
    )
    assert response.status_code == 302
    db.session.rollback()
    periods = sa.select(TimeOff).order_by(TimeOff.id)
    by_times, whole = db.session.scalars(periods)
    # 8:00 in Phnom Penh (UTC+7) to 18:00 there on the 9th.
    assert (by_times.starts_at, by_times.ends_at, by_times.whole_days) == (
        datetime(2026, 12, 7, 1, 0, tzinfo=UTC),
        datetime(2026, 12, 9, 11, 0, tzinfo=UTC),
        False,
    )
    # Whole days are Japan-time days, the last one included; the times are ignored.
    assert (whole.starts_at, whole.ends_at, whole.whole_days) == (
        datetime(2026, 12, 13, 15, 0, tzinfo=UTC),
        datetime(2026, 12, 15, 15, 0, tzinfo=UTC),
        True,
    )
    page = client.get("/staff/lectures/schedule").get_data(as_text=True)
    assert "プノンペン出張" in page and "カンボジア時間" in page
    assert "12月14日(月)〜12月15日(火)" in page and "12月16日" not in page


def test_a_lecturer_sees_their_lectures_in_both_times(app, ctx, frozen, login, program):
    abroad = make_lecturer(name="北野 真理子", email="kitano@example.jp", time_zone="Asia/Phnom_Penh")
    make_request(program, status="scheduled", lecturers=[abroad], starts_at=at(GOOD_DAY, 13, 30))
    client = app.test_client()
    login(client, abroad.email)
    html = client.get("/staff/lectures/schedule", headers=EN).get_data(as_text=True)
    assert "Thu 3 Dec 2026, 13:30–14:15 Japan time / 11:30–12:15 Cambodia Time" in html


def test_a_lecturer_keeps_only_their_own_diary_and_a_coordinator_keeps_anyones(
    app, ctx, frozen, login, coordinator_client
):
    mine = make_lecturer(email="mine@example.jp")
    other = make_lecturer(email="other@example.jp")
    client = app.test_client()
    login(client, mine.email)
    data = {"start_date": "2026-12-07", "end_date": "2026-12-07"}
    assert client.get(f"/staff/lectures/lecturers/{other.id}").status_code == 403
    assert client.post(f"/staff/lectures/lecturers/{other.id}/unavailable", data=data).status_code == 403
    assert client.get(f"/staff/lectures/lecturers/{mine.id}").status_code == 200
    assert (
        coordinator_client.post(f"/staff/lectures/lecturers/{other.id}/unavailable", data=data).status_code
        == 302
    )
    db.session.rollback()
    period = db.session.scalar(sa.select(TimeOff))
    assert (
        client.post(f"/staff/lectures/lecturers/{other.id}/unavailable/{period.id}/delete").status_code == 403
    )
    assert (
        coordinator_client.post(
            f"/staff/lectures/lecturers/{other.id}/unavailable/{period.id}/delete"
        ).status_code
        == 302
    )
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(TimeOff.id))) == 0


def test_time_off_over_a_booked_lecture_warns_the_coordinator(frozen, coordinator_client, program, lecturer):
    booked = make_request(program, status="scheduled", lecturers=[lecturer], fmt=LectureFormat.IN_PERSON)
    response = coordinator_client.post(
        f"/staff/lectures/lecturers/{lecturer.id}/unavailable",
        data={"start_date": GOOD_DAY.isoformat(), "end_date": GOOD_DAY.isoformat(), "reason": "休暇"},
        follow_redirects=True,
    )
    assert f"{booked.reference}" in response.get_data(as_text=True)


def test_the_lecturers_page_lists_each_with_their_next_lecture(frozen, coordinator_client, program, lecturer):
    make_request(program, status="scheduled", lecturers=[lecturer])
    html = coordinator_client.get("/staff/lectures/lecturers").get_data(as_text=True)
    assert "水野 健太" in html and "2026年12月3日(木) 10:30" in html


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.LECTURER])
def test_the_dashboard_shows_lectures_to_whom_it_concerns(app, ctx, frozen, login, role, program):
    user = make_user(role, email=f"{role}@example.jp")
    make_request(program)
    client = app.test_client()
    login(client, user.email)
    html = client.get("/staff/").get_data(as_text=True)
    if role == Role.COORDINATOR:
        assert "未対応の申込み：1件" in html
    else:
        assert "担当講座" in html and "確定した講座はありません" in html


def test_a_lecturers_diary_gives_the_number_of_classes_beside_the_listeners(
    ctx, frozen, coordinator_client, program
):
    lecturer = make_lecturer()
    two = make_request(
        program, status="scheduled", lecturers=[lecturer], starts_at=at(GOOD_DAY, 10), class_count=2
    )
    none = make_request(program, status="scheduled", lecturers=[lecturer], starts_at=at(GOOD_DAY, 14))
    page = coordinator_client.get(f"/staff/lectures/lecturers/{lecturer.id}").get_data(as_text=True)
    items = {ref: page.split(ref, 1)[1].split("</li>", 1)[0] for ref in (two.reference, none.reference)}
    assert "2クラス" in items[two.reference]
    assert "クラス" not in items[none.reference]
