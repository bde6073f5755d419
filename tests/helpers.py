"""Small tools for tests: running callables at the same moment, emptying the tables, counting SQL
queries, reading the outbox and its links and attachments."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

import sqlalchemy as sa
from flask import Flask

from booking.extensions import db
from booking.notifications.models import OutboxAttachment, OutboxEmail


def run_together(
    count: int,
    act: Callable[[int, Any], Any],
    *,
    prepare: Callable[[int], Any] | None = None,
    app: Flask | None = None,
    timeout: float = 120,
) -> list:
    """Run `act(index, prepared)` in `count` threads released at the same moment by a barrier.

    `prepare(index)` (signing a client in...) runs first, here, one after the other; its value
    is `act`'s second argument (None without it). With `app`, each thread works in an app
    context of its own, its database session removed at the end. The results come back in
    thread order; anything a thread raised is raised here, all together.
    """
    prepared = [prepare(index) if prepare else None for index in range(count)]
    barrier = threading.Barrier(count)
    results: list = [None] * count
    errors: list[BaseException] = []

    def worker(index: int) -> None:
        try:
            with app.app_context() if app else nullcontext():
                barrier.wait(timeout=timeout)
                try:
                    results[index] = act(index, prepared[index])
                finally:
                    if app:
                        db.session.remove()
        except BaseException as error:  # raised below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), "a thread did not finish in time"
    if errors:
        raise BaseExceptionGroup(f"{len(errors)} of {count} threads failed", errors)
    return results


def empty_tables(app: Flask) -> None:
    """Delete every row of every table (as after each test)."""
    with app.app_context():
        db.session.remove()
        tables = list(reversed(db.metadata.sorted_tables))
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                names = ", ".join(f'"{t.name}"' for t in tables)
                conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
            else:
                for table in tables:
                    conn.execute(table.delete())


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
