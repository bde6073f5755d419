"""The study tours' figures on the track record: tours held and their visitors.

What counts: a study tour once it has been held (status `completed`), in the fiscal year
(April to March, Japan time) of its date. Its visitors are the number recorded after the
visit; where none was recorded, the sum of its counts by country. Visitors by country or
region come from those counts (`VisitCountry`), which outlive the visitor lists: written
when the tour is recorded as held, or from the list when it is deleted.

Every figure comes from one aggregate query (COUNT, SUM, GROUP BY, the two tables joined
by UNION ALL); Python only fills in the years without a tour. No name is read.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from booking.core.forms import EARLIEST_DATE
from booking.core.i18n import current_language
from booking.core.time import fiscal_year, today_jst
from booking.extensions import db
from booking.records.services import _fiscal_year_of
from booking.visits.countries import country_name
from booking.visits.models import VisitCountry, VisitRequest, VisitStatus

# The tables the figures are read from (the page's cache is renewed when they change).
SOURCES = (VisitRequest, VisitCountry)


@dataclass(frozen=True)
class TourYear:
    """The study tours held in one fiscal year."""

    fiscal_year: int
    tours: int = 0
    visitors: int = 0


@dataclass(frozen=True)
class CountryVisitors:
    """The visitors from one country or region, all years together."""

    country: str  # ISO 3166 alpha-2
    tours: int
    visitors: int

    def name(self, language: str | None = None) -> str:
        return country_name(self.country, language or current_language())


@dataclass(frozen=True)
class StudyTourRecord:
    years: tuple[TourYear, ...]  # from the first tour held to the latest, oldest first
    countries: tuple[CountryVisitors, ...]  # most visitors first

    @property
    def tours(self) -> int:
        return sum(year.tours for year in self.years)

    @property
    def visitors(self) -> int:
        return sum(year.visitors for year in self.years)


def _held() -> sa.ColumnElement[bool]:
    return sa.and_(VisitRequest.status == VisitStatus.COMPLETED, VisitRequest.starts_at.is_not(None))


def _possible_years() -> range:
    """Every fiscal year a held tour can fall in: from the earliest date a form takes to now."""
    return range(EARLIEST_DATE.year - 1, fiscal_year(today_jst()) + 1)


def _figures() -> tuple[list[TourYear], list[CountryVisitors]]:
    """Both tables in one query: the per-year rows, then the per-country rows (most first)."""
    counted = (
        sa.select(sa.func.sum(VisitCountry.visitors))
        .where(VisitCountry.request_id == VisitRequest.id)
        .correlate(VisitRequest)
        .scalar_subquery()
    )
    held = (
        sa.select(
            _fiscal_year_of(VisitRequest.starts_at, _possible_years()).label("fiscal_year"),
            sa.func.coalesce(VisitRequest.actual_visitors, counted, 0).label("visitors"),
        )
        .where(_held())
        .subquery()
    )
    by_year = (
        sa.select(
            sa.literal(0).label("kind"),
            held.c.fiscal_year,
            sa.cast(sa.null(), sa.String(2)).label("country"),
            sa.func.count().label("tours"),
            sa.cast(sa.func.coalesce(sa.func.sum(held.c.visitors), 0), sa.Integer).label("visitors"),
        )
        .where(held.c.fiscal_year.is_not(None))
        .group_by(held.c.fiscal_year)
    )
    by_country = (
        sa.select(
            sa.literal(1).label("kind"),
            sa.cast(sa.null(), sa.Integer).label("fiscal_year"),
            VisitCountry.country,
            sa.func.count(sa.distinct(VisitCountry.request_id)),
            sa.cast(sa.func.sum(VisitCountry.visitors), sa.Integer),
        )
        .join(VisitRequest, VisitRequest.id == VisitCountry.request_id)
        .where(_held(), VisitCountry.visitors > 0)
        .group_by(VisitCountry.country)
    )
    both = sa.union_all(by_year, by_country).subquery()
    rows = db.session.execute(
        sa.select(both).order_by(both.c.kind, both.c.fiscal_year, both.c.visitors.desc(), both.c.country)
    ).all()
    found = {
        row.fiscal_year: TourYear(row.fiscal_year, row.tours, row.visitors) for row in rows if row.kind == 0
    }
    countries = [CountryVisitors(row.country, row.tours, row.visitors) for row in rows if row.kind == 1]
    if not found:
        return [], countries
    # Years between the first and the last without a tour are shown too, with zero.
    years = [found.get(year, TourYear(year)) for year in range(min(found), max(found) + 1)]
    return years, countries


def tour_years() -> list[TourYear]:
    """Study tours held per fiscal year and their visitors, every year in the range listed."""
    return _figures()[0]


def country_visitors() -> list[CountryVisitors]:
    """Visitors of the tours held, by country or region, most first."""
    return _figures()[1]


def study_tour_record() -> StudyTourRecord:
    """The study tours' figures, read in one query."""
    years, countries = _figures()
    return StudyTourRecord(tuple(years), tuple(countries))
