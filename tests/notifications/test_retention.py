"""Sent emails copy personal data: they go after the outbox's retention period."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from booking.core.time import utcnow
from booking.extensions import db
from booking.notifications.ics import ics_attachment
from booking.notifications.models import EmailStatus, OutboxAttachment, OutboxEmail
from booking.notifications.services import purge_old_emails, queue_email
from booking.staff.models import User

CONTEXT = {
    "user": User(name="水野 健太", email="m@example.jp"),
    "link": "http://booking.test/x",
    "valid_hours": 72,
    "inviter": None,
}


def email(status: EmailStatus, age_days: int, dedupe_key: str | None = None) -> int:
    row = queue_email("m@example.jp", "staff/invite_to_user", "ja", CONTEXT, dedupe_key=dedupe_key)
    row.status = status
    row.created_at = utcnow() - timedelta(days=age_days)
    db.session.commit()
    return row.id


def test_old_delivered_emails_are_deleted_and_recent_or_waiting_ones_stay(ctx):
    old_sent = email(EmailStatus.SENT, 91)
    old_failed = email(EmailStatus.FAILED, 200)
    recent = email(EmailStatus.SENT, 10)
    waiting = email(EmailStatus.QUEUED, 120)
    message = purge_old_emails()
    assert "2 email(s)" in message
    remaining = set(db.session.scalars(sa.select(OutboxEmail.id)))
    assert remaining == {recent, waiting}
    assert old_sent not in remaining and old_failed not in remaining


def test_an_old_reminder_keeps_its_row_but_not_its_content(ctx):
    from datetime import UTC, datetime

    from booking.notifications.ics import CalendarEvent

    start = datetime(2026, 12, 3, 1, tzinfo=UTC)
    row = queue_email(
        "m@example.jp",
        "staff/invite_to_user",
        "ja",
        CONTEXT,
        dedupe_key="reminder:1",
        attachments=[ics_attachment([CalendarEvent("u", 0, start, start + timedelta(hours=1), "s")])],
    )
    row.status = EmailStatus.SENT
    row.created_at = utcnow() - timedelta(days=100)
    db.session.commit()
    purge_old_emails()
    db.session.expire_all()
    kept = db.session.get(OutboxEmail, row.id)
    assert kept.dedupe_key == "reminder:1"
    assert (kept.recipient, kept.subject, kept.body_text, kept.body_html) == ("", "", "", "")
    assert db.session.scalar(sa.select(sa.func.count(OutboxAttachment.id))) == 0
    # Queuing the same reminder again still does nothing.
    assert queue_email("m@example.jp", "staff/invite_to_user", "ja", CONTEXT, dedupe_key="reminder:1") is None


def test_purge_command_runs_every_feature(app, ctx):
    result = app.test_cli_runner().invoke(args=["purge-personal-data"])
    assert result.exit_code == 0, result.output
    assert "Outbox:" in result.output and "Lecture requests:" in result.output
