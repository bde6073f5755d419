"""Building records for tests with sensible defaults."""

from __future__ import annotations

import itertools

from booking.core.auth import Role
from booking.extensions import db
from booking.staff import services as staff_services
from booking.staff.models import User

DEFAULT_PASSWORD = "correct horse battery"
_counter = itertools.count(1)


def make_user(
    *roles: Role,
    email: str | None = None,
    name: str | None = None,
    password: str | None = DEFAULT_PASSWORD,
    active: bool = True,
    language: str = "ja",
    time_zone: str = "Asia/Tokyo",
) -> User:
    """A committed staff user (call inside an app context)."""
    n = next(_counter)
    user = staff_services.create_user(
        staff_services.NewUser(
            email=email or f"user{n}@example.jp",
            name=name or f"職員 {n}",
            roles=set(roles or (Role.COORDINATOR,)),
            language=language,
            time_zone=time_zone,
        ),
        password=password,
    )
    user.active = active
    db.session.commit()
    return user
