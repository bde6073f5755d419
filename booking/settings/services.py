"""Reading the bureau's settings (one query per request at most) and changing them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from types import MappingProxyType

import sqlalchemy as sa
from flask import g
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from booking.audit.services import record
from booking.core.errors import DomainError
from booking.extensions import db
from booking.settings.models import SETTINGS_ID, BlackoutDay, BureauSettings
from booking.staff.models import User


@dataclass(frozen=True)
class Settings:
    """The rules in force, as plain values (the defaults until an admin saves them)."""

    lead_time_days: int = 14
    horizon_days: int = 180
    school_day_start: time = time(8, 30)
    school_day_end: time = time(16, 30)
    in_person_buffer_minutes: int = 60
    online_buffer_minutes: int = 15
    daily_cap: int = 3
    reminder_days: int = 3
    visit_lead_days: int = 21
    blackout_days: Mapping[date, str] = field(default_factory=lambda: MappingProxyType({}))

    def buffer_minutes(self, online: bool) -> int:
        return self.online_buffer_minutes if online else self.in_person_buffer_minutes

    def earliest_day(self, today: date) -> date:
        return today + timedelta(days=self.lead_time_days)

    def latest_day(self, today: date) -> date:
        return today + timedelta(days=self.horizon_days)


@dataclass(frozen=True)
class SettingsData:
    lead_time_days: int
    horizon_days: int
    school_day_start: time
    school_day_end: time
    in_person_buffer_minutes: int
    online_buffer_minutes: int
    daily_cap: int
    reminder_days: int
    visit_lead_days: int = 21


_CACHE_KEY = "_bureau_settings"


def _snapshot(row: BureauSettings | None) -> Settings:
    if row is None:
        return Settings()
    return Settings(
        lead_time_days=row.lead_time_days,
        horizon_days=row.horizon_days,
        school_day_start=row.school_day_start,
        school_day_end=row.school_day_end,
        in_person_buffer_minutes=row.in_person_buffer_minutes,
        online_buffer_minutes=row.online_buffer_minutes,
        daily_cap=row.daily_cap,
        reminder_days=row.reminder_days,
        visit_lead_days=row.visit_lead_days,
        blackout_days=MappingProxyType({b.day: b.reason for b in row.blackout_days}),
    )


def current_settings() -> Settings:
    """The settings, read once per request (or app context) with their blackout days.

    The settings row and its blackout days come back from one query (a LEFT OUTER
    JOIN); the values are kept for the rest of the request as a frozen snapshot.
    """
    cached = g.get(_CACHE_KEY)
    if cached is None:
        row = (
            db.session.execute(sa.select(BureauSettings).options(joinedload(BureauSettings.blackout_days)))
            .unique()
            .scalar_one_or_none()
        )
        cached = _snapshot(row)
        setattr(g, _CACHE_KEY, cached)
    return cached


def forget_cached_settings() -> None:
    g.pop(_CACHE_KEY, None)


def _row() -> BureauSettings:
    """The settings row, created with the defaults the first time it is needed."""
    row = db.session.get(BureauSettings, SETTINGS_ID)
    if row is None:
        row = BureauSettings(id=SETTINGS_ID)
        db.session.add(row)
        db.session.flush()
    return row


def check_settings(data: SettingsData) -> None:
    if data.horizon_days <= data.lead_time_days:
        raise DomainError(_("The horizon must be longer than the lead time."), field="horizon_days")
    if data.school_day_start >= data.school_day_end:
        raise DomainError(
            _("The latest start must be later than the earliest start."), field="school_day_end"
        )


def update_settings(data: SettingsData, actor: User) -> None:
    check_settings(data)
    row = _row()
    before = {name: _plain(getattr(row, name)) for name in data.__dataclass_fields__}
    for name in data.__dataclass_fields__:
        setattr(row, name, getattr(data, name))
    row.updated_by_id = actor.id
    changed = {
        name: [before[name], _plain(getattr(data, name))]
        for name in data.__dataclass_fields__
        if before[name] != _plain(getattr(data, name))
    }
    record(actor, "settings.update", "settings", SETTINGS_ID, changed=changed)
    db.session.commit()
    forget_cached_settings()


def _plain(value: object) -> object:
    return value.strftime("%H:%M") if isinstance(value, time) else value


def settings_row() -> BureauSettings | None:
    return db.session.get(BureauSettings, SETTINGS_ID)


def list_blackout_days(since: date | None = None) -> list[BlackoutDay]:
    stmt = sa.select(BlackoutDay).order_by(BlackoutDay.day)
    if since is not None:
        stmt = stmt.where(BlackoutDay.day >= since)
    return list(db.session.scalars(stmt))


def add_blackout_day(day: date, reason: str, actor: User) -> BlackoutDay:
    if db.session.scalar(sa.select(BlackoutDay.id).where(BlackoutDay.day == day)) is not None:
        raise DomainError(_("This day is already a blackout day."), field="day")
    row = _row()
    blackout = BlackoutDay(day=day, reason=reason.strip())
    row.blackout_days.append(blackout)
    db.session.flush()
    record(actor, "settings.blackout_add", "blackout_day", blackout.id, day=day.isoformat())
    db.session.commit()
    forget_cached_settings()
    return blackout


def remove_blackout_day(blackout_id: int, actor: User) -> None:
    blackout = db.session.get(BlackoutDay, blackout_id)
    if blackout is None:
        raise DomainError(_("This blackout day no longer exists."))
    record(actor, "settings.blackout_remove", "blackout_day", blackout.id, day=blackout.day.isoformat())
    db.session.delete(blackout)
    db.session.commit()
    forget_cached_settings()
