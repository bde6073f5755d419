"""The staff area's menu and dashboard panels, which each feature adds itself to.

A feature registers its entries when its blueprint module is imported, so the shared
staff layout never has to be edited to add a feature.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import LazyString

from booking.core.auth import Role


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: LazyString | str
    roles: tuple[Role, ...]
    order: int


@dataclass(frozen=True)
class Panel:
    """A dashboard card: `build(user)` returns its template context, or None to hide it."""

    key: str
    template: str
    build: Callable[[Any], dict[str, Any] | None]
    order: int


_nav: dict[str, NavItem] = {}
_panels: dict[str, Panel] = {}


def register_nav(endpoint: str, label: LazyString | str, roles: tuple[Role, ...], order: int) -> None:
    _nav[endpoint] = NavItem(endpoint, label, roles, order)


def register_panel(
    key: str, template: str, build: Callable[[Any], dict[str, Any] | None], order: int
) -> None:
    _panels[key] = Panel(key, template, build, order)


def nav_for(user: Any) -> list[NavItem]:
    return sorted(
        (item for item in _nav.values() if user.has_any_role(*item.roles)),
        key=lambda item: item.order,
    )


def panels_for(user: Any) -> list[tuple[Panel, dict[str, Any]]]:
    shown = []
    for panel in sorted(_panels.values(), key=lambda p: p.order):
        context = panel.build(user)
        if context is not None:
            shown.append((panel, context))
    return shown
