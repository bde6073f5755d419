"""Many coordinators at once, through the real staff pages: one person is never booked for a
tour and a lecture at the same time, and a facility never holds more visitors than its room.

SQLite takes writers in turn (BEGIN IMMEDIATE); PostgreSQL locks the days and the facility
rows, and its exclusion constraint and capacity trigger have the last word.
"""

from __future__ import annotations

import re
from collections import Counter

import sqlalchemy as sa

from booking.core.auth import Role
from booking.extensions import db
from booking.lectures.models import LectureFormat
from booking.scheduling.models import StaffBooking
from booking.visits.models import FacilityBooking, VisitRequest, VisitStatus
from tests.factories import make_user
from tests.factories.lectures import make_program
from tests.factories.lectures import make_request as make_lecture
from tests.factories.visits import GOOD_DAY, at, make_facility, make_guide, make_visit_request
from tests.helpers import run_together

THREADS = 20
EN = {"Accept-Language": "en"}


def _signed_in(app, login, emails):
    def prepare(index):
        client = app.test_client()
        login(client, emails[index])
        return client

    return prepare


def test_twenty_coordinators_booking_one_guide_for_lectures_and_tours_get_one_booking(
    app, ctx, frozen, login
):
    guide = make_guide("水野 健太", also_lecturer=True)
    program = make_program()
    # Half lectures at 10:30, half tours at 10:00, the same day: any two clash.
    lectures = [
        make_lecture(program, starts_at=at(GOOD_DAY, 10, 30), fmt=LectureFormat.IN_PERSON)
        for _ in range(THREADS // 2)
    ]
    tours = [make_visit_request([make_facility()], starts_at=at(GOOD_DAY, 10)) for _ in range(THREADS // 2)]
    posts = [
        (
            f"/staff/lectures/{lecture.id}/schedule",
            {"slot": str(lecture.candidates[0].id), "lecturer_ids": str(guide.id)},
        )
        for lecture in lectures
    ] + [
        (
            f"/staff/visits/{tour.id}/schedule",
            {"slot": str(tour.candidates[0].id), "guide_ids": str(guide.id)},
        )
        for tour in tours
    ]
    emails = [make_user(Role.COORDINATOR, email=f"c{i}@example.jp").email for i in range(THREADS)]
    guide_id = guide.id
    db.session.remove()

    def act(index, client):
        path, data = posts[index]
        response = client.post(path, data=data, headers=EN)
        return response.status_code, response.get_data(as_text=True)

    results = run_together(THREADS, act, prepare=_signed_in(app, login, emails))
    assert Counter(code for code, _html in results) == {302: 1, 422: THREADS - 1}
    for code, html in results:
        if code == 422:
            text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
            assert "水野 健太 already has" in text or "Someone else has just booked" in text, text[:800]
    db.session.rollback()
    active = db.session.scalars(
        sa.select(StaffBooking).where(StaffBooking.person_id == guide_id, StaffBooking.active.is_(True))
    ).all()
    assert len(active) == 1


def test_twenty_coordinators_filling_one_facility_never_overfill_it(app, ctx, frozen, login):
    plaza = make_facility(capacity=40, name_en="Water Plaza")
    # Twenty groups of 12 at the same hour, each with its own guide: only three fit in 40.
    tours = [make_visit_request([plaza], starts_at=at(GOOD_DAY, 10), group_size=12) for _ in range(THREADS)]
    guides = [make_guide() for _ in range(THREADS)]
    posts = [
        (
            f"/staff/visits/{tour.id}/schedule",
            {"slot": str(tour.candidates[0].id), "guide_ids": str(guide.id)},
        )
        for tour, guide in zip(tours, guides, strict=True)
    ]
    emails = [make_user(Role.COORDINATOR, email=f"f{i}@example.jp").email for i in range(THREADS)]
    plaza_id = plaza.id
    db.session.remove()

    def act(index, client):
        path, data = posts[index]
        response = client.post(path, data=data, headers=EN)
        return response.status_code, response.get_data(as_text=True)

    results = run_together(THREADS, act, prepare=_signed_in(app, login, emails))
    assert Counter(code for code, _html in results) == {302: 3, 422: THREADS - 3}
    for code, html in results:
        if code == 422:
            assert "Water Plaza" in html, html[:800]
    db.session.rollback()
    held = db.session.scalar(
        sa.select(sa.func.sum(FacilityBooking.visitors)).where(
            FacilityBooking.facility_id == plaza_id, FacilityBooking.active.is_(True)
        )
    )
    assert held == 36
    scheduled = db.session.scalar(
        sa.select(sa.func.count()).select_from(
            sa.select(FacilityBooking.request_id).where(FacilityBooking.active.is_(True)).subquery()
        )
    )
    assert scheduled == 3
    assert Counter(db.session.scalars(sa.select(VisitRequest.status))) == {
        VisitStatus.SCHEDULED: 3,
        VisitStatus.SUBMITTED: THREADS - 3,
    }
