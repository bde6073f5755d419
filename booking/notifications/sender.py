"""Delivering the outbox over SMTP, outside any web request.

Rows are claimed with a conditional UPDATE (and, on PostgreSQL, picked with
FOR UPDATE SKIP LOCKED), so two senders running at once never deliver a row twice.
Transient failures are retried with growing delays for several hours; then the row
is marked failed, where staff see it.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_mail import Connection, Message

from booking.core.time import utcnow
from booking.db import write_lock
from booking.extensions import db
from booking.notifications.models import EmailStatus, OutboxEmail

# Delay before each retry; after the last one the email is marked failed (about 8 hours).
RETRY_DELAYS = [timedelta(minutes=m) for m in (1, 5, 15, 30, 60, 120, 240)]
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1


class TimeoutConnection(Connection):
    """Flask-Mail's connection with a socket timeout, so a dead server cannot hang the sender."""

    def configure_host(self) -> smtplib.SMTP:
        config = current_app.config
        smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
        host = smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT_SECONDS"])
        if config["MAIL_USE_TLS"]:
            host.starttls()
        if config["MAIL_USERNAME"] and config["MAIL_PASSWORD"]:
            host.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        return host


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def smtp_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def is_permanent(error: Exception) -> bool:
    """A refusal the server will repeat (5xx): retrying cannot help."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return 500 <= error.smtp_code < 600
    return False


def claim_due(now: datetime, limit: int) -> list[int]:
    """Mark up to `limit` due rows as ours ("sending") and return their ids."""
    with write_lock():
        candidates = (
            sa.select(OutboxEmail.id)
            .where(OutboxEmail.status == EmailStatus.QUEUED, OutboxEmail.next_attempt_at <= now)
            .order_by(OutboxEmail.next_attempt_at, OutboxEmail.id)
            .limit(limit)
        )
        if db.engine.dialect.name == "postgresql":
            candidates = candidates.with_for_update(skip_locked=True)
        ids = list(db.session.scalars(candidates))
        claimed: list[int] = []
        if ids:
            claimed = list(
                db.session.scalars(
                    sa.update(OutboxEmail)
                    .where(OutboxEmail.id.in_(ids), OutboxEmail.status == EmailStatus.QUEUED)
                    .values(status=EmailStatus.SENDING, claimed_at=now)
                    .returning(OutboxEmail.id)
                )
            )
        db.session.commit()
    return sorted(claimed)


def build_message(email: OutboxEmail) -> Message:
    message = Message(
        subject=email.subject,
        recipients=[email.recipient],
        body=email.body_text,
        html=email.body_html,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
    )
    message.msgId = email.message_id
    for attachment in email.attachments:
        message.attach(attachment.filename, attachment.content_type, attachment.data)
    return message


def _record_failure(email: OutboxEmail, error: Exception, now: datetime, report: DeliveryReport) -> None:
    email.attempts += 1
    email.last_error = f"{type(error).__name__}: {error}"[:2000]
    email.claimed_at = None
    if is_permanent(error) or email.attempts >= MAX_ATTEMPTS:
        email.status = EmailStatus.FAILED
        report.failed += 1
    else:
        email.status = EmailStatus.QUEUED
        email.next_attempt_at = now + RETRY_DELAYS[email.attempts - 1]
        report.retrying += 1
    report.errors.append(f"#{email.id}: {email.last_error}")


def _record_sent(email: OutboxEmail, report: DeliveryReport) -> None:
    email.status = EmailStatus.SENT
    email.sent_at = utcnow()
    email.attempts += 1
    email.last_error = None
    email.claimed_at = None
    report.sent += 1


def _save_outcome(email_id: int, apply) -> None:
    """Record a delivery result in a short transaction of its own."""
    with write_lock():
        email = db.session.get(OutboxEmail, email_id)
        if email is not None:
            apply(email)
        db.session.commit()


def deliver_due(limit: int | None = None) -> DeliveryReport:
    """Send every due email once; record each result as soon as it is known."""
    report = DeliveryReport()
    now = utcnow()
    ids = claim_due(now, limit or current_app.config["OUTBOX_BATCH_SIZE"])
    connection: TimeoutConnection | None = None
    try:
        for position, email_id in enumerate(ids):
            email = db.session.get(OutboxEmail, email_id)
            if email is None:
                continue
            message = build_message(email)
            db.session.rollback()  # hold no transaction while talking to the server
            try:
                connection = connection or _open()
            except (smtplib.SMTPException, OSError) as error:
                # The server cannot be reached: every remaining row waits for the next run.
                for rest_id in ids[position:]:
                    _save_outcome(rest_id, lambda row, e=error: _record_failure(row, e, now, report))
                break
            try:
                connection.send(message)
            except (smtplib.SMTPException, OSError) as error:
                _save_outcome(email_id, lambda row, e=error: _record_failure(row, e, now, report))
                if not isinstance(error, smtplib.SMTPRecipientsRefused):
                    connection = _close(connection)
            else:
                _save_outcome(email_id, lambda row: _record_sent(row, report))
    finally:
        _close(connection)
    return report


def _open() -> TimeoutConnection:
    connection = TimeoutConnection(current_app.extensions["mail"])
    connection.host = connection.configure_host()
    return connection


def _close(connection: TimeoutConnection | None) -> None:
    if connection is not None and connection.host is not None:
        try:
            connection.host.quit()
        except (smtplib.SMTPException, OSError):
            connection.host.close()
    return None
