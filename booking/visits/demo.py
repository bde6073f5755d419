"""Demo study tours: the bureau's facilities, a few fiscal years of visits held, one JICA
training group coming soon, and a request that falls on a lecturing guide's busy day.

The history follows who really comes to see the bureau's technology: delegations from
Cambodia, Vietnam, Myanmar, South Africa, Laos and Indonesia, and domestic groups
(universities, other cities). Running the seeder again adds nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from booking.core.auth import Role
from booking.core.time import fiscal_year, jst_to_utc, today_jst, utcnow
from booking.core.tokens import hash_token
from booking.extensions import db
from booking.scheduling.models import BookingRole, Program, StaffBooking
from booking.staff.demo import DemoUser, ensure_user
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
from booking.visits.rules import closed_everywhere
from booking.visits.services.common import add_link
from booking.visits.services.facilities import seed_default_facilities
from booking.visits.services.requests import next_reference_number

GUIDE = DemoUser("guide@example.jp", "案内 花子", frozenset({Role.GUIDE}))
# The lectures' demo lecturer guides tours too: a tour on a lecture's day shows the clash.
LECTURER_EMAIL = "lecturer@example.jp"


@dataclass(frozen=True)
class PastVisit:
    key: str
    organisation: str
    country: str
    facilities: tuple[str, ...]
    group_size: int
    by_country: dict[str, int]
    years_ago: int
    month: int  # of the fiscal year's calendar (4 = April ... 3 = March)
    language: str = "en"
    time_zone: str = "Asia/Tokyo"


PAST_VISITS = [
    PastVisit(
        "pp-2023",
        "Phnom Penh Water Supply Authority",
        "KH",
        ("visitor-center", "hiagari-treatment-tour"),
        14,
        {"KH": 14},
        3,
        7,
        time_zone="Asia/Phnom_Penh",
    ),
    PastVisit(
        "hp-2023",
        "Hai Phong Water Supply Company",
        "VN",
        ("visitor-center", "water-plaza"),
        10,
        {"VN": 10},
        3,
        10,
        time_zone="Asia/Ho_Chi_Minh",
    ),
    PastVisit(
        "ycdc-2023",
        "Yangon City Development Committee",
        "MM",
        ("hiagari-treatment-tour",),
        8,
        {"MM": 8},
        3,
        1,
        time_zone="Asia/Yangon",
    ),
    PastVisit(
        "jica-2024",
        "JICA Kyushu: water utility management course",
        "JP",
        ("visitor-center", "hiagari-treatment-tour"),
        16,
        {"ZA": 4, "ID": 5, "LA": 3, "KH": 4},
        2,
        6,
    ),
    PastVisit(
        "univ-2024",
        "九州工業大学 環境工学研究室",
        "JP",
        ("water-plaza",),
        25,
        {"JP": 25},
        2,
        11,
        language="ja",
    ),
    PastVisit(
        "sr-2024",
        "Siem Reap Water Supply Authority",
        "KH",
        ("visitor-center",),
        9,
        {"KH": 9},
        2,
        2,
        time_zone="Asia/Phnom_Penh",
    ),
    PastVisit(
        "ethekwini-2025",
        "eThekwini Water and Sanitation",
        "ZA",
        ("visitor-center", "hiagari-treatment-tour"),
        7,
        {"ZA": 7},
        1,
        5,
        time_zone="Africa/Johannesburg",
    ),
    PastVisit(
        "vientiane-2025",
        "Vientiane Capital Water Supply",
        "LA",
        ("hiagari-treatment-tour",),
        11,
        {"LA": 11},
        1,
        9,
        time_zone="Asia/Vientiane",
    ),
    PastVisit(
        "city-2025",
        "熊本市 上下水道局",
        "JP",
        ("water-plaza", "visitor-center"),
        18,
        {"JP": 18},
        1,
        12,
        language="ja",
    ),
    PastVisit(
        "pdam-2025",
        "PDAM Surabaya",
        "ID",
        ("visitor-center",),
        12,
        {"ID": 12},
        1,
        3,
        time_zone="Asia/Jakarta",
    ),
]


def _weekday(day: date) -> date:
    """`day`, or the next day the facilities open (a weekday, no holiday, not the year-end)."""
    while day.weekday() >= 5 or closed_everywhere(day):
        day += timedelta(days=1)
    return day


def _exists(key: str) -> bool:
    digest = hash_token(f"demo-visit-{key}")
    return (
        db.session.scalar(sa.select(VisitRequest.id).where(VisitRequest.submission_key_hash == digest))
        is not None
    )


def _request(key: str, facilities: list[Facility], first_choice: datetime, **values) -> VisitRequest:
    submitted = first_choice - timedelta(days=40)
    year = fiscal_year((submitted + timedelta(hours=9)).date())
    number = next_reference_number(year)
    visit = VisitRequest(
        reference=f"V-{year}-{number:04d}",
        fiscal_year=year,
        number=number,
        submission_key_hash=hash_token(f"demo-visit-{key}"),
        status=VisitStatus.SUBMITTED,
        contact_name=values.pop("contact_name", "Demo Organiser"),
        contact_email=values.pop("contact_email", f"{key}@example.org"),
        contact_phone="+81 93 000 0000",
        purpose=values.pop("purpose", "Study of water purification, distribution and leakage control."),
        languages=values.pop("languages", "English"),
        interpretation=values.pop("interpretation", Interpretation.NONE),
        submitted_at=submitted,
        created_at=submitted,
        **values,
    )
    visit.facilities = facilities
    length = visit.visit_length
    visit.slots.append(
        VisitSlot(kind=SlotKind.REQUESTED, rank=1, starts_at=first_choice, ends_at=first_choice + length)
    )
    visit.record_submission()
    db.session.add(visit)
    return visit


def _past(facilities: dict[str, Facility], coordinator: User) -> int:
    made = 0
    this_year = fiscal_year(today_jst())
    for past in PAST_VISITS:
        if _exists(past.key):
            continue
        year = this_year - past.years_ago
        calendar_year = year if past.month >= 4 else year + 1
        start = jst_to_utc(_weekday(date(calendar_year, past.month, 10)), time(10, 0))
        visit = _request(
            past.key,
            [facilities[code] for code in past.facilities],
            start,
            organisation=past.organisation,
            country=past.country,
            group_size=past.group_size,
            language=past.language,
            time_zone=past.time_zone,
        )
        visit.schedule(start, start + visit.visit_length, coordinator)
        visit.complete(
            sum(past.by_country.values()), past.by_country, "", coordinator, now=start + timedelta(hours=3)
        )
        made += 1
    return made


def _book(visit: VisitRequest, people: list[User]) -> None:
    """Book the facilities and the guides of a scheduled demo visit (no clash: a free day)."""
    assert visit.starts_at is not None and visit.ends_at is not None
    for facility in visit.facilities:
        visit.facility_bookings.append(
            FacilityBooking(
                facility=facility, starts_at=visit.starts_at, ends_at=visit.ends_at, visitors=visit.group_size
            )
        )
    db.session.flush()
    for person in people:
        booking = StaffBooking(
            program=Program.VISIT, subject_id=visit.id, person_id=person.id, role=BookingRole.GUIDE
        )
        booking.place(visit.starts_at, visit.ends_at, 60, True)
        db.session.add(booking)


def _lecture_day(lecturer: User) -> datetime | None:
    """The start of the lecturer's next booked lecture at least a week ahead, if any."""
    return db.session.scalar(
        sa.select(StaffBooking.starts_at)
        .where(
            StaffBooking.person_id == lecturer.id,
            StaffBooking.program == Program.LECTURE,
            StaffBooking.active.is_(True),
            StaffBooking.starts_at > utcnow() + timedelta(days=7),
        )
        .order_by(StaffBooking.starts_at)
        .limit(1)
    )


def seed() -> list[str]:
    facilities = {f.code: f for f in seed_default_facilities()}
    coordinator = ensure_user(DemoUser("coordinator@example.jp", "調整 一郎", frozenset({Role.COORDINATOR})))
    guide = ensure_user(GUIDE)
    lecturer = db.session.scalar(sa.select(User).where(User.email == LECTURER_EMAIL))
    if lecturer is not None and not lecturer.has_role(Role.GUIDE):
        lecturer.set_roles(set(lecturer.roles) | {Role.GUIDE})
    db.session.flush()
    made = _past(facilities, coordinator)
    links: list[str] = []

    if not _exists("jica-upcoming"):
        start = jst_to_utc(_weekday(today_jst() + timedelta(days=24)), time(10, 0))
        jica = _request(
            "jica-upcoming",
            [facilities["visitor-center"], facilities["hiagari-treatment-tour"]],
            start,
            organisation="JICA Kyushu: urban water supply training course",
            country="JP",
            group_size=15,
            language="en",
            languages="English",
            contact_name="Training coordinator",
            contact_email="jica-training@example.org",
        )
        jica.schedule(
            start, start + jica.visit_length, coordinator, note="We will meet you at the Visitor Center."
        )
        _book(jica, [guide])
        links.append(f"  JICA group's page: /visits/manage/{add_link(jica)}")
        made += 1

    lecture_at = _lecture_day(lecturer) if lecturer is not None else None
    if lecture_at is not None and not _exists("vientiane-upcoming"):
        # A request on the day the lecturing guide is at a school: the schedule form shows
        # them busy then; the second choice, the day after, is free.
        first = lecture_at.replace(minute=0)
        local = first + timedelta(hours=9)
        if not time(9, 30) <= local.time() <= time(14, 0):
            first = jst_to_utc(local.date(), time(10, 0))
        visit = _request(
            "vientiane-upcoming",
            [facilities["water-plaza"]],
            first,
            organisation="Vientiane Capital Water Supply State Enterprise",
            country="LA",
            group_size=9,
            language="en",
            time_zone="Asia/Vientiane",
            languages="Lao, English",
            interpretation=Interpretation.NEEDED,
        )
        second = jst_to_utc(_weekday(local.date() + timedelta(days=1)), time(13, 30))
        visit.slots.append(
            VisitSlot(kind=SlotKind.REQUESTED, rank=2, starts_at=second, ends_at=second + visit.visit_length)
        )
        made += 1

    for key, organisation, country, zone in (
        ("hue-upcoming", "Hue Water Supply Joint Stock Company", "VN", "Asia/Ho_Chi_Minh"),
        ("makassar-upcoming", "PDAM Kota Makassar", "ID", "Asia/Makassar"),
    ):
        if _exists(key):
            continue
        start = jst_to_utc(_weekday(today_jst() + timedelta(days=35 + len(key) % 5)), time(13, 30))
        _request(
            key,
            [facilities["visitor-center"]],
            start,
            organisation=organisation,
            country=country,
            group_size=8,
            language="en",
            time_zone=zone,
        )
        made += 1
    db.session.commit()
    return [
        f"Study tours: {made} demo visit(s) added; facilities at /visits/, staff inbox at /staff/visits/.",
        f"  guide      {GUIDE.email} (and {LECTURER_EMAIL}, who also lectures)",
        *links,
    ]
