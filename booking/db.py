"""The declarative base every model derives from, and the column types the models share."""

from __future__ import annotations

import enum
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, registry

# Constraint names are predictable so migrations can drop and alter them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(sa.types.TypeDecorator):
    """A timezone-aware datetime, always stored in UTC and always read back aware.

    SQLite has no time zones: values are stored there as naive UTC. A naive value
    given to this type is a programming error and is refused.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; use an aware datetime")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def enum_type(enum_class: type[enum.Enum], name: str, length: int = 20) -> sa.Enum:
    """A string column holding a StrEnum's values, with a CHECK constraint on every backend."""
    return sa.Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=length,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


_immediate: ContextVar[bool] = ContextVar("sqlite_begin_immediate", default=False)


@contextmanager
def write_lock() -> Iterator[None]:
    """Run the enclosed transaction as the only writer.

    On SQLite the transaction begins with BEGIN IMMEDIATE, so concurrent writers queue
    (up to the busy timeout) instead of failing when one read before the other wrote. On
    PostgreSQL nothing changes here: services use row locks and constraints there.
    A read-only transaction already open in the session is ended first; unsaved changes
    are a programming error. Commit inside the block; an exception rolls it back.
    """
    from booking.extensions import db

    session = db.session()  # the current session behind the scoped proxy
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("write_lock() needs a session without unsaved changes; commit them first")
    if session.in_transaction():
        session.rollback()
    token = _immediate.set(True)
    try:
        yield
    except BaseException:
        db.session.rollback()
        raise
    finally:
        _immediate.reset(token)


@sa.event.listens_for(sa.Engine, "connect")
def _configure_sqlite(dbapi_connection: Any, connection_record: Any) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Let SQLAlchemy emit BEGIN itself (see _begin_sqlite), so BEGIN IMMEDIATE is possible.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA busy_timeout = 30000")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.close()


@sa.event.listens_for(sa.Engine, "begin")
def _begin_sqlite(connection: sa.Connection) -> None:
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _immediate.get() else "BEGIN")


class Base(DeclarativeBase):
    registry = registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )
