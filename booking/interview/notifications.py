"""Every email the interview round sends: the invitation, the confirmation with its .ics, the reminder.

Each goes to the student and to the guardian, in the student's language, and carries a
dedupe key the outbox refuses twice.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from booking.core.urls import absolute_url
from booking.interview.models import InterviewBooking, InterviewSlot
from booking.notifications.ics import CalendarEvent, build_calendar, ics_attachment
from booking.notifications.services import Attachment, queue_email
from booking.youth.models import Application

AUDIENCES = ("student", "guardian")


def _to_student_and_guardian(
    event: str,
    application: Application,
    context: dict[str, Any],
    dedupe: str,
    attachments: list[Attachment] | None = None,
) -> int:
    applicant = application.applicant
    queued = 0
    for audience, address in zip(AUDIENCES, (applicant.email, applicant.guardian_email), strict=True):
        if not address:
            continue
        sent = queue_email(
            address,
            f"interview/{event}_to_{audience}",
            applicant.language,
            {
                "application": application,
                "applicant": applicant,
                "cohort": application.cohort,
                **context,
                # The private link is the student's own: never in the guardian's email.
                "link": context.get("link") if audience == "student" else None,
            },
            attachments=attachments or (),
            dedupe_key=f"interview:{event}:{dedupe}:{audience}",
            related=("youth_application", application.id),
        )
        queued += sent is not None
    return queued


def invitation(application: Application, slots: list[InterviewSlot], link: str) -> int:
    """The student is shortlisted: pick an interview time through the private link."""
    return _to_student_and_guardian(
        "invitation", application, {"slots": slots, "link": link}, str(application.id)
    )


def confirmed(application: Application, booking: InterviewBooking, link: str) -> int:
    """The picked time, with an .ics; once per pick (a change is a new pick)."""
    attachment = ics_attachment(
        [calendar_event(application, booking, application.applicant.language)], "PUBLISH", "interview.ics"
    )
    return _to_student_and_guardian(
        "confirmed",
        application,
        {"booking": booking, "slot": booking.slot, "link": link},
        f"{application.id}:{booking.sequence}",
        [attachment],
    )


def reminder(application: Application, booking: InterviewBooking, link: str) -> int:
    """The interview is near; once per pick."""
    return _to_student_and_guardian(
        "reminder",
        application,
        {"booking": booking, "slot": booking.slot, "link": link},
        f"{application.id}:{booking.sequence}",
    )


def calendar_event(application: Application, booking: InterviewBooking, language: str) -> CalendarEvent:
    """The interview as a VEVENT: one UID per application, SEQUENCE grows with each change of time."""
    domain = urlsplit(current_app.config["BASE_URL"]).hostname or "booking.local"
    slot = booking.slot
    with force_locale(language):
        summary = _("Interview: %(title)s", title=application.cohort.title(language))
        location = _("Online") if slot.online else slot.place(language)
    return CalendarEvent(
        uid=f"youth-interview-{application.id}@{domain}",
        sequence=booking.sequence,
        start=slot.starts_at,
        end=slot.ends_at,
        summary=summary,
        description=application.code,
        location=location,
        url=slot.meeting_url or absolute_url("youth.index"),
    )


def calendar_file(application: Application, booking: InterviewBooking, language: str) -> bytes:
    return build_calendar([calendar_event(application, booking, language)], "PUBLISH")
