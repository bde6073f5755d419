"""What staff read about study tours: a request's page, the inbox with its filters and
exports, the dashboard's counts, and a guide's own tours.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import selectinload

from booking.audit.services import record
from booking.core.batches import streamed
from booking.core.numbers import parse_digits
from booking.core.pages import IdPage
from booking.core.time import JST, fiscal_year, today_jst
from booking.extensions import db
from booking.scheduling.models import BookingRole, Program, StaffBooking
from booking.staff.models import User
from booking.visits.models import (
    OPEN_STATUSES,
    Facility,
    SlotKind,
    VisitEvent,
    VisitRequest,
    VisitSlot,
    VisitStatus,
    visit_request_facilities,
)

SORTS = ("newest", "oldest", "date", "reference", "organisation")
# The inbox's status filter: one status, every request, or (none asked for) the open ones.
ALL_STATUSES = "all"
_MONTH = re.compile(r"(\d{4})-(\d{2})", re.ASCII)


def get_request(request_id: int) -> VisitRequest | None:
    """A request with everything its staff page shows, in a fixed number of queries."""
    return db.session.scalar(
        sa.select(VisitRequest)
        .where(VisitRequest.id == request_id)
        .options(
            selectinload(VisitRequest.facilities),
            selectinload(VisitRequest.slots),
            selectinload(VisitRequest.events).joinedload(VisitEvent.actor),
            selectinload(VisitRequest.countries),
            selectinload(VisitRequest.feedback),
        )
    )


def view_request(visit: VisitRequest, actor: User) -> None:
    """Staff opened a request's details (the organiser's contacts): it is recorded."""
    record(actor, "visit.view", "visit_request", visit.id)
    db.session.commit()


def booked_staff(visit_id: int) -> list[StaffBooking]:
    """The guides and the staff interpreter booked for a visit (active), with their people."""
    return list(
        db.session.scalars(
            sa.select(StaffBooking)
            .options(selectinload(StaffBooking.person))
            .where(
                StaffBooking.program == Program.VISIT,
                StaffBooking.subject_id == visit_id,
                StaffBooking.active.is_(True),
            )
            .order_by(StaffBooking.id)
        )
    )


def people_names(events: list[VisitEvent]) -> dict[int, str]:
    """Names of the staff the history mentions (guides, interpreter), in one query."""
    ids = {
        i
        for event in events
        for key in ("guide_ids", "interpreter_ids")
        for i in (event.details or {}).get(key, [])
    }
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(User.id, User.name).where(User.id.in_(ids))).all())


def _month(value: str) -> date | None:
    match = _MONTH.fullmatch(value.strip())
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return None
    return date(year, month, 1)


@dataclass(frozen=True)
class InboxFilters:
    status: VisitStatus | None = None
    every_status: bool = False  # with no status: closed requests too, not only open ones
    facility_id: int | None = None
    country: str = ""
    month: date | None = None  # the visit's date (booked, else the first choice) in this month
    q: str = ""
    sort: str = "newest"
    # Only visits that have started and are not recorded as held yet.
    unrecorded: bool = False
    # Only visits ahead without a guide.
    no_guide: bool = False

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> InboxFilters:
        """Filters from a query string; anything unknown is ignored rather than refused."""
        status = args.get("status")
        sort = args.get("sort") or "newest"
        country = (args.get("country") or "").strip().upper()
        return cls(
            status=VisitStatus(status) if status in {s.value for s in VisitStatus} else None,
            every_status=status == ALL_STATUSES,
            facility_id=parse_digits((args.get("facility") or "").strip()),
            country=country if re.fullmatch(r"[A-Z]{2}", country, re.ASCII) else "",
            month=_month(args.get("month") or ""),
            q=(args.get("q") or "").strip()[:100],
            sort=sort if sort in SORTS else "newest",
            unrecorded=args.get("unrecorded") == "1",
            no_guide=args.get("no_guide") == "1",
        )

    @property
    def only_open(self) -> bool:
        return self.status is None and not self.every_status

    @property
    def status_arg(self) -> str | None:
        if self.status is not None:
            return self.status.value
        return ALL_STATUSES if self.every_status else None

    @property
    def month_arg(self) -> str:
        return self.month.strftime("%Y-%m") if self.month else ""


def first_choice() -> sa.ScalarSelect:
    """The organiser's first requested start, as a correlated subquery."""
    return (
        sa.select(VisitSlot.starts_at)
        .where(VisitSlot.request_id == VisitRequest.id, VisitSlot.kind == SlotKind.REQUESTED)
        .order_by(VisitSlot.rank)
        .limit(1)
        .scalar_subquery()
    )


def held_unrecorded(now: datetime) -> sa.ColumnElement[bool]:
    """A visit that has started (or taken place) and is not recorded as held yet."""
    return sa.and_(VisitRequest.status == VisitStatus.SCHEDULED, VisitRequest.starts_at <= now)


def without_guide(now: datetime) -> sa.ColumnElement[bool]:
    """A visit ahead, scheduled, with no guide booked (the organiser took a date proposed
    without guides, or the guides were taken off)."""
    return sa.and_(
        VisitRequest.status == VisitStatus.SCHEDULED,
        VisitRequest.starts_at > now,
        ~sa.exists().where(
            StaffBooking.program == Program.VISIT,
            StaffBooking.subject_id == VisitRequest.id,
            StaffBooking.role == BookingRole.GUIDE,
            StaffBooking.active.is_(True),
        ),
    )


def _month_bounds(month: date) -> tuple[datetime, datetime]:
    first = datetime(month.year, month.month, 1, tzinfo=JST)
    following = datetime(month.year + month.month // 12, month.month % 12 + 1, 1, tzinfo=JST)
    return first, following


def _with_rows(stmt: sa.Select) -> sa.Select:
    return stmt.options(selectinload(VisitRequest.facilities), selectinload(VisitRequest.slots))


def _inbox_query(filters: InboxFilters, now: datetime | None = None, ids_only: bool = False) -> sa.Select:
    stmt = sa.select(VisitRequest.id) if ids_only else _with_rows(sa.select(VisitRequest))
    if filters.status is not None:
        stmt = stmt.where(VisitRequest.status == filters.status)
    elif filters.only_open:
        stmt = stmt.where(VisitRequest.status.in_(OPEN_STATUSES))
    if filters.unrecorded and now is not None:
        stmt = stmt.where(held_unrecorded(now))
    if filters.no_guide and now is not None:
        stmt = stmt.where(without_guide(now))
    if filters.facility_id is not None:
        stmt = stmt.where(
            sa.exists().where(
                visit_request_facilities.c.request_id == VisitRequest.id,
                visit_request_facilities.c.facility_id == filters.facility_id,
            )
        )
    if filters.country:
        stmt = stmt.where(VisitRequest.country == filters.country)
    when = sa.func.coalesce(VisitRequest.starts_at, first_choice())
    if filters.month is not None:
        first, following = _month_bounds(filters.month)
        stmt = stmt.where(when >= first, when < following)
    if filters.q:
        like = f"%{filters.q}%"
        stmt = stmt.where(sa.or_(VisitRequest.reference.ilike(like), VisitRequest.organisation.ilike(like)))
    order = {
        "newest": [VisitRequest.submitted_at.desc(), VisitRequest.id.desc()],
        "oldest": [VisitRequest.submitted_at, VisitRequest.id],
        "date": [when, VisitRequest.id],
        "reference": [VisitRequest.fiscal_year, VisitRequest.reference],
        "organisation": [VisitRequest.organisation, VisitRequest.id],
    }[filters.sort]
    return stmt.order_by(*order)


def list_requests(filters: InboxFilters, now: datetime, page: int = 1, per_page: int = 50) -> Pagination:
    """A page of the inbox: its ids first, then those rows with their facilities and dates."""

    def load(ids: list[int]) -> list[VisitRequest]:
        return list(db.session.scalars(_with_rows(sa.select(VisitRequest)).where(VisitRequest.id.in_(ids))))

    return IdPage(_inbox_query(filters, now, ids_only=True), load, page=page, per_page=per_page)


EXPORT_BATCH = 500


def export_requests(filters: InboxFilters, now: datetime, actor: User) -> Iterator[VisitRequest]:
    """Every request the filters match, read EXPORT_BATCH at a time as the download streams;
    the export is recorded (committed first, so nothing loaded is expired by it)."""
    query = _inbox_query(filters, now)
    count = db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
    record(actor, "visit.export", "visit_request", None, rows=count)
    db.session.commit()
    return streamed(query.options(selectinload(VisitRequest.countries)), EXPORT_BATCH)


def status_counts() -> dict[VisitStatus, int]:
    rows = db.session.execute(
        sa.select(VisitRequest.status, sa.func.count()).group_by(VisitRequest.status)
    ).all()
    counts = dict.fromkeys(VisitStatus, 0)
    counts.update(dict(rows))
    return counts


def all_facilities() -> list[Facility]:
    return list(db.session.scalars(sa.select(Facility).order_by(Facility.position, Facility.id)))


def requested_countries() -> list[str]:
    """The countries requests came from (for the inbox filter)."""
    return list(db.session.scalars(sa.select(VisitRequest.country).distinct().order_by(VisitRequest.country)))


def fiscal_years() -> list[int]:
    years = set(db.session.scalars(sa.select(VisitRequest.fiscal_year).distinct()))
    years.add(fiscal_year(today_jst()))
    return sorted(years, reverse=True)


# A guide's own tours --------------------------------------------------------------------


def is_booked(visit_id: int, person_id: int) -> bool:
    """The person is (or was, for a held visit) booked as a guide or interpreter of the visit."""
    return (
        db.session.scalar(
            sa.select(StaffBooking.id).where(
                StaffBooking.program == Program.VISIT,
                StaffBooking.subject_id == visit_id,
                StaffBooking.person_id == person_id,
                StaffBooking.active.is_(True),
            )
        )
        is not None
    )


def tours_of(person: User, since: datetime) -> list[VisitRequest]:
    """The person's booked tours from `since` on, earliest first (their own list)."""
    return list(
        db.session.scalars(
            _with_rows(sa.select(VisitRequest))
            .join(
                StaffBooking,
                sa.and_(StaffBooking.program == Program.VISIT, StaffBooking.subject_id == VisitRequest.id),
            )
            .where(
                StaffBooking.person_id == person.id,
                StaffBooking.active.is_(True),
                VisitRequest.status.in_((VisitStatus.SCHEDULED, VisitStatus.COMPLETED)),
                VisitRequest.ends_at >= since,
            )
            .order_by(VisitRequest.starts_at)
        )
    )
