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

from booking.audit.services import record
from booking.core.errors import DomainError
from booking.extensions import db
from booking.staff.models import User
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


def get_facility(facility_id: int) -> Facility | None:
    return db.session.get(Facility, facility_id)


def _apply(facility: Facility, data: FacilityData) -> None:
    taken = db.session.scalar(
        sa.select(Facility.id).where(Facility.code == data.code, Facility.id != (facility.id or 0))
    )
    if taken is not None:
        raise DomainError(_("Another facility has this code. Choose another one."), field="code")
    if data.opens_at >= data.closes_at:
        raise DomainError(_("The closing time must be after the opening time."), field="closes_at")
    for name in FacilityData.__dataclass_fields__:
        setattr(facility, name, getattr(data, name))


def create_facility(data: FacilityData, actor: User) -> Facility:
    facility = Facility()
    _apply(facility, data)
    db.session.add(facility)
    db.session.flush()
    record(actor, "visit_facility.create", "visit_facility", facility.id)
    db.session.commit()
    return facility


def update_facility(facility: Facility, data: FacilityData, actor: User) -> None:
    _apply(facility, data)
    record(actor, "visit_facility.update", "visit_facility", facility.id, active=data.active)
    db.session.commit()


# The facilities the bureau opens to groups, as the demo and a new installation start with.
DEFAULT_FACILITIES = (
    FacilityData(
        code="visitor-center",
        name_ja="ビジターセンター",
        name_en="Visitor Center",
        description_ja=(
            "上下水道のしくみと、30年以上にわたる国際技術協力(プノンペンの「奇跡の水」など)を"
            "展示と映像で紹介します。"
        ),
        description_en=(
            "Exhibits and films on how water and sewage work, and on more than thirty years of "
            "international cooperation (among them Phnom Penh's drinkable tap water)."
        ),
        capacity=40,
        open_weekdays="12345",
        opens_at=time(9, 30),
        closes_at=time(16, 30),
        visit_minutes=60,
        photo_policy_ja="展示室内は撮影できます。ほかの来館者が写らないようご配慮ください。",
        photo_policy_en=(
            "You may take photos in the exhibition rooms; please keep other visitors out of them."
        ),
        meeting_point_ja="ビジターセンター1階 受付前",
        meeting_point_en="The reception desk on the ground floor of the Visitor Center",
        directions_ja="日明浄化センター正門を入り、案内標識に沿って左手の建物まで徒歩約3分です。",
        directions_en=(
            "Enter the Hiagari purification centre by the main gate and follow the signs to the "
            "building on your left, about three minutes on foot."
        ),
        position=1,
    ),
    FacilityData(
        code="water-plaza",
        name_ja="水環境館(ウォータープラザ)",
        name_en="Water Plaza",
        description_ja="下水を高度に処理した再生水の利用と、水の循環を体験しながら学べる施設です。",
        description_en="Learn about reclaimed water and the water cycle through hands-on exhibits.",
        capacity=30,
        open_weekdays="12345",
        opens_at=time(9, 30),
        closes_at=time(16, 0),
        visit_minutes=45,
        photo_policy_ja="撮影できます。フラッシュはご遠慮ください。",
        photo_policy_en="Photos are welcome; please do not use a flash.",
        meeting_point_ja="ウォータープラザ入口",
        meeting_point_en="The entrance of the Water Plaza",
        directions_ja="ビジターセンターから屋根付き通路を通って徒歩約2分です。",
        directions_en="Two minutes on foot from the Visitor Center along the covered walkway.",
        position=2,
    ),
    FacilityData(
        code="hiagari-treatment-tour",
        name_ja="日明浄化センター 処理施設見学",
        name_en="Hiagari purification centre tour",
        description_ja="職員の案内で、下水処理の現場(沈殿池、反応タンク、汚泥処理)を見学します。",
        description_en=(
            "Bureau engineers guide the group through the treatment works: settling tanks, "
            "reaction tanks and sludge treatment."
        ),
        capacity=20,
        open_weekdays="12345",
        opens_at=time(10, 0),
        closes_at=time(16, 0),
        visit_minutes=90,
        photo_policy_ja="設備の撮影は案内職員の許可を得てからお願いします。制御室内は撮影できません。",
        photo_policy_en=("Ask the guide before photographing equipment. No photos in the control room."),
        meeting_point_ja="ビジターセンター1階 受付前(ヘルメットをお渡しします)",
        meeting_point_en="The reception desk of the Visitor Center (helmets are handed out there)",
        directions_ja="日明浄化センター正門から案内標識に沿ってビジターセンターへお越しください。",
        directions_en=(
            "From the main gate of the Hiagari purification centre, follow the signs to the Visitor Center."
        ),
        position=3,
    ),
)


def seed_default_facilities() -> list[Facility]:
    """Add the bureau's facilities that are not there yet (by code); returns every one of them.
    The caller commits."""
    existing = {f.code: f for f in db.session.scalars(sa.select(Facility))}
    found = []
    for data in DEFAULT_FACILITIES:
        facility = existing.get(data.code)
        if facility is None:
            facility = Facility()
            for name in FacilityData.__dataclass_fields__:
                setattr(facility, name, getattr(data, name))
            db.session.add(facility)
        found.append(facility)
    db.session.flush()
    return found
