"""Fixtures for selection: the review's cohort and applications, a closed review, helpers."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from booking.extensions import db
from booking.review.models import ReviewRound
from booking.selection import services
from booking.youth.models import Application, ApplicationStatus
from tests.helpers import outbox
from tests.review.conftest import (  # noqa: F401 (fixtures)
    AFTER,
    SECRETS,
    add_application,
    after_window,
    applications,
    cohort,
    coordinator,
    reviewers,
    rubric,
    schools,
)


@pytest.fixture
def closed_review(cohort, coordinator):  # noqa: F811
    db.session.add(ReviewRound(cohort_id=cohort.id, closed_at=AFTER, closed_by_id=coordinator.id))
    db.session.commit()


def decide_all(cohort, coordinator, plan: dict[Application, ApplicationStatus]) -> None:  # noqa: F811
    for application, decision in plan.items():
        services.decide(cohort, application.id, decision, coordinator)


def student_link(app, address: str) -> str:
    """The private link in the latest email to `address`."""
    email = [e for e in outbox(app, to=address) if "/youth/applications/" in e.body_text][-1]
    return re.search(r"http://booking.test(/youth/applications/\S+)", email.body_text).group(1)


def attachment_names(email_id: int) -> list[str]:
    """The files attached to a queued email (the outbox helper returns detached rows)."""
    from booking.notifications.models import OutboxAttachment

    db.session.rollback()
    return list(
        db.session.scalars(sa.select(OutboxAttachment.filename).where(OutboxAttachment.email_id == email_id))
    )
