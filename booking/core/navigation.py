"""The staff area's menu and dashboard panels, which each feature adds itself to.

A feature registers its entries when its blueprint module is imported, so the shared
staff layout never has to be edited to add a feature.
"""

from __future__ import annotations

from collections.abc import Callable
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


_nav: dict[str, NavItem] = {}
_panels: dict[str, Panel] = {}


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
