"""A table of allowed status changes, shared by every workflow in the app.

Each workflow declares its moves once, as data; models call `check` before changing a
status and tests parametrise over `moves` and `forbidden` to try every pair.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

from flask_babel import gettext as _

from booking.core.errors import InvalidTransition

S = TypeVar("S", bound=enum.Enum)


@dataclass(frozen=True)
class Workflow(Generic[S]):
    """Allowed moves between the statuses of one kind of record."""

    statuses: type[S]
    allowed: frozenset[tuple[S, S]]

    @classmethod
    def of(cls, statuses: type[S], moves: Iterable[tuple[S, S]]) -> Workflow[S]:
        return cls(statuses, frozenset(moves))

    def can(self, current: S, target: S) -> bool:
        return (current, target) in self.allowed

    def check(self, current: S, target: S, describe=str) -> None:
        """Raise InvalidTransition, with a message for a person, unless the move is allowed."""
        if not self.can(current, target):
            raise InvalidTransition(
                _(
                    "This cannot be done now: the status “%(current)s” cannot change to “%(target)s”.",
                    current=describe(current),
                    target=describe(target),
                )
            )

    def targets(self, current: S) -> set[S]:
        return {to for frm, to in self.allowed if frm == current}

    def moves(self) -> Iterator[tuple[S, S]]:
        return iter(sorted(self.allowed, key=lambda pair: (pair[0].value, pair[1].value)))

    def forbidden(self) -> Iterator[tuple[S, S]]:
        for frm in self.statuses:
            for to in self.statuses:
                if frm != to and (frm, to) not in self.allowed:
                    yield frm, to
