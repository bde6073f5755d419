"""Staff accounts: users, their roles, and single-use set-password links."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.core.auth import Role
from booking.core.time import utcnow
from booking.db import enum_type
from booking.extensions import db


class UserRole(db.Model):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[Role] = mapped_column(enum_type(Role, "role"), primary_key=True)


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(default=True)
    language: Mapped[str] = mapped_column(sa.String(5), default="ja")
    time_zone: Mapped[str] = mapped_column(sa.String(64), default="Asia/Tokyo")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    role_rows: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by=UserRole.role
    )
    sessions: Mapped[list[StaffSession]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    # The id of the browser session this object was loaded for (not stored): the signed
    # cookie carries it, the server keeps only its hash (StaffSession).
    session_token = None

    __table_args__ = (sa.CheckConstraint("language IN ('ja', 'en')", name="language"),)

    # Flask-Login's interface.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        if self.session_token is None:
            raise RuntimeError("a user signs in through a StaffSession; none is attached")
        return self.session_token

    # Roles.
    @property
    def roles(self) -> set[Role]:
        return {row.role for row in self.role_rows}

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    def has_any_role(self, *roles: Role) -> bool:
        return bool(self.roles & set(roles))

    def set_roles(self, roles: set[Role]) -> None:
        current = {row.role: row for row in self.role_rows}
        for role, row in current.items():
            if role not in roles:
                self.role_rows.remove(row)
        for role in sorted(roles - set(current)):
            self.role_rows.append(UserRole(role=role))

    def end_sessions(self) -> None:
        """Sign the user out of every browser: their server-side sessions are deleted."""
        self.sessions.clear()

    def __repr__(self) -> str:
        return f"<User {self.id}>"


class TokenPurpose(enum.StrEnum):
    INVITE = "invite"
    RESET = "reset"


class UserToken(db.Model):
    """A single-use link that lets a user set a password; only the token's hash is kept."""

    __tablename__ = "user_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[TokenPurpose] = mapped_column(enum_type(TokenPurpose, "token_purpose"))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    def is_usable(self, now: datetime) -> bool:
        return self.used_at is None and now < self.expires_at and self.user.active


class SessionEnd(enum.StrEnum):
    """Why a session stopped being valid on its own (signing out deletes it instead)."""

    IDLE = "idle"
    TOO_LONG = "too_long"


class StaffSession(db.Model):
    """A signed-in browser. The cookie holds a random id; only its SHA-256 is kept here.

    Signing out deletes the row, so a copy of the cookie stops working at once;
    deactivation and a new password delete all of a user's rows.
    """

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Moved on at most once a minute (see staff.services.record_activity).
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    user: Mapped[User] = relationship(back_populates="sessions")

    def ended_by(self, now: datetime, idle: timedelta, longest: timedelta) -> SessionEnd | None:
        """Why the session is over at `now`, or None while it is still valid."""
        if now - self.last_seen_at > idle:
            return SessionEnd.IDLE
        if now - self.created_at > longest:
            return SessionEnd.TOO_LONG
        return None
