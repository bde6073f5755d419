"""The emails about lecture requests, and their calendar entries (.ics).

Every email is queued in the caller's transaction, in its recipient's language: the
language the request was made in for the teacher, each staff member's own for staff.
A lecture's calendar entry keeps one UID for its whole life; its SEQUENCE grows with
every change, and a cancellation is sent with METHOD:CANCEL.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from booking.core.i18n import format_datetime
from booking.core.urls import absolute_url
from booking.lectures.models import (
    LectureRequest,
    LectureStatus,
)
from booking.notifications.ics import CalendarEvent, build_calendar, ics_attachment
from booking.notifications.services import Attachment, queue_email
from booking.scheduling.models import TimeOff
from booking.staff.models import User

RELATED = "lecture_request"


def manage_url(token: str) -> str:
    return absolute_url("lectures.manage", token=token)


def staff_url(lecture: LectureRequest) -> str:
    return absolute_url("lectures.show", request_id=lecture.id)


def calendar_uid_for(stem: str) -> str:
    """A calendar UID: `stem` (stable for the thing it names) at this site's host."""
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "booking.local"
    return f"{stem}@{host}"


def calendar_uid(lecture: LectureRequest) -> str:
    return calendar_uid_for(lecture.calendar_uid_stem)


def lecture_url(lecture: LectureRequest) -> str:
    """A lecturer's own page for the lecture."""
    return absolute_url("lectures.my_lecture", request_id=lecture.id)


def _meeting_lines(lecture: LectureRequest) -> list[str]:
    """The meeting link and the connection test, for a calendar entry's description."""
    lines = []
    if lecture.meeting_url:
        lines.append(_("Meeting link: %(url)s", url=lecture.meeting_url))
    elif lecture.school_sends_link:
        lines.append(_("Meeting link: the school sends it."))
    else:
        lines.append(_("Meeting link: the bureau sends it."))
    if lecture.connection_test_at:
        when = format_datetime(lecture.connection_test_at)
        lines.append(_("Connection test: %(when)s (Japan time)", when=when))
    return lines


def calendar_event(lecture: LectureRequest, language: str, url: str | None = None) -> CalendarEvent:
    """The lecture as a calendar entry, worded in `language`.

    For an online lecture with its meeting link, the link is the entry's URL and location,
    so calendar programs offer to join the call; the private page stays in the description.
    """
    with force_locale(language):
        title = lecture.program.title(language)
        summary = _("Outreach lecture: %(title)s (%(school)s)", title=title, school=lecture.school_name)
        if lecture.is_online:
            platform = lecture.online_platform.label if lecture.online_platform else ""
            location = _("Online (%(platform)s)", platform=platform) if platform else _("Online")
            if lecture.meeting_url:
                location = f"{location} {lecture.meeting_url}"
        else:
            location = " ".join(
                part for part in (lecture.school_name, lecture.venue, lecture.school_address) if part
            )
        lines = [
            _("Reference: %(reference)s", reference=lecture.reference),
            _("Lecture: %(title)s", title=title),
            _("School: %(school)s", school=lecture.school_name),
            _("Format: %(format)s", format=lecture.format.label),
        ]
        if lecture.lecturers:
            lines.append(_("Lecturers: %(names)s", names=", ".join(u.name for u in lecture.lecturers)))
        if lecture.is_online:
            lines += _meeting_lines(lecture)
        if url:
            lines.append(url)
    assert lecture.starts_at is not None and lecture.ends_at is not None
    return CalendarEvent(
        uid=calendar_uid(lecture),
        sequence=lecture.calendar_sequence,
        start=lecture.starts_at,
        end=lecture.ends_at,
        summary=summary,
        description="\n".join(lines),
        location=location,
        url=lecture.meeting_url or url,
        cancelled=lecture.status == LectureStatus.CANCELLED,
    )


def calendar_file(lecture: LectureRequest, language: str, url: str | None = None) -> bytes:
    """The calendar entry to download from the teacher's page."""
    return build_calendar([calendar_event(lecture, language, url)], method="PUBLISH")


def _invite(lecture: LectureRequest, language: str, url: str | None, cancel: bool = False) -> Attachment:
    method = "CANCEL" if cancel else "REQUEST"
    return ics_attachment(
        [calendar_event(lecture, language, url)], method=method, filename=f"{lecture.reference}.ics"
    )


def _to_teacher(
    lecture: LectureRequest,
    event: str,
    token: str,
    invite: str | None = None,
    dedupe_key: str | None = None,
    **context,
) -> None:
    link = manage_url(token)
    attachments = [_invite(lecture, lecture.language, link, cancel=invite == "CANCEL")] if invite else []
    queue_email(
        lecture.contact_email,
        f"lectures/{event}_to_teacher",
        lecture.language,
        {"lecture": lecture, "link": link, **context},
        attachments=attachments,
        dedupe_key=dedupe_key,
        related=(RELATED, lecture.id),
    )


def _to_staff(
    users: Iterable[User],
    lecture: LectureRequest,
    event: str,
    invite: str | None = None,
    dedupe_key: str | None = None,
    **context,
) -> None:
    for user in users:
        url = absolute_url("lectures.my_schedule") if event.endswith("_to_lecturer") else staff_url(lecture)
        if event.endswith("_to_lecturer"):
            context.setdefault("lecture_link", lecture_url(lecture))
        attachments = [_invite(lecture, user.language, None, cancel=invite == "CANCEL")] if invite else []
        queue_email(
            user.email,
            f"lectures/{event}",
            user.language,
            {"lecture": lecture, "user": user, "zone": user.time_zone, "link": url, **context},
            attachments=attachments,
            dedupe_key=f"{dedupe_key}:{user.id}" if dedupe_key else None,
            related=(RELATED, lecture.id),
        )


def submitted(lecture: LectureRequest, token: str, coordinators: list[User]) -> None:
    _to_teacher(lecture, "submitted", token)
    _to_staff(coordinators, lecture, "submitted_to_coordinator")


def link_resent(lecture: LectureRequest, token: str) -> None:
    """Staff sent the teacher's private link again: the received email, with a new link."""
    _to_teacher(lecture, "submitted", token, resent=True)


def proposed(lecture: LectureRequest, token: str) -> None:
    _to_teacher(lecture, "proposed", token)


def scheduled(lecture: LectureRequest, token: str, lecturers: list[User]) -> None:
    _to_teacher(lecture, "scheduled", token, invite="REQUEST")
    _to_staff(lecturers, lecture, "scheduled_to_lecturer", invite="REQUEST")


def date_chosen(lecture: LectureRequest, coordinators: list[User]) -> None:
    _to_staff(coordinators, lecture, "date_chosen_to_coordinator")


def other_dates_asked(lecture: LectureRequest, message: str, coordinators: list[User]) -> None:
    """The school found none of the proposed dates suitable and gave new ones."""
    _to_staff(coordinators, lecture, "other_dates_asked_to_coordinator", message=message)


def rescheduled(
    lecture: LectureRequest,
    token: str,
    previous_start: datetime | None,
    kept: list[User],
    added: list[User],
    removed: list[User],
) -> None:
    _to_teacher(lecture, "rescheduled", token, invite="REQUEST", previous_start=previous_start)
    _to_staff(kept, lecture, "rescheduled_to_lecturer", invite="REQUEST", previous_start=previous_start)
    _to_staff(added, lecture, "scheduled_to_lecturer", invite="REQUEST")
    # Taken off the lecture: their calendar entry is withdrawn.
    _to_staff(removed, lecture, "unassigned_to_lecturer", invite="CANCEL")


def cancelled(
    lecture: LectureRequest,
    token: str,
    lecturers: list[User],
    was_scheduled: bool,
    coordinators: list[User],
) -> None:
    by_school = lecture.events[-1].by_school
    invite = "CANCEL" if was_scheduled else None
    _to_teacher(lecture, "cancelled", token, invite=invite, by_school=by_school, was_scheduled=was_scheduled)
    _to_staff(lecturers, lecture, "cancelled_to_lecturer", invite="CANCEL")
    _to_staff(coordinators, lecture, "cancelled_to_coordinator")


def declined(lecture: LectureRequest, token: str) -> None:
    _to_teacher(lecture, "declined", token)


# After the lecture, and the reminders `flask send-reminders` queues ----------------------


def feedback_requested(lecture: LectureRequest, token: str) -> None:
    """The lecture is recorded as held: the teacher is asked for a short feedback."""
    _to_teacher(
        lecture,
        "feedback_request",
        token,
        dedupe_key=f"lectures:feedback-request:{lecture.id}",
        feedback_link=manage_url(token) + "#feedback",
    )


def feedback_reminded(lecture: LectureRequest, token: str, key: str) -> None:
    link = manage_url(token) + "#feedback"
    _to_teacher(lecture, "feedback_reminder", token, dedupe_key=key, feedback_link=link)


def reminded_teacher(lecture: LectureRequest, token: str, key: str, days: int) -> None:
    """The lecture is `days` days away (Japan time): its details, the page and the calendar entry."""
    _to_teacher(
        lecture,
        "reminder",
        token,
        dedupe_key=key,
        days=days,
        calendar_link=absolute_url("lectures.calendar", token=token),
    )


def reminded_lecturers(lecturers: list[User], lecture: LectureRequest, key: str, days: int) -> None:
    _to_staff(lecturers, lecture, "reminder_to_lecturer", dedupe_key=key, days=days)


def connection_test_teacher(lecture: LectureRequest, token: str, key: str, days: int) -> None:
    _to_teacher(lecture, "connection_test", token, dedupe_key=key, days=days)


def connection_test_lecturers(lecturers: list[User], lecture: LectureRequest, key: str, days: int) -> None:
    _to_staff(lecturers, lecture, "connection_test_to_lecturer", dedupe_key=key, days=days)


def time_off_over_lectures(
    coordinators: list[User], lecturer: User, period: TimeOff, lectures: list[LectureRequest]
) -> None:
    """Time off was entered over booked lectures: one email to each coordinator, listing them
    (no teacher's contact details: the school, the lecture and the link to each request).
    """
    links = {lecture.id: staff_url(lecture) for lecture in lectures}
    for user in coordinators:
        queue_email(
            user.email,
            "lectures/time_off_clash_to_coordinator",
            user.language,
            {"user": user, "lecturer": lecturer, "period": period, "lectures": lectures, "links": links},
            dedupe_key=f"lectures:time-off-clash:{period.id}:{user.id}",
            related=(RELATED, lectures[0].id),
        )


def meeting_updated(
    lecture: LectureRequest, token: str, lecturers: list[User], link_changed: bool, test_changed: bool
) -> None:
    """The meeting link or the connection test's time changed: everyone gets the new details and
    the calendar entry's next version (same UID, SEQUENCE up)."""
    changes = {"link_changed": link_changed, "test_changed": test_changed}
    _to_teacher(lecture, "meeting_updated", token, invite="REQUEST", **changes)
    _to_staff(lecturers, lecture, "meeting_updated_to_lecturer", invite="REQUEST", **changes)
