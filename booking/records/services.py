"""The figures of the public track record, each one computed by the database.

What counts:
- A lecture once it has been held (status `completed`), in the fiscal year (April to
  March, Japan time) of its date. Its audience is the number recorded after the lecture.
  Requests received, with dates proposed, scheduled, declined or cancelled do not count.
- A school of the directory (active) as reached when a lecture was held there in the
  last three fiscal years, the one under way included (see booking.schools.coverage).
- A youth cohort once its results are published, or once its participants are recorded
  (cohorts run before this system). Applications are those sent (drafts are not);
  participants are the recorded number, else the students who took their place, counted
  once the program has begun (its first event has started): until then a place taken
  may still be given up.

Every figure comes from an aggregate query (COUNT, SUM, GROUP BY). Python only lays the
per-year rows side by side, so the page runs the same few queries however many lectures
and applications there are. Nothing about a person is read: no names, no contacts, no
school names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa

from booking.core.cache import cached_value
from booking.core.i18n import current_language
from booking.core.time import fiscal_year, fiscal_year_bounds, to_zone, today_jst, utcnow
from booking.extensions import db
from booking.lectures.models import LectureFormat, LectureRequest, LectureStatus
from booking.schools.coverage import ReachFigures, reach_figures
from booking.schools.models import School, SchoolType
from booking.youth.models import Application, ApplicationStatus, Cohort, CohortEvent

# The tables the figures are read from: a change to any of them renews the cached page.
SOURCES = (LectureRequest, Cohort, CohortEvent, Application, School)


@dataclass(frozen=True)
class LectureYear:
    """The lectures held in one fiscal year."""

    fiscal_year: int
    held: int = 0
    audience: int = 0
    in_person: int = 0
    online: int = 0
    by_school_type: Mapping[SchoolType, int] = field(default_factory=dict)

    def held_at(self, school_type: SchoolType) -> int:
        return self.by_school_type.get(school_type, 0)


@dataclass(frozen=True)
class CohortRecord:
    """One youth training as the public sees it: no names, only counts."""

    fiscal_year: int
    destination_ja: str
    destination_en: str
    # None when not recorded: cohorts run before this system took applications on paper.
    applications: int | None
    participants: int
    # Results are out but the program's dates are not all past yet.
    in_progress: bool = False
    # The program's first event has started (or its participants are recorded): until
    # then its participants are not counted.
    begun: bool = True

    def destination(self, language: str | None = None) -> str:
        if (language or current_language()) == "en" and self.destination_en:
            return self.destination_en
        return self.destination_ja


@dataclass(frozen=True)
class TrackRecord:
    # One row per fiscal year from the first lecture held to the latest, oldest first.
    lecture_years: tuple[LectureYear, ...]
    cohorts: tuple[CohortRecord, ...]
    as_of: date

    @property
    def current_fiscal_year(self) -> int:
        return fiscal_year(self.as_of)

    @property
    def lectures_held(self) -> int:
        return sum(year.held for year in self.lecture_years)

    @property
    def audience(self) -> int:
        return sum(year.audience for year in self.lecture_years)

    @property
    def in_person(self) -> int:
        return sum(year.in_person for year in self.lecture_years)

    @property
    def online(self) -> int:
        return sum(year.online for year in self.lecture_years)

    @property
    def school_types(self) -> list[SchoolType]:
        """The school types that have had a lecture, in the directory's order."""
        return [t for t in SchoolType if any(year.held_at(t) for year in self.lecture_years)]

    def held_at(self, school_type: SchoolType) -> int:
        return sum(year.held_at(school_type) for year in self.lecture_years)

    @property
    def participants(self) -> int:
        return sum(cohort.participants for cohort in self.cohorts)

    @property
    def moment(self) -> tuple[date, tuple[bool, ...]]:
        """What the page shows that changes with the clock alone: the date, the programs running."""
        return self.as_of, tuple((cohort.in_progress, cohort.begun) for cohort in self.cohorts)

    def is_current(self, year: int) -> bool:
        """The fiscal year is still under way: its figures are so far."""
        return year == self.current_fiscal_year


def _fiscal_year_of(moment: sa.ColumnElement[datetime], years: range) -> sa.ColumnElement[int]:
    """SQL giving the fiscal year (Japan time) of the UTC datetime `moment`, for `years`."""
    whens = []
    for year in years:
        start, end = fiscal_year_bounds(year)
        whens.append((sa.and_(moment >= start, moment < end), year))
    return sa.case(*whens)


def _held_years() -> range:
    """The fiscal years from the first lecture held to the latest (empty if none)."""
    first, last = db.session.execute(
        sa.select(sa.func.min(LectureRequest.starts_at), sa.func.max(LectureRequest.starts_at)).where(
            LectureRequest.status == LectureStatus.COMPLETED
        )
    ).one()
    if first is None or last is None:
        return range(0)
    return range(fiscal_year(to_zone(first).date()), fiscal_year(to_zone(last).date()) + 1)


def lecture_years() -> list[LectureYear]:
    """Lectures held per fiscal year: how many, their audience, format and school type."""
    years = _held_years()
    if not years:
        return []
    held = (
        sa.select(
            _fiscal_year_of(LectureRequest.starts_at, years).label("fiscal_year"),
            LectureRequest.format,
            LectureRequest.school_type,
            LectureRequest.actual_audience,
        )
        .where(LectureRequest.status == LectureStatus.COMPLETED)
        .subquery()
    )
    totals = db.session.execute(
        sa.select(
            held.c.fiscal_year,
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(held.c.actual_audience), 0),
            sa.func.count(sa.case((held.c.format == LectureFormat.IN_PERSON, 1))),
            sa.func.count(sa.case((held.c.format == LectureFormat.ONLINE, 1))),
        ).group_by(held.c.fiscal_year)
    ).all()
    by_type: dict[int, dict[SchoolType, int]] = {year: {} for year in years}
    for year, school_type, count in db.session.execute(
        sa.select(held.c.fiscal_year, held.c.school_type, sa.func.count()).group_by(
            held.c.fiscal_year, held.c.school_type
        )
    ):
        by_type[year][school_type] = count
    found = {
        year: LectureYear(year, count, audience, in_person, online, by_type[year])
        for year, count, audience, in_person, online in totals
    }
    return [found.get(year, LectureYear(year)) for year in years]


@dataclass(frozen=True)
class _CohortRow:
    """A cohort's counts as read, before `now` says whether its program is still running."""

    fiscal_year: int
    destination_ja: str
    destination_en: str
    recorded: int | None
    applications: int
    confirmed: int
    begins: datetime | None
    ends: datetime | None

    def at(self, now: datetime) -> CohortRecord:
        begun = self.recorded is not None or (self.begins is not None and self.begins <= now)
        return CohortRecord(
            fiscal_year=self.fiscal_year,
            destination_ja=self.destination_ja,
            destination_en=self.destination_en,
            applications=None if self.recorded is not None and not self.applications else self.applications,
            participants=self.recorded if self.recorded is not None else (self.confirmed if begun else 0),
            in_progress=self.ends is not None and self.ends > now,
            begun=begun,
        )


def _cohort_rows() -> tuple[_CohortRow, ...]:
    sent = sa.func.count(sa.case((Application.status != ApplicationStatus.DRAFT, Application.id)))
    taking_part = sa.func.count(sa.case((Application.status == ApplicationStatus.CONFIRMED, Application.id)))
    program_begins = (
        sa.select(sa.func.min(CohortEvent.starts_at))
        .where(CohortEvent.cohort_id == Cohort.id)
        .correlate(Cohort)
        .scalar_subquery()
    )
    program_ends = (
        sa.select(sa.func.max(CohortEvent.ends_at))
        .where(CohortEvent.cohort_id == Cohort.id)
        .correlate(Cohort)
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(
            Cohort.fiscal_year,
            Cohort.destination_ja,
            Cohort.destination_en,
            Cohort.recorded_participants,
            sent,
            taking_part,
            program_begins,
            program_ends,
        )
        .outerjoin(Application, Application.cohort_id == Cohort.id)
        .where(sa.or_(Cohort.results_published_at.is_not(None), Cohort.recorded_participants.is_not(None)))
        .group_by(Cohort.id)
        .order_by(Cohort.fiscal_year)
    ).all()
    return tuple(_CohortRow(*row) for row in rows)


def cohort_records(now: datetime | None = None) -> list[CohortRecord]:
    """Youth cohorts with published results (or recorded participants), oldest first."""
    now = now or utcnow()
    return [row.at(now) for row in _cohort_rows()]


def _figures() -> tuple[tuple[LectureYear, ...], tuple[_CohortRow, ...]]:
    return tuple(lecture_years()), _cohort_rows()


def track_record() -> TrackRecord:
    """The figures as of now; on a cached page, read from the database only after a change."""
    years, cohorts = cached_value("records.figures", _figures)
    now = utcnow()
    return TrackRecord(years, tuple(row.at(now) for row in cohorts), today_jst())


def coverage() -> ReachFigures:
    """Schools reached per ward and type; kept while the tables and the fiscal year are the same."""
    today = today_jst()
    return cached_value("records.coverage", lambda: reach_figures(today), fiscal_year(today))
