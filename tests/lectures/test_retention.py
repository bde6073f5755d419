"""Teachers' contact details leave closed requests after the following fiscal year."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from booking.core.time import JST
from booking.extensions import db
from booking.lectures.models import LectureLink, LectureRequest
from booking.lectures.services import add_link, purge_personal_data
from tests.factories.lectures import at, make_request

# Requests of fiscal year 2024 (April 2024 - March 2025) are cleared from April 2026.
APRIL_2026 = datetime(2026, 4, 1, 0, 5, tzinfo=JST)
MARCH_2026 = datetime(2026, 3, 31, 23, 55, tzinfo=JST)


def request(program, status: str, year: int, day) -> int:
    lecture = make_request(program, status=status, fiscal_year=year, starts_at=at(day, 10))
    add_link(lecture)
    db.session.commit()
    return lecture.id


def test_contact_details_go_after_the_following_fiscal_year(ctx, program):
    from datetime import date

    held_fy2024 = request(program, "completed", 2024, date(2024, 10, 3))
    declined_fy2024 = request(program, "declined", 2024, date(2025, 2, 3))
    held_in_fy2025 = request(program, "completed", 2024, date(2025, 5, 12))  # asked in FY2024, held FY2025
    still_open = request(program, "scheduled", 2024, date(2024, 12, 3))

    assert "from 0 closed" in purge_personal_data(now=MARCH_2026)
    message = purge_personal_data(now=APRIL_2026)
    assert "from 2 closed" in message

    db.session.expire_all()
    for cleared in (held_fy2024, declined_fy2024):
        lecture = db.session.get(LectureRequest, cleared)
        contact = (lecture.contact_name, lecture.contact_email, lecture.contact_phone, lecture.notes)
        assert contact == ("", "", "", "")
        assert lecture.school_name and lecture.audience_size and lecture.reference  # the counts stay
    for kept in (held_in_fy2025, still_open):
        assert db.session.get(LectureRequest, kept).contact_email != ""
    links = set(db.session.scalars(sa.select(LectureLink.request_id)))
    assert links == {held_in_fy2025, still_open}  # the private pages of cleared requests are gone
    assert "from 0 closed" in purge_personal_data(now=APRIL_2026)  # runs again without effect


def test_the_meeting_link_goes_with_the_contact_details(ctx, program):
    from datetime import date

    held = make_request(program, status="completed", fiscal_year=2024, starts_at=at(date(2024, 10, 3), 10))
    held.meeting_url = "https://zoom.us/j/1234567890?pwd=secret"
    db.session.commit()
    purge_personal_data(now=APRIL_2026)
    db.session.expire_all()
    assert db.session.get(LectureRequest, held.id).meeting_url == ""
