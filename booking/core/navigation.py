"""The staff area's menu, dashboard panels and to-do list, which each feature adds itself to.

A feature registers its entries when its blueprint module is imported, so the shared
staff layout never has to be edited to add a feature.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import url_for
from flask_babel import LazyString

from booking.core.auth import Role


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: LazyString | str
    roles: tuple[Role, ...]
    order: int
    # Paths under which this entry is the current one (besides its own page's path).
    prefixes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Panel:
    """A dashboard card: `build(user)` returns its template context, or None to hide it."""

    key: str
    template: str
    build: Callable[[Any], dict[str, Any] | None]
    order: int


class Urgency(enum.IntEnum):
    """Where a to-do line stands on the dashboard: the order a person should act in.

    First what a date depends on (a lecture left without a lecturer, an online lecture soon
    without its meeting link), then what someone is waiting for from us (emails that did
    not go, new requests), then what we wait for from others, then the bookkeeping.
    """

    TIME_OFF_CLASH = 10
    MISSING_MEETING_LINK = 20
    FAILED_EMAILS = 30
    STUCK_EMAILS = 35
    NEW_REQUESTS = 40
    PROPOSALS_AWAITING_TEACHER = 50
    CONSENTS_AWAITING = 60
    OFFERS_AWAITING = 65
    LECTURES_TO_RECORD = 70
    MY_REPORTS_DUE = 75


@dataclass(frozen=True)
class TodoItem:
    """One line of the dashboard's to-do list: what needs doing, how many, and where."""

    label: str  # says the count too, e.g. "New requests to answer: 3"
    count: int
    url: str  # a page that shows exactly these items
    urgency: Urgency
    detail: str = ""  # e.g. "the oldest has waited 6 days"
    entries: tuple[tuple[str, str], ...] = ()  # (text, url or "") for a short list below the line


@dataclass(frozen=True)
class TodoSource:
    """A feature's to-do lines: `build(user)` returns them, counted in one query if it can."""

    key: str
    roles: tuple[Role, ...]
    build: Callable[[Any], Iterable[TodoItem]]


_nav: dict[str, NavItem] = {}
_panels: dict[str, Panel] = {}
_todos: dict[str, TodoSource] = {}


def register_nav(
    endpoint: str,
    label: LazyString | str,
    roles: tuple[Role, ...],
    order: int,
    prefixes: tuple[str, ...] = (),
) -> None:
    _nav[endpoint] = NavItem(endpoint, label, roles, order, prefixes)


def register_panel(
    key: str, template: str, build: Callable[[Any], dict[str, Any] | None], order: int
) -> None:
    _panels[key] = Panel(key, template, build, order)


def register_todo(key: str, roles: tuple[Role, ...], build: Callable[[Any], Iterable[TodoItem]]) -> None:
    """Add a feature's lines to the to-do list of users holding any of `roles`.

    `build(user)` runs on every dashboard view: it should run a fixed number of queries
    (one aggregate query with FILTER/CASE for all its counts), whatever the data.
    """
    _todos[key] = TodoSource(key, roles, build)


def nav_for(user: Any) -> list[NavItem]:
    return sorted(
        (item for item in _nav.values() if user.has_any_role(*item.roles)),
        key=lambda item: item.order,
    )


def current_item(items: list[NavItem], path: str) -> NavItem | None:
    """The entry the page at `path` belongs to: the one with the longest matching prefix."""
    best: tuple[int, NavItem | None] = (0, None)
    for item in items:
        own = url_for(item.endpoint)
        for prefix in (own, *item.prefixes):
            matches = path == own or (prefix != "/staff/" and path.startswith(prefix))
            if matches and len(prefix) > best[0]:
                best = (len(prefix), item)
    return best[1]


def panels_for(user: Any) -> list[tuple[Panel, dict[str, Any]]]:
    shown = []
    for panel in sorted(_panels.values(), key=lambda p: p.order):
        context = panel.build(user)
        if context is not None:
            shown.append((panel, context))
    return shown


@dataclass(frozen=True)
class TodoList:
    items: list[TodoItem]
    applies: bool  # some feature keeps a to-do list for this user's roles

    @property
    def all_done(self) -> bool:
        return self.applies and not self.items


def todos_for(user: Any) -> TodoList:
    """The user's to-do lines with something to do, most urgent first (zero counts are left out)."""
    sources = [source for source in _todos.values() if user.has_any_role(*source.roles)]
    items = [item for source in sources for item in source.build(user) if item.count > 0]
    items.sort(key=lambda item: item.urgency)
    return TodoList(items, applies=bool(sources))
