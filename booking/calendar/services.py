"""The calendar's use cases: what a page shows, and each person's private feed link.

The feed link's token is HMAC-SHA256 of "feed:<user id>:<salt>" under a key derived from
SECRET_KEY with its own label, URL-safe base64 (256 bits). The row keeps the salt and the
token's SHA-256 only: the owner's page derives the link again from the salt, a copy of the
database alone opens nothing, and a new salt (a new link) voids the old one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from booking.audit.services import record
from booking.calendar import CALENDAR_STAFF
from booking.calendar.models import CalendarFeed
from booking.calendar.periods import Period, day_start
from booking.calendar.sources import Entry, entries_between, feed_events
from booking.core.auth import Role
from booking.core.errors import DomainError
from booking.core.time import JST, to_zone, utcnow
from booking.core.tokens import derived_key, hash_token
from booking.core.urls import absolute_url
from booking.db import write_lock
from booking.extensions import db
from booking.notifications.ics import build_calendar
from booking.staff.models import User

# Who can have entries of their own on the calendar, and a feed.
PEOPLE_ROLES = (Role.LECTURER, Role.GUIDE)
# The feed holds what starts from this long ago on.
FEED_HISTORY = timedelta(days=365)
_FEED_KEY_LABEL = b"booking calendar feed token v1"
_MAX_TOKEN_LENGTH = 128


# The calendar page -----------------------------------------------------------------------


def sees_everyone(viewer: User) -> bool:
    return viewer.has_any_role(*CALENDAR_STAFF)


def people() -> list[User]:
    """The people one can filter the calendar by (active lecturers and guides), by name."""
    from booking.staff.services import users_with_any_role

    return users_with_any_role(PEOPLE_ROLES)


@dataclass
class CalendarPage:
    period: Period
    person: User | None
    entries: list[Entry]  # everything drawn on the grid
    days: dict[date, list[Entry]] = field(default_factory=dict)

    @property
    def listed(self) -> list[Entry]:
        """The entries of the period itself (a month's grid also draws its neighbours' days)."""
        start, end = day_start(self.period.first), day_start(self.period.last + timedelta(days=1))
        return [e for e in self.entries if e.starts_at < end and e.ends_at > start]

    def on(self, day: date) -> list[Entry]:
        return self.days.get(day, [])


def calendar_page(period: Period, viewer: User, person: User | None) -> CalendarPage:
    """The entries of `period` that `viewer` may see, of `person` only when one is given.

    A viewer who does not see everyone (a lecturer) sees their own entries whatever is asked.
    """
    if not sees_everyone(viewer):
        person = viewer
    entries = entries_between(period.start, period.end, viewer, person.id if person else None)
    page = CalendarPage(period, person, entries)
    by_day: dict[date, list[Entry]] = defaultdict(list)
    grid_first, grid_last = period.grid_first, period.grid_last
    for entry in entries:
        first = to_zone(entry.starts_at, JST).date()
        # An entry ending at midnight does not reach into the next day.
        last = to_zone(entry.ends_at - timedelta(microseconds=1), JST).date()
        day = max(first, grid_first)
        while day <= min(last, grid_last):
            by_day[day].append(entry)
            day += timedelta(days=1)
    page.days = dict(by_day)
    return page


# Private feeds ---------------------------------------------------------------------------


def feed_token(user_id: int, salt: str) -> str:
    key = derived_key(_FEED_KEY_LABEL)
    digest = hmac.new(key, f"feed:{user_id}:{salt}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def feed_url(token: str) -> str:
    return absolute_url("calendar.feed", token=token)


def person(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def _feed_of(user: User) -> CalendarFeed | None:
    return db.session.scalar(sa.select(CalendarFeed).where(CalendarFeed.user_id == user.id))


def may_have_feed(user: User) -> bool:
    return user.active and user.has_any_role(*PEOPLE_ROLES)


@dataclass(frozen=True)
class FeedBox:
    """What a diary page says about its owner's feed, for the person looking at it."""

    owner: User
    own: bool
    active: bool
    created_at: datetime | None
    # The link itself: for its owner only, never for anyone else.
    url: str | None
    may_void: bool

    @property
    def needs_new_link(self) -> bool:
        """A link exists but cannot be shown again (the app's secret key was changed)."""
        return self.own and self.active and self.url is None


def feed_box(owner: User, viewer: User) -> FeedBox | None:
    """None when `viewer` has no business with `owner`'s feed (or `owner` can have none)."""
    own = owner.id == viewer.id
    if not may_have_feed(owner) or not (own or sees_everyone(viewer)):
        return None
    feed = _feed_of(owner)
    url = None
    if feed is not None and own:
        token = feed_token(owner.id, feed.salt)
        if hmac.compare_digest(hash_token(token), feed.token_hash):
            url = feed_url(token)
    return FeedBox(
        owner=owner,
        own=own,
        active=feed is not None,
        created_at=feed.created_at if feed else None,
        url=url,
        may_void=feed is not None and sees_everyone(viewer),
    )


def renew_feed(owner: User, actor: User) -> bool:
    """Give `owner` a new feed link; True when it replaced one (which stops working)."""
    if actor.id != owner.id:
        raise DomainError(_("Only the owner of a calendar feed can make a new link."))
    if not may_have_feed(owner):
        raise DomainError(_("Only lecturers have a calendar feed."))
    salt = secrets.token_hex(16)
    token = feed_token(owner.id, salt)
    # Read then write as the only writer (SQLite); on PostgreSQL two first links at once
    # meet the unique user_id instead, and the second is asked to try again.
    with write_lock():
        feed = _feed_of(owner)
        replaced = feed is not None
        if feed is None:
            feed = CalendarFeed(user_id=owner.id)
            db.session.add(feed)
        feed.salt, feed.token_hash, feed.created_at = salt, hash_token(token), utcnow()
        record(actor, "calendar.feed_renew", "user", owner.id)
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            raise DomainError(_("The link was being changed at the same moment. Please try again.")) from None
    return replaced


def void_feed(owner: User, actor: User) -> bool:
    """Stop `owner`'s feed link; False when there was none."""
    if actor.id != owner.id and not sees_everyone(actor):
        raise DomainError(_("You cannot stop this calendar feed."))
    with write_lock():
        feed = _feed_of(owner)
        if feed is None:
            return False
        db.session.delete(feed)
        record(actor, "calendar.feed_void", "user", owner.id)
        db.session.commit()
    return True


def feed_owner(token: str) -> User | None:
    """The person whose live feed `token` opens, else None (unknown, voided, or no longer staff)."""
    if not token or len(token) > _MAX_TOKEN_LENGTH:
        return None
    feed = db.session.scalar(
        sa.select(CalendarFeed)
        .options(joinedload(CalendarFeed.user))
        .where(CalendarFeed.token_hash == hash_token(token))
    )
    if feed is None or not may_have_feed(feed.user):
        return None
    return feed.user


def feed_file(user: User) -> bytes:
    """The person's feed: what the registered sources give from FEED_HISTORY ago on."""
    events = feed_events(user, utcnow() - FEED_HISTORY)
    with force_locale(user.language):
        name = _("Outreach calendar: %(name)s", name=user.name)
    return build_calendar(events, method="PUBLISH", name=name)
