"""A busy term's allocation, as a pure function: who gets a date, in which order, and which date.

The rule the bureau set: schools never served come first, then the least recently served
(the day of their last held lecture, oldest first); schools equal on that are ordered by a
draw from a seed. A school's second request in a round waits until every school's first
has had its turn. Each request, in that order, gets its earliest choice whose day still
has room; a request with no such day gets none.

The draw is a SHA-256 of the seed and the request's reference, so the order does not depend
on the order the requests are given in: anyone holding the inputs and the seed gets the same
result, every time. Nothing here reads the database or the clock.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Choice:
    rank: int  # the school's 1st to 3rd choice
    day: date


@dataclass(frozen=True)
class Entry:
    """A request taking part: its reference, its school, when that school last had a lecture."""

    key: str  # the request's reference, e.g. L-2026-0042
    school: str  # the same for every request of one school
    last_served: date | None  # the day of the school's last held lecture; None: never
    choices: tuple[Choice, ...]  # in the school's order of preference


@dataclass(frozen=True)
class Outcome:
    key: str
    position: int  # 1 for the first served
    choice: Choice | None  # the day given, or None: no day had room

    @property
    def allocated(self) -> bool:
        return self.choice is not None


def draw(seed: str, key: str) -> str:
    """The request's ticket in the draw: the same seed and key always give the same ticket."""
    return hashlib.sha256(f"{seed}:{key}".encode()).hexdigest()


def order(entries: Iterable[Entry], seed: str) -> list[Entry]:
    """The requests in the order they are served (see the module's docstring)."""

    def rank(entry: Entry) -> tuple[bool, date, str]:
        return (entry.last_served is not None, entry.last_served or date.min, draw(seed, entry.key))

    ranked = sorted(entries, key=rank)
    turn: dict[str, int] = {}
    numbered = []
    for index, entry in enumerate(ranked):
        turn[entry.school] = turn.get(entry.school, 0) + 1
        numbered.append((turn[entry.school], index, entry))
    return [entry for _turn, _index, entry in sorted(numbered, key=lambda item: item[:2])]


def allocate(entries: Iterable[Entry], capacity: Mapping[date, int], seed: str) -> list[Outcome]:
    """Who gets which day: `capacity` says how many lectures each day can still take."""
    room = dict(capacity)
    outcomes = []
    for position, entry in enumerate(order(entries, seed), start=1):
        given = next((c for c in sorted(entry.choices, key=lambda c: c.rank) if room.get(c.day, 0) > 0), None)
        if given is not None:
            room[given.day] -= 1
        outcomes.append(Outcome(entry.key, position, given))
    return outcomes


# The inputs as plain data: what the round keeps, and what the digest is taken of ---------


def inputs_to_data(entries: Iterable[Entry], capacity: Mapping[date, int]) -> dict[str, Any]:
    """The inputs in one canonical form (sorted, dates as ISO text), ready for JSON."""
    return {
        "entries": [
            {
                "key": e.key,
                "school": e.school,
                "last_served": e.last_served.isoformat() if e.last_served else None,
                "choices": [[c.rank, c.day.isoformat()] for c in e.choices],
            }
            for e in sorted(entries, key=lambda e: e.key)
        ],
        "capacity": {day.isoformat(): int(n) for day, n in sorted(capacity.items())},
    }


def inputs_from_data(data: Mapping[str, Any]) -> tuple[list[Entry], dict[date, int]]:
    entries = [
        Entry(
            key=item["key"],
            school=item["school"],
            last_served=date.fromisoformat(item["last_served"]) if item["last_served"] else None,
            choices=tuple(Choice(int(rank), date.fromisoformat(day)) for rank, day in item["choices"]),
        )
        for item in data["entries"]
    ]
    capacity = {date.fromisoformat(day): int(n) for day, n in data["capacity"].items()}
    return entries, capacity


def digest(data: Mapping[str, Any]) -> str:
    """SHA-256 of the inputs' canonical JSON: the same inputs, the same digest."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()
