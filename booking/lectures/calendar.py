"""Lectures on the staff calendar and in lecturers' private feeds.

Scheduled and held lectures, and lecturers' time off, as calendar entries; the feed gives a
lecturer's lectures as the very calendar events their emails carried (same UID, same
SEQUENCE), so a calendar program that has both keeps one entry.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa
from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import aliased, joinedload, selectinload

from booking.calendar.sources import Entry, Person, register_feed_source, register_source
from booking.core.auth import Role
from booking.core.i18n import localised
from booking.extensions import db
from booking.lectures import LECTURE_STAFF
from booking.lectures.models import (
    BOOKED_STATUSES,
    LectureFormat,
    LectureRequest,
    LectureStatus,
    Program,
    lecture_booking,
)
from booking.lectures.notifications import calendar_event, calendar_uid_for
from booking.notifications.ics import CalendarEvent
from booking.scheduling.models import StaffBooking, TimeOff
from booking.staff.models import User


def _diary_link(lecturer_id: int, viewer: User) -> str:
    if lecturer_id == viewer.id and viewer.has_role(Role.LECTURER):
        return url_for("lectures.my_schedule")
    return url_for("lectures.lecturer", lecturer_id=lecturer_id)


def _booked_between(start: datetime, end: datetime, person_id: int | None) -> sa.ColumnElement[bool]:
    """The lectures drawn on the calendar: booked, overlapping [start, end), the person's own."""
    where = sa.and_(
        LectureRequest.status.in_(BOOKED_STATUSES),
        LectureRequest.starts_at < end,
        LectureRequest.ends_at > start,
    )
    if person_id is not None:
        mine = aliased(StaffBooking)  # apart from the assignments a query may list
        where = sa.and_(
            where,
            sa.exists()
            .where(
                lecture_booking(mine),
                mine.person_id == person_id,
                mine.active.is_(True),
            )
            .correlate(LectureRequest),
        )
    return where


def _lectures(start: datetime, end: datetime, person_id: int | None) -> list[sa.Row]:
    """What each lecture's entry shows, with its program's titles: plain rows, one statement."""
    query = (
        sa.select(
            LectureRequest.id,
            LectureRequest.reference,
            LectureRequest.status,
            LectureRequest.format,
            LectureRequest.online_platform,
            LectureRequest.school_name,
            LectureRequest.venue,
            LectureRequest.starts_at,
            LectureRequest.ends_at,
            LectureRequest.program_id,
            Program.title_ja,
            Program.title_en,
        )
        .join(Program, Program.id == LectureRequest.program_id)
        .where(_booked_between(start, end, person_id))
        .order_by(LectureRequest.starts_at, LectureRequest.id)
    )
    return list(db.session.execute(query))


def _lecturers(start: datetime, end: datetime, person_id: int | None) -> dict[int, tuple[Person, ...]]:
    """Each lecture's active lecturers, in the order they were assigned: one statement however
    many lectures the period holds (no list of ids sent back)."""
    rows = db.session.execute(
        sa.select(StaffBooking.subject_id, User.id, User.name, User.time_zone)
        .join(User, User.id == StaffBooking.person_id)
        .join(LectureRequest, LectureRequest.id == StaffBooking.subject_id)
        .where(StaffBooking.active.is_(True), _booked_between(start, end, person_id))
        .order_by(StaffBooking.subject_id, StaffBooking.id)
    )
    found: dict[int, list[Person]] = defaultdict(list)
    for request_id, user_id, name, time_zone in rows:
        found[request_id].append(Person(user_id, name, time_zone))
    return {request_id: tuple(people) for request_id, people in found.items()}


def _time_off(start: datetime, end: datetime, person_id: int | None) -> list[sa.Row]:
    """Time off overlapping [start, end) with its person's id, name and zone (plain rows)."""
    query = (
        sa.select(
            TimeOff.starts_at,
            TimeOff.ends_at,
            User.id.label("person_id"),
            User.name,
            User.time_zone,
        )
        .join(User, User.id == TimeOff.person_id)
        .where(TimeOff.starts_at < end, TimeOff.ends_at > start)
        .order_by(TimeOff.starts_at, TimeOff.id)
    )
    if person_id is not None:
        query = query.where(TimeOff.person_id == person_id)
    return list(db.session.execute(query))


def _id_link(endpoint: str, key: str) -> Callable[[int], str]:
    """url_for(endpoint, key=id) for many ids: the route is built once, the id put in its place."""
    marker = 987654321
    head, tail = url_for(endpoint, **{key: marker}).rsplit(str(marker), 1)
    return lambda record_id: f"{head}{record_id}{tail}"


def calendar_entries(start: datetime, end: datetime, viewer: User, person_id: int | None) -> list[Entry]:
    """Booked lectures and time off in [start, end): everyone's for staff, a lecturer's own.

    A fixed number of statements, and the words and links shared by every entry made once:
    a month can hold a thousand lectures.
    """
    staff = viewer.has_any_role(*LECTURE_STAFF)
    if not staff:
        if not viewer.has_any_role(Role.LECTURER, Role.GUIDE):
            return []  # a guide's own time off shows; lectures only if also a lecturer
        person_id = viewer.id
    link = _id_link("lectures.show" if staff else "lectures.my_lecture", "request_id")
    lecture_label = _("Lecture")
    statuses = {status: status.label for status in LectureStatus}
    formats = {fmt: fmt.label for fmt in LectureFormat}
    platforms: dict[object, str] = {}
    titles: dict[int, str] = {}
    people = _lecturers(start, end, person_id)
    entries = []
    for lecture in _lectures(start, end, person_id):
        if lecture.starts_at is None or lecture.ends_at is None:
            continue
        if lecture.program_id not in titles:
            titles[lecture.program_id] = localised(lecture, "title")
        if lecture.format == LectureFormat.ONLINE:
            platform = lecture.online_platform
            if platform is None:
                location = formats[lecture.format]
            else:
                location = platforms.setdefault(platform, platform.label)
        else:
            location = " ".join(part for part in (lecture.school_name, lecture.venue) if part)
        entries.append(
            Entry(
                kind="lecture",
                kind_label=lecture_label,
                title=f"{lecture.reference} {titles[lecture.program_id]} — {lecture.school_name}",
                starts_at=lecture.starts_at,
                ends_at=lecture.ends_at,
                url=link(lecture.id),
                people=people.get(lecture.id, ()),
                status_label=statuses[lecture.status],
                tone=lecture.status.tone,
                location=location,
            )
        )
    time_off_label = _("Time off")
    diaries: dict[int, str] = {}
    for period in _time_off(start, end, person_id):
        if period.person_id not in diaries:
            diaries[period.person_id] = _diary_link(period.person_id, viewer) + "#time-off"
        entries.append(
            Entry(
                kind="time_off",
                kind_label=time_off_label,
                title=_("Time off: %(name)s", name=period.name),
                starts_at=period.starts_at,
                ends_at=period.ends_at,
                url=diaries[period.person_id],
                people=(Person(period.person_id, period.name, period.time_zone),),
                busy_only=True,
            )
        )
    return entries


def feed_events(user: User, since: datetime) -> list[CalendarEvent]:
    """The lecturer's lectures from `since` on (cancelled ones as cancelled), and time off as busy."""
    lectures = db.session.scalars(
        sa.select(LectureRequest)
        .join(StaffBooking, lecture_booking())
        .options(
            joinedload(LectureRequest.program),
            selectinload(LectureRequest.assignments).joinedload(StaffBooking.person),
        )
        .where(
            StaffBooking.person_id == user.id,
            LectureRequest.starts_at >= since,
            sa.or_(
                sa.and_(StaffBooking.active.is_(True), LectureRequest.status.in_(BOOKED_STATUSES)),
                LectureRequest.status == LectureStatus.CANCELLED,
            ),
        )
        .order_by(LectureRequest.starts_at)
    )
    # The same entry the lecturer's emails carried: same UID, SEQUENCE and wording.
    events = [calendar_event(lecture, user.language) for lecture in lectures.unique()]
    periods = db.session.scalars(
        sa.select(TimeOff).where(TimeOff.person_id == user.id, TimeOff.ends_at >= since)
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
