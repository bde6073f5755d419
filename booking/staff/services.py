"""Staff accounts: signing in, sessions, invitations, passwords, roles and deactivation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from booking.audit.services import record
from booking.core.auth import Role
from booking.core.errors import DomainError
from booking.core.ratelimit import first_in_window
from booking.core.time import utcnow
from booking.core.tokens import hash_token, new_token
from booking.db import write_lock
from booking.extensions import db
from booking.staff import notifications
from booking.staff.models import SessionEnd, StaffSession, TokenPurpose, User, UserRole, UserToken


def _hasher() -> PasswordHasher:
    return PasswordHasher(
        time_cost=current_app.config["ARGON2_TIME_COST"],
        memory_cost=current_app.config["ARGON2_MEMORY_COST"],
    )


def normalise_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    return _hasher().hash(password)


# Compared against when the email is unknown, so both failures take the same time.
_DUMMY_HASH: dict[str, str] = {}


def _dummy_hash() -> str:
    key = f"{current_app.config['ARGON2_TIME_COST']}:{current_app.config['ARGON2_MEMORY_COST']}"
    if key not in _DUMMY_HASH:
        _DUMMY_HASH[key] = hash_password("not-a-real-password")
    return _DUMMY_HASH[key]


def check_password_rules(password: str) -> None:
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        raise DomainError(_("Use at least %(n)d characters.", n=minimum), field="password")


def authenticate(email: str, password: str) -> User:
    """The active user with this email and password; one message for every failure."""
    refused = DomainError(_("The email address or password is not correct."))
    user = get_user_by_email(email)
    hasher = _hasher()
    try:
        hasher.verify(user.password_hash if user and user.password_hash else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        raise refused from None
    if user is None or user.password_hash is None:
        raise refused
    if not user.active:
        raise DomainError(_("This account has been deactivated. Ask an administrator."))
    new_hash = hash_password(password) if hasher.check_needs_rehash(user.password_hash) else None
    user_id = user.id
    # A short write of its own, so staff signing in at the same moment queue on SQLite.
    with write_lock():
        user = db.session.get(User, user_id)
        if new_hash is not None:
            user.password_hash = new_hash
        user.last_login_at = utcnow()
        db.session.commit()
    return user


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)


# The finest step in which a session's last activity is kept: a page view within a minute
# of the last recorded one writes nothing.
ACTIVITY_STEP = timedelta(minutes=1)


def _session_limits() -> tuple[timedelta, timedelta]:
    config = current_app.config
    return timedelta(minutes=config["SESSION_IDLE_MINUTES"]), timedelta(hours=config["SESSION_MAX_HOURS"])


def open_session(user: User) -> str:
    """Start a server-side session for `user`; returns its id, for the signed cookie only.

    Sessions that are over (idle or too long) are deleted at the same time.
    """
    token, digest = new_token()
    idle, longest = _session_limits()
    now = utcnow()
    user_id = user.id
    with write_lock():
        db.session.execute(
            sa.delete(StaffSession).where(
                sa.or_(StaffSession.last_seen_at < now - idle, StaffSession.created_at < now - longest)
            )
        )
        db.session.add(StaffSession(user_id=user_id, token_hash=digest, created_at=now, last_seen_at=now))
        db.session.commit()
    return token


def find_session(token: str) -> tuple[StaffSession | None, SessionEnd | None]:
    """The session with this id and, when it is over, why; (None, None) when it is unknown.

    A deactivated user's sessions count as unknown (deactivation deletes them as well).
    """
    staff_session = db.session.scalar(
        sa.select(StaffSession)
        .where(StaffSession.token_hash == hash_token(token))
        .options(joinedload(StaffSession.user))
    )
    if staff_session is None or not staff_session.user.active:
        return None, None
    return staff_session, staff_session.ended_by(utcnow(), *_session_limits())


def record_activity(staff_session: StaffSession) -> None:
    """Move the session's last activity to now, at most once per ACTIVITY_STEP."""
    now = utcnow()
    if now - staff_session.last_seen_at < ACTIVITY_STEP:
        return
    session_id = staff_session.id
    with write_lock():
        db.session.execute(
            sa.update(StaffSession).where(StaffSession.id == session_id).values(last_seen_at=now)
        )
        db.session.commit()


def close_session(token: str) -> None:
    """Sign one browser out: its session is deleted, so copies of its cookie stop working."""
    with write_lock():
        db.session.execute(sa.delete(StaffSession).where(StaffSession.token_hash == hash_token(token)))
        db.session.commit()


def list_users() -> list[User]:
    return list(db.session.scalars(sa.select(User).order_by(User.active.desc(), User.name)))


def users_with_role(role: Role, active_only: bool = True) -> list[User]:
    return users_with_any_role((role,), active_only)


def users_with_any_role(roles: tuple[Role, ...], active_only: bool = True) -> list[User]:
    """Users holding any of `roles` (each once), by name: one statement."""
    holders = sa.select(UserRole.user_id).where(UserRole.role.in_(roles))
    query = sa.select(User).where(User.id.in_(holders))
    if active_only:
        query = query.where(User.active.is_(True))
    return list(db.session.scalars(query.order_by(User.name, User.id)))


@dataclass(frozen=True)
class NewUser:
    email: str
    name: str
    roles: set[Role]
    language: str = "ja"
    time_zone: str = "Asia/Tokyo"


def create_user(data: NewUser, password: str | None = None, actor: User | None = None) -> User:
    """Add a user; with no password they sign in after following an invitation."""
    email = normalise_email(data.email)
    if get_user_by_email(email) is not None:
        raise DomainError(_("A user with this email address already exists."), field="email")
    if not data.roles:
        raise DomainError(_("Choose at least one role."), field="roles")
    user = User(email=email, name=data.name.strip(), language=data.language, time_zone=data.time_zone)
    user.set_roles(set(data.roles))
    if password is not None:
        check_password_rules(password)
        user.password_hash = hash_password(password)
    db.session.add(user)
    db.session.flush()
    record(actor, "user.create", "user", user.id, roles=sorted(data.roles))
    return user


def _issue_token(user: User, purpose: TokenPurpose) -> str:
    token, digest = new_token()
    now = utcnow()
    # A new link replaces any earlier unused one.
    db.session.execute(
        sa.update(UserToken)
        .where(UserToken.user_id == user.id, UserToken.used_at.is_(None))
        .values(used_at=now)
    )
    hours = current_app.config["INVITE_VALID_HOURS"]
    db.session.add(
        UserToken(
            user_id=user.id, purpose=purpose, token_hash=digest, expires_at=now + timedelta(hours=hours)
        )
    )
    return token


def invite_user(data: NewUser, actor: User) -> User:
    """Create the account and email a single-use link to set its password."""
    user = create_user(data, actor=actor)
    send_password_link(user, TokenPurpose.INVITE, actor)
    db.session.commit()
    return user


def send_password_link(user: User, purpose: TokenPurpose, actor: User | None) -> None:
    """Queue a set-password link for `user` (caller commits)."""
    token = _issue_token(user, purpose)
    notifications.password_link(user, purpose, token, actor)
    record(actor, f"user.{purpose.value}_link", "user", user.id)


def resend_password_link(user: User, actor: User) -> None:
    """A fresh invitation (or reset link, once a password exists); earlier links stop working."""
    if not user.active:
        raise DomainError(_("Activate the account before sending a link."))
    purpose = TokenPurpose.RESET if user.password_hash else TokenPurpose.INVITE
    send_password_link(user, purpose, actor)
    db.session.commit()


# Reset emails per address (known or not) in this window; further requests are answered
# the same and send nothing, so nobody can flood a colleague's inbox.
RESET_EMAILS_PER_ADDRESS = "1 per 15 minutes"


def request_password_reset(email: str) -> None:
    """Queue a reset link for an active user who has a password; the same work for any address.

    Whether the address has an account changes no statement: the link and its email are
    written by INSERT ... SELECT statements that add a row only for an account that
    qualifies, after the same rendering and hashing. An invited user who has not set a
    password yet gets nothing new, and their invitation link stays valid.
    """
    address = normalise_email(email)
    if not first_in_window("password-reset", address, RESET_EMAILS_PER_ADDRESS):
        return
    qualifies = sa.and_(User.email == address, User.active.is_(True), User.password_hash.is_not(None))
    # Columns, not the entity: loading a User would load its roles too.
    found = db.session.execute(sa.select(User.id, User.name, User.language).where(qualifies)).first()
    token, digest = new_token()
    now = utcnow()
    hours = current_app.config["INVITE_VALID_HOURS"]
    # An earlier reset link stops working; an invitation is never touched.
    db.session.execute(
        sa.update(UserToken)
        .where(
            UserToken.purpose == TokenPurpose.RESET,
            UserToken.used_at.is_(None),
            UserToken.user_id.in_(sa.select(User.id).where(qualifies)),
        )
        .values(used_at=now)
    )
    link = {
        "purpose": TokenPurpose.RESET,
        "token_hash": digest,
        "created_at": now,
        "expires_at": now + timedelta(hours=hours),
    }
    columns = UserToken.__table__.c
    db.session.execute(
        sa.insert(UserToken).from_select(
            ["user_id", *link],
            sa.select(User.id, *(sa.literal(value, columns[key].type) for key, value in link.items())).where(
                qualifies
            ),
        )
    )
    recipient = User(
        email=address, name=found.name if found else "", language=found.language if found else "ja"
    )
    notifications.reset_link_where(qualifies, recipient, found.id if found else None, token)
    record(None, "user.reset_requested", "user", found.id if found else None, sent=found is not None)
    db.session.commit()


def find_usable_token(token: str) -> UserToken | None:
    row = db.session.scalar(sa.select(UserToken).where(UserToken.token_hash == hash_token(token)))
    if row is None or not row.is_usable(utcnow()):
        return None
    return row


def set_password_with_token(token: str, password: str) -> User:
    row = find_usable_token(token)
    if row is None:
        raise DomainError(_("This link has expired or has already been used. Ask for a new one."))
    check_password_rules(password)
    # Claim the token atomically: a double submission cannot use it twice.
    claimed = db.session.execute(
        sa.update(UserToken)
        .where(UserToken.id == row.id, UserToken.used_at.is_(None))
        .values(used_at=utcnow())
    ).rowcount
    if claimed != 1:
        db.session.rollback()
        raise DomainError(_("This link has expired or has already been used. Ask for a new one."))
    user = row.user
    user.password_hash = hash_password(password)
    user.end_sessions()
    record(user, "user.set_password", "user", user.id)
    db.session.commit()
    return user


def update_user(user: User, name: str, roles: set[Role], language: str, time_zone: str, actor: User) -> None:
    if not roles:
        raise DomainError(_("Choose at least one role."), field="roles")
    if user.id == actor.id and Role.ADMIN in user.roles and Role.ADMIN not in roles:
        raise DomainError(_("You cannot remove your own administrator role."), field="roles")
    before = sorted(user.roles)
    user.name = name.strip()
    user.set_roles(roles)
    user.language = language
    user.time_zone = time_zone
    record(actor, "user.update", "user", user.id, roles_before=before, roles_after=sorted(roles))
    db.session.commit()


def set_active(user: User, active: bool, actor: User) -> None:
    if user.id == actor.id and not active:
        raise DomainError(_("You cannot deactivate your own account."))
    if user.active == active:
        return
    user.active = active
    if not active:
        user.end_sessions()
    record(actor, "user.activate" if active else "user.deactivate", "user", user.id)
    db.session.commit()


def update_own_preferences(user: User, language: str, time_zone: str) -> None:
    user.language = language
    user.time_zone = time_zone
    db.session.commit()
