"""One bad row never stalls the outbox: it fails alone, with a reason that names nobody.

Every test talks to a real SMTP server on loopback (tests/smtp.py).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from booking.audit.models import AuditEntry
from booking.core.auth import Role
from booking.core.time import utcnow
from booking.extensions import db
from booking.notifications.models import EmailStatus, OutboxEmail
from booking.notifications.sender import deliver_due
from booking.notifications.services import queue_email
from booking.staff.models import User
from tests.factories import make_user
from tests.smtp import SMTPServer

CONTEXT = {
    "user": User(name="水野 健太", email="mizuno@example.jp"),
    "link": "http://booking.test/x",
    "valid_hours": 72,
    "inviter": "管理 花子",
}
JAPANESE_LOCAL_PART = "テスト@example.jp"


def queue(to: str) -> OutboxEmail:
    return queue_email(to, "staff/invite_to_user", "ja", CONTEXT)


def rows() -> dict[str, OutboxEmail]:
    db.session.rollback()
    return {row.recipient: row for row in db.session.scalars(sa.select(OutboxEmail))}


def assert_reason_names_nobody(row: OutboxEmail) -> None:
    assert row.last_error
    local, _, domain = row.recipient.partition("@")
    for secret in (row.recipient, local, domain, "水野", "booking.test/x", row.subject):
        assert secret.lower() not in row.last_error.lower()


@pytest.fixture
def utf8_smtp(app):
    server = SMTPServer(smtputf8=True)
    server.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_USE_TLS=False, MAIL_USE_SSL=False)
    yield server
    server.stop()


def test_bad_address_in_the_middle_of_a_batch_fails_alone(app, ctx, smtp):
    for to in ("a@example.jp", "b@example.jp", JAPANESE_LOCAL_PART, "c@example.jp", "d@example.jp"):
        queue(to)
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["send-outbox"])

    assert result.exit_code == 0, result.output
    assert "sent 4, will retry 0, failed 1" in result.output
    assert JAPANESE_LOCAL_PART not in result.output
    assert sorted(r for m in smtp.messages for r in m.rcpt_tos) == [
        "a@example.jp",
        "b@example.jp",
        "c@example.jp",
        "d@example.jp",
    ]
    by_recipient = rows()
    assert all(row.status != EmailStatus.SENDING for row in by_recipient.values())
    bad = by_recipient[JAPANESE_LOCAL_PART]
    assert bad.status == EmailStatus.FAILED and bad.claimed_at is None
    assert "SMTPUTF8" in bad.last_error
    assert_reason_names_nobody(bad)


def test_non_ascii_local_part_goes_with_smtputf8_when_the_server_offers_it(ctx, utf8_smtp):
    queue(JAPANESE_LOCAL_PART)
    db.session.commit()
    assert deliver_due().sent == 1
    (received,) = utf8_smtp.messages
    assert received.rcpt_tos == [JAPANESE_LOCAL_PART]
    assert received.message["To"] == JAPANESE_LOCAL_PART
    assert "水野 健太" in received.text
    assert rows()[JAPANESE_LOCAL_PART].status == EmailStatus.SENT


def test_internationalised_domain_is_sent_in_its_ascii_form(ctx, smtp):
    queue("mizuno@例え.jp")
    db.session.commit()
    assert deliver_due().sent == 1
    (received,) = smtp.messages
    assert received.rcpt_tos == ["mizuno@xn--r8jz45g.jp"]
    assert received.message["To"] == "mizuno@xn--r8jz45g.jp"


def test_domain_that_is_no_valid_idna_name_fails_with_a_reason(ctx, smtp):
    queue("mizuno@例え-.jp")
    queue("ok@example.jp")
    db.session.commit()
    report = deliver_due()
    assert (report.sent, report.failed) == (1, 1)
    bad = rows()["mizuno@例え-.jp"]
    assert bad.status == EmailStatus.FAILED and "IDNA" in bad.last_error
    assert_reason_names_nobody(bad)


def test_recipient_refused_by_the_server_fails_without_its_address_in_the_reason(ctx, smtp):
    smtp.refused.add("gone@example.jp")
    for to in ("a@example.jp", "gone@example.jp", "b@example.jp"):
        queue(to)
    db.session.commit()
    report = deliver_due()
    assert (report.sent, report.failed) == (2, 1)
    bad = rows()["gone@example.jp"]
    assert bad.status == EmailStatus.FAILED
    assert "550" in bad.last_error and "User unknown" in bad.last_error
    assert_reason_names_nobody(bad)
    assert not any("gone@example.jp" in line for line in report.errors)


def test_any_error_while_building_a_message_fails_that_row_only(ctx, smtp):
    queue("a@example.jp")
    broken = queue("broken@example.jp")
    broken.subject = "水野 健太 様\nBcc: someone@example.jp"  # a header cannot hold a line break
    queue("b@example.jp")
    db.session.commit()
    report = deliver_due()
    assert (report.sent, report.failed) == (2, 1)
    bad = rows()["broken@example.jp"]
    assert bad.status == EmailStatus.FAILED
    assert bad.last_error.startswith("ValueError")
    assert "水野" not in bad.last_error and "someone" not in bad.last_error
    assert sorted(r for m in smtp.messages for r in m.rcpt_tos) == ["a@example.jp", "b@example.jp"]


def _stuck(to: str, minutes_ago: int) -> OutboxEmail:
    email = queue(to)
    email.status = EmailStatus.SENDING
    email.claimed_at = utcnow() - timedelta(minutes=minutes_ago)
    return email


@pytest.fixture
def coordinator_client(app, ctx, login):
    make_user(Role.COORDINATOR, email="coord@example.jp")
    client = app.test_client()
    login(client, "coord@example.jp")
    return client


def test_stuck_emails_are_shown_to_staff_and_recovered_with_their_message_id(
    app, ctx, coordinator_client, smtp
):
    stuck = _stuck("stuck@example.jp", minutes_ago=30)
    busy = _stuck("busy@example.jp", minutes_ago=1)  # a sender is on it right now
    queue("queued@example.jp")
    db.session.commit()
    stuck_id, message_id, busy_id = stuck.id, stuck.message_id, busy.id

    page = coordinator_client.get("/staff/outbox/").get_data(as_text=True)
    assert "送信中のまま止まったメール（1件）" in page
    assert "Message-ID" in page and "/staff/outbox/recover-stuck" in page
    listed = coordinator_client.get("/staff/outbox/?status=stuck").get_data(as_text=True)
    assert f"/staff/outbox/{stuck_id}" in listed
    assert f"/staff/outbox/{busy_id}" not in listed

    response = coordinator_client.post("/staff/outbox/recover-stuck")
    assert response.status_code == 302

    by_recipient = rows()
    assert by_recipient["stuck@example.jp"].status == EmailStatus.QUEUED
    assert by_recipient["stuck@example.jp"].message_id == message_id
    assert by_recipient["busy@example.jp"].status == EmailStatus.SENDING
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "email.recover_stuck"))
    assert entry.details["ids"] == [stuck_id]
    assert deliver_due().sent == 2
    (received,) = smtp.to("stuck@example.jp")
    assert received.message["Message-ID"] == message_id
    assert "送信中のまま止まった" not in coordinator_client.get("/staff/outbox/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [(None, False), *[(role, role in {Role.ADMIN, Role.COORDINATOR}) for role in Role]],
)
def test_only_outbox_staff_can_recover_stuck_emails(app, ctx, login, role, allowed):
    _stuck("stuck@example.jp", minutes_ago=30)
    db.session.commit()
    client = app.test_client()
    if role is not None:
        login(client, make_user(role).email)
    response = client.post("/staff/outbox/recover-stuck")
    assert response.status_code == (403 if role is not None and not allowed else 302)
    recovered = rows()["stuck@example.jp"].status == EmailStatus.QUEUED
    assert recovered is allowed


def test_recovering_stuck_emails_needs_the_csrf_token(app, ctx, coordinator_client):
    _stuck("stuck@example.jp", minutes_ago=30)
    db.session.commit()
    app.config["WTF_CSRF_ENABLED"] = True
    coordinator_client.post("/staff/outbox/recover-stuck")
    assert rows()["stuck@example.jp"].status == EmailStatus.SENDING


def test_a_refusal_reason_stays_readable_when_the_address_is_an_ordinary_word(ctx, smtp):
    smtp.refused.add("refuse@example.jp")
    queue("refuse@example.jp")
    db.session.commit()
    deliver_due()
    bad = rows()["refuse@example.jp"]
    assert bad.last_error.startswith("SMTPRecipientsRefused")  # not "SMTPRecipients[recipient]d"
    assert "[recipient]d" not in bad.last_error and "550" in bad.last_error
    assert "refuse@example.jp" not in bad.last_error.lower()
    assert re.search(r"(?<![\w.+-])refuse(?![\w.+-])", bad.last_error, re.IGNORECASE) is None
