"""Delivering the outbox over SMTP, outside any web request.

Rows are claimed with a conditional UPDATE (and, on PostgreSQL, picked with
FOR UPDATE SKIP LOCKED), so two senders running at once never deliver a row twice.
Transient failures are retried with growing delays for several hours; then the row
is marked failed, where staff see it.

Whatever one row raises ends that row only: it is marked failed (or queued for a retry,
when the server may accept it later) with a reason that names neither the address nor
the content, and the batch goes on. A sender that dies mid-batch leaves its rows
"sending"; staff put them back in the queue from the outbox page (`recover_stuck`).
"""

from __future__ import annotations

import re
import smtplib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP, SMTPUTF8
from email.utils import formataddr, formatdate, parseaddr

import idna
import sqlalchemy as sa
from flask import current_app
from flask_mail import Connection
from flask_sqlalchemy.pagination import Pagination

from booking.core.time import utcnow
from booking.db import write_lock
from booking.extensions import db
from booking.notifications.models import EmailStatus, OutboxEmail
from booking.notifications.services import STALLED_AFTER

# Delay before each retry; after the last one the email is marked failed (about 8 hours).
RETRY_DELAYS = [timedelta(minutes=m) for m in (1, 5, 15, 30, 60, 120, 240)]
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1

# ASCII bodies are base64 or quoted-printable, so any server takes them; a message to an
# SMTPUTF8 address goes to a server that offered SMTPUTF8, which implies 8BITMIME.
ASCII_POLICY = SMTP.clone(cte_type="7bit")
UTF8_POLICY = SMTPUTF8

# Characters that never belong in an address written into an SMTP command.
_UNSAFE_IN_ADDRESS = re.compile(r"[\x00-\x20\x7f<>,;]")
_ANY_ADDRESS = re.compile(r"\S+@\S+")


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

    def offers_smtputf8(self) -> bool:
        self.host.ehlo_or_helo_if_needed()
        return self.host.has_extn("smtputf8")

    def deliver(self, message: EmailMessage, envelope: Envelope) -> None:
        """Hand one message to the server, for the one recipient of `envelope`."""
        if envelope.smtputf8 and not self.offers_smtputf8():
            raise UndeliverableAddress(
                "The address has characters other than ASCII before the @, and the mail server "
                "does not offer SMTPUTF8 to deliver it. Ask for another address."
            )
        options = ["SMTPUTF8", "BODY=8BITMIME"] if envelope.smtputf8 else []
        self.host.sendmail(envelope.sender, [envelope.recipient], message.as_bytes(), options)


class UndeliverableAddress(Exception):
    """The address cannot be written into an SMTP command; the message names no address."""


@dataclass(frozen=True)
class Envelope:
    sender: str
    recipient: str  # as written on the wire: the domain in its ASCII (IDNA) form
    smtputf8: bool  # the local part is not ASCII: only a server offering SMTPUTF8 takes it


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def smtp_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def is_permanent(error: Exception) -> bool:
    """A failure the next attempt would repeat: retrying cannot help.

    The server's 5xx refusals, addresses that cannot be written, and anything that is not
    a conversation with the server (a message that cannot be built fails the same way again).
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return 500 <= error.smtp_code < 600
    return not isinstance(error, (smtplib.SMTPException, OSError)) or isinstance(
        error, smtplib.SMTPNotSupportedError
    )


def envelope_for(recipient: str) -> Envelope:
    """The envelope of a message to `recipient`, or UndeliverableAddress saying why not."""
    address = recipient.strip()
    local, at, domain = address.rpartition("@")
    if not (at and local and domain) or _UNSAFE_IN_ADDRESS.search(address):
        raise UndeliverableAddress("The recipient is not a valid email address.")
    if not domain.isascii():
        try:
            domain = idna.encode(domain, uts46=True).decode("ascii")
        except (idna.IDNAError, UnicodeError):
            raise UndeliverableAddress(
                "The domain after the @ is not a valid internationalised domain name (IDNA)."
            ) from None
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    sender_address = sender[1] if isinstance(sender, tuple) else parseaddr(sender)[1]
    return Envelope(sender=sender_address, recipient=f"{local}@{domain}", smtputf8=not local.isascii())


def build_message(email: OutboxEmail, envelope: Envelope) -> EmailMessage:
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    message = EmailMessage(policy=UTF8_POLICY if envelope.smtputf8 else ASCII_POLICY)
    message["Subject"] = email.subject
    message["From"] = formataddr(sender) if isinstance(sender, tuple) else sender
    message["To"] = envelope.recipient
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = email.message_id
    message.set_content(email.body_text)
    message.add_alternative(email.body_html, subtype="html")
    for attachment in email.attachments:
        content_type, *params = (part.strip() for part in attachment.content_type.split(";"))
        maintype, _, subtype = content_type.partition("/")
        extra = dict(param.split("=", 1) for param in params if "=" in param)
        extra.pop("charset", None)  # bytes carry no charset of their own; the data says
        message.add_attachment(
            attachment.data, maintype=maintype, subtype=subtype, filename=attachment.filename, params=extra
        )
    return message


def failure_reason(error: Exception, recipient: str) -> str:
    """What went wrong, for staff and logs: never the address, the subject or the body."""
    name = type(error).__name__
    if isinstance(error, UndeliverableAddress):
        text = str(error)
    elif isinstance(error, smtplib.SMTPRecipientsRefused):
        answers = [f"{code} {_server_text(reply)}" for code, reply in error.recipients.values()]
        text = f"the server refused the recipient: {'; '.join(answers)}"
    elif isinstance(error, smtplib.SMTPResponseException):
        text = f"{error.smtp_code} {_server_text(error.smtp_error)}"
    elif isinstance(error, (smtplib.SMTPException, OSError)):
        text = str(error)
    elif isinstance(error, UnicodeError):
        text = "the address or the message could not be encoded for sending"
    else:
        # Its message could quote the content: only the kind of error is kept.
        text = "unexpected error while preparing or sending the message"
    return _redact(f"{name}: {text}", recipient)[:2000]


def _server_text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _redact(text: str, recipient: str) -> str:
    """Remove the address, as typed or as sent, and whatever looks like an address."""
    for form in sorted({recipient, recipient.strip(), *recipient.strip().split("@")}, key=len, reverse=True):
        if len(form) >= 3:
            # Whole words only: the local part "refuse" must not eat into "refused".
            pattern = rf"(?<![\w.+-]){re.escape(form)}(?![\w.+-])"
            text = re.sub(pattern, "[recipient]", text, flags=re.IGNORECASE)
    return _ANY_ADDRESS.sub("[address]", text)


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


def _record_failure(email: OutboxEmail, error: Exception, now: datetime, report: DeliveryReport) -> None:
    email.attempts += 1
    email.last_error = failure_reason(error, email.recipient)
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


def _save_outcome(email_id: int, apply: Callable[[OutboxEmail], None]) -> None:
    """Record a delivery result in a short transaction of its own."""
    with write_lock():
        email = db.session.get(OutboxEmail, email_id)
        if email is not None:
            apply(email)
        db.session.commit()


class _ServerUnreachable(Exception):
    """The connection could not be opened: no row of this run can go."""


class _Link:
    """One SMTP connection for the batch, opened on first use and after an error."""

    def __init__(self) -> None:
        self.connection: TimeoutConnection | None = None

    def open(self) -> TimeoutConnection:
        if self.connection is None:
            connection = TimeoutConnection(current_app.extensions["mail"])
            try:
                connection.host = connection.configure_host()
            except (smtplib.SMTPException, OSError) as error:
                raise _ServerUnreachable from error
            self.connection = connection
        return self.connection

    def close(self) -> None:
        """End the conversation (after an error its state is unknown; the next row reconnects)."""
        connection, self.connection = self.connection, None
        if connection is not None and connection.host is not None:
            try:
                connection.host.quit()
            except (smtplib.SMTPException, OSError):
                connection.host.close()


def _deliver_one(email_id: int, link: _Link, now: datetime, report: DeliveryReport) -> None:
    """Send one claimed row and record what happened to it; only _ServerUnreachable escapes."""
    email = db.session.get(OutboxEmail, email_id)
    if email is None:
        return
    try:
        envelope = envelope_for(email.recipient)
        message = build_message(email, envelope)
    except Exception as error:  # one bad row must not stop the batch
        db.session.rollback()
        _save_outcome(email_id, lambda row, e=error: _record_failure(row, e, now, report))
        return
    db.session.rollback()  # hold no transaction while talking to the server
    connection = link.open()
    try:
        connection.deliver(message, envelope)
    except Exception as error:  # one bad row must not stop the batch
        _save_outcome(email_id, lambda row, e=error: _record_failure(row, e, now, report))
        if not isinstance(error, (smtplib.SMTPRecipientsRefused, UndeliverableAddress)):
            link.close()
    else:
        _save_outcome(email_id, lambda row: _record_sent(row, report))


def deliver_due(limit: int | None = None) -> DeliveryReport:
    """Send every due email once; record each result as soon as it is known."""
    report = DeliveryReport()
    now = utcnow()
    ids = claim_due(now, limit or current_app.config["OUTBOX_BATCH_SIZE"])
    link = _Link()
    try:
        for position, email_id in enumerate(ids):
            try:
                _deliver_one(email_id, link, now, report)
            except _ServerUnreachable as unreachable:
                # The server cannot be reached: every remaining row waits for the next run.
                error = unreachable.__cause__
                for rest_id in ids[position:]:
                    _save_outcome(rest_id, lambda row, e=error: _record_failure(row, e, now, report))
                break
            except Exception as error:  # e.g. the database failed on this row
                db.session.rollback()
                current_app.logger.warning("outbox email %s: %s", email_id, type(error).__name__)
                try:
                    _save_outcome(email_id, lambda row, e=error: _record_failure(row, e, now, report))
                except Exception:  # left "sending": staff recover it from the outbox page
                    db.session.rollback()
    finally:
        link.close()
    return report


def stuck_condition(now: datetime) -> sa.ColumnElement[bool]:
    """Rows a sender claimed and never finished: it stopped mid-batch."""
    return sa.and_(
        OutboxEmail.status == EmailStatus.SENDING,
        sa.or_(OutboxEmail.claimed_at.is_(None), OutboxEmail.claimed_at < now - STALLED_AFTER),
    )


def count_stuck() -> int:
    return db.session.scalar(sa.select(sa.func.count(OutboxEmail.id)).where(stuck_condition(utcnow())))


def list_stuck(page: int = 1, per_page: int = 50) -> Pagination:
    query = (
        sa.select(OutboxEmail)
        .where(stuck_condition(utcnow()))
        .order_by(OutboxEmail.claimed_at, OutboxEmail.id)
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def recover_stuck() -> list[int]:
    """Queue the stuck rows again, due now; returns their ids. The caller records and commits.

    Each keeps its Message-ID, so a mail system that did receive it before the sender
    stopped can recognise the second copy. The conditional UPDATE leaves alone a row a
    sender finished meanwhile.
    """
    now = utcnow()
    return sorted(
        db.session.scalars(
            sa.update(OutboxEmail)
            .where(stuck_condition(now))
            .values(status=EmailStatus.QUEUED, next_attempt_at=now, claimed_at=None)
            .returning(OutboxEmail.id)
            .execution_options(synchronize_session=False)
        )
    )
