"""Pages of long lists that are not a single query: the same object Flask-SQLAlchemy's
`paginate` returns (what the `pagination` macro reads), for a list already worked out in full.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_sqlalchemy.pagination import Pagination


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
