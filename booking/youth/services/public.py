"""Cohorts as the public sees them: the one /youth/ is about, past ones, the window's state."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

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


def past_cohorts(exclude: Cohort | None = None) -> list[Cohort]:
    """Earlier cohorts whose program is over, newest first, with their participant counts.

    A cohort whose window has closed but whose dates are still ahead (selection under way)
    is not past yet.
    """
    now = utcnow()
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
