"""Guides: an admin grants the role; a guide keeps their own time off, which every program's
bookings respect, and has a calendar of their own."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from booking.core.auth import Role
from booking.extensions import db
from booking.scheduling import services as scheduling
from booking.scheduling.models import BookingRole, Program, TimeOff
from booking.scheduling.services import Hold
from booking.staff.models import User
from tests.factories import make_user
from tests.factories.lectures import GOOD_DAY, at

GUIDE_FORM = {"name": "案内 太郎", "roles": ["guide"], "language": "ja", "time_zone": "Asia/Tokyo"}


def test_an_admin_grants_the_guide_role_and_the_form_names_it_in_both_languages(app, ctx, login):
    admin = make_user(Role.ADMIN, email="admin@example.jp")
    person_id = make_user(Role.LECTURER, email="guide@example.jp").id
    client = app.test_client()
    login(client, admin.email)
    page = client.get(f"/staff/users/{person_id}").get_data(as_text=True)
    assert 'value="guide"' in page and "案内担当" in page
    english = client.get(f"/staff/users/{person_id}", headers={"Accept-Language": "en"})
    assert "Guide" in english.get_data(as_text=True)
    data = {**GUIDE_FORM, "roles": ["lecturer", "guide"]}
    assert client.post(f"/staff/users/{person_id}", data=data).status_code == 302
    db.session.rollback()
    assert db.session.get(User, person_id).roles == {Role.LECTURER, Role.GUIDE}


def test_a_guide_keeps_their_own_time_off_and_a_study_tour_respects_it(app, ctx, frozen, login):
    guide = make_user(Role.GUIDE, email="guide@example.jp", name="案内 太郎")
    other = make_user(Role.GUIDE, email="other@example.jp", name="案内 次郎")
    client = app.test_client()
    login(client, guide.email)
    response = client.post(
        f"/staff/lectures/lecturers/{guide.id}/unavailable",
        data={"span": "days", "start_date": "2026-12-03", "end_date": "2026-12-03", "reason": "研修"},
    )
    assert response.status_code == 302
    # Someone else's diary stays closed to a guide.
    assert client.get(f"/staff/lectures/lecturers/{other.id}").status_code == 403
    assert client.get("/staff/calendar").status_code == 200
    db.session.rollback()
    (period,) = db.session.scalars(sa.select(TimeOff).where(TimeOff.person_id == guide.id))
    assert period.whole_days and period.reason == "研修"
    hold = Hold(
        starts_at=at(GOOD_DAY, 10, 0),
        ends_at=at(GOOD_DAY, 10, 0) + timedelta(hours=2),
        buffer_minutes=60,
        people=(db.session.get(User, guide.id),),
        program=Program.VISIT,
        subject_id=1,
        role=BookingRole.GUIDE,
    )
    (message,) = scheduling.problems(hold)
    assert "案内 太郎" in message and "研修" in message
