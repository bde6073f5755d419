"""Study tours on the staff calendar and in guides' private feeds.

Scheduled and held tours are drawn beside lectures; with a person chosen, the tours that
person guides or interprets for. A guide's feed holds their tours (cancelled ones as
cancelled), under the same UID as the organiser's calendar entry, its SEQUENCE growing
with every change.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from types import SimpleNamespace

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from booking.calendar.sources import Entry, Person, register_feed_source, register_source
from booking.core.i18n import localised
from booking.extensions import db
from booking.notifications.ics import CalendarEvent
from booking.scheduling.models import Program, StaffBooking
from booking.staff.models import User
from booking.visits.access import VISIT_STAFF
from booking.visits.models import Facility, VisitRequest, VisitStatus, visit_request_facilities
from booking.visits.notifications import calendar_event

DRAWN = (VisitStatus.SCHEDULED, VisitStatus.COMPLETED)


def _booked_between(start: datetime, end: datetime, person_id: int | None) -> sa.ColumnElement[bool]:
    """The tours drawn: booked, overlapping [start, end), the person's own when one is given."""
    where = sa.and_(
        VisitRequest.status.in_(DRAWN),
        VisitRequest.starts_at < end,
        VisitRequest.ends_at > start,
    )
    if person_id is not None:
        where = sa.and_(
            where,
            sa.exists()
            .where(
                StaffBooking.program == Program.VISIT,
                StaffBooking.subject_id == VisitRequest.id,
                StaffBooking.person_id == person_id,
                StaffBooking.active.is_(True),
            )
            .correlate(VisitRequest),
        )
    return where


def _people(start: datetime, end: datetime, person_id: int | None) -> dict[int, tuple[Person, ...]]:
    """Each tour's booked staff (guides first), in one statement."""
    rows = db.session.execute(
        sa.select(StaffBooking.subject_id, User.id, User.name, User.time_zone)
        .join(User, User.id == StaffBooking.person_id)
        .join(VisitRequest, VisitRequest.id == StaffBooking.subject_id)
        .where(
            StaffBooking.program == Program.VISIT,
            StaffBooking.active.is_(True),
            _booked_between(start, end, person_id),
        )
        .order_by(StaffBooking.subject_id, StaffBooking.role, StaffBooking.id)
    )
    found: dict[int, list[Person]] = defaultdict(list)
    for visit_id, user_id, name, time_zone in rows:
        found[visit_id].append(Person(user_id, name, time_zone))
    return {visit_id: tuple(people) for visit_id, people in found.items()}


def _facility_names(start: datetime, end: datetime, person_id: int | None) -> dict[int, list[str]]:
    rows = db.session.execute(
        sa.select(visit_request_facilities.c.request_id, Facility.name_ja, Facility.name_en)
        .join(Facility, Facility.id == visit_request_facilities.c.facility_id)
        .join(VisitRequest, VisitRequest.id == visit_request_facilities.c.request_id)
        .where(_booked_between(start, end, person_id))
        .order_by(visit_request_facilities.c.request_id, Facility.position, Facility.id)
    )
    found: dict[int, list[str]] = defaultdict(list)
    for visit_id, name_ja, name_en in rows:
        found[visit_id].append(localised(SimpleNamespace(name_ja=name_ja, name_en=name_en), "name"))
    return found


def _id_link(endpoint: str, key: str) -> Callable[[int], str]:
    marker = 987654321
    head, tail = url_for(endpoint, **{key: marker}).rsplit(str(marker), 1)
    return lambda record_id: f"{head}{record_id}{tail}"


def calendar_entries(start: datetime, end: datetime, viewer: User, person_id: int | None) -> list[Entry]:
    """Booked tours in [start, end): everyone's for coordinators, a person's own otherwise."""
    if not viewer.has_any_role(*VISIT_STAFF):
        person_id = viewer.id
    visits = db.session.execute(
        sa.select(
            VisitRequest.id,
            VisitRequest.reference,
            VisitRequest.status,
            VisitRequest.organisation,
            VisitRequest.group_size,
            VisitRequest.starts_at,
            VisitRequest.ends_at,
        )
        .where(_booked_between(start, end, person_id))
        .order_by(VisitRequest.starts_at, VisitRequest.id)
    ).all()
    if not visits:
        return []
    people = _people(start, end, person_id)
    places = _facility_names(start, end, person_id)
    link = _id_link("visit_staff.show", "request_id")
    label = _("Study tour")
    statuses = {status: status.label for status in VisitStatus}
    return [
        Entry(
            kind="visit",
            kind_label=label,
            title=f"{visit.reference} {visit.organisation} ({visit.group_size})",
            starts_at=visit.starts_at,
            ends_at=visit.ends_at,
            url=link(visit.id),
            people=people.get(visit.id, ()),
            status_label=statuses[visit.status],
            tone=visit.status.tone,
            location=_(", ").join(places.get(visit.id, [])),
        )
        for visit in visits
    ]


def feed_events(user: User, since: datetime) -> list[CalendarEvent]:
    """The person's tours from `since` on; a cancelled one stays, marked cancelled."""
    visits = db.session.scalars(
        sa.select(VisitRequest)
        .options(selectinload(VisitRequest.facilities))
        .join(
            StaffBooking,
            sa.and_(StaffBooking.program == Program.VISIT, StaffBooking.subject_id == VisitRequest.id),
        )
        .where(
            StaffBooking.person_id == user.id,
            VisitRequest.starts_at >= since,
            sa.or_(
                sa.and_(StaffBooking.active.is_(True), VisitRequest.status.in_(DRAWN)),
                VisitRequest.status == VisitStatus.CANCELLED,
            ),
        )
        .order_by(VisitRequest.starts_at)
    ).unique()
    # The same entry the organiser's emails carried: same UID, SEQUENCE and wording.
    return [calendar_event(visit, user.language) for visit in visits]


register_source("visits", calendar_entries)
register_feed_source("visits", feed_events)
