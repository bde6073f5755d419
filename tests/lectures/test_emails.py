"""The emails about a lecture reach the SMTP server, with calendar entries that stay in step.

The .ics files are read back with the icalendar library: one UID for the lecture's whole
life, a SEQUENCE that grows with each change, METHOD:CANCEL when it is called off, and
times in UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from icalendar import Calendar

from booking.lectures import services
from booking.notifications.sender import deliver_due
from tests.factories.lectures import GOOD_DAY, at, make_lecturer, make_program, submit


def calendar_of(message) -> Calendar:
    (ics,) = [data for name, kind, data in message.attachments() if kind == "text/calendar"]
    return Calendar.from_ical(ics)


def event_of(message):
    (event,) = Calendar.walk(calendar_of(message), "VEVENT")
    return event


def only(smtp, address, subject_part):
    found = [m for m in smtp.to(address) if subject_part in m.subject]
    assert len(found) == 1, [m.subject for m in smtp.to(address)]
    return found[0]


@pytest.fixture
def booked(ctx, frozen, coordinator):
    """A request sent in English, scheduled with a lecturer in Tokyo and one in Phnom Penh."""
    program = make_program(title_en="The Phnom Penh miracle")
    tokyo = make_lecturer(name="水野 健太", email="mizuno@example.jp")
    phnom_penh = make_lecturer(
        name="北野 真理子", email="kitano@example.jp", time_zone="Asia/Phnom_Penh", language="en"
    )
    lecture, _token = submit(program, language="en")
    data = services.BookingData(
        at(GOOD_DAY, 10, 30), (tokyo.id, phnom_penh.id), message="We arrive at 10:00."
    )
    services.schedule_request(lecture.id, data, coordinator)
    return lecture, tokyo, phnom_penh


def test_scheduling_sends_invitations_with_a_stable_uid_and_utc_times(booked, smtp):
    _lecture, tokyo, phnom_penh = booked
    deliver_due()
    teacher = only(smtp, "teacher@example.jp", "is booked")
    assert "Thu 3 Dec 2026, 10:30" in teacher.text and "We arrive at 10:00." in teacher.text
    assert "/lectures/manage/" in teacher.text and "/lectures/manage/" in teacher.html
    calendar = calendar_of(teacher)
    assert str(calendar["METHOD"]) == "REQUEST"
    event = event_of(teacher)
    assert str(event["UID"]).startswith("lecture-l-2026-0001@")
    assert int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART") == datetime(2026, 12, 3, 1, 30, tzinfo=UTC)  # 10:30 in Japan
    assert event.decoded("DTEND") == datetime(2026, 12, 3, 2, 15, tzinfo=UTC)
    assert event.to_ical().decode().count("DTSTART:20261203T013000Z") == 1  # written in UTC
    for address in (tokyo.email, phnom_penh.email):
        invitation = only(smtp, address, "[L-2026-0001]")
        assert str(event_of(invitation)["UID"]) == str(event["UID"])


def test_a_lecturer_abroad_sees_japan_time_and_their_own(booked, smtp):
    _lecture, tokyo, phnom_penh = booked
    deliver_due()
    abroad = only(smtp, phnom_penh.email, "[L-2026-0001]")
    assert "Thu 3 Dec 2026, 10:30–11:15 Japan time / 08:30–09:15 Cambodia Time" in abroad.text
    assert "Thu 3 Dec 2026, 10:30–11:15 Japan time / 08:30–09:15 Cambodia Time" in abroad.html
    assert "10:30 Japan time / 08:30 Cambodia Time" in abroad.subject
    at_home = only(smtp, tokyo.email, "[L-2026-0001]")
    assert "2026年12月3日(木) 10:30–11:15" in at_home.text and "カンボジア" not in at_home.text


def test_rescheduling_keeps_the_uid_and_raises_the_sequence(booked, smtp, coordinator):
    lecture, tokyo, phnom_penh = booked
    data = services.BookingData(at(GOOD_DAY, 13, 30), (tokyo.id,), message="The gym is in use that morning.")
    services.reschedule_request(lecture.id, data, coordinator)
    deliver_due()
    first = event_of(only(smtp, "teacher@example.jp", "is booked"))
    moved = only(smtp, "teacher@example.jp", "has moved")
    assert "The gym is in use that morning." in moved.text
    assert str(event_of(moved)["UID"]) == str(first["UID"])
    assert int(event_of(moved)["SEQUENCE"]) == 1
    assert event_of(moved).decoded("DTSTART") == datetime(2026, 12, 3, 4, 30, tzinfo=UTC)
    assert int(event_of(only(smtp, tokyo.email, "日程変更"))["SEQUENCE"]) == 1
    # Taken off the lecture: the entry is withdrawn from that lecturer's calendar.
    dropped = only(smtp, phnom_penh.email, "no longer give")
    assert str(calendar_of(dropped)["METHOD"]) == "CANCEL"


def test_cancelling_sends_method_cancel_with_a_higher_sequence(booked, smtp, coordinator):
    lecture, tokyo, _phnom_penh = booked
    services.cancel_request(lecture.id, "The lecturer is unwell.", coordinator)
    deliver_due()
    cancelled = only(smtp, "teacher@example.jp", "is cancelled")
    assert "The lecturer is unwell." in cancelled.text
    calendar = calendar_of(cancelled)
    assert str(calendar["METHOD"]) == "CANCEL"
    event = event_of(cancelled)
    assert int(event["SEQUENCE"]) == 1 and str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == str(event_of(only(smtp, "teacher@example.jp", "is booked"))["UID"])
    assert str(calendar_of(only(smtp, tokyo.email, "講座の取消"))["METHOD"]) == "CANCEL"


def test_proposed_dates_reach_the_teacher_with_the_link(ctx, frozen, coordinator, smtp, app):
    lecturer = make_lecturer()
    lecture, _token = submit(make_program())
    proposal = services.ProposalData(
        (at(GOOD_DAY, 13, 30),), (lecturer.id,), "ご希望の日は講師の都合がつきません。"
    )
    services.propose_dates(lecture.id, proposal, coordinator)
    deliver_due()
    message = only(smtp, "teacher@example.jp", "日程をお選びください")
    assert (
        "2026年12月3日(木) 13:30" in message.text and "ご希望の日は講師の都合がつきません。" in message.text
    )
    link = next(line for line in message.text.splitlines() if "/lectures/manage/" in line).strip()
    page = app.test_client().get(link.replace("http://booking.test", ""))
    assert page.status_code == 200 and "この日程で確定する" in page.get_data(as_text=True)


def test_a_declined_request_tells_the_teacher_why(ctx, frozen, coordinator, smtp):
    lecture, _token = submit(make_program())
    services.decline_request(lecture.id, "この講座は中学生向けです。", coordinator)
    deliver_due()
    message = only(smtp, "teacher@example.jp", "お申し込みについて")
    assert "理由：この講座は中学生向けです。" in message.text
    assert "この講座は中学生向けです。" in message.html
    assert message.attachments() == []


def test_the_school_cancelling_tells_the_coordinators_and_the_lecturers(ctx, frozen, coordinator, smtp):
    lecturer = make_lecturer(email="mizuno@example.jp")
    lecture, _token = submit(make_program())
    services.schedule_request(
        lecture.id, services.BookingData(at(GOOD_DAY, 10, 30), (lecturer.id,)), coordinator
    )
    services.cancel_by_school(lecture.id, "学校行事と重なりました。")
    deliver_due()
    assert "学校行事と重なりました。" in only(smtp, coordinator.email, "取り消しました").text
    assert str(calendar_of(only(smtp, "mizuno@example.jp", "講座の取消"))["METHOD"]) == "CANCEL"
    assert str(calendar_of(only(smtp, "teacher@example.jp", "取り消しました"))["METHOD"]) == "CANCEL"


def test_every_lecture_email_has_text_and_html_in_both_languages(ctx, frozen, coordinator, lecturer):
    from booking.lectures.models import LectureStatus
    from booking.notifications.services import render_email
    from tests.factories.lectures import make_request

    lecture = make_request(make_program(), status="scheduled", lecturers=[lecturer])
    lecture.status = LectureStatus.SCHEDULED
    events = [
        "submitted_to_teacher",
        "submitted_to_coordinator",
        "proposed_to_teacher",
        "scheduled_to_teacher",
        "scheduled_to_lecturer",
        "date_chosen_to_coordinator",
        "rescheduled_to_teacher",
        "rescheduled_to_lecturer",
        "unassigned_to_lecturer",
        "cancelled_to_teacher",
        "cancelled_to_lecturer",
        "cancelled_to_coordinator",
        "declined_to_teacher",
    ]
    context = {
        "lecture": lecture,
        "link": "http://booking.test/x",
        "user": lecturer,
        "zone": "Asia/Phnom_Penh",
        "previous_start": at(GOOD_DAY, 9, 0),
        "by_school": False,
        "was_scheduled": True,
    }
    for event in events:
        for language in ("ja", "en"):
            email = render_email(f"lectures/{event}", language, context)
            assert email.subject.startswith(f"[{lecture.reference}]")
            assert lecture.reference in email.text and lecture.reference in email.html
            assert ("様" in email.text) == (language == "ja"), (event, language)
