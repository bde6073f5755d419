"""A lecturer's own lecture: its page, and the held report they file themselves.

Only lectures they are booked for open (an active assignment); any other id answers 404,
exactly as an unknown one.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from booking.audit.models import AuditEntry
from booking.extensions import db
from booking.lectures import services
from booking.lectures.models import LectureFormat, LectureRequest, LectureStatus
from booking.youth.models import Application
from tests.factories.lectures import GOOD_DAY, at, make_lecturer, make_program, make_request
from tests.helpers import outbox


def reload(lecture_id: int) -> LectureRequest:
    db.session.rollback()
    return db.session.get(LectureRequest, lecture_id)


@pytest.fixture
def mine(ctx, frozen):
    return make_lecturer(name="水野 健太", email="mizuno@example.jp")


@pytest.fixture
def mine_client(app, mine, login):
    client = app.test_client()
    login(client, mine.email)
    db.session.rollback()
    return client


@pytest.fixture
def in_person(mine, coordinator):
    """A lecture at the school, booked for `mine`, with the teacher's notes and an internal note."""
    program = make_program()
    lecture = make_request(
        program,
        fmt=LectureFormat.IN_PERSON,
        venue="体育館",
        equipment="プロジェクター、マイク",
        notes="給食の時間と重ならないようお願いします。",
        contact_name="山田 花子",
        contact_email="yamada@example.jp",
        school_name="北九州市立テスト小学校",
        commit=False,
    )
    lecture.schedule(
        at(GOOD_DAY, 10, 30), at(GOOD_DAY, 11, 15), [mine], 60, coordinator, internal_note="土曜参観の代替"
    )
    db.session.commit()
    return lecture


def test_the_lecturer_sees_everything_about_their_lecture(app, mine_client, mine, in_person):
    response = mine_client.get(f"/staff/lectures/schedule/{in_person.id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for shown in (
        "北九州市立テスト小学校",
        "山田 花子",
        "yamada@example.jp",
        "093-582-0000",
        "給食の時間と重ならないようお願いします。",
        "5年生",
        "60",
        "体育館",
        "プロジェクター、マイク",
        "2026年12月3日(木) 10:30",
        "土曜参観の代替",  # lecturers are staff: the history's staff notes are theirs too
    ):
        assert shown in page, shown
    # Opening the teacher's contacts is recorded, as for coordinators.
    db.session.rollback()
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "lecture.view"))
    assert entry.actor_id == mine.id and entry.subject_id == str(in_person.id)
    # Not yet held: no report to file.
    assert f"/staff/lectures/schedule/{in_person.id}/report" not in page


def test_an_online_lecture_shows_the_meeting(app, mine_client, mine, coordinator):
    lecture = make_request(make_program(), status="scheduled", lecturers=[mine])
    services.set_meeting(
        lecture.id,
        services.MeetingData("https://zoom.us/j/1234567890", at(date(2026, 12, 1), 15, 30)),
        coordinator,
    )
    page = mine_client.get(f"/staff/lectures/schedule/{lecture.id}").get_data(as_text=True)
    assert 'href="https://zoom.us/j/1234567890"' in page
    assert "2026年12月1日(火) 15:30" in page


def _not_found_body(client, suffix: str, target: int) -> str:
    """The page an unknown id gets (with `target` in place of that id, as in the page's links)."""
    response = client.get(f"/staff/lectures/schedule/99999999{suffix}")
    assert response.status_code == 404
    return response.get_data(as_text=True).replace("99999999", str(target))


@pytest.mark.parametrize("case", ["another lecturer's", "unassigned", "cancelled", "taken off", "youth id"])
def test_any_lecture_but_their_own_is_not_found(app, mine_client, mine, coordinator, case):
    program = make_program()
    other = make_lecturer(email="other@example.jp")
    if case == "another lecturer's":
        target = make_request(program, status="scheduled", lecturers=[other]).id
    elif case == "unassigned":
        target = make_request(program).id
    elif case == "cancelled":
        target = make_request(program, status="cancelled_scheduled", lecturers=[mine]).id
    elif case == "taken off":
        lecture = make_request(program, status="scheduled", lecturers=[mine, other])
        services.reschedule_request(
            lecture.id, services.BookingData(lecture.starts_at, (other.id,), message="講師変更"), coordinator
        )
        target = lecture.id
    else:
        from tests.factories.youth import make_cohort

        cohort = make_cohort()
        application = Application(cohort=cohort, code="Y-2026-999", email_key="1" * 64)
        db.session.add(application)
        db.session.commit()
        target = application.id
    for suffix in ("", "/report"):
        response = mine_client.get(f"/staff/lectures/schedule/{target}{suffix}")
        assert response.status_code == 404, suffix
        assert response.get_data(as_text=True) == _not_found_body(mine_client, suffix, target)
    response = mine_client.post(
        f"/staff/lectures/schedule/{target}/report", data={"actual_audience": "10", "notes": "x"}
    )
    assert response.status_code == 404
    assert reload(target) is None or reload(target).status != LectureStatus.COMPLETED


def test_a_coordinator_without_the_lecturer_role_uses_the_request_page(app, in_person, coordinator_client):
    assert coordinator_client.get(f"/staff/lectures/schedule/{in_person.id}").status_code == 403
    assert coordinator_client.get(f"/staff/lectures/{in_person.id}").status_code == 200


# The held report ----------------------------------------------------------------------------


def test_the_report_waits_for_the_lecture_to_start(app, mine_client, in_person):
    response = mine_client.get(f"/staff/lectures/schedule/{in_person.id}/report")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/staff/lectures/schedule/{in_person.id}")
    response = mine_client.post(
        f"/staff/lectures/schedule/{in_person.id}/report", data={"actual_audience": "50"}
    )
    assert response.status_code == 302
    assert reload(in_person.id).status == LectureStatus.SCHEDULED


def _after_the_lecture(app, frozen, login, mine, when=None):
    """The clock after the lecture, and the lecturer signed in then (sessions expire when idle)."""
    frozen.move_to(when or at(GOOD_DAY, 12, 0))
    client = app.test_client()
    login(client, mine.email)
    db.session.rollback()
    return client


def test_the_lecturer_files_the_report_and_it_is_audited(app, frozen, login, mine, in_person):
    mine_client = _after_the_lecture(app, frozen, login, mine)
    page = mine_client.get(f"/staff/lectures/schedule/{in_person.id}").get_data(as_text=True)
    assert f"/staff/lectures/schedule/{in_person.id}/report" in page
    form = mine_client.get(f"/staff/lectures/schedule/{in_person.id}/report")
    assert form.status_code == 200 and 'name="actual_audience"' in form.get_data(as_text=True)
    response = mine_client.post(
        f"/staff/lectures/schedule/{in_person.id}/report",
        data={"actual_audience": "５８人", "notes": "質問が多く出ました。"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/staff/lectures/schedule/{in_person.id}")
    held = reload(in_person.id)
    assert held.status == LectureStatus.COMPLETED
    assert (held.actual_audience, held.completion_notes) == (58, "質問が多く出ました。")
    assert held.events[-1].actor_id == mine.id
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "lecture.complete"))
    assert entry.actor_id == mine.id and entry.details == {"actual_audience": 58}
    assert len(outbox(app, to="yamada@example.jp", template="lectures/feedback_request_to_teacher")) == 1
    # Once only: the report cannot be filed again.
    again = mine_client.post(f"/staff/lectures/schedule/{in_person.id}/report", data={"actual_audience": "1"})
    assert again.status_code == 302 and reload(in_person.id).actual_audience == 58
    page = mine_client.get(f"/staff/lectures/schedule/{in_person.id}").get_data(as_text=True)
    assert "質問が多く出ました。" in page


@pytest.mark.parametrize("audience", ["", "-1", "abc", "9" * 40, "5001"])
def test_a_bad_audience_gets_a_message_and_nothing_is_saved(app, frozen, login, mine, in_person, audience):
    mine_client = _after_the_lecture(app, frozen, login, mine)
    response = mine_client.post(
        f"/staff/lectures/schedule/{in_person.id}/report", data={"actual_audience": audience}
    )
    assert response.status_code == 422
    assert "error-summary" in response.get_data(as_text=True)
    assert reload(in_person.id).status == LectureStatus.SCHEDULED


# Ways in -------------------------------------------------------------------------------------


def test_the_diary_and_the_dashboard_link_to_the_lecture(app, frozen, login, mine_client, mine, in_person):
    diary = mine_client.get("/staff/lectures/schedule").get_data(as_text=True)
    assert f'href="/staff/lectures/schedule/{in_person.id}"' in diary
    dashboard = mine_client.get("/staff/").get_data(as_text=True)
    assert f'href="/staff/lectures/schedule/{in_person.id}"' in dashboard
    # Past and not yet reported: the diary offers the report.
    mine_client = _after_the_lecture(app, frozen, login, mine, at(GOOD_DAY, 12, 0) + timedelta(days=1))
    diary = mine_client.get("/staff/lectures/schedule").get_data(as_text=True)
    assert f'href="/staff/lectures/schedule/{in_person.id}/report"' in diary


def test_the_lecturers_emails_link_to_the_lecture(app, mine, coordinator):
    lecture = make_request(make_program(), status="scheduled", lecturers=[mine])
    services.set_meeting(lecture.id, services.MeetingData("https://zoom.us/j/1"), coordinator)
    (email,) = outbox(app, template="lectures/meeting_updated_to_lecturer")
    assert f"/staff/lectures/schedule/{lecture.id}" in email.body_text
