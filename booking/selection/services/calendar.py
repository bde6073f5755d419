"""The program's calendar (.ics) for participants."""

from __future__ import annotations

import hashlib

from booking.audit.services import record
from booking.core.i18n import current_language
from booking.db import write_lock
from booking.extensions import db
from booking.notifications.ics import build_calendar
from booking.selection import notifications
from booking.selection.services.participants import participants_of
from booking.staff.models import User
from booking.youth.models import (
    Application,
    Cohort,
)
from booking.youth.services import lock_cohort, new_student_link


def calendar_for(application: Application, language: str | None = None) -> bytes:
    """The program's events as one .ics (a VEVENT each, stable UIDs), for a participant."""
    events = notifications.calendar_events(application.cohort, language or current_language())
    return build_calendar(events, "PUBLISH")


def _events_digest(cohort: Cohort) -> str:
    state = ";".join(f"{e.id}:{e.sequence}" for e in cohort.events)
    return hashlib.sha256(state.encode()).hexdigest()[:16]


def send_calendar(cohort: Cohort, actor: User) -> int:
    """Email the program's calendar to every participant; unchanged events are not sent twice."""
    with write_lock():
        cohort = lock_cohort(cohort.id)
        digest = _events_digest(cohort)
        sent = 0
        for application in participants_of(cohort):
            sent += notifications.calendar(application, new_student_link(application), digest)
        record(actor, "selection.calendar.send", "youth_cohort", cohort.id, emails=sent)
        db.session.commit()
    return sent
