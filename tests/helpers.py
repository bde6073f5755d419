"""Small tools for tests: counting SQL queries, reading the outbox and its links and attachments."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from flask import Flask

from booking.extensions import db
from booking.notifications.models import OutboxAttachment, OutboxEmail


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@contextmanager
def count_queries(app: Flask) -> Iterator[QueryCounter]:
    """Count the SQL statements the app runs inside the block (any connection)."""
    counter = QueryCounter()

    def before(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "BEGIN", "PRAGMA")):
            counter.statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        yield counter
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)


def outbox(app: Flask, to: str | None = None, template: str | None = None) -> list[OutboxEmail]:
    """The emails queued so far (detached copies), oldest first."""
    with app.app_context():
        query = sa.select(OutboxEmail).order_by(OutboxEmail.id)
        if to is not None:
            query = query.where(OutboxEmail.recipient == to)
        if template is not None:
            query = query.where(OutboxEmail.template == template)
        rows = list(db.session.scalars(query))
        for row in rows:
            db.session.expunge(row)
        return rows


def student_link(app, address: str) -> str:
    """The private link in the latest email to `address`."""
    email = [e for e in outbox(app, to=address) if "/youth/applications/" in e.body_text][-1]
    return re.search(r"http://booking.test(/youth/applications/\S+)", email.body_text).group(1)


def attachment_names(email_id: int) -> list[str]:
    """The files attached to a queued email (the outbox helper returns detached rows)."""
    db.session.rollback()
    return list(
        db.session.scalars(sa.select(OutboxAttachment.filename).where(OutboxAttachment.email_id == email_id))
    )
