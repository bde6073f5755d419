"""Building selection records for tests: decisions taken through the service."""

from __future__ import annotations

from booking.selection import services
from booking.youth.models import Application, ApplicationStatus


def decide_all(cohort, coordinator, plan: dict[Application, ApplicationStatus]) -> None:
    for application, decision in plan.items():
        services.decide(cohort, application.id, decision, coordinator)
