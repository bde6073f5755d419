"""Building schools for tests."""

from __future__ import annotations

import itertools

from booking.extensions import db
from booking.schools.models import School, SchoolType

_counter = itertools.count(1)


def make_school(name: str | None = None, **overrides) -> School:
    school = School(
        name=name or f"北九州市立テスト{next(_counter)}小学校",
        school_type=overrides.pop("school_type", SchoolType.ELEMENTARY),
        ward=overrides.pop("ward", "小倉北区"),
        address=overrides.pop("address", "北九州市小倉北区"),
        **overrides,
    )
    db.session.add(school)
    db.session.commit()
    return school
