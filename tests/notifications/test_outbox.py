"""The outbox: written in the caller's transaction, delivered once over real SMTP, retried."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine
from icalendar import Calendar

from booking.core.time import utcnow
from booking.extensions import db
from booking.notifications.ics import CalendarEvent, ics_attachment
from booking.notifications.models import EmailStatus, OutboxEmail
from booking.notifications.sender import MAX_ATTEMPTS, deliver_due
from booking.notifications.services import queue_email, render_email
from booking.staff.models import User

CONTEXT = {
    "user": User(name="水野 健太", email="mizuno@example.jp"),
    "link": "http://booking.test/x",
    "valid_hours": 72,
    "inviter": "管理 花子",
}


def queue(to="mizuno@example.jp", language="ja", **kwargs):
    return queue_email(to, "staff/invite_to_user", language, CONTEXT, **kwargs)


def count() -> int:
    return db.session.scalar(sa.select(sa.func.count(OutboxEmail.id)))


def test_rolled_back_change_leaves_no_email(ctx):
    queue()
    db.session.rollback()
    assert count() == 0


def test_commit_queues_exactly_one_email_per_recipient(ctx):
    queue("a@example.jp")
    queue("b@example.jp")
    db.session.commit()
    rows = db.session.scalars(sa.select(OutboxEmail)).all()
    assert sorted(r.recipient for r in rows) == ["a@example.jp", "b@example.jp"]
    assert all(r.status == EmailStatus.QUEUED and r.attempts == 0 for r in rows)
    assert len({r.message_id for r in rows}) == 2


def test_emails_are_written_in_the_recipients_language(ctx):
    ja = render_email("staff/invite_to_user", "ja", CONTEXT)
    en = render_email("staff/invite_to_user", "en", CONTEXT)
    assert "招待" in ja.subject and "水野 健太" in ja.text and "水野 健太" in ja.html
    assert en.subject == "You are invited to the outreach booking system"
    assert "http://booking.test/x" in en.text and 'href="http://booking.test/x"' in en.html


def test_dedupe_key_queues_once(ctx):
    assert queue(dedupe_key="reminder:1") is not None
    db.session.commit()
    assert queue(dedupe_key="reminder:1") is None
    db.session.commit()
    assert count() == 1


def test_delivery_reaches_the_smtp_server_once(ctx, smtp):
    queue()
    db.session.commit()
    report = deliver_due()
    assert (report.sent, report.retrying, report.failed) == (1, 0, 0)
    assert len(smtp.messages) == 1
    received = smtp.messages[0]
    assert received.rcpt_tos == ["mizuno@example.jp"]
    assert "招待" in received.subject
    assert "水野 健太" in received.text and "水野 健太" in received.html
    row = db.session.scalar(sa.select(OutboxEmail))
    assert received.message["Message-ID"] == row.message_id
    assert row.status == EmailStatus.SENT and row.sent_at is not None
    # A second run finds nothing due.
    assert deliver_due().sent == 0
    assert len(smtp.messages) == 1


def test_smtp_down_keeps_the_email_queued_then_delivers_it_once(ctx, smtp):
    queue()
    db.session.commit()
    smtp.stop()
    report = deliver_due()
    assert (report.sent, report.retrying) == (0, 1)
    row = db.session.scalar(sa.select(OutboxEmail))
    assert row.status == EmailStatus.QUEUED
    assert row.attempts == 1
    assert "Connection refused" in row.last_error or "ConnectionRefusedError" in row.last_error
    assert row.next_attempt_at > utcnow()
    # Not due yet: nothing happens even with the server back.
    smtp.start()
    assert deliver_due().sent == 0
    with time_machine.travel(row.next_attempt_at + timedelta(seconds=1)):
        assert deliver_due().sent == 1
        assert deliver_due().sent == 0
    assert len(smtp.messages) == 1
    db.session.refresh(row)
    assert row.status == EmailStatus.SENT and row.last_error is None


def test_retries_grow_and_end_in_failed(ctx, smtp):
    queue()
    db.session.commit()
    smtp.stop()
    moment = utcnow()
    delays = []
    with time_machine.travel(moment, tick=False) as traveller:
        for _ in range(MAX_ATTEMPTS):
            deliver_due()
            row = db.session.scalar(sa.select(OutboxEmail))
            if row.status == EmailStatus.FAILED:
                break
            delays.append(row.next_attempt_at - utcnow())
            traveller.move_to(row.next_attempt_at + timedelta(seconds=1))
    assert row.status == EmailStatus.FAILED
    assert row.attempts == MAX_ATTEMPTS
    assert delays == sorted(delays) and delays[0] < delays[-1]
    assert sum(delays, timedelta()) > timedelta(hours=4)  # retried for some hours


def test_permanent_refusal_fails_at_once(ctx, smtp):
    smtp.refused.add("mizuno@example.jp")
    queue()
    db.session.commit()
    report = deliver_due()
    assert report.failed == 1
    assert db.session.scalar(sa.select(OutboxEmail.status)) == EmailStatus.FAILED


def test_smtp_timeout_is_at_most_ten_seconds(app):
    assert app.config["MAIL_TIMEOUT_SECONDS"] <= 10


def test_send_outbox_without_smtp_leaves_emails_in_the_outbox(app, ctx):
    queue()
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["send-outbox"])
    assert result.exit_code == 0
    assert "1 email(s) wait in the outbox" in result.output
    assert db.session.scalar(sa.select(OutboxEmail.status)) == EmailStatus.QUEUED


def test_send_outbox_command_delivers(app, ctx, smtp):
    queue()
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["send-outbox"])
    assert result.exit_code == 0
    assert "sent 1" in result.output
    assert len(smtp.messages) == 1


def test_calendar_attachment_arrives_and_parses(ctx, smtp):
    start = datetime(2026, 12, 3, 1, 30, tzinfo=UTC)
    event = CalendarEvent(
        uid="lecture-42@booking.test",
        sequence=2,
        start=start,
        end=start + timedelta(minutes=90),
        summary="出前講座",
    )
    queue(attachments=[ics_attachment([event], method="REQUEST")])
    db.session.commit()
    deliver_due()
    ((filename, content_type, data),) = smtp.messages[0].attachments()
    assert filename == "invite.ics" and content_type == "text/calendar"
    calendar = Calendar.from_ical(data)
    assert str(calendar["METHOD"]) == "REQUEST"
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["UID"]) == "lecture-42@booking.test"
    assert int(vevent["SEQUENCE"]) == 2
    assert vevent.decoded("DTSTART") == start
    assert str(vevent["SUMMARY"]) == "出前講座"


def test_cancellation_calendar_says_cancel(ctx):
    start = datetime(2026, 12, 3, 1, 30, tzinfo=UTC)
    event = CalendarEvent(uid="u@x", sequence=3, start=start, end=start + timedelta(hours=1), summary="s")
    calendar = Calendar.from_ical(ics_attachment([event], method="CANCEL").data)
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(calendar.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"


@pytest.fixture
def coordinator_client(app, ctx, login):
    from booking.core.auth import Role
    from tests.factories import make_user

    make_user(Role.COORDINATOR, email="coord@example.jp")
    client = app.test_client()
    login(client, "coord@example.jp")
    return client


def test_staff_can_read_every_email_in_the_outbox(app, ctx, coordinator_client):
    email = queue()
    db.session.commit()
    page = coordinator_client.get("/staff/outbox/").get_data(as_text=True)
    assert email.subject in page
    detail = coordinator_client.get(f"/staff/outbox/{email.id}").get_data(as_text=True)
    assert "水野 健太" in detail and "http://booking.test/x" in detail
    html_version = coordinator_client.get(f"/staff/outbox/{email.id}/html")
    assert "sandbox" in html_version.headers["Content-Security-Policy"]
    from booking.audit.models import AuditEntry

    db.session.rollback()
    actions = db.session.scalars(sa.select(AuditEntry.action)).all()
    assert actions.count("email.view") == 2


def test_the_outbox_names_each_state_in_words(ctx, coordinator_client):
    queue()
    db.session.commit()
    page = coordinator_client.get("/staff/outbox/").get_data(as_text=True)
    assert "送信待ち (1)" in page and "送信済み (0)" in page and "送信失敗 (0)" in page
    assert '<span class="tag tag--info">送信待ち</span>' in page


def test_failed_emails_are_shown_to_staff_and_can_be_sent_again(app, ctx, coordinator_client, smtp):
    email = queue()
    email.status = EmailStatus.FAILED
    email.attempts = MAX_ATTEMPTS
    email.last_error = "SMTPRecipientsRefused: boom"
    db.session.commit()
    dashboard = coordinator_client.get("/staff/").get_data(as_text=True)
    assert "/staff/outbox/?status=failed" in dashboard
    assert "boom" in coordinator_client.get(f"/staff/outbox/{email.id}").get_data(as_text=True)
    assert coordinator_client.post(f"/staff/outbox/{email.id}/requeue").status_code == 302
    db.session.rollback()
    assert deliver_due().sent == 1
    assert len(smtp.messages) == 1


def test_sent_email_cannot_be_requeued(app, ctx, coordinator_client):
    email = queue()
    email.status = EmailStatus.SENT
    db.session.commit()
    coordinator_client.post(f"/staff/outbox/{email.id}/requeue")
    db.session.rollback()
    assert db.session.get(OutboxEmail, email.id).status == EmailStatus.SENT


def test_queue_email_refuses_naive_datetimes_nowhere_near_smtp(ctx):
    """Queueing never talks to SMTP: it works with no server configured at all."""
    assert not ctx.config["MAIL_SERVER"]
    queue()
    db.session.commit()
    assert count() == 1


def test_delivery_times_are_aware_utc(ctx, smtp):
    queue()
    db.session.commit()
    deliver_due()
    row = db.session.scalar(sa.select(OutboxEmail))
    assert row.sent_at.tzinfo is not None and row.sent_at.utcoffset() == timedelta(0)
    assert abs(row.sent_at - datetime.now(UTC)) < timedelta(minutes=1)


def test_opening_the_outbox_list_is_audited_without_its_addresses(app, ctx, coordinator_client):
    email = queue()
    db.session.commit()
    page = coordinator_client.get("/staff/outbox/?status=queued&page=1").get_data(as_text=True)
    assert email.recipient in page  # the list shows who each email is for
    from booking.audit.models import AuditEntry

    db.session.rollback()
    [entry] = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "email.list.view"))
    assert entry.details == {"page": 1, "status": "queued"}
    assert entry.subject_type is None and entry.actor_id is not None


def test_healthz_says_the_outbox_is_delayed_while_the_mail_server_is_down(ctx, smtp, client):
    queue()
    db.session.commit()
    assert client.get("/healthz").json["outbox"] == "ok"  # due now, not late yet
    smtp.stop()
    assert deliver_due().retrying == 1
    health = client.get("/healthz")
    assert health.status_code == 200 and health.json["status"] == "ok"
    assert health.json["outbox"] == "delayed"  # waiting for a retry: nothing lost
    smtp.start()
    row = db.session.scalar(sa.select(OutboxEmail))
    with time_machine.travel(row.next_attempt_at + timedelta(seconds=1)):
        assert deliver_due().sent == 1
        assert client.get("/healthz").json["outbox"] == "ok"


def test_healthz_says_the_outbox_is_delayed_when_no_sender_has_run(ctx, smtp, client):
    queue()
    db.session.commit()
    with time_machine.travel(utcnow() + timedelta(minutes=16)):
        assert client.get("/healthz").json["outbox"] == "delayed"


def test_healthz_says_emails_are_held_without_a_mail_server(app, ctx, client):
    assert not app.config["MAIL_SERVER"]
    assert client.get("/healthz").json["outbox"] == "held"
