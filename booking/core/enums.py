"""Enumerations shown to people: each member has a label in the reader's language."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any, ClassVar, Self


class LabelledEnum(enum.StrEnum):
    """A StrEnum whose members each have a label for people (a lazily translated string).

    The labels are given once, right after the class, and every member must have one:

        class Role(LabelledEnum):
            ADMIN = "admin"

        ROLE_LABELS = Role.set_labels({Role.ADMIN: _l("Administrator")})

    Then `Role.ADMIN.label` is the label in the current language and `Role.labels()` the
    mapping, in the members' order (for select choices).
    """

    _labels: ClassVar[Mapping[Any, Any]]

    @classmethod
    def set_labels(cls, labels: Mapping[Self, Any]) -> dict[Self, Any]:
        """Give the members their labels; returns the mapping, in the members' order."""
        missing = [member.name for member in cls if member not in labels]
        unknown = [key for key in labels if not isinstance(key, cls)]
        if missing or unknown:
            raise ValueError(f"{cls.__name__} labels: missing {missing}, not members {unknown}")
        cls._labels = {member: labels[member] for member in cls}
        return dict(cls._labels)

    @classmethod
    def labels(cls) -> dict[Self, Any]:
        return dict(cls._labels)

    @property
    def label(self) -> str:
        return str(self._labels[self])
