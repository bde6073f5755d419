"""Retention leaves nothing behind: no email hash, no typed reason, no email about the record."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, date, datetime

import sqlalchemy as sa
import time_machine

from booking.core.time import JST
from booking.extensions import db
from booking.lectures import services as lecture_services
from booking.lectures.models import LectureEvent, LectureRequest
from booking.notifications.models import EmailStatus, OutboxEmail
from booking.notifications.services import queue_email
from booking.youth import services
from booking.youth.models import Application
from tests.factories.lectures import at, make_program, make_request
from tests.factories.youth import DURING, form_data

# The 2026 cohort's personal data goes on 1 April 2028 (Japan time).
PURGE_DAY = datetime(2028, 4, 1, 1, 0, tzinfo=UTC)


def _apply(client, schools) -> None:
    with time_machine.travel(DURING, tick=False):
        assert client.post("/youth/apply", data=form_data(schools["high"])).status_code == 302


def test_the_email_key_is_a_keyed_hash_not_the_plain_sha256(client, app, cohort, schools):
    _apply(client, schools)
    stored = db.session.scalar(sa.select(Application.email_key))
    plain = hashlib.sha256(b"hanako@example.jp").hexdigest()
    assert stored != plain
    derived = hmac.new(app.config["SECRET_KEY"].encode(), services.EMAIL_KEY_LABEL, hashlib.sha256).digest()
    assert stored == hmac.new(derived, b"hanako@example.jp", hashlib.sha256).hexdigest()
    # An explicit EMAIL_HASH_KEY is used when set (and survives a SECRET_KEY rotation).
    app.config["EMAIL_HASH_KEY"] = "a-separate-key"
    with app.app_context():
        assert services.email_key(" Hanako@Example.jp ") == (
            hmac.new(b"a-separate-key", b"hanako@example.jp", hashlib.sha256).hexdigest()
        )


def test_the_purge_deletes_the_email_hash_and_every_email_about_the_applications(
    client, app, cohort, schools
):
    _apply(client, schools)
    application_id = db.session.scalar(sa.select(Application.id))
    with app.app_context():  # a failed delivery and one still queued, about the application
        for status in (EmailStatus.FAILED, EmailStatus.QUEUED):
            email = queue_email(
                "hanako@example.jp",
                "youth/link_to_student",
                "ja",
                {
                    "application": db.session.get(Application, application_id),
                    "applicant": None,
                    "cohort": cohort,
                    "link": "x",
                },
                related=("youth_application", application_id),
            )
            email.status = status
        db.session.commit()
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxEmail)) == 4

    with app.app_context():
        assert "1 past cohort" in services.purge_personal_data(PURGE_DAY)
    db.session.rollback()
    application = db.session.get(Application, application_id)
    assert application.email_key is None and application.submission_key_hash is None
    assert application.purged_at == PURGE_DAY
    assert db.session.scalars(sa.select(OutboxEmail.related_type)).all() == []
    # The one-application rule no longer holds anything that could test an address.
    assert db.session.scalar(sa.select(sa.func.count()).where(Application.email_key.is_not(None))) == 0


def test_the_purge_deletes_the_teachers_typed_reasons_and_the_emails_about_the_request(ctx):
    program = make_program()
    # Cancelled by the school through its private link, with the reason the teacher typed.
    lecture = make_request(program, status="cancelled", fiscal_year=2024, starts_at=at(date(2024, 10, 3), 10))
    assert lecture.closed_reason == "行事のため。"
    db.session.add(
        OutboxEmail(
            message_id="<m@booking.test>",
            recipient=lecture.contact_email,
            language="ja",
            template="lectures/cancelled_to_teacher",
            subject="s",
            body_text="行事のため。",
            body_html="",
            status=EmailStatus.FAILED,
            related_type="lecture_request",
            related_id=str(lecture.id),
        )
    )
    db.session.commit()
    lecture_id = lecture.id
    assert db.session.scalar(
        sa.select(LectureEvent.note).where(LectureEvent.by_school.is_(True), LectureEvent.note != "")
    )

    lecture_services.purge_personal_data(now=datetime(2026, 4, 1, 0, 5, tzinfo=JST))
    db.session.expire_all()
    lecture = db.session.get(LectureRequest, lecture_id)
    assert lecture.closed_reason == ""
    assert [e.note for e in lecture.events if e.by_school] == ["", ""]
    assert db.session.scalars(sa.select(OutboxEmail.id)).all() == []
