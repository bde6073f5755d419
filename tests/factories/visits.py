"""Building facilities and study-tour requests for tests."""

from __future__ import annotations

import itertools
import secrets
from datetime import date, datetime, time, timedelta

from booking.core.time import JST, fiscal_year, jst_to_utc, today_jst
from booking.core.tokens import hash_token
from booking.extensions import db
from booking.staff.models import User
from booking.visits.models import (
    Facility,
    FacilityBooking,
    Interpretation,
    SlotKind,
    VisitRequest,
    VisitSlot,
    VisitStatus,
)

# Tests that depend on dates run on Monday 2 November 2026, 09:00 Japan time (fiscal year 2026).
NOW = datetime(2026, 11, 2, 9, 0, tzinfo=JST)
GOOD_DAY = date(2026, 12, 3)  # a Thursday, 31 days ahead: past the 21-day lead time
_counter = itertools.count(1)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A Japan-time moment, as the aware UTC datetime the app stores."""
    return jst_to_utc(day, time(hour, minute))


def make_facility(**overrides) -> Facility:
    """A committed facility: open Monday to Friday, 9:30 to 16:30, 60-minute visits, 40 people."""
    n = next(_counter)
    values = {
        "code": f"facility-{n}",
        "name_ja": f"水のプラザ{n}",
        "name_en": f"Water Plaza {n}",
        "description_ja": "水道のしくみを展示で学べます。",
        "description_en": "Exhibits on how tap water is made.",
        "capacity": 40,
        "open_weekdays": "12345",
        "opens_at": time(9, 30),
        "closes_at": time(16, 30),
        "visit_minutes": 60,
        "photo_policy_ja": "展示室内は撮影できます。",
        "photo_policy_en": "You may take photos in the exhibition rooms.",
        "meeting_point_ja": "正面玄関",
        "meeting_point_en": "The main entrance",
        "directions_ja": "バス停から徒歩5分",
        "directions_en": "5 minutes' walk from the bus stop",
        "active": True,
        "position": n,
    }
    values.update(overrides)
    facility = Facility(**values)
    db.session.add(facility)
    db.session.commit()
    return facility


def make_visit_request(
    facilities: list[Facility] | None = None,
    *,
    status: str = "submitted",
    starts_at: datetime | None = None,
    actor: User | None = None,
    commit: bool = True,
    hold: bool = True,
    **overrides,
) -> VisitRequest:
    """A request built straight from the models (no rules, no emails), in the status asked for.

    `facilities` default to one new facility. A scheduled or held visit books its facilities
    (unless `hold` is False); `actor` (a staff user) moves it there.
    """
    n = next(_counter)
    number = 5000 + n % 4999  # far from the numbers submissions take (1, 2, ...)
    year = overrides.pop("fiscal_year", None) or fiscal_year(today_jst())
    facilities = facilities if facilities is not None else [make_facility()]
    start = starts_at or at(GOOD_DAY, 10, 0)
    values = {
        "reference": f"V-{year}-{number:04d}",
        "fiscal_year": year,
        "number": number,
        "submission_key_hash": hash_token(secrets.token_urlsafe(16)),
        "status": VisitStatus.SUBMITTED,
        "organisation": "Phnom Penh Water Supply Authority",
        "country": "KH",
        "contact_name": "Sok Dara",
        "contact_email": f"organiser{n}@example.org",
        "contact_phone": "+855 23 000 000",
        "purpose": "Study of water purification and leakage control.",
        "group_size": 12,
        "languages": "Khmer, English",
        "interpretation": Interpretation.NEEDED,
        "accessibility": "",
        "notes": "",
        "language": "en",
        "time_zone": "Asia/Phnom_Penh",
    }
    values.update(overrides)
    visit = VisitRequest(**values)
    visit.facilities = list(facilities)
    length = visit.visit_length
    visit.slots.append(VisitSlot(kind=SlotKind.REQUESTED, rank=1, starts_at=start, ends_at=start + length))
    visit.record_submission()
    db.session.add(visit)
    target = VisitStatus(status)
    if target == VisitStatus.PROPOSED:
        other = start + timedelta(days=1)
        visit.propose([(other, other + length)], "Would this date suit you?", actor)
    elif target in (VisitStatus.SCHEDULED, VisitStatus.COMPLETED):
        visit.schedule(start, start + length, actor)
        if hold:
            for facility in facilities:
                visit.facility_bookings.append(
                    FacilityBooking(
                        facility=facility, starts_at=start, ends_at=start + length, visitors=visit.group_size
                    )
                )
        if target == VisitStatus.COMPLETED:
            visit.complete(visit.group_size, {visit.country: visit.group_size}, "", actor, now=start)
    elif target == VisitStatus.DECLINED:
        visit.decline("No guide is free then.", actor)
    elif target == VisitStatus.CANCELLED:
        visit.cancel("Our travel was postponed.", None, by_organiser=True)
    if commit:
        db.session.commit()
    return visit


def form_data(facilities: list[Facility], **overrides) -> dict[str, str | list[str]]:
    """The public request form, filled in as an organiser abroad would."""
    data: dict[str, str | list[str]] = {
        "organisation": "Phnom Penh Water Supply Authority",
        "country": "KH",
        "time_zone": "Asia/Phnom_Penh",
        "contact_name": "Sok Dara",
        "contact_email": "organiser@example.org",
        "contact_phone": "+855 23 000 000",
        "purpose": "Study of water purification and leakage control.",
        "group_size": "12",
        "facilities": [str(f.id) for f in facilities],
        "candidate_1_date": GOOD_DAY.isoformat(),
        "candidate_1_time": "10:00",
        "candidate_2_date": (GOOD_DAY + timedelta(days=1)).isoformat(),
        "candidate_2_time": "13:30",
        "candidate_3_date": "",
        "candidate_3_time": "",
        "languages": "Khmer, English",
        "interpretation": "needed",
        "accessibility": "",
        "notes": "",
        "privacy_consent": "y",
        "submission_key": secrets.token_urlsafe(32),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# The staff side: guides and their bookings -------------------------------------------------


def make_guide(name: str | None = None, *, also_lecturer: bool = False, **kwargs) -> User:
    """A committed staff member with the guide role (and the lecturer role, if asked)."""
    from booking.core.auth import Role
    from tests.factories import make_user

    roles = (Role.GUIDE, Role.LECTURER) if also_lecturer else (Role.GUIDE,)
    return make_user(*roles, name=name, **kwargs)


def book_staff(
    visit: VisitRequest, people: list[User], role: str = "guide", buffer_minutes: int = 60
) -> None:
    """Book `people` for a scheduled visit straight in the staff diary (no rules), committed."""
    from booking.scheduling.models import BookingRole, Program, StaffBooking

    assert visit.starts_at is not None and visit.ends_at is not None
    for person in people:
        booking = StaffBooking(
            program=Program.VISIT, subject_id=visit.id, person_id=person.id, role=BookingRole(role)
        )
        booking.place(visit.starts_at, visit.ends_at, buffer_minutes, True)
        db.session.add(booking)
    db.session.commit()


def held_visit(
    actor: User,
    day: date,
    hour: int = 10,
    minute: int = 0,
    *,
    countries: dict[str, int],
    actual: int | None = None,
    **overrides,
) -> VisitRequest:
    """A study tour held on `day` at `hour`:`minute` Japan time, its visitors counted by country
    (`actual`, the number recorded, defaults to their sum)."""
    visit = make_visit_request(
        status="scheduled",
        starts_at=at(day, hour, minute),
        actor=actor,
        hold=False,
        commit=False,
        **overrides,
    )
    total = sum(countries.values()) if actual is None else actual
    visit.complete(total, countries, "", actor, now=visit.starts_at)
    db.session.commit()
    return visit
