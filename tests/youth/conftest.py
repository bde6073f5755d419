"""Fixtures for the youth training: the clock during the application window, and schools of
every kind an applicant may choose (the shared cohort fixture uses these here)."""

from __future__ import annotations

from datetime import datetime

import pytest

from booking.extensions import db
from booking.schools.models import School, SchoolType
from tests.factories.youth import DURING


@pytest.fixture
def frozen_at() -> datetime:
    """The youth tests' clock stops inside the test cohort's window."""
    return DURING


@pytest.fixture
def schools(ctx) -> dict[str, int]:
    high = School(name="福岡県立小倉高等学校", school_type=SchoolType.HIGH)
    kosen = School(name="北九州工業高等専門学校", school_type=SchoolType.OTHER)
    primary = School(name="北九州市立小倉中央小学校", school_type=SchoolType.ELEMENTARY)
    db.session.add_all([high, kosen, primary])
    db.session.commit()
    return {"high": high.id, "kosen": kosen.id, "primary": primary.id}
