"""The calendar sits below the programs: lectures and youth register their entries with it,
it never imports them."""

from __future__ import annotations

import ast
from pathlib import Path

import booking.calendar

CALENDAR = Path(booking.calendar.__file__).parent
PROGRAMS = ("booking.lectures", "booking.youth", "booking.review", "booking.selection", "booking.records")


def _imports(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


def test_nothing_in_the_calendar_imports_a_program():
    modules = sorted(CALENDAR.rglob("*.py"))
    assert len(modules) >= 7
    found = [f"{p.name} imports {n}" for p in modules for n in _imports(p) if n.startswith(PROGRAMS)]
    assert found == []
