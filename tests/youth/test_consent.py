"""The guardian's consent: given, refused, changed, reminded once; emails in the right language."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from booking.extensions import db
from booking.notifications.sender import deliver_due
from booking.youth.models import Application, ConsentStatus
from booking.youth.services import send_consent_reminders
from tests.factories.youth import CLOSES_AT, DURING, form_data
from tests.helpers import outbox


def _apply(client, schools, language="ja", **overrides) -> tuple[str, str]:
    """Send an application; return the student's page and the guardian's consent link."""
    response = client.post(
        "/youth/apply",
        data=form_data(schools["high"], **overrides),
        headers={"Accept-Language": language},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    client.get(response.headers["Location"])
    guardian = outbox(client.application, template="youth/consent_request_to_guardian")[-1]
    link = re.search(r"http://booking.test(/youth/consent/\S+)", guardian.body_text).group(1)
    return response.headers["Location"], link


def _consent(client, link: str, decision: str, name: str = "山田 太郎"):
    return client.post(link, data={"decision": decision, "signed_name": name})


def test_a_guardian_consents_with_a_typed_name_and_the_time_is_kept(client, cohort, schools, frozen):
    page, link = _apply(client, schools)
    body = client.get(link).get_data(as_text=True)
    assert "山田 花子" in body and "プノンペン" in body
    response = _consent(client, link, "given")
    assert response.status_code == 302
    application = db.session.scalar(sa.select(Application))
    assert application.consent_status == ConsentStatus.GIVEN
    assert application.consent_answered_at == DURING
    assert application.applicant.consent_signed_name == "山田 太郎"
    (email,) = outbox(client.application, template="youth/consent_recorded_to_student")
    assert email.recipient == "hanako@example.jp"
    assert "同意" in email.subject
    # The student's page shows it.
    assert "同意済み" in client.get(page).get_data(as_text=True)


def test_a_guardian_refuses_then_changes_their_mind(client, cohort, schools, frozen):
    _page, link = _apply(client, schools)
    _consent(client, link, "refused")
    db.session.rollback()
    assert db.session.scalar(sa.select(Application.consent_status)) == ConsentStatus.REFUSED
    frozen.shift(timedelta(days=1))
    _consent(client, link, "given", name="山田 花江")
    db.session.rollback()
    application = db.session.scalar(sa.select(Application))
    assert application.consent_status == ConsentStatus.GIVEN
    assert application.consent_answered_at == DURING + timedelta(days=1)
    assert [(h.from_value, h.to_value) for h in application.history if h.event == "consent"] == [
        ("pending", "refused"),
        ("refused", "given"),
    ]
    assert len(outbox(client.application, template="youth/consent_recorded_to_student")) == 2


def test_the_answer_needs_a_choice_and_a_typed_name(client, cohort, schools, frozen):
    _page, link = _apply(client, schools)
    response = client.post(link, data={"decision": "", "signed_name": ""}, headers={"Accept-Language": "en"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Choose whether you consent." in body
    assert "Type your full name" in body
    assert db.session.scalar(sa.select(Application.consent_status)) == ConsentStatus.PENDING


def test_the_answer_cannot_change_once_results_are_published(client, cohort, schools, frozen):
    _page, link = _apply(client, schools)
    _consent(client, link, "given")
    db.session.rollback()
    cohort = db.session.merge(cohort)
    cohort.results_published_at = DURING
    db.session.commit()
    response = _consent(client, link, "refused")
    assert response.status_code == 422
    db.session.rollback()
    assert db.session.scalar(sa.select(Application.consent_status)) == ConsentStatus.GIVEN


def test_emails_reach_the_smtp_server_in_each_family_s_language(client, cohort, schools, frozen, smtp, app):
    _apply(client, schools, language="en", email="amy@example.jp", guardian_email="tom@example.jp", key="en")
    _page, link = _apply(client, schools, language="ja", key="ja")
    _consent(client, link, "given")
    with app.app_context():
        report = deliver_due()
    assert report.sent == 5
    (english,) = smtp.to("amy@example.jp")
    assert english.subject == "We have received your application (Y-2026-001)"
    (guardian_en,) = smtp.to("tom@example.jp")
    assert "Your consent is needed" in guardian_en.subject
    assert "/youth/consent/" in guardian_en.text
    japanese = smtp.to("taro@example.jp")[0]
    assert "保護者の同意" in japanese.subject
    assert "/youth/consent/" in japanese.html
    student_ja = [m.subject for m in smtp.to("hanako@example.jp")]
    assert any("受け付けました" in s for s in student_ja)
    assert any("同意しました" in s for s in student_ja)


def test_reminders_go_to_guardians_who_have_not_answered_once(client, cohort, schools, frozen, app):
    _apply(client, schools, key="a")
    _page, answered = _apply(client, schools, email="b@example.jp", guardian_email="gb@example.jp", key="b")
    _consent(client, answered, "given")
    with app.app_context():
        # Too early: the cohort reminds 5 days before closing.
        frozen.move_to(CLOSES_AT - timedelta(days=5, minutes=1))
        assert "0 consent" in send_consent_reminders()
        frozen.move_to(CLOSES_AT - timedelta(days=5))
        assert "1 consent" in send_consent_reminders()
        assert "0 consent" in send_consent_reminders()
    (reminder,) = outbox(app, template="youth/consent_reminder_to_guardian")
    assert reminder.recipient == "taro@example.jp"
    assert reminder.dedupe_key is not None
    # Its link works.
    link = re.search(r"http://booking.test(/youth/consent/\S+)", reminder.body_text).group(1)
    assert client.get(link).status_code == 200


def test_the_reminder_command_is_wired_into_send_reminders(client, cohort, schools, frozen, app):
    _apply(client, schools)
    frozen.move_to(CLOSES_AT - timedelta(days=1))
    result = app.test_cli_runner().invoke(args=["send-reminders"])
    assert "Youth training: 1 consent reminder(s)" in result.output


def test_pages_never_show_another_applicant_s_data(client, cohort, schools, frozen):
    page_a, consent_a = _apply(client, schools, key="a")
    page_b, consent_b = _apply(
        client,
        schools,
        key="b",
        family_name="佐藤",
        given_name="健",
        family_name_kana="サトウ",
        given_name_kana="ケン",
        email="ken@example.jp",
        guardian_name="佐藤 美咲",
        guardian_email="misaki@example.jp",
        guardian_phone="093-111-2222",
        phone="080-9999-8888",
        essay="佐藤の作文です。" * 80,
    )
    for link in (page_a, consent_a):
        body = client.get(link).get_data(as_text=True)
        for secret in (
            "佐藤",
            "ken@example.jp",
            "misaki@example.jp",
            "093-111-2222",
            "080-9999-8888",
            "Y-2026-002",
        ):
            assert secret not in body
    for link in (page_b, consent_b):
        body = client.get(link).get_data(as_text=True)
        for secret in ("山田", "hanako@example.jp", "taro@example.jp", "090-3333-4444", "Y-2026-001"):
            assert secret not in body
    # The guardian's page does not show the essay.
    assert "佐藤の作文です。" not in client.get(consent_b).get_data(as_text=True)
    # A guardian's link does not open the student's page, nor the other way round.
    assert client.get(consent_a.replace("/youth/consent/", "/youth/applications/")).status_code == 404
    assert client.get(page_a.replace("/youth/applications/", "/youth/consent/")).status_code == 404


def test_personal_data_goes_after_the_following_fiscal_year_and_the_counts_stay(
    client, cohort, schools, frozen, app
):
    from datetime import UTC, datetime

    from booking.youth.models import Applicant, ApplicationStatus
    from booking.youth.services import purge_personal_data

    page, link = _apply(client, schools)
    client.post(
        "/youth/apply", data=form_data(schools["high"], action="draft", email="d@example.jp", key="d")
    )
    with app.app_context():
        # Fiscal year 2027 (April 2027 - March 2028) is the one after the 2026 cohort's: kept.
        assert "0 past cohort" in purge_personal_data(datetime(2028, 3, 31, 14, 0, tzinfo=UTC))
        assert "1 past cohort" in purge_personal_data(datetime(2028, 3, 31, 15, 0, tzinfo=UTC))  # 1 April JST
        assert "0 past cohort" in purge_personal_data(datetime(2028, 4, 2, tzinfo=UTC))
    db.session.rollback()
    (application,) = db.session.scalars(sa.select(Application)).all()
    assert application.code == "Y-2026-001"
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.essay == ""
    applicant = db.session.scalar(sa.select(Applicant))
    assert (applicant.family_name, applicant.email, applicant.guardian_email) == ("", "", "")
    assert applicant.school_id == schools["high"] and applicant.grade == 2
    assert client.get(page).status_code == 404
    assert client.get(link).status_code == 404
