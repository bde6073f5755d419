"""Staff correct a student's or guardian's contacts: audited by field names only, and a
changed address takes its private links with it (the old ones stop working, a new one goes)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from booking.audit.models import AuditEntry
from booking.core.errors import DomainError
from booking.extensions import db
from booking.youth import services
from booking.youth.models import Application, ApplicationStatus, ConsentStatus
from tests.helpers import outbox
from tests.youth.test_codes import _data

GOOD = {
    "email": "student7@example.jp",
    "phone": "090-1234-5678",
    "guardian_email": "guardian7@example.jp",
    "guardian_phone": "093-582-0000",
}


@pytest.fixture
def application(cohort, schools, frozen) -> Application:
    saved = services.submit_application(cohort, _data(7, schools["high"]))
    saved.application.record_consent(ConsentStatus.GIVEN, saved.application.submitted_at)
    db.session.commit()
    return saved.application


def _link(app, address: str, path: str) -> str:
    email = [e for e in outbox(app, to=address) if path in e.body_text][-1]
    return re.search(rf"http://booking.test({re.escape(path)}\S+)", email.body_text).group(1)


def _contacts(**changes: str) -> services.ContactData:
    return services.ContactData(**(GOOD | changes))


def test_a_changed_guardian_address_voids_the_old_consent_link_and_sends_a_new_one(
    app, client, application, coordinator
):
    old = _link(app, "guardian7@example.jp", "/youth/consent/")
    assert client.get(old).status_code == 200
    changed = services.correct_contacts(
        application.id, _contacts(guardian_email="Mama7@Example.jp"), coordinator
    )
    assert changed == ["guardian_email"]
    assert client.get(old).status_code == 404
    new = _link(app, "mama7@example.jp", "/youth/consent/")
    assert client.get(new).status_code == 200
    db.session.rollback()
    fresh = db.session.get(Application, application.id)
    assert fresh.applicant.guardian_email == "mama7@example.jp"
    assert fresh.consent_status == ConsentStatus.GIVEN  # the recorded answer stays
    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "youth.application.contacts")
    ).one()
    assert entry.details == {"code": application.code, "fields": ["guardian_email"]}
    assert entry.actor_id == coordinator.id


def test_a_changed_student_address_moves_the_private_link_and_the_one_per_student_key(
    app, client, cohort, schools, application, coordinator
):
    old = _link(app, "student7@example.jp", "/youth/applications/")
    services.correct_contacts(application.id, _contacts(email="new7@example.jp"), coordinator)
    assert client.get(old).status_code == 404
    assert client.get(_link(app, "new7@example.jp", "/youth/applications/")).status_code == 200
    assert services.email_key("new7@example.jp") == db.session.get(Application, application.id).email_key
    other = services.submit_application(cohort, _data(8, schools["high"])).application
    with pytest.raises(DomainError, match="すでに"):
        services.correct_contacts(
            other.id, _contacts(email="new7@example.jp", guardian_email="g8@example.jp"), coordinator
        )


def test_a_phone_correction_sends_nothing_and_the_same_values_change_nothing(app, application, coordinator):
    before = len(outbox(app))
    assert services.correct_contacts(application.id, _contacts(phone="080-9999-0000"), coordinator) == [
        "phone"
    ]
    assert services.correct_contacts(application.id, _contacts(phone="080-9999-0000"), coordinator) == []
    assert len(outbox(app)) == before
    details = [
        e.details
        for e in db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "youth.application.contacts")
        )
    ]
    assert details == [{"code": application.code, "fields": ["phone"]}]  # no number in the audit


def test_after_publication_the_old_guardian_link_is_voided_and_no_consent_request_goes(
    app, cohort, application, coordinator
):
    cohort.results_published_at = application.submitted_at
    application.status = ApplicationStatus.NOT_SELECTED
    db.session.commit()
    services.correct_contacts(application.id, _contacts(guardian_email="late@example.jp"), coordinator)
    assert outbox(app, to="late@example.jp") == []


def test_the_contacts_page_corrects_and_redirects_with_full_width_digits(
    app, client, login, application, coordinator
):
    login(client, "coord@example.jp")
    url = f"/staff/youth/applications/{application.id}/contacts"
    page = client.get(url)
    assert page.status_code == 200 and "guardian7@example.jp" in page.get_data(as_text=True)
    response = client.post(url, data=GOOD | {"phone": "０９０－１１１１－２２２２"})
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.get(Application, application.id).applicant.phone == "090-1111-2222"


@pytest.mark.parametrize(
    ("changes", "status"),
    [
        ({"email": "a" * 10_000 + "@example.jp"}, 422),
        ({"guardian_email": "not an address"}, 422),
        ({"phone": "1" * 10_000}, 422),
        ({"phone": "電話番号"}, 422),
        ({"guardian_phone": ""}, 422),
        ({"guardian_email": "student7@example.jp"}, 422),  # the student's own address
        ({"email": "new@example.jp\nBcc: x@example.jp"}, 422),
        ({"guardian_email": "g\x00@example.jp"}, 400),
        ({"phone": "090\x1b1234"}, 400),
    ],
)
def test_hostile_contact_input_gets_a_message_and_nothing_is_saved(
    app, client, login, application, coordinator, changes, status
):
    login(client, "coord@example.jp")
    before = len(outbox(app))
    response = client.post(f"/staff/youth/applications/{application.id}/contacts", data=GOOD | changes)
    assert response.status_code == status
    if status == 422:
        assert "error-summary" in response.get_data(as_text=True)
    db.session.rollback()
    applicant = db.session.get(Application, application.id).applicant
    assert (applicant.email, applicant.phone, applicant.guardian_email, applicant.guardian_phone) == tuple(
        GOOD.values()
    )
    assert len(outbox(app)) == before


def test_missing_and_duplicated_fields_are_handled(app, client, login, application, coordinator):
    login(client, "coord@example.jp")
    url = f"/staff/youth/applications/{application.id}/contacts"
    missing = client.post(url, data={"email": "student7@example.jp"})
    assert missing.status_code == 422
    twice = MultiDict([*GOOD.items(), ("guardian_email", "other@example.jp")])
    assert client.post(url, data=twice).status_code == 302
    db.session.rollback()
    assert db.session.get(Application, application.id).applicant.guardian_email == "guardian7@example.jp"


def test_only_coordinators_open_the_contacts_page(app, client, login, application, lecturer):
    login(client, lecturer.email)
    assert client.get(f"/staff/youth/applications/{application.id}/contacts").status_code == 403
