"""The email preview and publication: one action, every family in its language, never twice."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from booking.audit.models import AuditEntry
from booking.core.errors import DomainError
from booking.extensions import db
from booking.notifications.sender import deliver_due
from booking.notifications.services import queue_email
from booking.selection import services
from booking.selection.models import Decision
from booking.youth import services as youth_services
from booking.youth.models import Application, ApplicationStatus, ConsentStatus
from tests.factories.review import AFTER, SECRETS, add_application
from tests.factories.selection import decide_all
from tests.helpers import outbox, student_link

A, W, N = ApplicationStatus.ACCEPTED, ApplicationStatus.WAITLISTED, ApplicationStatus.NOT_SELECTED


@pytest.fixture
def decided(cohort, coordinator, applications, schools, closed_review, after_window):
    english = add_application(
        cohort, 7, schools["kosen"], language="en", email="amy@example.jp", guardian_email="tom@example.jp"
    )
    plan = dict(zip(applications, [A, A, W, N, N, N], strict=True)) | {english: W}
    decide_all(cohort, coordinator, plan)
    return [*applications, english]


def test_the_preview_shows_each_email_once_per_kind_and_language(client, login, cohort, coordinator, decided):
    items, total = services.preview(cohort, coordinator)
    assert total == 14
    kinds = [(i.status.value, i.audience, i.language, i.count) for i in items]
    assert kinds == [
        ("accepted", "student", "ja", 2),
        ("accepted", "guardian", "ja", 2),
        ("waitlisted", "student", "en", 1),
        ("waitlisted", "student", "ja", 1),
        ("waitlisted", "guardian", "en", 1),
        ("waitlisted", "guardian", "ja", 1),
        ("not_selected", "student", "ja", 3),
        ("not_selected", "guardian", "ja", 3),
    ]
    english = next(i for i in items if i.language == "en" and i.audience == "student")
    assert "waiting list" in english.email.subject
    accepted = items[0].email
    assert "2026年12月28日(月) 23:59" in accepted.text  # the deadline as it will read: 7 days on, 23:59
    login(client, "coord@example.jp")
    page = client.get(f"/staff/selection/cohorts/{cohort.id}/preview").get_data(as_text=True)
    assert "14件のメールを送信" in page
    assert outbox(client.application) == []  # a preview sends nothing
    db.session.rollback()
    viewed = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "selection.preview.view")
    ).all()
    assert len(viewed) == 2 and viewed[0].details == {"samples": 8}


def test_publishing_needs_the_review_closed_every_decision_made_and_consent(
    cohort, coordinator, applications, schools, after_window
):
    services.decide(cohort, applications[0].id, A, coordinator)
    problems = services.publication_problems(cohort)
    assert any("審査を締め切って" in p for p in problems)
    assert any("Y-2026-002" in p and "まだ決まっていません" in p for p in problems)
    with pytest.raises(DomainError):
        services.publish_results(cohort, coordinator)
    # A guardian who withdraws consent after the decision takes the decision back: the
    # place is free again, and publication waits for a new decision, named by its code.
    youth_services.answer_consent(
        db.session.get(Application, applications[0].id), ConsentStatus.REFUSED, "山田 保護者1"
    )
    application = db.session.get(Application, applications[0].id)
    assert application.status == ApplicationStatus.SUBMITTED
    assert (
        db.session.scalar(sa.select(Decision.place_number).where(Decision.application_id == application.id))
        is None
    )
    assert any(
        "Y-2026-001" in p and "まだ決まっていません" in p for p in services.publication_problems(cohort)
    )
    assert db.session.get(type(cohort), cohort.id).results_published_at is None


def test_publishing_emails_every_student_and_guardian_in_their_language_once(
    app, cohort, coordinator, decided
):
    report = services.publish_results(cohort, coordinator)
    assert report.queued == 14 and not report.already
    emails = outbox(app)
    assert len(emails) == 14
    assert {e.template for e in emails} == {"selection/result_to_student", "selection/result_to_guardian"}
    by_recipient = {e.recipient: e for e in emails}
    assert by_recipient["amy@example.jp"].language == "en"
    assert "waiting list (number 2)" in by_recipient["amy@example.jp"].body_text
    assert by_recipient["tom@example.jp"].language == "en"
    assert "選考の結果" in by_recipient["student4@example.jp"].subject
    assert "選ばれました" in by_recipient[SECRETS["email"]].subject
    # Offers run from the moment of publication, for the cohort's days.
    decision = db.session.scalar(sa.select(Decision).where(Decision.application_id == decided[0].id))
    assert decision.offered_at == AFTER
    assert decision.offer_deadline_at == datetime(2026, 12, 28, 14, 59, 59, tzinfo=UTC)  # 23:59 JST
    # Publishing again sends nothing.
    again = services.publish_results(cohort, coordinator)
    assert again.already and again.queued == 0
    assert len(outbox(app)) == 14
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "selection.publish"))
    assert entry.details == {"emails": 14, "accepted": 2, "waitlisted": 2, "not_selected": 3}


def test_the_outbox_refuses_a_result_email_queued_twice(app, cohort, coordinator, decided):
    services.publish_results(cohort, coordinator)
    application = db.session.get(Application, decided[0].id)
    again = queue_email(
        application.applicant.email,
        "selection/result_to_student",
        "ja",
        {"application": application, "applicant": application.applicant, "cohort": cohort, "status": "x"},
        dedupe_key=f"selection:result:{application.id}:student",
    )
    assert again is None


def test_publishing_twice_through_the_page_sends_once(app, client, login, cohort, decided):
    login(client, "coord@example.jp")
    first = client.post(f"/staff/selection/cohorts/{cohort.id}/publish")
    second = client.post(f"/staff/selection/cohorts/{cohort.id}/publish", follow_redirects=True)
    assert first.status_code == 302
    assert "すでに公開済み" in second.get_data(as_text=True)
    assert len(outbox(app)) == 14


def test_every_result_email_reaches_the_smtp_server_in_its_language(app, cohort, coordinator, decided, smtp):
    services.publish_results(cohort, coordinator)
    with app.app_context():
        report = deliver_due()
    assert report.sent == 14
    (amy,) = smtp.to("amy@example.jp")
    assert amy.subject == "Youth training: you are on the waiting list (Y-2026-007)"
    (tom,) = smtp.to("tom@example.jp")
    assert "is on the waiting list" in tom.subject
    (selected,) = smtp.to(SECRETS["email"])
    assert "選ばれました" in selected.subject and "/youth/applications/" in selected.html


def test_decisions_stay_hidden_from_the_student_until_published_and_consent_freezes(
    app, client, cohort, coordinator, decided
):
    from booking.core.tokens import new_token
    from booking.youth.models import AccessLink, Audience

    token, digest = new_token()
    guardian_token, guardian_digest = new_token()
    db.session.add_all(
        [
            AccessLink(application_id=decided[0].id, audience=Audience.STUDENT, token_hash=digest),
            AccessLink(application_id=decided[0].id, audience=Audience.GUARDIAN, token_hash=guardian_digest),
        ]
    )
    db.session.commit()
    before = client.get(f"/youth/applications/{token}").get_data(as_text=True)
    assert "受付済み" in before and "選考通過" not in before and "おめでとう" not in before
    assert (
        client.post(
            f"/youth/consent/{guardian_token}", data={"decision": "refused", "signed_name": "保護者"}
        ).status_code
        == 302
    )
    db.session.rollback()
    # The refusal took the place back; the guardian consents again and the place is given again.
    assert db.session.get(Application, decided[0].id).status == ApplicationStatus.SUBMITTED
    db.session.get(Application, decided[0].id).record_consent(ConsentStatus.GIVEN, AFTER)
    db.session.commit()
    services.decide(cohort, decided[0].id, ApplicationStatus.ACCEPTED, coordinator)
    services.publish_results(cohort, coordinator)
    after = client.get(f"/youth/applications/{token}").get_data(as_text=True)
    assert "選考通過" in after and "おめでとう" in after
    refused = client.post(
        f"/youth/consent/{guardian_token}", data={"decision": "refused", "signed_name": "保護者"}
    )
    assert refused.status_code == 422
    db.session.rollback()
    assert db.session.get(Application, decided[0].id).consent_status == ConsentStatus.GIVEN


def test_the_link_in_the_result_email_opens_the_student_s_page(app, client, cohort, coordinator, decided):
    services.publish_results(cohort, coordinator)
    page = client.get(student_link(app, "amy@example.jp"), headers={"Accept-Language": "en"})
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "You are on the waiting list (number 2)." in body
