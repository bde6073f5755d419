"""The program's calendar (.ics) for participants."""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

from flask import current_app

from booking.audit.services import record
from booking.core.i18n import current_language
from booking.core.urls import absolute_url
from booking.db import write_lock
from booking.extensions import db
from booking.notifications.ics import CalendarEvent, build_calendar, ics_attachment
from booking.notifications.services import queue_email
from booking.selection.services.participants import participants_of
from booking.selection.services.places import lock_cohort
from booking.selection.services.publication import result_context, student_link
from booking.staff.models import User
from booking.youth.models import (
    Application,
    Cohort,
)


def calendar_events(cohort: Cohort, language: str) -> list[CalendarEvent]:
    domain = urlsplit(current_app.config["BASE_URL"]).hostname or "booking.local"
    link = absolute_url("youth.index")
    return [
        CalendarEvent(
            uid=f"youth-event-{event.id}@{domain}",
            sequence=event.sequence,
            start=event.starts_at,
            end=event.ends_at,
            summary=f"{event.title(language)} ({cohort.title(language)})",
            description=cohort.title(language),
            location=event.place(language),
            url=link,
        )
        for event in cohort.events
    ]


def calendar_for(application: Application, language: str | None = None) -> bytes:
    """The program's events as one .ics (a VEVENT each, stable UIDs), for a participant."""
    return build_calendar(calendar_events(application.cohort, language or current_language()), "PUBLISH")


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
            applicant = application.applicant
            queued = queue_email(
                applicant.email,
                "selection/calendar_to_student",
                applicant.language,
                {**result_context(application, None, student_link(application), None)},
                attachments=[
                    ics_attachment(
                        calendar_events(cohort, applicant.language), "PUBLISH", "youth-training.ics"
                    )
                ],
                dedupe_key=f"selection:calendar:{application.id}:{digest}",
                related=("youth_application", application.id),
            )
            sent += queued is not None
        record(actor, "selection.calendar.send", "youth_cohort", cohort.id, emails=sent)
        db.session.commit()
    return sent
