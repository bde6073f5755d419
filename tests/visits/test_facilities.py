"""Staff keep the facilities; the public page shows the open ones; the defaults seed once."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from booking.core.auth import Role
from booking.extensions import db
from booking.visits.models import Facility
from booking.visits.services import facilities as facility_services
from tests.factories import make_user
from tests.factories.visits import make_facility

NEW = {
    "code": "river-lab",
    "name_ja": "川の学習室",
    "name_en": "River lab",
    "description_ja": "川の水質を調べます。",
    "description_en": "Testing river water.",
    "capacity": "25",
    "open_weekdays": ["2", "4"],
    "opens_at": "10:00",
    "closes_at": "15:00",
    "visit_minutes": "50",
    "photo_policy_ja": "撮影できます。",
    "photo_policy_en": "Photos are welcome.",
    "meeting_point_ja": "受付",
    "meeting_point_en": "Reception",
    "directions_ja": "正門から徒歩1分",
    "directions_en": "One minute from the main gate",
    "position": "4",
    "active": "y",
}


def test_seeding_the_defaults_twice_adds_them_once(ctx):
    facility_services.seed_default_facilities()
    db.session.commit()
    facility_services.seed_default_facilities()
    db.session.commit()
    codes = db.session.scalars(sa.select(Facility.code).order_by(Facility.position))
    assert list(codes) == ["visitor-center", "water-plaza", "hiagari-treatment-tour"]


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.ADMIN, 200), (Role.COORDINATOR, 200), (Role.LECTURER, 403), (Role.REVIEWER, 403)],
)
def test_only_admins_and_coordinators_keep_the_facilities(app, ctx, login, role, status):
    user = make_user(role, email=f"{role.value}@example.jp")
    client = app.test_client()
    login(client, user.email)
    assert client.get("/staff/visits/facilities").status_code == status
    assert client.get("/staff/visits/facilities/new").status_code == status


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/staff/visits/facilities")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]


def test_a_coordinator_adds_a_facility_and_the_public_page_shows_it(coordinator_client, client, ctx):
    response = coordinator_client.post("/staff/visits/facilities/new", data=NEW)
    db.session.rollback()
    assert response.status_code == 302
    facility = db.session.scalar(sa.select(Facility).where(Facility.code == "river-lab"))
    assert facility.open_weekdays == "24" and facility.capacity == 25
    client.set_cookie("lang", "en")
    assert "River lab" in client.get("/visits/").get_data(as_text=True)


def test_a_closed_facility_leaves_the_public_page(coordinator_client, client, ctx):
    facility = make_facility(name_en="Old pump house")
    data = {**NEW, "code": facility.code}
    data.pop("active")
    response = coordinator_client.post(f"/staff/visits/facilities/{facility.id}", data=data)
    db.session.rollback()
    assert response.status_code == 302
    assert db.session.get(Facility, facility.id).active is False
    client.set_cookie("lang", "en")
    assert "Old pump house" not in client.get("/visits/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"capacity": "0"}, "capacity"),
        ({"capacity": "²"}, "capacity"),
        ({"closes_at": "09:00"}, "closes_at"),
        ({"open_weekdays": ["8"]}, "open_weekdays"),
        ({"code": "Water Plaza!"}, "code"),
        ({"name_ja": "x" * 10_000}, "name_ja"),
        ({"visit_minutes": "１０００"}, "visit_minutes"),
    ],
)
def test_bad_facility_input_is_refused_next_to_its_field(coordinator_client, ctx, changes, field):
    response = coordinator_client.post("/staff/visits/facilities/new", data={**NEW, **changes})
    db.session.rollback()
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Facility.id))) == 0


def test_a_taken_code_is_refused(coordinator_client, ctx):
    make_facility(code="river-lab")
    response = coordinator_client.post("/staff/visits/facilities/new", data=NEW)
    db.session.rollback()
    assert response.status_code == 422
    assert 'id="code-error"' in response.get_data(as_text=True)
