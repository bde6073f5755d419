"""Many people at once: the database keeps bookings and reference numbers right.

These run on SQLite (writers take turns: BEGIN IMMEDIATE) and on PostgreSQL (row locks
on the day being booked and on the fiscal year's counter, and the exclusion constraint),
through the real views, so a race can never end in a 500.
"""

from __future__ import annotations

import re
from collections import Counter

import sqlalchemy as sa

from booking.core.auth import Role
from booking.extensions import db
from booking.lectures.models import (
    LectureRequest,
    LectureStatus,
)
from booking.scheduling.models import StaffBooking
from tests.factories import make_user
from tests.factories.lectures import GOOD_DAY, at, form_data, make_lecturer, make_program, make_request
from tests.helpers import run_together

THREADS = 20


def test_twenty_coordinators_booking_one_lecturer_at_once_get_one_booking(app, ctx, frozen, login):
    program = make_program()
    lecturer = make_lecturer(name="水野 健太")
    requests = [make_request(program) for _ in range(THREADS)]
    slots = [(r.id, r.candidates[0].id) for r in requests]
    coordinators = [make_user(Role.COORDINATOR, email=f"c{i}@example.jp").email for i in range(THREADS)]
    lecturer_id = lecturer.id
    db.session.remove()

    def prepare(index):
        client = app.test_client()
        login(client, coordinators[index])
        return client

    def act(index, client):
        request_id, slot_id = slots[index]
        response = client.post(
            f"/staff/lectures/{request_id}/schedule",
            data={"slot": str(slot_id), "lecturer_ids": str(lecturer_id)},
            headers={"Accept-Language": "en"},
        )
        return response.status_code, response.get_data(as_text=True)

    results = run_together(THREADS, act, prepare=prepare)
    codes = Counter(code for code, _ in results)
    assert codes == {302: 1, 422: THREADS - 1}
    for code, html in results:
        if code == 422:
            error = re.search(r'<p class="field__error" id="lecturer_ids-error">(.*?)</p>', html, re.S)
            assert error, html[:500]
            text = " ".join(error.group(1).split())
            assert (
                "水野 健太 already has a lecture at that time" in text
                or "Someone else has just booked" in text
            )

    db.session.rollback()
    statuses = Counter(db.session.scalars(sa.select(LectureRequest.status)))
    assert statuses == {LectureStatus.SCHEDULED: 1, LectureStatus.SUBMITTED: THREADS - 1}
    assert db.session.scalar(sa.select(sa.func.count(StaffBooking.id))) == 1
    assert db.session.scalar(
        sa.select(LectureRequest.starts_at).where(LectureRequest.status == LectureStatus.SCHEDULED)
    ) == at(GOOD_DAY, 10, 30)


def test_reference_numbers_stay_unique_when_many_submit_at_once(app, ctx, frozen):
    app.config["PUBLIC_FORM_LIMIT"] = "1000 per hour"
    program = make_program()
    forms = [form_data(program, contact_email=f"t{i}@example.jp") for i in range(THREADS)]
    db.session.remove()

    def act(index, client):
        return client.post("/lectures/request", data=forms[index]).status_code

    codes = run_together(THREADS, act, prepare=lambda index: app.test_client())
    assert codes == [302] * THREADS
    references = db.session.scalars(sa.select(LectureRequest.reference)).all()
    assert sorted(references) == [f"L-2026-{n:04d}" for n in range(1, THREADS + 1)]


def test_the_same_form_sent_several_times_at_once_makes_one_request(app, ctx, frozen):
    app.config["PUBLIC_FORM_LIMIT"] = "1000 per hour"
    data = form_data(make_program())
    db.session.remove()

    def act(index, client):
        response = client.post("/lectures/request", data=data)
        return response.status_code, response.headers.get("Location", "")

    results = run_together(5, act, prepare=lambda index: app.test_client())
    assert {code for code, _ in results} == {302}
    assert all("/lectures/manage/" in location for _, location in results)
    assert db.session.scalar(sa.select(sa.func.count(LectureRequest.id))) == 1


def test_without_the_locks_and_checks_the_database_still_books_once(app, ctx, frozen, login, monkeypatch):
    """Even with the service's own checks and locks taken away, the constraint has the last word."""
    from booking.lectures.services import staff_actions

    monkeypatch.setattr(staff_actions, "clashes", lambda booking, settings: [])
    monkeypatch.setattr(staff_actions, "lock_days", lambda days: None)
    program = make_program()
    lecturer_id = make_lecturer(name="水野 健太").id
    requests = [make_request(program) for _ in range(THREADS)]
    slots = [(r.id, r.candidates[0].id) for r in requests]
    coordinator = make_user(Role.COORDINATOR, email="c@example.jp").email
    db.session.remove()

    def prepare(index):
        client = app.test_client()
        login(client, coordinator)
        return client

    def act(index, client):
        request_id, slot_id = slots[index]
        response = client.post(
            f"/staff/lectures/{request_id}/schedule",
            data={"slot": str(slot_id), "lecturer_ids": str(lecturer_id)},
            headers={"Accept-Language": "en"},
        )
        return response.status_code, response.get_data(as_text=True)

    results = run_together(THREADS, act, prepare=prepare)
    assert Counter(code for code, _ in results) == {302: 1, 422: THREADS - 1}
    assert all("Someone else has just booked this lecturer" in html for code, html in results if code == 422)
    assert db.session.scalar(sa.select(sa.func.count(StaffBooking.id))) == 1
