"""Pages of long lists that are not a single query: the same object Flask-SQLAlchemy's
`paginate` returns (what the `pagination` macro reads), for a list already worked out in full.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination

from booking.extensions import db


class ListPage(Pagination):
    """One page of `items` (a ranking computed over every row, then shown 50 at a time).

    A page past the end is empty rather than an error, as with `paginate(error_out=False)`.
    """

    def __init__(self, items: Sequence[Any], page: int, per_page: int = 50) -> None:
        super().__init__(page=page, per_page=per_page, max_per_page=None, error_out=False, all_items=items)

    def _query_items(self) -> list[Any]:
        items = self._query_args["all_items"]
        return list(items[self._query_offset : self._query_offset + self.per_page])

    def _query_count(self) -> int:
        return len(self._query_args["all_items"])


class IdPage(Pagination):
    """One page of a long list, found by the ids alone, then read in full.

    `ids` selects the primary key with the list's filters and order. The page's ids come from
    it with LIMIT/OFFSET (an index-only scan where an index ends in the key, so even the
    last page of 100,000 rows does not read 100,000 rows), then `load(ids)` reads those rows
    with whatever they need; they are put back in the list's order. The total is counted on
    the ids as well.
    """

    def __init__(
        self,
        ids: sa.Select,
        load: Callable[[list[int]], Iterable[Any]],
        page: int,
        per_page: int = 50,
    ) -> None:
        super().__init__(page=page, per_page=per_page, max_per_page=None, error_out=False, ids=ids, load=load)

    def _query_items(self) -> list[Any]:
        ids = list(
            db.session.scalars(self._query_args["ids"].limit(self.per_page).offset(self._query_offset))
        )
        if not ids:
            return []
        position = {row_id: index for index, row_id in enumerate(ids)}
        return sorted(self._query_args["load"](ids), key=lambda row: position[row.id])

    def _query_count(self) -> int:
        counted = self._query_args["ids"].order_by(None).subquery()
        return db.session.scalar(sa.select(sa.func.count()).select_from(counted))
