"""Every email selection sends: results, offers, the student's answer, reminders, the calendar.

Services call these in their transaction; each writes the outbox row and nothing else in
selection calls `queue_email`. Each carries a dedupe key the outbox refuses twice, so an
email goes once however often the change that sends it is tried.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app

from booking.core.auth import Role
from booking.core.urls import absolute_url
from booking.interview import services as interview_services
from booking.notifications.ics import CalendarEvent, ics_attachment
from booking.notifications.services import Attachment, RenderedEmail, queue_email, render_email
from booking.selection.models import Decision
from booking.staff.services import users_with_role
from booking.youth.models import Application, Cohort

# A result and an offer go to the student and to the guardian, each in the student's language.
AUDIENCES = ("student", "guardian")


def _context(
    application: Application,
    decision: Decision | None,
    link: str | None,
    rank: int | None = None,
    feedback: Any = None,
) -> dict[str, Any]:
    return {
        # Bands and the coordinator's note for a student not selected (services.Feedback).
        "feedback": feedback,
        "application": application,
        "applicant": application.applicant,
        "cohort": application.cohort,
        "decision": decision,
        "status": application.status,
        "link": link,
        "waitlist_rank": rank,
        # Told with the result: the cohort interviewed a shortlist and this student was not on it.
        "not_shortlisted": (
            application.status.is_not_selected and interview_services.not_shortlisted(application)
        ),
    }


def _to_student_and_guardian(
    event: str,
    application: Application,
    decision: Decision | None,
    link: str | None,
    rank: int | None = None,
    attachments: list[Attachment] | None = None,
    feedback: Any = None,
) -> int:
    """`selection/<event>_to_student` and `_to_guardian`; how many were queued (not sent before)."""
    applicant = application.applicant
    context = _context(application, decision, link, rank, feedback)
    queued = 0
    for audience, address in zip(AUDIENCES, (applicant.email, applicant.guardian_email), strict=True):
        sent = queue_email(
            address,
            f"selection/{event}_to_{audience}",
            applicant.language,
            context,
            attachments=attachments or (),
            dedupe_key=f"selection:{event}:{application.id}:{audience}",
            related=("youth_application", application.id),
        )
        queued += sent is not None
    return queued


def _to_student(
    template: str,
    dedupe_key: str,
    application: Application,
    decision: Decision | None,
    link: str | None,
    attachments: list[Attachment] | None = None,
) -> bool:
    """`selection/<template>_to_student`; whether it was queued (not sent before)."""
    applicant = application.applicant
    sent = queue_email(
        applicant.email,
        f"selection/{template}_to_student",
        applicant.language,
        _context(application, decision, link),
        attachments=attachments or (),
        dedupe_key=f"selection:{dedupe_key}:{application.id}",
        related=("youth_application", application.id),
    )
    return sent is not None


def result(
    application: Application, decision: Decision | None, link: str, rank: int | None, feedback: Any = None
) -> int:
    """The published result, to the student and the guardian (with the feedback when not selected)."""
    return _to_student_and_guardian("result", application, decision, link, rank, feedback=feedback)


def render_result(
    application: Application,
    decision: Decision | None,
    link: str,
    rank: int | None,
    audience: str,
    language: str,
    feedback: Any = None,
) -> RenderedEmail:
    """The result email as it will read, for the coordinator's preview (nothing is queued)."""
    return render_email(
        f"selection/result_to_{audience}", language, _context(application, decision, link, rank, feedback)
    )


def offered_from_waitlist(application: Application, decision: Decision, link: str) -> None:
    """A place came free and goes to this student: to the student and the guardian."""
    _to_student_and_guardian("offer", application, decision, link)


def confirmed(application: Application, decision: Decision, link: str) -> None:
    """The student took the place: to both, with the program's dates as an .ics."""
    attachment = program_calendar(application.cohort, application.applicant.language)
    _to_student_and_guardian("confirmed", application, decision, link, attachments=[attachment])


def declined(application: Application, decision: Decision) -> None:
    _to_student("declined", "declined", application, decision, None)


def expired(application: Application, decision: Decision) -> None:
    """No answer by the deadline: the place has gone."""
    _to_student("expired", "expired", application, decision, None)


def offer_reminder(application: Application, decision: Decision, link: str) -> bool:
    """The deadline is near; once per offer. Whether it was queued."""
    return _to_student("offer_reminder", "offer-reminder", application, decision, link)


def calendar(application: Application, link: str, digest: str) -> bool:
    """The program's dates to a participant; once per state of the events (`digest`)."""
    attachment = program_calendar(application.cohort, application.applicant.language)
    return _to_student("calendar", f"calendar:{digest}", application, None, link, [attachment])


def place_passed(cohort: Cohort, left: Application, promoted: list[Application]) -> None:
    """Coordinators are told that a place was left, and who it went to from the waiting list.

    `left`'s status says why: declined, expired or withdrawn.
    """
    for coordinator in users_with_role(Role.COORDINATOR):
        queue_email(
            coordinator.email,
            "selection/place_passed_to_coordinator",
            coordinator.language,
            {
                "cohort": cohort,
                "left": left,
                "promoted": promoted,
                "link": absolute_url("selection.participants", cohort_id=cohort.id),
                "user": coordinator,
            },
            dedupe_key=f"selection:place-passed:{left.id}:{coordinator.id}",
            related=("youth_cohort", cohort.id),
        )


def calendar_events(cohort: Cohort, language: str) -> list[CalendarEvent]:
    """The program's events, a VEVENT each with a stable UID and the event's SEQUENCE."""
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


def program_calendar(cohort: Cohort, language: str) -> Attachment:
    return ics_attachment(calendar_events(cohort, language), "PUBLISH", "youth-training.ics")
