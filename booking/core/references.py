"""Reference numbers per fiscal year (`L-2026-0042`, `V-2026-0007`), never given twice.

Each program keeps a counter table with one row per fiscal year (`fiscal_year`,
`last_number`). One statement (an upsert) bumps the year's counter and returns it; on
PostgreSQL the counter's row stays locked until the submission commits, so two requests
sent at once never share a number.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from booking.extensions import db


def next_number(counter: Any, year: int) -> int:
    """The next number of fiscal year `year` in the counter table `counter` (a model)."""
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(counter)
        .values(fiscal_year=year, last_number=1)
        .on_conflict_do_update(
            index_elements=[counter.fiscal_year],
            set_={"last_number": counter.last_number + 1},
        )
        .returning(counter.last_number)
    )
    return db.session.execute(statement).scalar_one()
