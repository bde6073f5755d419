"""What `flask send-reminders` sends about lectures, to whom, in which language, and when.

The lecture of these tests is on Thursday 3 December 2026 at 10:30 Japan time. With the
default three reminder days its reminder is due from Monday 30 November, 08:00 Japan time;
the connection test's from Thursday 26 November, 08:00.
"""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
import sqlalchemy as sa

from booking.core.time import JST
from booking.extensions import db
from booking.lectures import reminders, services
from booking.lectures.models import LectureFormat, LectureLink, MeetingHost
from booking.notifications.sender import deliver_due
from booking.settings.models import BureauSettings
from booking.settings.services import forget_cached_settings
from tests.factories.lectures import GOOD_DAY, at, make_lecturer, make_program, make_request, submit
from tests.helpers import outbox

REMINDER = "lectures/reminder_to_teacher"
LECTURER_REMINDER = "lectures/reminder_to_lecturer"
TEST_REMINDER = "lectures/connection_test_to_teacher"
TEST_LECTURER_REMINDER = "lectures/connection_test_to_lecturer"


def jst(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=JST)


def templates(app) -> list[tuple[str, str]]:
    return [
        (e.template, e.recipient)
        for e in outbox(app)
        if "reminder" in e.template or "connection" in e.template
    ]


def remind(frozen, when: datetime) -> str:
    """Move the clock to `when` and run the lecture reminders as the command does."""
    frozen.move_to(when)
    db.session.rollback()
    return "\n".join(
        job() for job in (reminders.send_lecture_reminders, reminders.send_connection_test_reminders)
    )


@pytest.fixture
def booked(ctx, frozen, coordinator):
    """An online lecture asked for in English, with a connection test, booked with two lecturers."""
    tokyo = make_lecturer(name="水野 健太", email="mizuno@example.jp")
    phnom_penh = make_lecturer(
        name="北野 真理子", email="kitano@example.jp", time_zone="Asia/Phnom_Penh", language="en"
    )
    lecture, _token = submit(make_program(), language="en")
    services.schedule_request(
        lecture.id, services.BookingData(at(GOOD_DAY, 10, 30), (tokyo.id, phnom_penh.id)), coordinator
    )
    return lecture, tokyo, phnom_penh


def test_nothing_is_sent_before_08_00_three_days_before(app, frozen, booked):
    out = remind(frozen, jst(date(2026, 11, 30), 7, 59))
    assert [t for t in templates(app) if t[0] in (REMINDER, LECTURER_REMINDER)] == []
    assert "reminders of 0 lecture(s) within 3 day(s)" in out


def test_the_teacher_and_each_lecturer_are_reminded_once_in_their_language(app, frozen, booked):
    _lecture, tokyo, phnom_penh = booked
    out = remind(frozen, jst(date(2026, 11, 30), 8, 0))
    assert "reminders of 1 lecture(s) within 3 day(s) queued, 1 to teachers and 2 to lecturers" in out
    (teacher,) = outbox(app, template=REMINDER)
    assert teacher.recipient == "teacher@example.jp" and teacher.language == "en"
    assert teacher.subject == "[L-2026-0001] Reminder: your lecture on Thu 3 Dec 2026, 10:30"
    assert "Your outreach lecture is in 3 days." in teacher.body_text
    assert "Thu 3 Dec 2026, 10:30–11:15 (Japan time)" in teacher.body_text
    assert "Zoom" in teacher.body_text and "We send you the meeting link" in teacher.body_text
    assert "You asked for a connection test." in teacher.body_text
    links = [w for w in teacher.body_text.split() if "/lectures/manage/" in w]
    assert any(w.endswith("/calendar.ics") for w in links) and len(links) == 2
    assert "/calendar.ics" in teacher.body_html
    at_home = outbox(app, to=tokyo.email, template=LECTURER_REMINDER)[0]
    assert at_home.language == "ja" and "3日後に、次の出前講座を担当します。" in at_home.body_text
    assert "2026年12月3日(木) 10:30–11:15" in at_home.body_text and "カンボジア" not in at_home.body_text
    abroad = outbox(app, to=phnom_penh.email, template=LECTURER_REMINDER)[0]
    assert abroad.language == "en" and "You give this outreach lecture in 3 days." in abroad.body_text
    assert "Thu 3 Dec 2026, 10:30–11:15 Japan time / 08:30–09:15 Cambodia Time" in abroad.body_text
    assert "10:30 Japan time / 08:30 Cambodia Time" in abroad.subject
    assert "teacher@example.jp" not in abroad.body_text + abroad.body_html  # lecturers need no contacts

    # Later runs, the same day and the next, send nothing again.
    before = len(outbox(app))
    remind(frozen, jst(date(2026, 11, 30), 8, 15))
    remind(frozen, jst(date(2026, 12, 2), 9, 0))
    assert len(outbox(app)) == before


def test_a_reminder_carries_a_working_private_link(app, client, frozen, booked):
    remind(frozen, jst(date(2026, 11, 30), 8, 0))
    (teacher,) = outbox(app, template=REMINDER)
    links = [w for w in teacher.body_text.split() if "/lectures/manage/" in w]
    link = next(w for w in links if not w.endswith(".ics"))
    page = client.get(link.replace("http://booking.test", ""))
    assert page.status_code == 200 and "L-2026-0001" in page.get_data(as_text=True)
    assert client.get(link.replace("http://booking.test", "") + "/calendar.ics").status_code == 200


def test_no_private_link_is_made_when_nothing_is_sent(app, frozen, booked):
    remind(frozen, jst(date(2026, 11, 30), 8, 0))
    links = db.session.scalar(sa.select(sa.func.count(LectureLink.id)))
    remind(frozen, jst(date(2026, 11, 30), 9, 0))
    assert db.session.scalar(sa.select(sa.func.count(LectureLink.id))) == links


def test_the_setting_decides_how_many_days_before(app, frozen, booked):
    db.session.add(BureauSettings(id=1, reminder_days=1))
    db.session.commit()
    forget_cached_settings()
    remind(frozen, jst(date(2026, 11, 30), 8, 0))
    assert outbox(app, template=REMINDER) == []
    out = remind(frozen, jst(date(2026, 12, 2), 8, 0))
    assert "within 1 day(s)" in out
    (teacher,) = outbox(app, template=REMINDER)
    assert "Your outreach lecture is tomorrow." in teacher.body_text


def test_a_cancelled_lecture_gets_no_reminder(app, frozen, booked, coordinator):
    lecture, _tokyo, _phnom_penh = booked
    services.cancel_request(lecture.id, "The gym is closed.", coordinator)
    remind(frozen, jst(date(2026, 11, 26), 8, 0))
    remind(frozen, jst(date(2026, 11, 30), 8, 0))
    assert templates(app) == []


def test_a_moved_lecture_is_reminded_again_for_its_new_date(app, frozen, booked, coordinator):
    lecture, tokyo, _phnom_penh = booked
    remind(frozen, jst(date(2026, 11, 30), 8, 0))
    assert len(outbox(app, template=REMINDER)) == 1
    # Later that day the lecture moves a week on, with one lecturer.
    frozen.move_to(jst(date(2026, 11, 30), 11, 0))
    services.reschedule_request(
        lecture.id,
        services.BookingData(
            at(date(2026, 12, 10), 10, 30), (tokyo.id,), message="Moved.", override_reason="学校行事のため"
        ),
        coordinator,
    )
    remind(frozen, jst(date(2026, 12, 7), 7, 59))
    assert len(outbox(app, template=REMINDER)) == 1
    remind(frozen, jst(date(2026, 12, 7), 8, 0))
    first, second = outbox(app, template=REMINDER)
    assert "Thu 10 Dec 2026, 10:30" in second.subject and "Thu 3 Dec" in first.subject
    assert [e.recipient for e in outbox(app, template=LECTURER_REMINDER)][-1] == tokyo.email
    assert len(outbox(app, to="kitano@example.jp", template=LECTURER_REMINDER)) == 1  # taken off


def test_a_lecture_booked_inside_the_window_is_not_reminded_of_again(app, frozen, coordinator):
    """The booking email, sent just before, already says it all."""
    lecturer = make_lecturer()
    frozen.move_to(jst(date(2026, 12, 1), 10, 0))
    make_request(make_program(), status="scheduled", lecturers=[lecturer], starts_at=at(GOOD_DAY, 10, 30))
    assert "reminders of 0 lecture(s)" in remind(frozen, jst(date(2026, 12, 1), 10, 15))
    assert templates(app) == []


def test_a_lecture_that_has_started_is_not_reminded_of(app, frozen, coordinator):
    lecturer = make_lecturer()
    make_request(make_program(), status="scheduled", lecturers=[lecturer], starts_at=at(GOOD_DAY, 10, 30))
    remind(frozen, jst(GOOD_DAY, 10, 31))
    assert templates(app) == []


def test_an_inactive_lecturer_is_not_reminded(app, frozen, booked):
    _lecture, tokyo, _phnom_penh = booked
    tokyo.active = False
    db.session.commit()
    remind(frozen, jst(date(2026, 11, 30), 8, 0))
    assert [e.recipient for e in outbox(app, template=LECTURER_REMINDER)] == ["kitano@example.jp"]


# The connection test -------------------------------------------------------------------------


def test_the_connection_test_reminder_goes_a_week_before_once(app, frozen, booked):
    _lecture, tokyo, phnom_penh = booked
    remind(frozen, jst(date(2026, 11, 26), 7, 59))
    assert templates(app) == []
    out = remind(frozen, jst(date(2026, 11, 26), 8, 0))
    assert "connection-test reminders of 1 online lecture(s) queued, 1 to teachers and 2 to lecturers" in out
    (teacher,) = outbox(app, template=TEST_REMINDER)
    assert teacher.language == "en"
    assert (
        teacher.subject == "[L-2026-0001] Connection test before your online lecture on Thu 3 Dec 2026, 10:30"
    )
    assert "Your outreach lecture is in 7 days." in teacher.body_text
    assert "Video call service: Zoom" in teacher.body_text
    assert "Meeting link: The bureau sends the school the link" in teacher.body_text
    assert "/lectures/manage/" in teacher.body_text
    staff = {e.recipient: e for e in outbox(app, template=TEST_LECTURER_REMINDER)}
    assert set(staff) == {tokyo.email, phnom_penh.email}
    assert "会議URL：局が発行し、学校へ送る" in staff[tokyo.email].body_text
    assert "Cambodia Time" in staff[phnom_penh.email].subject
    remind(frozen, jst(date(2026, 11, 27), 8, 0))
    assert len(outbox(app, template=TEST_REMINDER)) == 1
    # Three days before, the lecture reminder follows; the test reminder does not come again.
    remind(frozen, jst(date(2026, 11, 30), 8, 0))
    assert len(outbox(app, template=TEST_REMINDER)) == 1 and len(outbox(app, template=REMINDER)) == 1


def test_the_school_issuing_the_link_is_asked_to_send_it(app, frozen, coordinator):
    lecturer = make_lecturer()
    lecture, _token = submit(make_program(), meeting_link_by=MeetingHost.SCHOOL)
    services.schedule_request(
        lecture.id, services.BookingData(at(GOOD_DAY, 10, 30), (lecturer.id,)), coordinator
    )
    remind(frozen, jst(date(2026, 11, 26), 8, 0))
    (teacher,) = outbox(app, template=TEST_REMINDER)
    assert "会議URL：学校が発行し、局へ送る" in teacher.body_text
    assert "会議URLをまだお送りいただいていない場合は" in teacher.body_text
    assert "学校が発行し、局へ送られます" in outbox(app, template=TEST_LECTURER_REMINDER)[0].body_text


def test_no_connection_test_reminder_when_none_was_asked_for(app, frozen, coordinator):
    lecturer = make_lecturer()
    lecture, _token = submit(make_program(), connection_test=False)
    services.schedule_request(
        lecture.id, services.BookingData(at(GOOD_DAY, 10, 30), (lecturer.id,)), coordinator
    )
    remind(frozen, jst(date(2026, 11, 26), 8, 0))
    assert outbox(app, template=TEST_REMINDER) == []
    remind(frozen, jst(date(2026, 11, 30), 8, 0))
    (teacher,) = outbox(app, template=REMINDER)
    assert "connection test" not in teacher.body_text.lower() and "接続テスト" not in teacher.body_text


def test_no_connection_test_reminder_for_a_lecture_at_the_school(app, ctx, frozen):
    lecturer = make_lecturer()
    make_request(
        make_program(),
        status="scheduled",
        fmt=LectureFormat.IN_PERSON,
        lecturers=[lecturer],
        connection_test=True,  # set by mistake on a lecture at the school: ignored
        venue="体育館",
    )
    remind(frozen, jst(date(2026, 11, 26), 8, 0))
    assert outbox(app, template=TEST_REMINDER) == []
    remind(frozen, jst(date(2026, 11, 30), 8, 0))
    (teacher,) = outbox(app, template=REMINDER)
    assert "接続テスト" not in teacher.body_text and "体育館" in teacher.body_text


def test_booked_less_than_a_week_ahead_the_lecture_reminder_carries_the_test(app, ctx, frozen):
    lecturer = make_lecturer()
    frozen.move_to(jst(date(2026, 11, 27), 10, 0))
    make_request(
        make_program(),
        status="scheduled",
        lecturers=[lecturer],
        starts_at=at(GOOD_DAY, 10, 30),
        connection_test=True,
    )
    remind(frozen, jst(date(2026, 11, 27), 10, 15))
    assert templates(app) == []
    remind(frozen, jst(date(2026, 11, 30), 8, 0))
    assert outbox(app, template=TEST_REMINDER) == []
    (teacher,) = outbox(app, template=REMINDER)
    assert "接続テストをご希望いただいています。" in teacher.body_text


def test_reminders_reach_the_mail_server(app, frozen, booked, smtp):
    remind(frozen, jst(date(2026, 11, 26), 8, 0))
    remind(frozen, jst(date(2026, 11, 30), 8, 0))
    deliver_due()
    subjects = {m.subject for m in smtp.to("teacher@example.jp")}
    assert {
        "[L-2026-0001] Connection test before your online lecture on Thu 3 Dec 2026, 10:30",
        "[L-2026-0001] Reminder: your lecture on Thu 3 Dec 2026, 10:30",
    } < subjects
    reminder = next(m for m in smtp.to("teacher@example.jp") if "Reminder" in m.subject)
    assert "/lectures/manage/" in reminder.text and "/lectures/manage/" in reminder.html
    assert any("講座のお知らせ" in m.subject for m in smtp.to("mizuno@example.jp"))


def test_the_command_prints_what_it_queued(app, frozen, booked):
    frozen.move_to(jst(date(2026, 11, 30), 8, 0))
    result = app.test_cli_runner().invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    assert (
        "Lectures: reminders of 1 lecture(s) within 3 day(s) queued, 1 to teachers and 2 to lecturers."
        in (result.output)
    )
    assert "Lectures: 0 feedback reminder(s) to teachers queued." in result.output
