"""Cohorts as the public sees them: the one /youth/ is about, past ones, the window's state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from booking.core.cache import cached_value
from booking.core.i18n import format_datetime
from booking.core.time import utcnow
from booking.extensions import db
from booking.youth.models import (
    Cohort,
    CohortEvent,
    WindowState,
)


def featured_cohort(now: datetime | None = None) -> Cohort | None:
    """The cohort /youth/ is about: the open one, else the next to open, else the latest."""
    now = now or utcnow()
    options = selectinload(Cohort.events)
    open_now = db.session.scalar(
        sa.select(Cohort)
        .where(Cohort.opens_at <= now, Cohort.closes_at > now)
        .order_by(Cohort.closes_at)
        .options(options)
        .limit(1)
    )
    if open_now is not None:
        return open_now
    upcoming = db.session.scalar(
        sa.select(Cohort).where(Cohort.opens_at > now).order_by(Cohort.opens_at).options(options).limit(1)
    )
    if upcoming is not None:
        return upcoming
    return db.session.scalar(sa.select(Cohort).order_by(Cohort.fiscal_year.desc()).options(options).limit(1))


def past_cohorts(exclude: Cohort | None = None, now: datetime | None = None) -> list[Cohort]:
    """Earlier cohorts whose program is over, newest first, with their participant counts.

    A cohort whose window has closed but whose dates are still ahead (selection under way)
    is not past yet.
    """
    now = now or utcnow()
    running = sa.select(CohortEvent.cohort_id).where(CohortEvent.ends_at > now)
    stmt = (
        sa.select(Cohort)
        .where(Cohort.closes_at <= now, Cohort.id.not_in(running))
        .order_by(Cohort.fiscal_year.desc())
    )
    if exclude is not None:
        stmt = stmt.where(Cohort.id != exclude.id)
    return list(db.session.scalars(stmt))


def window_message(cohort: Cohort, now: datetime | None = None) -> str | None:
    """Why applications are not taken now, or None while the window is open."""
    state = cohort.window_state(now or utcnow())
    if state == WindowState.NOT_YET_OPEN:
        return _("Applications open on %(date)s.", date=format_datetime(cohort.opens_at))
    if state == WindowState.CLOSED:
        return _(
            "Applications closed on %(date)s. Nothing could be saved; what you wrote is shown "
            "below so that you can keep a copy.",
            date=format_datetime(cohort.closes_at),
        )
    return None


@dataclass(frozen=True)
class IndexChoice:
    """What /youth/ shows at a moment, by id: the featured cohort, its window, the past ones."""

    cohort_id: int | None
    state: WindowState | None
    past_ids: tuple[int, ...]


def _next_change(now: datetime) -> datetime | None:
    """The next moment the choice can change with no write: a window opening or closing, a program ending."""
    moments = [
        sa.select(sa.func.min(Cohort.opens_at)).where(Cohort.opens_at > now).scalar_subquery(),
        sa.select(sa.func.min(Cohort.closes_at)).where(Cohort.closes_at > now).scalar_subquery(),
        sa.select(sa.func.min(CohortEvent.ends_at)).where(CohortEvent.ends_at > now).scalar_subquery(),
    ]
    found = [moment for moment in db.session.execute(sa.select(*moments)).one() if moment is not None]
    return min(found) if found else None


def index_choice(now: datetime | None = None) -> IndexChoice:
    """The featured cohort, its window's state and the past cohorts, now.

    On a cached page this is kept until the data changes or the next moment it would
    change by itself (a window opening or closing, a program ending).
    """
    now = now or utcnow()

    def choose() -> IndexChoice:
        cohort = featured_cohort(now)
        return IndexChoice(
            cohort_id=cohort.id if cohort else None,
            state=cohort.window_state(now) if cohort else None,
            past_ids=tuple(past.id for past in past_cohorts(exclude=cohort, now=now)),
        )

    return cached_value("youth.index_choice", choose, until=lambda: _next_change(now))


def cohorts_by_id(ids: tuple[int, ...]) -> list[Cohort]:
    """The cohorts, in the order of `ids`."""
    found = {c.id: c for c in db.session.scalars(sa.select(Cohort).where(Cohort.id.in_(ids)))} if ids else {}
    return [found[i] for i in ids if i in found]


def get_featured(cohort_id: int | None) -> Cohort | None:
    if cohort_id is None:
        return None
    return db.session.scalar(
        sa.select(Cohort).where(Cohort.id == cohort_id).options(selectinload(Cohort.events))
    )
