"""The emails about study tours, and their calendar entries (.ics).

Every email is queued in the caller's transaction, in its recipient's language: the
language the organiser used on the form, each staff member's own for staff. A visit's
calendar entry keeps one UID for its whole life; its SEQUENCE grows with every change,
and a cancellation is sent with METHOD:CANCEL.

Services call these functions; nothing else queues a visit's email.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.routing import BuildError

from booking.core.urls import absolute_url
from booking.notifications.ics import CalendarEvent, build_calendar, ics_attachment
from booking.notifications.services import Attachment, queue_email
from booking.staff.models import User
from booking.visits.countries import country_name
from booking.visits.models import VisitRequest, VisitStatus

RELATED = "visit_request"


def manage_url(token: str) -> str:
    return absolute_url("visits.manage", token=token)


def staff_url(visit: VisitRequest) -> str:
    """The visit's page for staff (`visits.show`); the dashboard while that page is not registered."""
    try:
        return absolute_url("visit_staff.show", request_id=visit.id)
    except BuildError:
        return absolute_url("staff.dashboard")


def calendar_uid(visit: VisitRequest) -> str:
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "booking.local"
    return f"{visit.calendar_uid_stem}@{host}"


def calendar_event(visit: VisitRequest, language: str, url: str | None = None) -> CalendarEvent:
    """The visit as a calendar entry, worded in `language`: the facilities, where to meet and
    how to get there (in words)."""
    with force_locale(language):
        names = _(", ").join(f.text("name", language) for f in visit.facilities)
        summary = _(
            "Study tour: %(facilities)s (%(organisation)s)", facilities=names, organisation=visit.organisation
        )
        lines = [
            _("Reference: %(reference)s", reference=visit.reference),
            _("Facilities: %(names)s", names=names),
            _("Visitors: %(n)d", n=visit.group_size),
        ]
        for facility in visit.facilities:
            meeting = facility.text("meeting_point", language)
            directions = facility.text("directions", language)
            if meeting:
                lines.append(
                    _(
                        "Meeting point (%(facility)s): %(text)s",
                        facility=facility.text("name", language),
                        text=meeting,
                    )
                )
            if directions:
                lines.append(_("How to get there: %(text)s", text=directions))
        if url:
            lines.append(url)
        first = visit.facilities[0] if visit.facilities else None
        location = (first.text("meeting_point", language) or first.text("name", language)) if first else ""
    assert visit.starts_at is not None and visit.ends_at is not None
    return CalendarEvent(
        uid=calendar_uid(visit),
        sequence=visit.calendar_sequence,
        start=visit.starts_at,
        end=visit.ends_at,
        summary=summary,
        description="\n".join(lines),
        location=location,
        url=url,
        cancelled=visit.status == VisitStatus.CANCELLED,
    )


def calendar_file(visit: VisitRequest, language: str, url: str | None = None) -> bytes:
    """The calendar entry to download from the organiser's page."""
    return build_calendar([calendar_event(visit, language, url)], method="PUBLISH")


def _invite(visit: VisitRequest, language: str, url: str | None, cancel: bool = False) -> Attachment:
    return ics_attachment(
        [calendar_event(visit, language, url)],
        method="CANCEL" if cancel else "REQUEST",
        filename=f"{visit.reference}.ics",
    )


def _to_organiser(
    visit: VisitRequest,
    event: str,
    token: str,
    invite: str | None = None,
    dedupe_key: str | None = None,
    **context,
) -> None:
    link = manage_url(token)
    attachments = [_invite(visit, visit.language, link, cancel=invite == "CANCEL")] if invite else []
    queue_email(
        visit.contact_email,
        f"visits/{event}_to_organiser",
        visit.language,
        {
            "visit": visit,
            "link": link,
            "zone": visit.time_zone,
            "country": country_name(visit.country, visit.language),
            **context,
        },
        attachments=attachments,
        dedupe_key=dedupe_key,
        related=(RELATED, visit.id),
    )


def _to_staff(users: Iterable[User], visit: VisitRequest, event: str, **context) -> None:
    for user in users:
        queue_email(
            user.email,
            f"visits/{event}_to_coordinators",
            user.language,
            {
                "visit": visit,
                "user": user,
                "zone": None,
                "link": staff_url(visit),
                "country": country_name(visit.country, user.language),
                **context,
            },
            related=(RELATED, visit.id),
        )


def received(visit: VisitRequest, token: str, coordinators: list[User]) -> None:
    """A new request: the organiser gets the reference and the private link; coordinators are told."""
    _to_organiser(visit, "received", token)
    _to_staff(coordinators, visit, "new_request")


def link_resent(visit: VisitRequest, token: str) -> None:
    """The received email again, with a new private link."""
    _to_organiser(visit, "received", token, resent=True)


def proposed(visit: VisitRequest, token: str) -> None:
    """Staff proposed other dates: the organiser chooses one on the private page."""
    _to_organiser(visit, "proposed", token)


def scheduled(visit: VisitRequest, token: str) -> None:
    """The visit is booked: the date, the meeting point and directions, and the calendar entry."""
    _to_organiser(visit, "scheduled", token, invite="REQUEST")


def changed(visit: VisitRequest, token: str, previous_start: datetime | None) -> None:
    """The booked visit moved (or its details changed): the calendar entry's next version."""
    _to_organiser(visit, "changed", token, invite="REQUEST", previous_start=previous_start)


def declined(visit: VisitRequest, token: str) -> None:
    _to_organiser(visit, "declined", token)


def cancelled(visit: VisitRequest, token: str, was_scheduled: bool, coordinators: list[User] = ()) -> None:
    """Cancelled by the organiser or by staff; a booked visit's calendar entry is withdrawn.
    Coordinators are told when the organiser cancelled."""
    by_organiser = bool(visit.events) and visit.events[-1].by_organiser
    invite = "CANCEL" if was_scheduled else None
    _to_organiser(
        visit, "cancelled", token, invite=invite, by_organiser=by_organiser, was_scheduled=was_scheduled
    )
    if by_organiser:
        _to_staff(coordinators, visit, "cancelled")


def date_chosen(visit: VisitRequest, coordinators: list[User]) -> None:
    """The organiser took one of the proposed dates."""
    _to_staff(coordinators, visit, "date_chosen")


def reminded(visit: VisitRequest, token: str, key: str, days: int) -> None:
    """The visit is `days` days away (Japan time): its details, the page and the calendar entry."""
    _to_organiser(
        visit,
        "reminder",
        token,
        dedupe_key=key,
        days=days,
        calendar_link=absolute_url("visits.calendar", token=token),
    )


def feedback_requested(visit: VisitRequest, token: str) -> None:
    """The visit is recorded as held: the organiser is asked for a short feedback."""
    _to_organiser(
        visit,
        "feedback_request",
        token,
        dedupe_key=f"visits:feedback-request:{visit.id}",
        feedback_link=manage_url(token) + "#feedback",
    )
