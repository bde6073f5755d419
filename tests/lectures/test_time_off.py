"""Time off over booked lectures: found with the lecture's buffer, emailed to the coordinators
once, flagged in the inbox and on the lecture's page until it is resolved; whole days."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from booking.audit.models import AuditEntry
from booking.core.auth import Role
from booking.core.errors import DomainError
from booking.core.i18n import format_day_range
from booking.core.time import JST
from booking.extensions import db
from booking.lectures import services
from booking.lectures.formatting import time_off_span
from booking.lectures.models import (
    LectureFormat,
)
from booking.scheduling.models import TimeOff
from tests.factories import make_user
from tests.factories.lectures import GOOD_DAY, at, make_lecturer, make_request
from tests.helpers import count_queries, outbox

ONLINE, IN_PERSON = LectureFormat.ONLINE, LectureFormat.IN_PERSON
EN = {"Accept-Language": "en"}
TEMPLATE = "lectures/time_off_clash_to_coordinator"


def time_off(lecturer, start, end, actor, reason="休暇", whole_days=False):
    data = services.PeriodData(start, end, reason, whole_days=whole_days)
    return services.add_unavailability(lecturer, data, actor)


def whole_days(first: date, last: date) -> tuple[datetime, datetime]:
    start = datetime.combine(first, time(0, 0), tzinfo=JST)
    return start, datetime.combine(last, time(0, 0), tzinfo=JST) + timedelta(days=1)


def booked(program, lecturer, fmt=IN_PERSON, hour=10, minute=30, day=GOOD_DAY):
    """A lecture of 45 minutes booked for `lecturer` (buffer: 60 in person, 15 online)."""
    return make_request(
        program, fmt=fmt, status="scheduled", lecturers=[lecturer], starts_at=at(day, hour, minute)
    )


def clash_references() -> list[str]:
    return [lecture.reference for lecture in services.time_off_clashes()]


# Which time off clashes: the lecture widened by its own buffer; touching edges do not --------

# (format, time off from, time off to (Japan time on GOOD_DAY), clashes?) for a lecture 10:30–11:15.
EDGES = [
    (IN_PERSON, (8, 0), (9, 30), False),  # ends where the 60-minute buffer starts
    (IN_PERSON, (8, 0), (9, 31), True),
    (IN_PERSON, (12, 15), (13, 0), False),  # starts where the buffer after it ends
    (IN_PERSON, (12, 14), (13, 0), True),
    (IN_PERSON, (10, 45), (11, 0), True),  # inside the lecture
    (ONLINE, (8, 0), (10, 15), False),  # online: a 15-minute buffer
    (ONLINE, (8, 0), (10, 16), True),
    (ONLINE, (11, 30), (13, 0), False),
    (ONLINE, (11, 29), (13, 0), True),
]


@pytest.mark.parametrize(("fmt", "start", "end", "clashes"), EDGES)
def test_time_off_clashes_with_a_lecture_and_its_buffer_but_not_at_touching_edges(
    frozen, program, coordinator, lecturer, fmt, start, end, clashes
):
    lecture = booked(program, lecturer, fmt)
    affected = time_off(lecturer, at(GOOD_DAY, *start), at(GOOD_DAY, *end), coordinator)
    assert [a.request_id for a in affected] == ([lecture.id] if clashes else [])
    assert clash_references() == ([lecture.reference] if clashes else [])
    assert db.session.scalar(sa.select(sa.func.count(TimeOff.id))) == 1  # saved all the same


def test_only_the_lecturers_own_scheduled_lectures_clash(frozen, program, coordinator, lecturer):
    other = make_lecturer()
    booked(program, other)
    make_request(program, status="cancelled_scheduled", lecturers=[lecturer], starts_at=at(GOOD_DAY, 10, 30))
    make_request(program, status="submitted")
    assert time_off(lecturer, *whole_days(GOOD_DAY, GOOD_DAY), coordinator, whole_days=True) == []
    assert clash_references() == []


def test_removing_the_time_off_resolves_the_clash(frozen, program, coordinator, lecturer):
    lecture = booked(program, lecturer)
    time_off(lecturer, *whole_days(GOOD_DAY, GOOD_DAY), coordinator, whole_days=True)
    assert clash_references() == [lecture.reference]
    period = db.session.scalar(sa.select(TimeOff))
    services.remove_unavailability(period, coordinator)
    assert clash_references() == []


def test_giving_the_lecture_another_lecturer_resolves_the_clash(frozen, program, coordinator, lecturer):
    lecture = booked(program, lecturer)
    time_off(lecturer, *whole_days(GOOD_DAY, GOOD_DAY), coordinator, whole_days=True)
    other = make_lecturer()
    data = services.BookingData(starts_at=at(GOOD_DAY, 10, 30), lecturer_ids=(other.id,), message="講師変更")
    services.reschedule_request(lecture.id, data, coordinator)
    assert clash_references() == []


def test_moving_the_lecture_out_of_the_time_off_resolves_the_clash(frozen, program, coordinator, lecturer):
    lecture = booked(program, lecturer)
    time_off(lecturer, *whole_days(GOOD_DAY, GOOD_DAY), coordinator, whole_days=True)
    later = at(GOOD_DAY + timedelta(days=1), 10, 30)
    data = services.BookingData(starts_at=later, lecturer_ids=(lecturer.id,), message="日程変更")
    services.reschedule_request(lecture.id, data, coordinator)
    assert clash_references() == []


def test_the_clashes_for_the_dashboard_take_one_query(app, frozen, program, coordinator, lecturer):
    for day in range(4):
        booked(program, lecturer, day=GOOD_DAY + timedelta(days=day))
    time_off(lecturer, *whole_days(GOOD_DAY, GOOD_DAY + timedelta(days=3)), coordinator, whole_days=True)
    db.session.expire_all()
    with count_queries(app) as counter:
        found = services.time_off_clashes()
        titles = [lecture.program.title() for lecture in found]
    assert len(found) == 4 and len(titles) == 4
    assert counter.count == 1


# The coordinators' email ---------------------------------------------------------------------


def test_each_coordinator_gets_one_email_per_entry_listing_the_lectures_in_their_language(
    app, frozen, program, coordinator, lecturer
):
    english = make_user(Role.COORDINATOR, email="en-coord@example.jp", language="en")
    first = booked(program, lecturer, hour=10, minute=30)
    second = booked(program, lecturer, day=GOOD_DAY + timedelta(days=1))
    booked(program, make_lecturer(), day=GOOD_DAY)  # another lecturer's: not listed
    time_off(lecturer, *whole_days(GOOD_DAY, GOOD_DAY + timedelta(days=1)), lecturer, whole_days=True)

    emails = outbox(app, template=TEMPLATE)
    assert sorted(e.recipient for e in emails) == sorted([coordinator.email, english.email])
    japanese = next(e for e in emails if e.recipient == coordinator.email)
    in_english = next(e for e in emails if e.recipient == english.email)
    for email in emails:
        assert first.reference in email.body_text and second.reference in email.body_text
        assert first.contact_name not in email.body_text and first.contact_email not in email.body_text
        assert first.contact_email not in email.body_html
    assert "水野 健太" in japanese.subject and "2件" in japanese.subject
    assert "12月3日(木)〜12月4日(金)" in japanese.body_text
    assert in_english.subject.startswith("Time off over booked lectures") and "Thu 3 Dec – Fri 4 Dec" in (
        in_english.body_text
    )
    # A second entry over the same lecture is a new fact: one more email each, not more.
    time_off(lecturer, at(GOOD_DAY, 11, 0), at(GOOD_DAY, 12, 0), lecturer)
    assert len(outbox(app, template=TEMPLATE)) == 4


def test_time_off_over_no_lecture_emails_nobody(app, frozen, program, coordinator, lecturer):
    booked(program, lecturer)
    time_off(lecturer, *whole_days(GOOD_DAY + timedelta(days=2), GOOD_DAY + timedelta(days=2)), lecturer)
    assert outbox(app, template=TEMPLATE) == []


def test_the_entry_is_audited_with_ids_only(frozen, program, coordinator, lecturer):
    booked(program, lecturer)
    time_off(lecturer, *whole_days(GOOD_DAY, GOOD_DAY), coordinator, reason="通院", whole_days=True)
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "lecturer.unavailable_add"))
    assert entry.subject_id == str(lecturer.id) or entry.subject_id == lecturer.id
    assert entry.details["lectures"] == 1 and "通院" not in str(entry.details)


# What may be entered ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (at(date(2026, 11, 1), 0, 0), at(date(2026, 11, 3), 0, 0), "start_date"),  # yesterday
        (at(GOOD_DAY, 12, 0), at(GOOD_DAY, 11, 0), "end_date"),  # end before start
        (at(GOOD_DAY, 12, 0), at(GOOD_DAY, 12, 0), "end_date"),
        (at(GOOD_DAY, 0, 0), at(date(2036, 12, 3), 0, 0), "end_date"),  # ten years
        (at(date(2099, 1, 5), 0, 0), at(date(2099, 1, 6), 0, 0), "start_date"),  # far ahead
    ],
)
def test_time_off_that_cannot_be_is_refused_with_a_message_and_nothing_is_saved(
    frozen, coordinator, lecturer, start, end, field
):
    with pytest.raises(DomainError) as refused:
        time_off(lecturer, start, end, coordinator)
    assert field in [e.field for e in refused.value.errors]
    assert db.session.scalar(sa.select(sa.func.count(TimeOff.id))) == 0


def test_time_off_starting_today_is_taken(frozen, coordinator, lecturer):
    time_off(lecturer, *whole_days(date(2026, 11, 2), date(2026, 11, 2)), coordinator, whole_days=True)
    assert db.session.scalar(sa.select(sa.func.count(TimeOff.id))) == 1


# Whole days read as days -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last", "language", "expected"),
    [
        (date(2026, 12, 24), date(2027, 1, 5), "ja", "12月24日(木)〜1月5日(火)"),
        (date(2026, 12, 24), date(2027, 1, 5), "en", "Thu 24 Dec – Tue 5 Jan"),
        (date(2026, 12, 24), date(2026, 12, 24), "ja", "12月24日(木)"),
        (date(2027, 2, 1), date(2027, 2, 3), "ja", "2027年2月1日(月)〜2027年2月3日(水)"),
        (date(2027, 2, 1), date(2027, 2, 3), "en", "Mon 1 Feb 2027 – Wed 3 Feb 2027"),
    ],
)
def test_whole_days_read_as_days_with_the_year_only_where_needed(ctx, first, last, language, expected):
    assert format_day_range(first, last, language, today=date(2026, 11, 2)) == expected


def test_a_whole_day_period_never_reads_as_midnight_of_the_next_day(frozen, coordinator, lecturer):
    time_off(lecturer, *whole_days(date(2026, 12, 24), date(2027, 1, 5)), coordinator, whole_days=True)
    period = db.session.scalar(sa.select(TimeOff))
    assert time_off_span(period, "Asia/Tokyo", "ja") == "12月24日(木)〜1月5日(火)"
    assert time_off_span(period, "Asia/Phnom_Penh", "en") == "Thu 24 Dec – Tue 5 Jan"


# Pages ----------------------------------------------------------------------------------------


def test_the_inbox_marks_a_lecture_whose_lecturer_has_time_off_in_words(
    frozen, program, coordinator, coordinator_client, lecturer
):
    clashing = booked(program, lecturer)
    fine = booked(program, make_lecturer(), day=GOOD_DAY + timedelta(days=1))
    time_off(lecturer, *whole_days(GOOD_DAY, GOOD_DAY), coordinator, whole_days=True)
    html = coordinator_client.get("/staff/lectures/", headers=EN).get_data(as_text=True)
    assert "Lecturer on time off" in row_of(html, clashing.reference)
    assert "Lecturer on time off" not in row_of(html, fine.reference)
    assert html.count("Lecturer on time off") == 1


def row_of(html: str, reference: str) -> str:
    return html.split(f">{reference}</a>")[1].split("</tr>")[0]


def inbox_queries(app, client) -> int:
    with count_queries(app) as counter:
        assert client.get("/staff/lectures/").status_code == 200
    return counter.count


def test_the_inbox_query_count_stays_the_same_with_clashes(
    app, frozen, program, coordinator, coordinator_client, lecturer
):
    booked(program, lecturer)
    without = inbox_queries(app, coordinator_client)
    for day in range(1, 30):
        booked(program, lecturer, day=GOOD_DAY + timedelta(days=day))
    time_off(lecturer, *whole_days(GOOD_DAY, GOOD_DAY + timedelta(days=40)), coordinator, whole_days=True)
    assert len(services.time_off_clashes()) == 30
    assert inbox_queries(app, coordinator_client) == without


def test_the_lecture_page_says_who_has_time_off_and_links_to_a_free_lecturer(
    frozen, program, coordinator, coordinator_client, lecturer
):
    lecture = booked(program, lecturer)
    time_off(lecturer, *whole_days(GOOD_DAY, GOOD_DAY), coordinator, whole_days=True)
    html = coordinator_client.get(f"/staff/lectures/{lecture.id}", headers=EN).get_data(as_text=True)
    assert "水野 健太 has time off then (Thu 3 Dec)" in html
    assert f'href="/staff/lectures/{lecture.id}/reschedule">find a free lecturer</a>' in html
    db.session.rollback()  # the page view was audited since this session last read
    period = db.session.scalar(sa.select(TimeOff))
    services.remove_unavailability(period, coordinator)
    html = coordinator_client.get(f"/staff/lectures/{lecture.id}", headers=EN).get_data(as_text=True)
    assert "has time off then" not in html


def test_the_reschedule_page_marks_the_time_off_and_suggests_the_free_lecturers_first(
    frozen, program, coordinator, coordinator_client, lecturer
):
    free = make_lecturer(name="青木 優")
    busy = make_lecturer(name="石井 学")
    booked(program, busy, hour=10, minute=0)
    lecture = booked(program, lecturer)
    time_off(lecturer, *whole_days(GOOD_DAY, GOOD_DAY), coordinator, whole_days=True)
    html = coordinator_client.get(f"/staff/lectures/{lecture.id}/reschedule", headers=EN).get_data(
        as_text=True
    )
    assert "Free on Thu 3 Dec 2026, 10:30 (suggested): 青木 優" in html
    assert "Booked now: Thu 3 Dec 2026, 10:30" in html
    header = html.split("<thead>")[1].split("</thead>")[0]
    assert header.index(free.name) < header.index(lecturer.name)
    assert "Time off: Thu 3 Dec (休暇)" in html
    assert "Another lecture at 10:00" in html


def test_a_new_lecturer_at_the_booked_time_is_chosen_from_the_reschedule_page(
    frozen, program, coordinator, coordinator_client, lecturer
):
    free = make_lecturer(name="青木 優")
    lecture = booked(program, lecturer)
    time_off(lecturer, *whole_days(GOOD_DAY, GOOD_DAY), coordinator, whole_days=True)
    response = coordinator_client.post(
        f"/staff/lectures/{lecture.id}/reschedule",
        data={"slot": "current", "lecturer_ids": [str(free.id)], "message": "講師が替わります。"},
    )
    assert response.status_code == 302
    db.session.rollback()
    assert clash_references() == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"span": "days", "start_date": "2026-12-03", "end_date": "2036-12-03"}, "at most a year"),
        ({"span": "days", "start_date": "2026-10-01", "end_date": "2026-10-02"}, "before today"),
        ({"span": "days", "start_date": "2026-12-05", "end_date": "2026-12-03"}, "after the start"),
        ({"span": "times", "start_date": "2026-12-03", "end_date": "2026-12-03"}, "choose whole days"),
        ({"span": "days", "start_date": "9999-12-31", "end_date": "9999-12-31"}, "between 2000 and 2100"),
        ({"span": "days", "start_date": "2100-12-31", "end_date": "2100-12-31"}, "next two years"),
        ({"span": "nonsense", "start_date": "2026-12-03", "end_date": "2026-12-03"}, "Choose whole days"),
    ],
)
def test_time_off_that_cannot_be_gets_a_message_on_the_form(
    frozen, coordinator_client, lecturer, data, message
):
    response = coordinator_client.post(
        f"/staff/lectures/lecturers/{lecturer.id}/unavailable", data=data, headers=EN
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(TimeOff.id))) == 0
