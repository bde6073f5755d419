"""Lectures on the staff calendar and in lecturers' private feeds.

Scheduled and held lectures, and lecturers' time off, as calendar entries; the feed gives a
lecturer's lectures as the very calendar events their emails carried (same UID, same
SEQUENCE), so a calendar program that has both keeps one entry.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from booking.calendar.sources import Entry, Person, register_feed_source, register_source
from booking.core.auth import Role
from booking.extensions import db
from booking.lectures import LECTURE_STAFF
from booking.lectures.models import (
    BOOKED_STATUSES,
    LectureAssignment,
    LectureRequest,
    LecturerUnavailability,
    LectureStatus,
)
from booking.lectures.notifications import calendar_event, calendar_uid_for
from booking.notifications.ics import CalendarEvent
from booking.staff.models import User


def lecture_link(lecture: LectureRequest, viewer: User) -> str:
    """Where a lecture on the calendar leads: the request for staff, the lecturer's own page of
    that lecture for a lecturer (who sees only their own lectures on the calendar)."""
    if viewer.has_any_role(*LECTURE_STAFF):
        return url_for("lectures.show", request_id=lecture.id)
    return url_for("lectures.my_lecture", request_id=lecture.id)


def _diary_link(lecturer: User, viewer: User) -> str:
    if lecturer.id == viewer.id and viewer.has_role(Role.LECTURER):
        return url_for("lectures.my_schedule")
    return url_for("lectures.lecturer", lecturer_id=lecturer.id)


def _person(user: User) -> Person:
    return Person(user.id, user.name, user.time_zone)


def _location(lecture: LectureRequest) -> str:
    if lecture.is_online:
        return lecture.online_platform.label if lecture.online_platform else lecture.format.label
    return " ".join(part for part in (lecture.school_name, lecture.venue) if part)


def _lectures(start: datetime, end: datetime, person_id: int | None) -> list[LectureRequest]:
    query = (
        sa.select(LectureRequest)
        .options(
            joinedload(LectureRequest.program),
            selectinload(LectureRequest.assignments).joinedload(LectureAssignment.lecturer),
        )
        .where(
            LectureRequest.status.in_(BOOKED_STATUSES),
            LectureRequest.starts_at < end,
            LectureRequest.ends_at > start,
        )
        .order_by(LectureRequest.starts_at)
    )
    if person_id is not None:
        query = query.where(
            sa.exists().where(
                LectureAssignment.request_id == LectureRequest.id,
                LectureAssignment.lecturer_id == person_id,
                LectureAssignment.active.is_(True),
            )
        )
    return list(db.session.scalars(query))


def _time_off(start: datetime, end: datetime, person_id: int | None) -> list[LecturerUnavailability]:
    query = (
        sa.select(LecturerUnavailability)
        .options(joinedload(LecturerUnavailability.lecturer))
        .where(LecturerUnavailability.starts_at < end, LecturerUnavailability.ends_at > start)
        .order_by(LecturerUnavailability.starts_at)
    )
    if person_id is not None:
        query = query.where(LecturerUnavailability.lecturer_id == person_id)
    return list(db.session.scalars(query))


def calendar_entries(start: datetime, end: datetime, viewer: User, person_id: int | None) -> list[Entry]:
    """Booked lectures and time off in [start, end): everyone's for staff, a lecturer's own."""
    if not viewer.has_any_role(*LECTURE_STAFF):
        if not viewer.has_role(Role.LECTURER):
            return []
        person_id = viewer.id
    entries = [
        Entry(
            kind="lecture",
            kind_label=_("Lecture"),
            title=f"{lecture.reference} {lecture.program.title()} — {lecture.school_name}",
            starts_at=lecture.starts_at,
            ends_at=lecture.ends_at,
            url=lecture_link(lecture, viewer),
            people=tuple(_person(a.lecturer) for a in lecture.assignments if a.active),
            status_label=lecture.status.label,
            tone=lecture.status.tone,
            location=_location(lecture),
        )
        for lecture in _lectures(start, end, person_id)
        if lecture.starts_at is not None and lecture.ends_at is not None
    ]
    entries += [
        Entry(
            kind="time_off",
            kind_label=_("Time off"),
            title=_("Time off: %(name)s", name=period.lecturer.name),
            starts_at=period.starts_at,
            ends_at=period.ends_at,
            url=_diary_link(period.lecturer, viewer) + "#time-off",
            people=(_person(period.lecturer),),
            busy_only=True,
        )
        for period in _time_off(start, end, person_id)
    ]
    return entries


def feed_events(user: User, since: datetime) -> list[CalendarEvent]:
    """The lecturer's lectures from `since` on (cancelled ones as cancelled), and time off as busy."""
    lectures = db.session.scalars(
        sa.select(LectureRequest)
        .join(LectureAssignment, LectureAssignment.request_id == LectureRequest.id)
        .options(
            joinedload(LectureRequest.program),
            selectinload(LectureRequest.assignments).joinedload(LectureAssignment.lecturer),
        )
        .where(
            LectureAssignment.lecturer_id == user.id,
            LectureRequest.starts_at >= since,
            sa.or_(
                sa.and_(LectureAssignment.active.is_(True), LectureRequest.status.in_(BOOKED_STATUSES)),
                LectureRequest.status == LectureStatus.CANCELLED,
            ),
        )
        .order_by(LectureRequest.starts_at)
    )
    # The same entry the lecturer's emails carried: same UID, SEQUENCE and wording.
    events = [calendar_event(lecture, user.language) for lecture in lectures.unique()]
    periods = db.session.scalars(
        sa.select(LecturerUnavailability).where(
            LecturerUnavailability.lecturer_id == user.id, LecturerUnavailability.ends_at >= since
        )
    )
    with force_locale(user.language):
        summary = _("Time off")
    events += [
        CalendarEvent(
            uid=calendar_uid_for(f"time-off-{period.id}"),
            sequence=0,
            start=period.starts_at,
            end=period.ends_at,
            summary=summary,
        )
        for period in periods
    ]
    return events


register_source("lectures", calendar_entries)
register_feed_source("lectures", feed_events)
