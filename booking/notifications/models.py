"""The outbox: every email the app sends is first a row here."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.core.enums import LabelledEnum
from booking.core.time import utcnow
from booking.db import enum_type
from booking.extensions import db


class EmailStatus(LabelledEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"

    # What the pages ask of a status, rather than comparing its string.
    @property
    def is_sending(self) -> bool:
        return self is EmailStatus.SENDING

    @property
    def is_sent(self) -> bool:
        return self is EmailStatus.SENT

    @property
    def is_failed(self) -> bool:
        return self is EmailStatus.FAILED

    @property
    def tone(self) -> str:
        return {EmailStatus.SENT: "success", EmailStatus.FAILED: "error"}.get(self, "info")


EMAIL_STATUS_LABELS = EmailStatus.set_labels(
    {
        EmailStatus.QUEUED: _l("Queued"),
        EmailStatus.SENDING: _l("Sending"),
        EmailStatus.SENT: _l("Sent"),
        EmailStatus.FAILED: _l("Failed"),
    }
)


class OutboxEmail(db.Model):
    __tablename__ = "outbox_emails"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The Message-ID header; unique so a message is one row and one delivery.
    message_id: Mapped[str] = mapped_column(sa.String(255), unique=True)
    recipient: Mapped[str] = mapped_column(sa.String(254))
    language: Mapped[str] = mapped_column(sa.String(5))
    # The template pair it was written from, e.g. "staff/invite_to_user".
    template: Mapped[str] = mapped_column(sa.String(100), index=True)
    subject: Mapped[str] = mapped_column(sa.String(255))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[EmailStatus] = mapped_column(
        enum_type(EmailStatus, "email_status"), default=EmailStatus.QUEUED
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    # Set for emails that must go at most once (reminders, results): a second queueing
    # with the same key is a no-op, and the unique index is the last word on it.
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(200), unique=True)
    # What the email is about, so a record's page can list its emails.
    related_type: Mapped[str | None] = mapped_column(sa.String(40))
    related_id: Mapped[str | None] = mapped_column(sa.String(40))

    attachments: Mapped[list[OutboxAttachment]] = relationship(
        cascade="all, delete-orphan", order_by="OutboxAttachment.id"
    )

    __table_args__ = (
        sa.Index("ix_outbox_emails_due", "status", "next_attempt_at"),
        sa.Index("ix_outbox_emails_related", "related_type", "related_id"),
        # The staff list (newest first, all or by state) and the retention sweep read these.
        sa.Index("ix_outbox_emails_created", "created_at", "id"),
        sa.Index("ix_outbox_emails_status_created", "status", "created_at", "id"),
    )


class OutboxAttachment(db.Model):
    __tablename__ = "outbox_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    email_id: Mapped[int] = mapped_column(sa.ForeignKey("outbox_emails.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(200))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)
