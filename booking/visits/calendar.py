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

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from booking.calendar.sources import Entry, Person, register_feed_source, register_source
from booking.core.i18n import current_language
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


def _facility_names(language: str) -> sa.ScalarSelect:
    """A tour's facilities, in list order, as one string (a correlated subquery)."""
    name = Facility.name_en if language == "en" else Facility.name_ja
    ordered = (
        sa.select(name.label("name"))
        .join(visit_request_facilities, visit_request_facilities.c.facility_id == Facility.id)
        .where(visit_request_facilities.c.request_id == VisitRequest.id)
        .order_by(Facility.position, Facility.id)
        .correlate(VisitRequest)
        .subquery()
    )
    return sa.select(
        sa.func.aggregate_strings(ordered.c.name, "、" if language == "ja" else ", ")
    ).scalar_subquery()


def _id_link(endpoint: str, key: str) -> Callable[[int], str]:
    marker = 987654321
    head, tail = url_for(endpoint, **{key: marker}).rsplit(str(marker), 1)
    return lambda record_id: f"{head}{record_id}{tail}"


def calendar_entries(start: datetime, end: datetime, viewer: User, person_id: int | None) -> list[Entry]:
    """Booked tours in [start, end): everyone's for coordinators, a person's own otherwise.

    One statement, whatever the period holds: each tour with its facilities' names, once per
    person booked for it (guides first).
    """
    if not viewer.has_any_role(*VISIT_STAFF):
        person_id = viewer.id
    booked = sa.and_(
        StaffBooking.program == Program.VISIT,
        StaffBooking.subject_id == VisitRequest.id,
        StaffBooking.active.is_(True),
    )
    rows = db.session.execute(
        sa.select(
            VisitRequest.id,
            VisitRequest.reference,
            VisitRequest.status,
            VisitRequest.organisation,
            VisitRequest.group_size,
            VisitRequest.starts_at,
            VisitRequest.ends_at,
            _facility_names(current_language()).label("places"),
            User.id.label("person_id"),
            User.name.label("person_name"),
            User.time_zone.label("person_zone"),
        )
        .outerjoin(StaffBooking, booked)
        .outerjoin(User, User.id == StaffBooking.person_id)
        .where(_booked_between(start, end, person_id))
        .order_by(VisitRequest.starts_at, VisitRequest.id, StaffBooking.role, StaffBooking.id)
    ).all()
    visits: dict[int, sa.Row] = {}
    people: dict[int, list[Person]] = defaultdict(list)
    for row in rows:
        visits.setdefault(row.id, row)
        if row.person_id is not None:
            people[row.id].append(Person(row.person_id, row.person_name, row.person_zone))
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
            people=tuple(people[visit.id]),
            status_label=statuses[visit.status],
            tone=visit.status.tone,
            location=visit.places or "",
        )
        for visit in visits.values()
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
