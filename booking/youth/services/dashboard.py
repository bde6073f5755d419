"""The youth training's figures on the staff dashboard."""

from __future__ import annotations

from typing import Any

from booking.core.time import utcnow
from booking.youth.services.applications import application_summary
from booking.youth.services.public import featured_cohort


def dashboard_figures() -> dict[str, Any] | None:
    cohort = featured_cohort()
    if cohort is None:
        return None
    return {"cohort": cohort, "summary": application_summary(cohort), "state": cohort.window_state(utcnow())}
