"""Demo staff accounts, one per role, for trying the app locally."""

from __future__ import annotations

from dataclasses import dataclass

from booking.core.auth import Role
from booking.extensions import db
from booking.staff import services
from booking.staff.models import User

DEMO_PASSWORD = "demo-password-2026"


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    roles: frozenset[Role]
    time_zone: str = "Asia/Tokyo"
    language: str = "ja"


DEMO_USERS = [
    DemoUser("admin@example.jp", "管理 花子", frozenset({Role.ADMIN})),
    DemoUser("coordinator@example.jp", "調整 一郎", frozenset({Role.COORDINATOR})),
    DemoUser("lecturer@example.jp", "水野 健太", frozenset({Role.LECTURER})),
    DemoUser("reviewer@example.jp", "審査 由美", frozenset({Role.REVIEWER})),
    DemoUser("guide@example.jp", "案内 さくら", frozenset({Role.GUIDE})),
]


def ensure_user(demo: DemoUser) -> User:
    """The demo user, created on the first run and left as it is afterwards."""
    user = services.get_user_by_email(demo.email)
    if user is None:
        user = services.create_user(
            services.NewUser(demo.email, demo.name, set(demo.roles), demo.language, demo.time_zone),
            password=DEMO_PASSWORD,
        )
    return user


def seed() -> list[str]:
    for demo in DEMO_USERS:
        ensure_user(demo)
    db.session.commit()
    lines = ["Staff sign-in at /staff/login, password for every demo account: " + DEMO_PASSWORD]
    lines += [f"  {', '.join(sorted(d.roles)):<12} {d.email}" for d in DEMO_USERS]
    return lines
