"""Queueing emails in the caller's transaction, and what staff do with the outbox."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import defer

from booking.core.batches import BATCH_SIZE, id_batches
from booking.core.errors import DomainError
from booking.core.i18n import LANGUAGES
from booking.core.pages import IdPage
from booking.core.time import utcnow
from booking.extensions import db
from booking.notifications.models import EmailStatus, OutboxAttachment, OutboxEmail

# A row still "sending" this long after it was claimed was interrupted mid-delivery.
STALLED_AFTER = timedelta(minutes=10)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def render_email(template: str, language: str, context: Mapping[str, Any]) -> RenderedEmail:
    """Render `emails/<template>.txt` and `.html` in `language`.

    The text template sets the subject with `{% set subject = ... %}`.
    """
    language = language if language in LANGUAGES else "ja"
    env = current_app.jinja_env
    with force_locale(language):
        values = {**context, "language": language}
        text_template = env.get_template(f"emails/{template}.txt")
        module = text_template.make_module(values)
        subject = " ".join(str(getattr(module, "subject", "")).split())
        if not subject:
            raise ValueError(f"emails/{template}.txt does not set a subject")
        text = str(module).strip() + "\n"
        html = render_template(f"emails/{template}.html", subject=subject, **values)
    return RenderedEmail(subject=subject, text=text, html=html)


def queue_email(
    to: str,
    template: str,
    language: str,
    context: Mapping[str, Any] | None = None,
    attachments: Iterable[Attachment] = (),
    dedupe_key: str | None = None,
    related: tuple[str, object] | None = None,
) -> OutboxEmail | None:
    """Add an email to the outbox in the caller's transaction; nothing is sent now.

    With `dedupe_key`, an email already queued under that key is not queued again
    (and None is returned).
    """
    if dedupe_key is not None:
        exists = db.session.scalar(sa.select(OutboxEmail.id).where(OutboxEmail.dedupe_key == dedupe_key))
        if exists is not None:
            return None
    email = _new_email(to, template, language, context or {}, attachments, dedupe_key, related)
    db.session.add(email)
    return email


def queue_email_where(
    condition: sa.ColumnElement[bool],
    to: str,
    template: str,
    language: str,
    context: Mapping[str, Any],
    related: tuple[str, object] | None = None,
) -> None:
    """Queue the email only if `condition` holds in the database, in the caller's transaction.

    The email is rendered, and one INSERT ... SELECT ... WHERE runs, whether or not it
    holds: for answers that must not tell by their work whether, say, an account exists.
    """
    email = _new_email(to, template, language, context, (), None, related)
    table = OutboxEmail.__table__
    values = {
        column.key: getattr(email, column.key)
        for column in table.columns
        if column.key != "id" and getattr(email, column.key) is not None
    }
    row = sa.select(*(sa.literal(value, table.c[key].type) for key, value in values.items())).where(condition)
    db.session.execute(sa.insert(OutboxEmail).from_select(list(values), row))


def _new_email(
    to: str,
    template: str,
    language: str,
    context: Mapping[str, Any],
    attachments: Iterable[Attachment],
    dedupe_key: str | None,
    related: tuple[str, object] | None,
) -> OutboxEmail:
    """An outbox row, rendered and not yet added to the session."""
    rendered = render_email(template, language, context or {})
    domain = urlsplit(current_app.config["BASE_URL"]).hostname or "booking.local"
    now = utcnow()
    return OutboxEmail(
        message_id=f"<{uuid.uuid4().hex}@{domain}>",
        recipient=to,
        language=language if language in LANGUAGES else "ja",
        template=template,
        subject=rendered.subject,
        body_text=rendered.text,
        body_html=rendered.html,
        status=EmailStatus.QUEUED,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
        dedupe_key=dedupe_key,
        related_type=related[0] if related else None,
        related_id=str(related[1]) if related else None,
        attachments=[
            OutboxAttachment(filename=a.filename, content_type=a.content_type, data=a.data)
            for a in attachments
        ],
    )


def list_emails(status: str | None = None, page: int = 1, per_page: int = 50) -> Pagination:
    """Newest first, by pages found on the (state,) created_at, id indexes (see IdPage)."""
    ids = sa.select(OutboxEmail.id)
    if status in {s.value for s in EmailStatus}:
        ids = ids.where(OutboxEmail.status == EmailStatus(status))
    ids = ids.order_by(OutboxEmail.created_at.desc(), OutboxEmail.id.desc())

    def load(page_ids: list[int]) -> list[OutboxEmail]:
        # The list shows neither body: they stay in the database.
        return list(
            db.session.scalars(
                sa.select(OutboxEmail)
                .where(OutboxEmail.id.in_(page_ids))
                .options(defer(OutboxEmail.body_text), defer(OutboxEmail.body_html))
            )
        )

    return IdPage(ids, load, page=page, per_page=per_page)


def count_by_status() -> dict[EmailStatus, int]:
    rows = db.session.execute(
        sa.select(OutboxEmail.status, sa.func.count()).group_by(OutboxEmail.status)
    ).all()
    counts = {status: 0 for status in EmailStatus}
    counts.update({status: n for status, n in rows})
    return counts


# An email due longer than this and not yet delivered means the sender is not running or the
# mail server is refusing: /healthz reports the outbox as delayed.
DELAYED_AFTER = timedelta(minutes=15)


def delivery_state() -> str:
    """How email delivery stands, for /healthz: "ok", "delayed" or "held" (no mail server set).

    "delayed" when an email waits for a retry after a failed attempt, has been due for longer
    than DELAYED_AFTER, or was left "sending" by a run that stopped. One query.
    """
    if not current_app.config.get("MAIL_SERVER"):
        return "held"
    now = utcnow()
    waiting = sa.or_(
        sa.and_(
            OutboxEmail.status == EmailStatus.QUEUED,
            sa.or_(OutboxEmail.attempts > 0, OutboxEmail.next_attempt_at < now - DELAYED_AFTER),
        ),
        sa.and_(OutboxEmail.status == EmailStatus.SENDING, OutboxEmail.claimed_at < now - STALLED_AFTER),
    )
    return "delayed" if db.session.scalar(sa.select(sa.exists().where(waiting))) else "ok"


def emails_about(related_type: str, related_id: object) -> list[OutboxEmail]:
    """The emails queued about one record, oldest first."""
    return list(
        db.session.scalars(
            sa.select(OutboxEmail)
            .where(OutboxEmail.related_type == related_type, OutboxEmail.related_id == str(related_id))
            .order_by(OutboxEmail.created_at, OutboxEmail.id)
        )
    )


def is_stalled(email: OutboxEmail) -> bool:
    return (
        email.status == EmailStatus.SENDING
        and email.claimed_at is not None
        and utcnow() - email.claimed_at > STALLED_AFTER
    )


def requeue(email: OutboxEmail) -> None:
    """Give a failed (or stalled) email a fresh round of attempts. The caller commits."""
    if not (email.status == EmailStatus.FAILED or is_stalled(email)):
        raise DomainError(_("Only failed or stalled emails can be sent again."))
    email.status = EmailStatus.QUEUED
    email.attempts = 0
    email.next_attempt_at = utcnow()
    email.claimed_at = None


def purge_old_emails(now: datetime | None = None, batch_size: int = BATCH_SIZE) -> str:
    """Delete delivered and failed emails after OUTBOX_RETENTION_DAYS: they copy personal data.

    `batch_size` emails at a time, each batch committed: a year of emails is not one transaction.
    """
    days = current_app.config["OUTBOX_RETENTION_DAYS"]
    before = (now or utcnow()) - timedelta(days=days)
    old = sa.and_(
        OutboxEmail.status.in_([EmailStatus.SENT, EmailStatus.FAILED]), OutboxEmail.created_at < before
    )
    deleted = emptied = 0
    for ids in id_batches(
        sa.select(OutboxEmail.id).where(old, OutboxEmail.dedupe_key.is_(None)), OutboxEmail.id, batch_size
    ):
        deleted += db.session.execute(sa.delete(OutboxEmail).where(OutboxEmail.id.in_(ids))).rowcount
        db.session.commit()
    # A row with a dedupe key is what keeps a reminder from going twice: keep the row, empty it.
    kept = sa.select(OutboxEmail.id).where(
        old, OutboxEmail.dedupe_key.is_not(None), OutboxEmail.recipient != ""
    )
    for ids in id_batches(kept, OutboxEmail.id, batch_size):
        db.session.execute(sa.delete(OutboxAttachment).where(OutboxAttachment.email_id.in_(ids)))
        emptied += db.session.execute(
            sa.update(OutboxEmail)
            .where(OutboxEmail.id.in_(ids))
            .values(recipient="", subject="", body_text="", body_html="")
            .execution_options(synchronize_session=False)
        ).rowcount
        db.session.commit()
    return f"Outbox: {deleted} email(s) older than {days} days deleted, {emptied} emptied."
