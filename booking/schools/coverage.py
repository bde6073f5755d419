"""Coverage: which schools of the directory the bureau's lectures have reached, and which not.

A school is *reached* when a lecture was held there in the last three fiscal years (the one
under way and the two before it: from 1 April of fiscal year N-2, Japan time), *not for
three years* when its last lecture is older than that, and *never reached* when it has had
none. Only lectures held count (status completed); a lecture booked ahead is shown beside,
as the next one, and does not make a school reached.

The lectures live in a later feature: it registers where they are read from
(`register_lecture_source`), so this module never imports it. Every list and figure here
is one aggregate statement (GROUP BY, MAX, COUNT), whatever the number of schools.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from booking.core.enums import LabelledEnum
from booking.core.time import fiscal_year, fiscal_year_bounds, today_jst, utcnow
from booking.db import UTCDateTime
from booking.extensions import db
from booking.schools.models import WARDS, School, SchoolType
from booking.schools.services import DIRECTORY_ORDER

# A school not reached in this many fiscal years (the current one included) is due a visit.
REACH_FISCAL_YEARS = 3


class Reach(LabelledEnum):
    NEVER = "never"
    LAPSED = "lapsed"  # reached once, not in the last REACH_FISCAL_YEARS fiscal years
    REACHED = "reached"

    @property
    def needs_visit(self) -> bool:
        return self is not Reach.REACHED

    @property
    def tone(self) -> str:
        return {Reach.NEVER: "warning", Reach.LAPSED: "info", Reach.REACHED: "neutral"}[self]

    @property
    def request_mark(self) -> str:
        """What a request from such a school is marked with in the inbox ("" when nothing)."""
        return str(REQUEST_MARKS.get(self, ""))


REACH_LABELS = Reach.set_labels(
    {
        Reach.NEVER: _l("Never"),
        Reach.LAPSED: _l("Not for 3 years"),
        Reach.REACHED: _l("In the last 3 years"),
    }
)
REQUEST_MARKS = {
    Reach.NEVER: _l("First lecture for this school"),
    Reach.LAPSED: _l("No lecture for 3 years"),
}


def reach_since(today: date | None = None) -> datetime:
    """The UTC moment from which a lecture held counts as reaching its school: 1 April of the
    fiscal year REACH_FISCAL_YEARS - 1 before the current one, Japan time."""
    current = fiscal_year(today or today_jst())
    return fiscal_year_bounds(current - (REACH_FISCAL_YEARS - 1))[0]


def reach_of(last_held_at: datetime | None, since: datetime) -> Reach:
    if last_held_at is None:
        return Reach.NEVER
    return Reach.REACHED if last_held_at >= since else Reach.LAPSED


def reach_case(last_held_at: sa.ColumnElement, since: datetime) -> sa.ColumnElement[str]:
    """SQL for `reach_of`: the Reach value of a school whose last lecture held is `last_held_at`."""
    return sa.case(
        (last_held_at.is_(None), Reach.NEVER.value),
        (last_held_at < since, Reach.LAPSED.value),
        else_=Reach.REACHED.value,
    )


# Where the lectures come from ------------------------------------------------------------

# A source gives a SELECT of (school_id, starts_at, held): one row per lecture held or booked.
LectureSource = Callable[[], sa.Select]
_sources: list[LectureSource] = []


def register_lecture_source(source: LectureSource) -> None:
    if source not in _sources:
        _sources.append(source)


def _lectures() -> sa.Subquery:
    selects = [source() for source in _sources]
    if not selects:
        nothing = sa.select(
            sa.literal(None, sa.Integer).label("school_id"),
            sa.literal(None, UTCDateTime()).label("starts_at"),
            sa.literal(False).label("held"),
        ).where(sa.false())
        return nothing.subquery("lectures")
    return (selects[0] if len(selects) == 1 else sa.union_all(*selects)).subquery("lectures")


def _per_school(now: datetime) -> sa.Subquery:
    """Per school: its last lecture held and its next lecture booked ahead."""
    lectures = _lectures()
    last_held = sa.func.max(sa.case((lectures.c.held, lectures.c.starts_at)))
    upcoming = sa.and_(sa.not_(lectures.c.held), lectures.c.starts_at >= now)
    next_booked = sa.func.min(sa.case((upcoming, lectures.c.starts_at)))
    return (
        sa.select(
            lectures.c.school_id,
            sa.type_coerce(last_held, UTCDateTime()).label("last_held_at"),
            sa.type_coerce(next_booked, UTCDateTime()).label("next_at"),
        )
        .where(lectures.c.school_id.is_not(None))
        .group_by(lectures.c.school_id)
        .subquery("per_school")
    )


# The staff list --------------------------------------------------------------------------


@dataclass(frozen=True)
class CoverageFilters:
    school_type: SchoolType | None = None
    ward: str | None = None
    reach: Reach | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> CoverageFilters:
        """Filters from a query string; anything unknown is ignored rather than refused."""
        kind, ward, reach = args.get("type"), args.get("ward"), args.get("reach")
        return cls(
            school_type=SchoolType(kind) if kind in {t.value for t in SchoolType} else None,
            ward=ward if ward in WARDS else None,
            reach=Reach(reach) if reach in {r.value for r in Reach} else None,
        )

    @property
    def args(self) -> dict[str, str]:
        """The query arguments that keep these filters (for links and the download)."""
        values = {
            "type": self.school_type.value if self.school_type else None,
            "ward": self.ward,
            "reach": self.reach.value if self.reach else None,
        }
        return {key: value for key, value in values.items() if value}


@dataclass(frozen=True)
class CoverageRow:
    school_id: int
    name: str
    school_type: SchoolType
    ward: str
    last_held_at: datetime | None
    next_at: datetime | None
    reach: Reach


@dataclass(frozen=True)
class Coverage:
    rows: tuple[CoverageRow, ...]
    since: datetime  # lectures held from then on reach their school

    def count(self, reach: Reach | None = None) -> int:
        return sum(1 for row in self.rows if reach is None or row.reach is reach)


def school_coverage(filters: CoverageFilters | None = None, today: date | None = None) -> Coverage:
    """The directory's active schools with their last lecture held and their next one booked,
    never reached first, then not for three years, then the longest since (one statement)."""
    filters = filters or CoverageFilters()
    since = reach_since(today)
    per_school = _per_school(utcnow())
    reach = reach_case(per_school.c.last_held_at, since)
    stmt = (
        sa.select(
            School.id,
            School.name,
            School.school_type,
            School.ward,
            per_school.c.last_held_at,
            per_school.c.next_at,
            reach,
        )
        .outerjoin(per_school, per_school.c.school_id == School.id)
        .where(School.active.is_(True))
    )
    if filters.school_type is not None:
        stmt = stmt.where(School.school_type == filters.school_type)
    if filters.ward is not None:
        stmt = stmt.where(School.ward == filters.ward)
    if filters.reach is not None:
        stmt = stmt.where(reach == filters.reach.value)
    stmt = stmt.order_by(per_school.c.last_held_at.is_not(None), per_school.c.last_held_at, *DIRECTORY_ORDER)
    rows = tuple(
        CoverageRow(id_, name, kind, ward, last, upcoming, Reach(value))
        for id_, name, kind, ward, last, upcoming, value in db.session.execute(stmt)
    )
    return Coverage(rows, since)


# The figures for the public track record ------------------------------------------------


@dataclass(frozen=True)
class ReachCount:
    """Schools of one group (a ward, a type of school): in the directory, reached, never."""

    key: str
    schools: int
    reached: int
    never: int

    @property
    def school_type(self) -> SchoolType | None:
        """The type of school the group is, for a group by type (None for a ward)."""
        return SchoolType(self.key) if self.key in {t.value for t in SchoolType} else None

    @property
    def percent(self) -> int:
        """Reached as a whole percentage of the schools (rounded down: 99.6% is not all)."""
        return self.reached * 100 // self.schools if self.schools else 0


@dataclass(frozen=True)
class ReachFigures:
    since_fiscal_year: int  # the first of the fiscal years counted
    by_ward: tuple[ReachCount, ...]  # in the city's order; "" (no ward) last when any
    by_school_type: tuple[ReachCount, ...]  # in the directory's order, types with schools only

    @property
    def schools(self) -> int:
        return sum(group.schools for group in self.by_school_type)

    @property
    def reached(self) -> int:
        return sum(group.reached for group in self.by_school_type)

    @property
    def never(self) -> int:
        return sum(group.never for group in self.by_school_type)

    @property
    def percent(self) -> int:
        return self.reached * 100 // self.schools if self.schools else 0


def _counts(since: datetime) -> dict[tuple[str, str], tuple[int, int, int]]:
    """(schools, reached, never) per ward and per type of school, in one statement:
    {("ward", "門司区"): (…), ("type", "elementary"): (…)}."""
    per_school = _per_school(utcnow())
    directory = (
        sa.select(
            School.ward.label("ward"),
            sa.cast(School.school_type, sa.String).label("school_type"),
            sa.case((per_school.c.last_held_at >= since, 1), else_=0).label("reached"),
            sa.case((per_school.c.last_held_at.is_(None), 1), else_=0).label("never"),
        )
        .outerjoin(per_school, per_school.c.school_id == School.id)
        .where(School.active.is_(True))
        .cte("directory")
    )

    def grouped(dimension: str, column: sa.ColumnElement) -> sa.Select:
        return sa.select(
            sa.literal(dimension).label("dimension"),
            column.label("key"),
            sa.func.count(),
            sa.func.sum(directory.c.reached),
            sa.func.sum(directory.c.never),
        ).group_by(column)

    rows = db.session.execute(
        sa.union_all(grouped("ward", directory.c.ward), grouped("type", directory.c.school_type))
    ).all()
    return {(dimension, key or ""): tuple(counts) for dimension, key, *counts in rows}


def reach_figures(today: date | None = None) -> ReachFigures:
    """Schools reached in the last three fiscal years per ward and per type, and never reached."""
    today = today or today_jst()
    since = reach_since(today)
    counts = _counts(since)
    wards = {key: value for (dimension, key), value in counts.items() if dimension == "ward"}
    types = {key: value for (dimension, key), value in counts.items() if dimension == "type"}
    ward_keys = [w for w in WARDS if w in wards] + sorted(k for k in wards if k not in WARDS)
    return ReachFigures(
        since_fiscal_year=fiscal_year(today) - (REACH_FISCAL_YEARS - 1),
        by_ward=tuple(ReachCount(key, *wards[key]) for key in ward_keys),
        by_school_type=tuple(ReachCount(t.value, *types[t.value]) for t in SchoolType if t.value in types),
    )
