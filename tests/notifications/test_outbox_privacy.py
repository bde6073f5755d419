"""No staff member reads another person's private link or password link in the outbox.

Outside the local demo every link whose route takes a token is masked in each view of an
email (its page, its HTML version) and on every page that lists emails.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
import time_machine

from booking import InsecureConfiguration, create_app
from booking.config import DEFAULT_SECRET_KEY, TestConfig
from booking.core.auth import Role
from booking.extensions import db
from booking.lectures import services as lecture_services
from booking.notifications.models import OutboxEmail
from booking.schools.models import School, SchoolType
from booking.staff.models import User
from booking.youth import services as youth_services
from tests.factories import make_user
from tests.factories.lectures import make_program, make_request
from tests.factories.youth import DURING, make_cohort
from tests.youth.test_codes import _data


@pytest.fixture
def coordinator_client(app, ctx, login):
    make_user(Role.COORDINATOR, email="coord@example.jp")
    client = app.test_client()
    login(client, "coord@example.jp")
    return client


def _link_token(email: OutboxEmail, route: str) -> str:
    """The token of the link to `route` an email holds, as its recipient reads it."""
    found = re.search(rf"{re.escape(route)}/([A-Za-z0-9_\-]+)", email.body_text)
    assert found, email.body_text
    return found.group(1)


def _only_email(template: str) -> OutboxEmail:
    db.session.rollback()
    return db.session.scalars(sa.select(OutboxEmail).where(OutboxEmail.template == template)).one()


def _every_view(client, email: OutboxEmail, *extra_pages: str) -> dict[str, bytes]:
    """The outbox list, the email's page, its HTML version, and any page listing it."""
    pages = ["/staff/outbox/", f"/staff/outbox/{email.id}", f"/staff/outbox/{email.id}/html", *extra_pages]
    responses = {page: client.get(page) for page in pages}
    assert all(r.status_code == 200 for r in responses.values()), {
        p: r.status_code for p, r in responses.items()
    }
    return {page: r.data for page, r in responses.items()}


def test_a_coordinator_cannot_read_the_admins_password_reset_link(app, ctx, client, coordinator_client):
    make_user(Role.ADMIN, email="admin@example.jp")
    # Anyone may ask for the admin's reset; the link goes to the admin's address only.
    assert client.post("/staff/forgot-password", data={"email": "admin@example.jp"}).status_code == 302
    email = _only_email("staff/password_reset_to_user")
    token = _link_token(email, "/staff/set-password")
    assert client.get(f"/staff/set-password/{token}").status_code == 200  # the link is real

    for page, body in _every_view(coordinator_client, email).items():
        assert token.encode() not in body, page
    detail = coordinator_client.get(f"/staff/outbox/{email.id}").get_data(as_text=True)
    assert "http://booking.test/staff/set-password/[" in detail
    html = coordinator_client.get(f"/staff/outbox/{email.id}/html").get_data(as_text=True)
    assert 'href="http://booking.test/staff/set-password/[' in html


def test_an_invitation_link_is_masked_for_the_admin_who_sent_it(app, ctx, login):
    admin = make_user(Role.ADMIN, email="admin@example.jp")
    client = app.test_client()
    login(client, admin.email)
    response = client.post(
        "/staff/users/invite",
        data={
            "name": "新任 職員",
            "email": "new@example.jp",
            "roles": ["coordinator"],
            "language": "ja",
            "time_zone": "Asia/Tokyo",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    email = _only_email("staff/invite_to_user")
    token = _link_token(email, "/staff/set-password")
    for page, body in _every_view(client, email).items():
        assert token.encode() not in body, page


def test_students_and_guardians_links_are_masked(app, ctx, coordinator_client):
    cohort = make_cohort()
    school = School(name="福岡県立小倉高等学校", school_type=SchoolType.HIGH)
    db.session.add(school)
    db.session.commit()
    with time_machine.travel(DURING, tick=False):
        youth_services.submit_application(cohort, _data(1, school.id))
    for template, route in [
        ("youth/submitted_to_student", "/youth/applications"),
        ("youth/consent_request_to_guardian", "/youth/consent"),
    ]:
        email = _only_email(template)
        token = _link_token(email, route)
        for page, body in _every_view(coordinator_client, email).items():
            assert token.encode() not in body, (template, page)
        detail = coordinator_client.get(f"/staff/outbox/{email.id}").get_data(as_text=True)
        assert f"http://booking.test{route}/[" in detail


def test_a_teachers_link_is_masked_also_on_the_request_page(app, ctx, coordinator_client):
    lecture = make_request(make_program())
    lecture_services.add_link(lecture)  # a link the teacher already holds
    db.session.commit()
    coordinator = db.session.scalar(sa.select(User).where(User.email == "coord@example.jp"))
    lecture_services.decline_request(lecture.id, "講師の都合がつきません。", coordinator)
    email = _only_email("lectures/declined_to_teacher")
    token = _link_token(email, "/lectures/manage")
    for page, body in _every_view(coordinator_client, email, f"/staff/lectures/{lecture.id}").items():
        assert token.encode() not in body, page


def test_links_to_public_pages_stay_readable(app, ctx, coordinator_client):
    from booking.notifications.services import queue_email

    admin = make_user(Role.ADMIN, email="admin@example.jp")
    email = queue_email(
        "someone@example.jp",
        "staff/invite_to_user",
        "ja",
        {"user": admin, "link": "http://booking.test/lectures/request?program=3", "valid_hours": 72},
    )
    db.session.commit()
    detail = coordinator_client.get(f"/staff/outbox/{email.id}").get_data(as_text=True)
    assert "http://booking.test/lectures/request?program=3" in detail


def test_the_local_demo_shows_the_links(app, ctx, client, coordinator_client, monkeypatch):
    monkeypatch.setitem(app.config, "SHOW_PRIVATE_LINKS_IN_OUTBOX", True)
    make_user(Role.ADMIN, email="admin@example.jp")
    client.post("/staff/forgot-password", data={"email": "admin@example.jp"})
    email = _only_email("staff/password_reset_to_user")
    token = _link_token(email, "/staff/set-password")
    assert token.encode() in coordinator_client.get(f"/staff/outbox/{email.id}").data
    assert token.encode() in coordinator_client.get(f"/staff/outbox/{email.id}/html").data


PRODUCTION_KEY = "k" * 64


@pytest.mark.parametrize(
    "config",
    [
        {"DEBUG": False, "TESTING": False, "SECRET_KEY": PRODUCTION_KEY},
        {"DEBUG": True, "TESTING": False, "SECRET_KEY": PRODUCTION_KEY},
        {"DEBUG": False, "TESTING": True, "SECRET_KEY": PRODUCTION_KEY},
    ],
    ids=["production", "debug-with-production-key", "testing-with-production-key"],
)
def test_showing_links_is_refused_outside_the_local_demo(config):
    settings = {**config, "SHOW_PRIVATE_LINKS_IN_OUTBOX": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    with pytest.raises(InsecureConfiguration, match="SHOW_PRIVATE_LINKS_IN_OUTBOX"):
        create_app(settings)


def test_the_local_demo_may_show_links(tmp_path, monkeypatch):
    from booking import config

    # `make run`: debug mode, and the key it wrote to instance/dev-secret-key.
    key_file = tmp_path / "dev-secret-key"
    key_file.write_text("d" * 64 + "\n", encoding="utf-8")
    monkeypatch.setattr(config, "DEV_SECRET_KEY_FILE", key_file)
    settings = {"SHOW_PRIVATE_LINKS_IN_OUTBOX": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    assert create_app({**settings, "DEBUG": True, "SECRET_KEY": "d" * 64})
    assert create_app({**settings, "DEBUG": True, "SECRET_KEY": DEFAULT_SECRET_KEY})
    assert create_app(type("Demo", (TestConfig,), {"SHOW_PRIVATE_LINKS_IN_OUTBOX": True}))


def test_links_are_masked_by_default():
    assert TestConfig.SHOW_PRIVATE_LINKS_IN_OUTBOX is False
