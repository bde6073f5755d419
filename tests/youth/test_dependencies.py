"""Youth comes first in the order of dependencies: selection → review → youth, never back."""

from __future__ import annotations

import ast
from pathlib import Path

import booking.youth

LATER_FEATURES = ("booking.selection", "booking.review")


def _imports(path: Path) -> list[str]:
    """Every module a file imports, at any depth (inside functions too), written out in full."""
    package = "booking.youth." + ".".join(path.relative_to(YOUTH).with_suffix("").parts)
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolved against the file's own package
                base = package.split(".")[: -node.level]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            names += [module] + [f"{module}.{alias.name}" for alias in node.names]
    return names


YOUTH = Path(booking.youth.__file__).parent


def test_nothing_in_youth_imports_selection_or_review():
    modules = sorted(YOUTH.rglob("*.py"))
    assert len(modules) > 10  # the package's files were found
    found = [
        f"{path.relative_to(YOUTH)} imports {name}"
        for path in modules
        for name in _imports(path)
        if name.startswith(LATER_FEATURES)
    ]
    assert found == []
