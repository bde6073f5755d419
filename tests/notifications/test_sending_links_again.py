"""Staff help a person who lost a private link by sending a new one to the address on file.

Coordinators do it from the lecture request's page (the teacher) and from the
application's page (the student; the guardian while consent can still be given). Each
sending is audited with ids only; nobody on the staff side ever reads the link.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
import time_machine
from flask import Flask

from booking import create_app
from booking.audit.models import AuditEntry
from booking.config import TestConfig
from booking.core.auth import Role
from booking.core.time import utcnow
from booking.extensions import db
from booking.notifications.models import OutboxEmail
from booking.schools.models import School, SchoolType
from booking.youth import services as youth_services
from booking.youth.models import Application
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.factories.lectures import make_program, make_request
from tests.factories.youth import DURING, make_cohort
from tests.youth.test_codes import _data


@pytest.fixture
def coordinator(ctx):
    return make_user(Role.COORDINATOR, email="coord@example.jp")


@pytest.fixture
def staff_client(app, login, coordinator):
    client = app.test_client()
    login(client, "coord@example.jp")
    return client


@pytest.fixture
def lecture(ctx):
    return make_request(make_program(), contact_email="sensei@example.jp")


@pytest.fixture
def application(ctx) -> Application:
    cohort = make_cohort()
    school = School(name="福岡県立小倉高等学校", school_type=SchoolType.HIGH)
    db.session.add(school)
    db.session.commit()
    with time_machine.travel(DURING, tick=False):
        saved = youth_services.submit_application(cohort, _data(7, school.id))
    return saved.application


def _emails(template: str) -> list[OutboxEmail]:
    db.session.rollback()
    return list(db.session.scalars(sa.select(OutboxEmail).where(OutboxEmail.template == template)))


def _token(email: OutboxEmail, route: str) -> str:
    found = re.search(rf"{re.escape(route)}/([A-Za-z0-9_\-]+)", email.body_text)
    assert found, email.body_text
    return found.group(1)


def _audit(action: str) -> list[AuditEntry]:
    db.session.rollback()
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)))


def test_a_teachers_link_is_sent_again_to_the_address_on_file(app, staff_client, coordinator, lecture):
    page = staff_client.get(f"/staff/lectures/{lecture.id}").get_data(as_text=True)
    assert f"/staff/lectures/{lecture.id}/send-link" in page

    response = staff_client.post(f"/staff/lectures/{lecture.id}/send-link")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/staff/lectures/{lecture.id}")

    (email,) = _emails("lectures/submitted_to_teacher")
    assert email.recipient == "sensei@example.jp"
    assert lecture.reference in email.subject
    # The new link opens the teacher's page.
    assert app.test_client().get(f"/lectures/manage/{_token(email, '/lectures/manage')}").status_code == 200
    (entry,) = _audit("lecture.link.resend")
    assert (entry.actor_id, entry.subject_type, entry.subject_id) == (
        coordinator.id,
        "lecture_request",
        str(lecture.id),
    )
    assert entry.details == {}  # ids only: no address, no name, no link


def test_the_teachers_new_link_email_says_it_was_sent_again(app, staff_client, lecture):
    staff_client.post(f"/staff/lectures/{lecture.id}/send-link")
    (email,) = _emails("lectures/submitted_to_teacher")
    assert "We have received" not in email.subject
    assert "リンク" in email.subject


def test_a_students_link_is_sent_again_to_the_address_on_file(app, staff_client, coordinator, application):
    before = len(_emails("youth/link_to_student"))
    page = staff_client.get(f"/staff/youth/applications/{application.id}").get_data(as_text=True)
    assert f"/staff/youth/applications/{application.id}/send-student-link" in page

    response = staff_client.post(f"/staff/youth/applications/{application.id}/send-student-link")
    assert response.status_code == 302

    emails = _emails("youth/link_to_student")
    assert len(emails) == before + 1
    email = emails[-1]
    assert email.recipient == "student7@example.jp"
    assert (
        app.test_client().get(f"/youth/applications/{_token(email, '/youth/applications')}").status_code
        == 200
    )
    (entry,) = _audit("youth.link.resend")
    assert (entry.actor_id, entry.subject_id) == (coordinator.id, str(application.id))
    assert entry.details == {"audience": "student"}


def test_a_guardians_consent_link_is_sent_again_while_consent_is_open(app, staff_client, application):
    before = len(_emails("youth/consent_request_to_guardian"))
    page = staff_client.get(f"/staff/youth/applications/{application.id}").get_data(as_text=True)
    assert f"/staff/youth/applications/{application.id}/send-consent-link" in page

    staff_client.post(f"/staff/youth/applications/{application.id}/send-consent-link")

    emails = _emails("youth/consent_request_to_guardian")
    assert len(emails) == before + 1
    assert emails[-1].recipient == "guardian7@example.jp"
    assert app.test_client().get(f"/youth/consent/{_token(emails[-1], '/youth/consent')}").status_code == 200
    (entry,) = _audit("youth.link.resend")
    assert entry.details == {"audience": "guardian"}


def test_no_consent_link_once_results_are_published(app, staff_client, application):
    application.cohort.results_published_at = utcnow()
    db.session.commit()
    before = len(_emails("youth/consent_request_to_guardian"))
    page = staff_client.get(f"/staff/youth/applications/{application.id}").get_data(as_text=True)
    assert "send-consent-link" not in page

    staff_client.post(f"/staff/youth/applications/{application.id}/send-consent-link")
    assert len(_emails("youth/consent_request_to_guardian")) == before
    assert _audit("youth.link.resend") == []


def test_a_request_without_an_address_gets_a_message_and_no_email(app, staff_client, lecture):
    lecture.contact_email = ""
    db.session.commit()
    response = staff_client.post(f"/staff/lectures/{lecture.id}/send-link", follow_redirects=True)
    assert "email address" in response.get_data(as_text=True) or "メールアドレス" in response.get_data(
        as_text=True
    )
    assert _emails("lectures/submitted_to_teacher") == []
    assert _audit("lecture.link.resend") == []


ROUTES = {
    "lectures.send_link": "/staff/lectures/{lecture_id}/send-link",
    "youth.send_student_link": "/staff/youth/applications/{application_id}/send-student-link",
    "youth.send_consent_link": "/staff/youth/applications/{application_id}/send-consent-link",
}
CASES = [(endpoint, role) for endpoint in ROUTES for role in [None, *Role]]


@pytest.mark.parametrize(("endpoint", "role"), CASES, ids=[f"{e}-{r or 'anonymous'}" for e, r in CASES])
def test_only_coordinators_send_links_again(app, login, lecture, application, endpoint, role):
    path = ROUTES[endpoint].format(lecture_id=lecture.id, application_id=application.id)
    client = app.test_client()
    if role is not None:
        login(client, make_user(role).email)
    before = db.session.scalar(sa.select(sa.func.count(OutboxEmail.id)))
    response = client.post(path)
    db.session.rollback()
    after = db.session.scalar(sa.select(sa.func.count(OutboxEmail.id)))
    if role is None:
        assert response.status_code == 302 and "/staff/login" in response.headers["Location"]
    elif role == Role.COORDINATOR:
        assert response.status_code == 302
        assert after == before + 1
        return
    else:
        assert response.status_code == 403
    assert after == before


def test_the_admin_sees_no_send_button_on_a_lecture(app, login, lecture):
    client = app.test_client()
    login(client, make_user(Role.ADMIN).email)
    assert "send-link" not in client.get(f"/staff/lectures/{lecture.id}").get_data(as_text=True)


CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture
def strict_app(app) -> Iterator[Flask]:
    class Strict(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        WTF_CSRF_ENABLED = True

    strict = create_app(Strict)
    yield strict
    with strict.app_context():
        db.engine.dispose()


def test_sending_again_needs_the_forms_csrf_token(strict_app, lecture, application, coordinator):
    client = strict_app.test_client()
    login_page = client.get("/staff/login").get_data(as_text=True)
    csrf = CSRF_INPUT.search(login_page).group(1)
    response = client.post(
        "/staff/login", data={"email": "coord@example.jp", "password": DEFAULT_PASSWORD, "csrf_token": csrf}
    )
    assert response.status_code == 302
    for route in ROUTES.values():
        path = route.format(lecture_id=lecture.id, application_id=application.id)
        assert client.post(path).status_code == 400
    assert _audit("lecture.link.resend") == [] and _audit("youth.link.resend") == []
    page = client.get(f"/staff/lectures/{lecture.id}").get_data(as_text=True)
    csrf = CSRF_INPUT.search(page).group(1)
    assert (
        client.post(f"/staff/lectures/{lecture.id}/send-link", data={"csrf_token": csrf}).status_code == 302
    )
    assert len(_audit("lecture.link.resend")) == 1
