"""Facilities: the list staff keep, and holding them for a scheduled visit.

`hold_facilities` books every facility of a visit for its whole time (the group stays
together and moves between them), after checking, under the facility rows' locks, that
each still has room; the database's trigger is the last word (see visits/models.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

import sqlalchemy as sa
from flask_babel import gettext as _

from booking.core.errors import DomainError
from booking.extensions import db
from booking.visits.models import Facility, FacilityBooking, VisitRequest


def active_facilities() -> list[Facility]:
    """The facilities groups can ask to see, in list order."""
    return list(
        db.session.scalars(
            sa.select(Facility).where(Facility.active).order_by(Facility.position, Facility.id)
        )
    )


def all_facilities() -> list[Facility]:
    return list(db.session.scalars(sa.select(Facility).order_by(Facility.position, Facility.id)))


def peak_visitors(
    facility_id: int, starts_at: datetime, ends_at: datetime, except_request_id: int | None = None
) -> int:
    """The most visitors the facility's active bookings hold at one moment between the times."""
    query = sa.select(FacilityBooking.starts_at, FacilityBooking.ends_at, FacilityBooking.visitors).where(
        FacilityBooking.facility_id == facility_id,
        FacilityBooking.active,
        FacilityBooking.starts_at < ends_at,
        starts_at < FacilityBooking.ends_at,
    )
    if except_request_id is not None:
        query = query.where(FacilityBooking.request_id != except_request_id)
    bookings = db.session.execute(query).all()
    # The load is highest at the start of some booking (or at the start of the period).
    moments = [starts_at] + [b.starts_at for b in bookings if b.starts_at > starts_at]
    return max(
        (sum(b.visitors for b in bookings if b.starts_at <= moment < b.ends_at) for moment in moments),
        default=0,
    )


def room_left(
    facility: Facility, starts_at: datetime, ends_at: datetime, except_request_id: int | None = None
) -> int:
    return max(0, facility.capacity - peak_visitors(facility.id, starts_at, ends_at, except_request_id))


def _lock_facilities(ids: list[int]) -> list[Facility]:
    """The facilities, their rows locked in id order (so two holders never wait on each other)."""
    return list(
        db.session.scalars(
            sa.select(Facility)
            .where(Facility.id.in_(ids))
            .order_by(Facility.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    )


def _full(facility: Facility, left: int) -> DomainError:
    if left == 0:
        message = _("The %(facility)s is fully booked at that time.", facility=facility.name)
    else:
        message = _(
            "The %(facility)s has room for %(n)d more visitors at that time.", facility=facility.name, n=left
        )
    return DomainError(message, field="facilities")


def hold_facilities(visit: VisitRequest, starts_at: datetime, ends_at: datetime) -> None:
    """Book the visit's facilities from `starts_at` to `ends_at` for its group (the caller
    commits). Bookings of the same visit are moved in place; facilities it no longer sees
    are released. Raises DomainError (field "facilities") when one lacks room."""
    visitors = visit.group_size
    facilities = _lock_facilities([f.id for f in visit.facilities])
    errors = []
    for facility in facilities:
        left = room_left(facility, starts_at, ends_at, except_request_id=visit.id)
        if visitors > left:
            errors.append(_full(facility, left))
    if errors:
        raise DomainError.several(errors)
    current = {b.facility_id: b for b in visit.facility_bookings}
    wanted = {f.id for f in facilities}
    for booking in visit.facility_bookings:
        if booking.facility_id not in wanted:
            booking.active = False
    for facility in facilities:
        booking = current.get(facility.id)
        if booking is None:
            booking = FacilityBooking(facility=facility)
            visit.facility_bookings.append(booking)
        booking.starts_at, booking.ends_at = starts_at, ends_at
        booking.visitors = visitors
        booking.active = True
    try:
        db.session.flush()
    except sa.exc.IntegrityError as error:
        db.session.rollback()
        raise DomainError(
            _(
                "Someone else has just booked a facility of this visit at the same time, and "
                "it is now full. Nothing was changed: choose another time."
            ),
            field="facilities",
        ) from error


def release_facilities(visit: VisitRequest) -> None:
    """Free the visit's facilities (cancelled, or moved off): the rows stay, inactive."""
    for booking in visit.facility_bookings:
        booking.active = False


@dataclass(frozen=True)
class FacilityData:
    code: str
    name_ja: str
    name_en: str
    description_ja: str
    description_en: str
    capacity: int
    open_weekdays: str
    opens_at: time
    closes_at: time
    visit_minutes: int
    photo_policy_ja: str = ""
    photo_policy_en: str = ""
    meeting_point_ja: str = ""
    meeting_point_en: str = ""
    directions_ja: str = ""
    directions_en: str = ""
    active: bool = True
    position: int = 0
