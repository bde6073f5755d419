"""Batch work over many rows: a few hundred at a time, each batch committed on its own.

Commands such as `send-reminders` and `purge-personal-data` may meet 100,000 rows. Reading
them all at once holds them all in memory and in one long transaction; instead they walk the
rows by id, BATCH_SIZE at a time, and commit after each batch. A run stopped half-way keeps
the batches it committed, and the next run takes up what is left: every such command asks
the database what is still to do (a reminder's dedupe key, a contact not yet cleared).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from booking.extensions import db

BATCH_SIZE = 500


def id_batches(ids: sa.Select, column: sa.ColumnElement[int], size: int = BATCH_SIZE) -> Iterator[list[int]]:
    """The ids `ids` selects, in increasing order, `size` at a time.

    Each batch is read when the previous one is done (and committed, by the caller), from the
    last id seen on: rows the previous batch changed so that they no longer match are not
    skipped over nor read twice.
    """
    last: int | None = None
    while True:
        query = ids.order_by(column).limit(size)
        if last is not None:
            query = query.where(column > last)
        batch = list(db.session.scalars(query))
        if not batch:
            return
        yield batch
        last = batch[-1]


def streamed(query: sa.Select, size: int = BATCH_SIZE) -> Iterator[Any]:
    """The objects `query` selects, read `size` at a time (a server-side cursor on PostgreSQL),
    for a download that is written while it is sent.

    They are read through a session and a connection of their own, opened when the first
    object is asked for and closed after the last (or when the download is abandoned): the
    request's session may end its transaction meanwhile, which would close a cursor it held.
    """
    with Session(db.engine) as reader:
        yield from reader.scalars(query.execution_options(yield_per=size))
