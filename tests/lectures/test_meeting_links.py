"""An online lecture's meeting link and connection test: who sets them, what is refused, and
where they go (emails, calendar entries, the teacher's page, reminders, exports).

The lecture of these tests is on Thursday 3 December 2026 at 10:30 Japan time; the clock
stands at Monday 2 November 2026, 09:00.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from booking.audit.models import AuditEntry
from booking.core.errors import DomainError
from booking.core.time import JST
from booking.extensions import db
from booking.lectures import reminders, services
from booking.lectures.meeting_links import meeting_link_problem
from booking.lectures.models import LectureFormat, LectureRequest, LectureStatus, MeetingHost
from booking.notifications.models import OutboxAttachment
from tests.factories.lectures import GOOD_DAY, at, make_lecturer, make_program, make_request, submit
from tests.helpers import count_queries, outbox

LINK = "https://us06web.zoom.us/j/81234567890?pwd=abc123"
TEST_AT = at(date(2026, 12, 1), 15, 30)  # Tuesday before the lecture, Japan time


def jst(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=JST)


def reload(lecture_id: int) -> LectureRequest:
    db.session.rollback()
    return db.session.get(LectureRequest, lecture_id)


def event_of(email_id: int):
    db.session.rollback()
    (data,) = db.session.scalars(
        sa.select(OutboxAttachment.data).where(OutboxAttachment.email_id == email_id)
    )
    (event,) = Calendar.from_ical(data).walk("VEVENT")
    return event


@pytest.fixture
def booked(ctx, frozen, coordinator):
    """An online lecture (the bureau sends the link), scheduled with one lecturer."""
    lecturer = make_lecturer(name="水野 健太", email="mizuno@example.jp")
    lecture, token = submit(make_program(), language="en")
    services.schedule_request(
        lecture.id, services.BookingData(at(GOOD_DAY, 10, 30), (lecturer.id,)), coordinator
    )
    return reload(lecture.id), lecturer, token


# The link's shape ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://zoom.us/j/1234567890",
        "https://us06web.zoom.us/j/81234567890?pwd=abc123",
        "https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0?context=%7b%22Tid%22%7d",
        "https://meet.google.com/abc-defg-hij",
        "http://video.example.jp:8443/room/5",
    ],
)
def test_ordinary_meeting_links_are_taken(ctx, url):
    assert meeting_link_problem(url) is None


HOSTILE_LINKS = {
    "javascript": "javascript:alert(document.cookie)",
    "javascript upper case": "JaVaScRiPt:alert(1)",
    "data": "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "file": "file:///etc/passwd",
    "no scheme": "zoom.us/j/123",
    "scheme-relative": "//evil.example/j/1",
    "credentials": "https://zoom.us@evil.example/j/1",
    "user and password": "https://user:pass@zoom.us/j/1",
    "backslash": "https://evil.example\\@zoom.us/j/1",
    "space inside": "https://zoom.us/j/123 456",
    "leading space": " https://zoom.us/j/1",
    "line break": "https://zoom.us/j/1\r\nBcc: x@example.jp",
    "tab": "https://zoom.us/j/1\t",
    "nul": "https://zoom.us/j/1\x00",
    "escape": "https://zoom.us/\x1b[31m",
    "right-to-left override": "https://zoom.us/j/1\u202egnp.exe",
    "zero-width space": "https://zo\u200bom.us/j/1",
    "look-alike letter": "https://zооm.us/j/1",  # Cyrillic о
    "full-width": "ｈｔｔｐｓ://zoom.us/j/1",
    "10k characters": "https://zoom.us/j/" + "1" * 10_000,
    "one over the limit": "https://zoom.us/j/" + "1" * (1000 - len("https://zoom.us/j/") + 1),
    "no host": "https:///j/1",
    "ip address": "https://192.168.0.1/j/1",
    "bad port": "https://zoom.us:99999/j/1",
    "quote and angle": 'https://zoom.us/"><script>alert(1)</script>',
}


@pytest.mark.parametrize("label", list(HOSTILE_LINKS))
def test_hostile_links_are_refused_by_the_service_and_nothing_is_saved(app, booked, coordinator, label):
    lecture, _lecturer, _token = booked
    before = len(outbox(app))
    with pytest.raises(DomainError) as refused:
        services.set_meeting(lecture.id, services.MeetingData(HOSTILE_LINKS[label]), coordinator)
    assert refused.value.field == "meeting_url"
    assert reload(lecture.id).meeting_url == ""
    assert len(outbox(app)) == before


def test_a_link_of_exactly_the_longest_length_is_taken(ctx):
    url = "https://zoom.us/j/" + "1" * (1000 - len("https://zoom.us/j/"))
    assert len(url) == 1000 and meeting_link_problem(url) is None


@pytest.mark.parametrize("label", ["javascript", "data", "space inside", "10k characters", "credentials"])
def test_hostile_links_on_the_staff_form_get_a_message(app, booked, coordinator_client, label):
    lecture, _lecturer, _token = booked
    response = coordinator_client.post(
        f"/staff/lectures/{lecture.id}/meeting", data={"meeting_url": HOSTILE_LINKS[label]}
    )
    assert response.status_code == 422
    assert "error-summary" in response.get_data(as_text=True)
    assert reload(lecture.id).meeting_url == ""


# Staff set the link and the test -------------------------------------------------------------


def test_staff_set_the_link_and_test_time_and_everyone_gets_an_update(app, booked, coordinator_client):
    lecture, lecturer, _token = booked
    sequence = lecture.calendar_sequence
    response = coordinator_client.post(
        f"/staff/lectures/{lecture.id}/meeting",
        data={"meeting_url": LINK, "test_date": "2026/12/1", "test_time": "15時30分"},
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/staff/lectures/{lecture.id}"
    )
    saved = reload(lecture.id)
    assert saved.meeting_url == LINK
    assert saved.connection_test_at == TEST_AT
    assert saved.calendar_sequence == sequence + 1
    (teacher,) = outbox(app, template="lectures/meeting_updated_to_teacher")
    assert teacher.recipient == "teacher@example.jp" and teacher.language == "en"
    assert LINK in teacher.body_text and f'href="{LINK}"' in teacher.body_html
    assert "Connection test: Tue 1 Dec 2026, 15:30 (Japan time)" in teacher.body_text
    assert (
        "The meeting link and the connection test of your online lecture have changed." in teacher.body_text
    )
    (to_lecturer,) = outbox(app, template="lectures/meeting_updated_to_lecturer")
    assert to_lecturer.recipient == lecturer.email and LINK in to_lecturer.body_text
    assert "接続テスト：2026年12月1日(火) 15:30" in to_lecturer.body_text
    assert f"/staff/lectures/schedule/{lecture.id}" in to_lecturer.body_text
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "lecture.meeting"))
    assert entry.subject_id == str(lecture.id)
    assert entry.details == {"link": True, "connection_test": True, "by": "staff"}  # never the link
    assert "zoom" not in str(entry.details)


def test_the_update_carries_the_calendar_entry_with_the_same_uid_and_the_next_sequence(
    app, booked, coordinator
):
    lecture, _lecturer, _token = booked
    (booking,) = outbox(app, template="lectures/scheduled_to_teacher")
    first = event_of(booking.id)
    services.set_meeting(lecture.id, services.MeetingData(LINK, TEST_AT), coordinator)
    (update,) = outbox(app, template="lectures/meeting_updated_to_teacher")
    event = event_of(update.id)
    assert str(event["UID"]) == str(first["UID"])
    assert int(event["SEQUENCE"]) == int(first["SEQUENCE"]) + 1
    assert str(event["URL"]) == LINK
    assert LINK in str(event["LOCATION"]) and "Zoom" in str(event["LOCATION"])
    description = str(event["DESCRIPTION"])
    assert f"Meeting link: {LINK}" in description
    assert "Connection test: Tue 1 Dec 2026, 15:30 (Japan time)" in description
    assert "/lectures/manage/" in description  # the teacher's page stays in the description
    (to_lecturer,) = outbox(app, template="lectures/meeting_updated_to_lecturer")
    staff_event = event_of(to_lecturer.id)
    assert str(staff_event["URL"]) == LINK and int(staff_event["SEQUENCE"]) == int(event["SEQUENCE"])
    assert "接続テスト：2026年12月1日(火) 15:30（日本時間）" in str(staff_event["DESCRIPTION"])

    # A second change: the sequence goes up again; the same values again change nothing.
    services.set_meeting(lecture.id, services.MeetingData(LINK + "1", TEST_AT), coordinator)
    later = outbox(app, template="lectures/meeting_updated_to_teacher")[-1]
    assert int(event_of(later.id)["SEQUENCE"]) == int(event["SEQUENCE"]) + 1
    assert "The meeting link of your online lecture has changed." in later.body_text
    count = len(outbox(app))
    assert services.set_meeting(lecture.id, services.MeetingData(LINK + "1", TEST_AT), coordinator) is False
    assert len(outbox(app)) == count


def test_the_teachers_calendar_download_has_the_link_and_test(app, booked, coordinator, client):
    lecture, _lecturer, token = booked
    services.set_meeting(lecture.id, services.MeetingData(LINK, TEST_AT), coordinator)
    response = client.get(f"/lectures/manage/{token}/calendar.ics", headers={"Accept-Language": "en"})
    (event,) = Calendar.from_ical(response.data).walk("VEVENT")
    assert str(event["URL"]) == LINK and LINK in str(event["LOCATION"])
    assert "Connection test: Tue 1 Dec 2026, 15:30 (Japan time)" in str(event["DESCRIPTION"])


def test_a_test_time_after_the_lecture_start_is_refused(app, booked, coordinator, coordinator_client):
    lecture, _lecturer, _token = booked
    for when in (at(GOOD_DAY, 10, 30), at(GOOD_DAY, 12, 0), at(date(2026, 12, 10), 9, 0)):
        with pytest.raises(DomainError) as refused:
            services.set_meeting(lecture.id, services.MeetingData("", when), coordinator)
        assert refused.value.field == "test_date"
        assert "より前の日時にしてください" in str(refused.value)
    response = coordinator_client.post(
        f"/staff/lectures/{lecture.id}/meeting",
        data={"meeting_url": LINK, "test_date": "2026-12-03", "test_time": "11:00"},
    )
    assert response.status_code == 422
    assert "接続テストは講座" in response.get_data(as_text=True)
    saved = reload(lecture.id)
    assert (saved.meeting_url, saved.connection_test_at) == ("", None)
    assert outbox(app, template="lectures/meeting_updated_to_teacher") == []


def test_a_test_time_in_the_past_is_refused(booked, coordinator):
    lecture, _lecturer, _token = booked
    with pytest.raises(DomainError, match="これから先の日時"):
        services.set_meeting(lecture.id, services.MeetingData("", at(date(2026, 11, 1), 10, 0)), coordinator)


def test_a_test_date_without_its_time_is_refused(booked, coordinator_client):
    lecture, _lecturer, _token = booked
    response = coordinator_client.post(
        f"/staff/lectures/{lecture.id}/meeting", data={"test_date": "2026-12-01"}
    )
    assert response.status_code == 422
    assert reload(lecture.id).connection_test_at is None


def test_the_database_refuses_a_test_after_the_lecture(booked):
    lecture, _lecturer, _token = booked
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(
            sa.update(LectureRequest)
            .where(LectureRequest.id == lecture.id)
            .values(connection_test_at=at(date(2026, 12, 4), 10, 0))
        )
    db.session.rollback()


def test_the_database_refuses_a_link_on_a_lecture_at_the_school(ctx, frozen):
    lecture = make_request(make_program(), fmt=LectureFormat.IN_PERSON, venue="体育館")
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(
            sa.update(LectureRequest).where(LectureRequest.id == lecture.id).values(meeting_url=LINK)
        )
    db.session.rollback()


@pytest.mark.parametrize("case", ["in person", "not scheduled"])
def test_only_scheduled_online_lectures_take_a_link(ctx, frozen, coordinator, coordinator_client, case):
    lecturer = make_lecturer()
    if case == "in person":
        lecture = make_request(
            make_program(), status="scheduled", lecturers=[lecturer], fmt=LectureFormat.IN_PERSON
        )
    else:
        lecture = make_request(make_program())
    with pytest.raises(DomainError, match="日程が確定したオンライン講座にのみ"):
        services.set_meeting(lecture.id, services.MeetingData(LINK), coordinator)
    response = coordinator_client.post(f"/staff/lectures/{lecture.id}/meeting", data={"meeting_url": LINK})
    assert response.status_code == 302
    assert reload(lecture.id).meeting_url == ""
    page = coordinator_client.get(f"/staff/lectures/{lecture.id}").get_data(as_text=True)
    assert f"/staff/lectures/{lecture.id}/meeting" not in page


def test_moving_the_lecture_before_its_test_clears_the_test(booked, coordinator):
    lecture, lecturer, _token = booked
    services.set_meeting(lecture.id, services.MeetingData(LINK, TEST_AT), coordinator)
    services.reschedule_request(
        lecture.id,
        services.BookingData(at(date(2026, 11, 30), 10, 30), (lecturer.id,), message="学校行事のため"),
        coordinator,
    )
    saved = reload(lecture.id)
    assert saved.connection_test_at is None and saved.meeting_url == LINK


def test_the_coordinators_page_shows_the_link_and_the_form(booked, coordinator, coordinator_client):
    lecture, _lecturer, _token = booked
    page = coordinator_client.get(f"/staff/lectures/{lecture.id}").get_data(as_text=True)
    assert f'action="/staff/lectures/{lecture.id}/meeting"' in page and 'name="meeting_url"' in page
    services.set_meeting(lecture.id, services.MeetingData(LINK, TEST_AT), coordinator)
    page = coordinator_client.get(f"/staff/lectures/{lecture.id}").get_data(as_text=True)
    assert f'href="{LINK.replace("&", "&amp;")}"' in page and 'rel="noopener noreferrer"' in page
    assert "2026年12月1日(火) 15:30" in page


# The school issues the link ------------------------------------------------------------------


@pytest.fixture
def school_hosted(ctx, frozen, coordinator):
    lecturer = make_lecturer(name="水野 健太", email="mizuno@example.jp")
    lecture, token = submit(make_program(), meeting_link_by=MeetingHost.SCHOOL)
    services.schedule_request(
        lecture.id, services.BookingData(at(GOOD_DAY, 10, 30), (lecturer.id,)), coordinator
    )
    return reload(lecture.id), lecturer, token


def test_the_teacher_gives_the_schools_link_on_their_page(app, school_hosted, client):
    lecture, lecturer, token = school_hosted
    page = client.get(f"/lectures/manage/{token}").get_data(as_text=True)
    assert 'value="meeting"' in page
    assert "まだ届いていません。2026年11月26日(木)までに、下のフォームからお送りください。" in page
    response = client.post(f"/lectures/manage/{token}", data={"action": "meeting", "meeting_url": LINK})
    assert response.status_code == 302
    saved = reload(lecture.id)
    assert saved.meeting_url == LINK and saved.calendar_sequence == 1
    assert [e.recipient for e in outbox(app, template="lectures/meeting_updated_to_lecturer")] == [
        lecturer.email
    ]
    assert len(outbox(app, template="lectures/meeting_updated_to_teacher")) == 1
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "lecture.meeting"))
    assert entry.actor_id is None and entry.details["by"] == "school"
    page = client.get(f"/lectures/manage/{token}").get_data(as_text=True)
    assert LINK.replace("&", "&amp;") in page


@pytest.mark.parametrize("label", ["javascript", "data", "space inside", "10k characters", "credentials"])
def test_the_teachers_hostile_link_gets_a_message_and_nothing_is_saved(app, school_hosted, client, label):
    lecture, _lecturer, token = school_hosted
    response = client.post(
        f"/lectures/manage/{token}", data={"action": "meeting", "meeting_url": HOSTILE_LINKS[label]}
    )
    assert response.status_code == 422
    assert "error-summary" in response.get_data(as_text=True)
    assert reload(lecture.id).meeting_url == ""
    assert outbox(app, template="lectures/meeting_updated_to_teacher") == []


def test_the_teacher_cannot_give_a_link_the_bureau_issues(app, booked, client):
    lecture, _lecturer, token = booked
    assert 'value="meeting"' not in client.get(f"/lectures/manage/{token}").get_data(as_text=True)
    response = client.post(f"/lectures/manage/{token}", data={"action": "meeting", "meeting_url": LINK})
    assert response.status_code == 422
    assert reload(lecture.id).meeting_url == ""


# What the booking email says about the link ------------------------------------------------


def test_the_scheduled_email_says_when_the_bureau_sends_the_link(app, booked):
    (teacher,) = outbox(app, template="lectures/scheduled_to_teacher")
    assert "Video call service: Zoom" in teacher.body_text
    assert "We send you the meeting link by Thu 26 Nov 2026." in teacher.body_text
    assert "We send you the meeting link by Thu 26 Nov 2026." in teacher.body_html


def test_the_scheduled_email_asks_the_school_for_its_link(app, school_hosted):
    (teacher,) = outbox(app, template="lectures/scheduled_to_teacher")
    assert (
        "会議URLをまだお送りいただいていない場合は、2026年11月26日(木)までにお送りください。"
        in teacher.body_text
    )
    (to_lecturer,) = outbox(app, template="lectures/scheduled_to_lecturer")
    assert "学校が発行し" in to_lecturer.body_text


def test_a_lecture_booked_with_its_link_has_it_in_the_reminder(app, booked, coordinator, frozen):
    lecture, _lecturer, _token = booked
    services.set_meeting(lecture.id, services.MeetingData(LINK, TEST_AT), coordinator)
    frozen.move_to(jst(date(2026, 11, 30), 8, 0))
    db.session.rollback()
    reminders.send_lecture_reminders()
    (teacher,) = outbox(app, template="lectures/reminder_to_teacher")
    assert (
        LINK in teacher.body_text
        and "Connection test: Tue 1 Dec 2026, 15:30 (Japan time)" in teacher.body_text
    )
    assert "please contact us today to agree a time" not in teacher.body_text


# The connection-test reminder uses the stored time --------------------------------------------


def _remind(frozen, when: datetime) -> str:
    frozen.move_to(when)
    db.session.rollback()
    return reminders.send_connection_test_reminders()


def test_the_connection_test_reminder_goes_the_day_before_the_stored_test(app, booked, coordinator, frozen):
    lecture, lecturer, _token = booked
    services.set_meeting(lecture.id, services.MeetingData(LINK, TEST_AT), coordinator)
    # A week before the lecture (when a test without a time is reminded of): nothing yet.
    _remind(frozen, jst(date(2026, 11, 26), 8, 0))
    assert outbox(app, template="lectures/connection_test_to_teacher") == []
    _remind(frozen, jst(date(2026, 11, 30), 7, 59))
    assert outbox(app, template="lectures/connection_test_to_teacher") == []
    out = _remind(frozen, jst(date(2026, 11, 30), 8, 0))
    assert "1 online lecture(s) queued, 1 to teachers and 1 to lecturers" in out
    (teacher,) = outbox(app, template="lectures/connection_test_to_teacher")
    assert "The connection test is on Tue 1 Dec 2026, 15:30 (Japan time)" in teacher.body_text
    assert "agree a time" not in teacher.body_text and LINK in teacher.body_text
    (to_lecturer,) = outbox(app, template="lectures/connection_test_to_lecturer")
    assert to_lecturer.recipient == lecturer.email
    assert "接続テストは2026年12月1日(火) 15:30です。" in to_lecturer.body_text
    # Once only, and not after the test has started.
    _remind(frozen, jst(date(2026, 12, 1), 9, 0))
    assert len(outbox(app, template="lectures/connection_test_to_teacher")) == 1


def test_a_moved_test_is_reminded_of_again(app, booked, coordinator, frozen):
    lecture, _lecturer, _token = booked
    services.set_meeting(lecture.id, services.MeetingData(LINK, TEST_AT), coordinator)
    _remind(frozen, jst(date(2026, 11, 30), 8, 0))
    frozen.move_to(jst(date(2026, 11, 30), 12, 0))
    db.session.rollback()
    services.set_meeting(lecture.id, services.MeetingData(LINK, at(date(2026, 12, 2), 16, 0)), coordinator)
    _remind(frozen, jst(date(2026, 12, 1), 8, 0))
    first, second = outbox(app, template="lectures/connection_test_to_teacher")
    assert "Wed 2 Dec 2026, 16:00" in second.body_text and "Tue 1 Dec 2026, 15:30" in first.body_text


def test_a_test_set_after_its_reminder_was_due_is_not_reminded_of(app, booked, coordinator, frozen):
    """The update email, sent just then, gave the time."""
    lecture, _lecturer, _token = booked
    frozen.move_to(jst(date(2026, 11, 30), 10, 0))
    db.session.rollback()
    services.set_meeting(lecture.id, services.MeetingData(LINK, TEST_AT), coordinator)
    _remind(frozen, jst(date(2026, 11, 30), 10, 15))
    assert outbox(app, template="lectures/connection_test_to_teacher") == []


def test_a_stored_test_is_reminded_of_even_if_the_school_did_not_ask(app, ctx, frozen, coordinator):
    lecturer = make_lecturer()
    lecture, _token = submit(make_program(), connection_test=False)
    services.schedule_request(
        lecture.id, services.BookingData(at(GOOD_DAY, 10, 30), (lecturer.id,)), coordinator
    )
    services.set_meeting(lecture.id, services.MeetingData("", TEST_AT), coordinator)
    _remind(frozen, jst(date(2026, 11, 30), 8, 0))
    assert len(outbox(app, template="lectures/connection_test_to_teacher")) == 1


# The lectures still waiting for a link --------------------------------------------------------


def test_online_lectures_missing_their_link_within_some_days_in_one_query(app, ctx, frozen, coordinator):
    program = make_program()
    lecturer = make_lecturer()
    soon = make_request(
        program, status="scheduled", lecturers=[lecturer], starts_at=at(date(2026, 11, 5), 10, 30)
    )
    later = make_request(
        program, status="scheduled", lecturers=[lecturer], starts_at=at(date(2026, 11, 20), 10, 30)
    )
    given = make_request(
        program, status="scheduled", lecturers=[lecturer], starts_at=at(date(2026, 11, 6), 10, 30)
    )
    given.meeting_url = LINK
    make_request(  # at the school: no link needed
        program,
        status="scheduled",
        lecturers=[lecturer],
        starts_at=at(date(2026, 11, 9), 10, 30),
        fmt=LectureFormat.IN_PERSON,
    )
    make_request(program, starts_at=at(date(2026, 11, 10), 10, 30))  # not scheduled
    make_request(  # cancelled
        program, status="cancelled_scheduled", lecturers=[lecturer], starts_at=at(date(2026, 11, 11), 10, 30)
    )
    make_request(  # already past
        program, status="scheduled", lecturers=[lecturer], starts_at=at(date(2026, 10, 30), 10, 30)
    )
    db.session.commit()
    with count_queries(app) as counter:
        found = services.online_lectures_missing_link(14)
        titles = [lecture.program.title_ja for lecture in found]
    assert [lecture.id for lecture in found] == [soon.id]
    assert counter.count == 1 and titles == [program.title_ja]
    assert [lecture.id for lecture in services.online_lectures_missing_link(30)] == [soon.id, later.id]


# The exports ---------------------------------------------------------------------------------


def test_the_export_has_the_meeting_columns_and_one_confirmed_date(
    app, booked, coordinator, coordinator_client
):
    lecture, _lecturer, _token = booked
    services.set_meeting(lecture.id, services.MeetingData(LINK, TEST_AT), coordinator)
    make_request(
        make_program(),
        fmt=LectureFormat.IN_PERSON,
        venue="体育館",
        notes="駐車場あり",
        starts_at=at(date(2026, 12, 8), 10, 0),
    )
    response = coordinator_client.get("/staff/lectures/export.csv?sort=reference")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    online = next(r for r in rows if r["受付番号"] == lecture.reference)
    assert online["確定した実施日時（日本時間）"] == "2026-12-03 10:30"
    assert online["第1希望の日時（日本時間）"] == "2026-12-03 10:30"
    assert online["使用するビデオ通話サービス"] == "Zoom"
    assert online["会議URLの発行者"] == "局が発行し、学校へ送る"
    assert online["会議URL登録済"] == "あり"
    assert online["接続テストの希望"] == "あり"
    assert online["接続テストの日時（日本時間）"] == "2026-12-01 15:30"
    assert LINK not in response.get_data(as_text=True)  # whether it is given, not the link itself
    at_school = next(r for r in rows if r["受付番号"] != lecture.reference)
    assert at_school["確定した実施日時（日本時間）"] == ""  # not booked: no confirmed date
    assert at_school["第1希望の日時（日本時間）"] == "2026-12-08 10:00"
    assert at_school["会場"] == "体育館" and at_school["学校からの連絡事項"] == "駐車場あり"
    assert at_school["会議URL登録済"] == "" and at_school["使用するビデオ通話サービス"] == ""


# The demo ------------------------------------------------------------------------------------


def test_the_demo_has_one_online_lecture_soon_still_waiting_for_its_link(app, ctx, frozen):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "a teacher's page still owing its link: /lectures/manage/" in result.output
    (waiting,) = services.online_lectures_missing_link(7)
    assert waiting.school_sends_link and waiting.connection_test_at is None
    online = db.session.scalars(
        sa.select(LectureRequest).where(
            LectureRequest.format == LectureFormat.ONLINE, LectureRequest.status == LectureStatus.SCHEDULED
        )
    ).all()
    others = [lecture for lecture in online if lecture.id != waiting.id]
    assert others and all(meeting_link_problem(lecture.meeting_url) is None for lecture in others)
    assert any(lecture.connection_test_at is not None for lecture in others)


def test_a_test_long_before_its_lecture_is_reminded_of_too(app, ctx, frozen, coordinator):
    lecturer = make_lecturer()
    lecture, _token = submit(make_program())
    services.schedule_request(
        lecture.id, services.BookingData(at(GOOD_DAY, 10, 30), (lecturer.id,)), coordinator
    )
    test_at = at(date(2026, 11, 20), 15, 0)  # 13 days before the lecture
    services.set_meeting(lecture.id, services.MeetingData(LINK, test_at), coordinator)
    _remind(frozen, jst(date(2026, 11, 19), 8, 0))
    (teacher,) = outbox(app, template="lectures/connection_test_to_teacher")
    assert "Fri 20 Nov 2026, 15:00" in teacher.body_text or "2026年11月20日(金) 15:00" in teacher.body_text
