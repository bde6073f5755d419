"""Fixtures for selection: the review of the shared cohort, closed."""

from __future__ import annotations

import pytest

from booking.extensions import db
from booking.review.models import ReviewRound
from tests.factories.review import AFTER


@pytest.fixture
def closed_review(cohort, coordinator):
    db.session.add(ReviewRound(cohort_id=cohort.id, closed_at=AFTER, closed_by_id=coordinator.id))
    db.session.commit()
