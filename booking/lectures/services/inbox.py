"""What staff read: a request's page, the inbox with its filters and exports, the dashboard."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import joinedload, selectinload, with_expression

from booking.audit.services import record
from booking.core.batches import streamed
from booking.core.numbers import parse_digits
from booking.core.pages import IdPage
from booking.core.time import fiscal_year, today_jst, utcnow
from booking.extensions import db
from booking.lectures.coverage import school_reach
from booking.lectures.models import (
    OPEN_STATUSES,
    LectureEvent,
    LectureFormat,
    LectureRequest,
    LectureSlot,
    LectureStatus,
    SlotKind,
)
from booking.lectures.round_models import LectureRound, LectureRoundEntry, RoundStatus
from booking.lectures.services.meetings import MISSING_LINK_WINDOW_DAYS, lacks_meeting_link
from booking.lectures.services.time_off import upcoming_time_off_clash
from booking.lectures.services.todo import held_unrecorded
from booking.lectures.time_off import has_time_off_clash
from booking.scheduling.models import StaffBooking
from booking.schools.models import School
from booking.staff.models import User


def get_request(request_id: int) -> LectureRequest | None:
    return db.session.scalar(
        sa.select(LectureRequest)
        .where(LectureRequest.id == request_id)
        .options(
            joinedload(LectureRequest.program),
            joinedload(LectureRequest.school),
            selectinload(LectureRequest.slots),
            selectinload(LectureRequest.assignments).joinedload(StaffBooking.person),
            selectinload(LectureRequest.events).joinedload(LectureEvent.actor),
            selectinload(LectureRequest.proposed_lecturers),
            selectinload(LectureRequest.feedback),
            with_expression(LectureRequest.school_reach, school_reach()),
        )
    )


def view_request(lecture: LectureRequest, actor: User) -> None:
    """Staff opened a request's details (the teacher's contacts): it is recorded."""
    record(actor, "lecture.view", "lecture_request", lecture.id)
    db.session.commit()


def lecturer_names(events: list[LectureEvent]) -> dict[int, str]:
    """Names of the lecturers the history mentions, in one query."""
    ids = {i for event in events for i in event.details.get("lecturer_ids", [])}
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(User.id, User.name).where(User.id.in_(ids))).all())


SORTS = ("newest", "oldest", "date", "reference", "school")


# The inbox's status filter: one status, every request, or (when none is asked for) the
# open ones, those still waiting for something.
ALL_STATUSES = "all"

# The inbox's round filter: requests in a round still waiting for its allocation, or in any round.
ROUND_WAITING = "waiting"
ROUND_ANY = "any"
ROUND_FILTERS = (ROUND_WAITING, ROUND_ANY)


@dataclass(frozen=True)
class InboxFilters:
    status: LectureStatus | None = None
    every_status: bool = False  # with no status: closed requests too, not only open ones
    fiscal_year: int | None = None
    format: LectureFormat | None = None
    program_id: int | None = None
    school_id: int | None = None
    q: str = ""
    sort: str = "newest"
    # Only lectures that have started and are not recorded as held yet.
    unrecorded: bool = False
    # Only lectures ahead with time off of one of their lecturers over them.
    time_off_clash: bool = False
    # Only online lectures soon (MISSING_LINK_WINDOW_DAYS) still without a meeting link.
    missing_link: bool = False
    # Only requests in a busy-term round: ROUND_WAITING (not allocated yet) or ROUND_ANY.
    in_round: str | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> InboxFilters:
        """Filters from a query string; anything unknown is ignored rather than refused."""

        def number(name: str) -> int | None:
            value = (args.get(name) or "").strip()
            return parse_digits(value)

        status = args.get("status")
        fmt = args.get("format")
        sort = args.get("sort") or "newest"
        return cls(
            status=LectureStatus(status) if status in {s.value for s in LectureStatus} else None,
            every_status=status == ALL_STATUSES,
            fiscal_year=number("fiscal_year"),
            format=LectureFormat(fmt) if fmt in {f.value for f in LectureFormat} else None,
            program_id=number("program"),
            school_id=number("school"),
            q=(args.get("q") or "").strip()[:100],
            sort=sort if sort in SORTS else "newest",
            unrecorded=args.get("unrecorded") == "1",
            time_off_clash=args.get("clash") == "1",
            missing_link=args.get("no_link") == "1",
            in_round=args.get("round") if args.get("round") in ROUND_FILTERS else None,
        )

    @property
    def only_open(self) -> bool:
        return self.status is None and not self.every_status

    @property
    def status_arg(self) -> str | None:
        """The `status` query argument that keeps this choice (None: the default, open ones)."""
        if self.status is not None:
            return self.status.value
        return ALL_STATUSES if self.every_status else None


def _first_choice():
    return (
        sa.select(LectureSlot.starts_at)
        .where(LectureSlot.request_id == LectureRequest.id, LectureSlot.kind == SlotKind.REQUESTED)
        .order_by(LectureSlot.rank)
        .limit(1)
        .scalar_subquery()
    )


def _asked_other_dates() -> sa.ColumnElement[bool]:
    """Received again after the school said "none of these dates suit": the one move from
    proposed back to received (ASK_OTHER_DATES), and nothing since."""
    return sa.and_(
        LectureRequest.status == LectureStatus.SUBMITTED,
        sa.select(LectureEvent.id)
        .where(
            LectureEvent.request_id == LectureRequest.id,
            LectureEvent.from_status == LectureStatus.PROPOSED,
            LectureEvent.to_status == LectureStatus.SUBMITTED,
        )
        .exists(),
    )


def _in_round(waiting: bool) -> sa.ColumnElement[bool]:
    """In a round; with `waiting`, in one not allocated yet (it cannot be scheduled before)."""
    entries = sa.select(LectureRoundEntry.id).where(LectureRoundEntry.request_id == LectureRequest.id)
    if waiting:
        entries = entries.join(LectureRound).where(LectureRound.status != RoundStatus.ALLOCATED)
    return entries.exists()


def _with_rows(stmt: sa.Select) -> sa.Select:
    """What a list of requests shows besides the request: program, dates, lecturers."""
    return stmt.options(
        joinedload(LectureRequest.program),
        selectinload(LectureRequest.slots),
        selectinload(LectureRequest.assignments).joinedload(StaffBooking.person),
        with_expression(LectureRequest.time_off_clash, has_time_off_clash()),
        with_expression(LectureRequest.other_dates_asked, _asked_other_dates()),
        with_expression(LectureRequest.school_reach, school_reach()),
    )


def _inbox_query(filters: InboxFilters, ids_only: bool = False) -> sa.Select:
    stmt = sa.select(LectureRequest.id) if ids_only else _with_rows(sa.select(LectureRequest))
    if filters.status is not None:
        stmt = stmt.where(LectureRequest.status == filters.status)
    elif filters.only_open:
        stmt = stmt.where(LectureRequest.status.in_(OPEN_STATUSES))
    if filters.unrecorded:
        stmt = stmt.where(held_unrecorded(utcnow()))
    if filters.time_off_clash:
        stmt = stmt.where(upcoming_time_off_clash(utcnow()))
    if filters.missing_link:
        stmt = stmt.where(lacks_meeting_link(utcnow(), MISSING_LINK_WINDOW_DAYS))
    if filters.in_round is not None:
        stmt = stmt.where(_in_round(waiting=filters.in_round == ROUND_WAITING))
    if filters.fiscal_year is not None:
        stmt = stmt.where(LectureRequest.fiscal_year == filters.fiscal_year)
    if filters.format is not None:
        stmt = stmt.where(LectureRequest.format == filters.format)
    if filters.program_id is not None:
        stmt = stmt.where(LectureRequest.program_id == filters.program_id)
    if filters.school_id is not None:
        stmt = stmt.where(LectureRequest.school_id == filters.school_id)
    if filters.q:
        like = f"%{filters.q}%"
        stmt = stmt.where(
            sa.or_(
                LectureRequest.reference.ilike(like),
                LectureRequest.school_name.ilike(like),
                LectureRequest.contact_name.ilike(like),
                LectureRequest.grade.ilike(like),
            )
        )
    when = sa.func.coalesce(LectureRequest.starts_at, _first_choice())
    order = {
        "newest": [LectureRequest.created_at.desc(), LectureRequest.id.desc()],
        "oldest": [LectureRequest.created_at, LectureRequest.id],
        "date": [when, LectureRequest.id],
        "reference": [LectureRequest.fiscal_year, LectureRequest.number],
        "school": [LectureRequest.school_name, LectureRequest.id],
    }[filters.sort]
    return stmt.order_by(*order)


def list_requests(filters: InboxFilters, page: int = 1, per_page: int = 50) -> Pagination:
    """A page of the inbox: its ids found first, then those rows read in full (see IdPage)."""

    def load(ids: list[int]) -> list[LectureRequest]:
        return list(
            db.session.scalars(_with_rows(sa.select(LectureRequest)).where(LectureRequest.id.in_(ids)))
        )

    return IdPage(_inbox_query(filters, ids_only=True), load, page=page, per_page=per_page)


# Rows an export reads from the database at a time (a server-side cursor on PostgreSQL).
EXPORT_BATCH = 500


def export_requests(filters: InboxFilters, actor: User) -> Iterator[LectureRequest]:
    """Every request the filters match, for a download, read EXPORT_BATCH at a time as the
    download streams; the export is recorded.

    The audit entry is committed before the rows are loaded: a commit expires what the
    session holds, and rows loaded before it would each be fetched again, one by one.
    """
    query = _inbox_query(filters)
    count = db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
    record(actor, "lecture.export", "lecture_request", None, rows=count)
    db.session.commit()
    return streamed(query.options(selectinload(LectureRequest.feedback)), EXPORT_BATCH)


def fiscal_years() -> list[int]:
    years = set(db.session.scalars(sa.select(LectureRequest.fiscal_year).distinct()))
    years.add(fiscal_year(today_jst()))
    return sorted(years, reverse=True)


def status_counts() -> dict[LectureStatus, int]:
    rows = db.session.execute(
        sa.select(LectureRequest.status, sa.func.count()).group_by(LectureRequest.status)
    ).all()
    counts = dict.fromkeys(LectureStatus, 0)
    counts.update(dict(rows))
    return counts


def requested_schools() -> list[School]:
    """Directory schools that have asked for lectures (for the inbox filter)."""
    return list(
        db.session.scalars(
            sa.select(School)
            .where(
                School.id.in_(
                    sa.select(LectureRequest.school_id).where(LectureRequest.school_id.is_not(None))
                )
            )
            .order_by(School.name_kana, School.name)
        )
    )


# The dashboard ----------------------------------------------------------------------


def waiting_count() -> int:
    """Requests staff have to act on (received, not yet answered)."""
    return db.session.scalar(
        sa.select(sa.func.count(LectureRequest.id)).where(LectureRequest.status == LectureStatus.SUBMITTED)
    )


def lectures_between(start: datetime, end: datetime) -> list[LectureRequest]:
    return list(
        db.session.scalars(
            sa.select(LectureRequest)
            .options(
                joinedload(LectureRequest.program),
                selectinload(LectureRequest.assignments).joinedload(StaffBooking.person),
            )
            .where(
                LectureRequest.status == LectureStatus.SCHEDULED,
                LectureRequest.starts_at >= start,
                LectureRequest.starts_at < end,
            )
            .order_by(LectureRequest.starts_at)
        )
    )
