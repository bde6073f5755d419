"""Shared fixtures: the app on a real database, a client, staff logins, a loopback SMTP server,
a stopped clock, and the records several features' tests start from (a program, staff, a cohort
whose window has closed with its applications, rubric and reviewers).

The factories that build records are plain functions in tests/factories/; a folder's conftest
holds only the fixtures of that folder (and may override one of these, as youth does for the
clock and the schools).

SQLite (a temporary file) by default; set TEST_DATABASE_URL to a PostgreSQL server to run
the same tests there (a fresh database is created for the run and dropped afterwards).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING

import pytest
import sqlalchemy as sa
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade

from booking import create_app
from booking.config import TestConfig
from booking.core.auth import Role
from booking.extensions import db, limiter
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.factories.lectures import NOW, make_lecturer, make_program
from tests.factories.review import AFTER, SECRETS, add_application, add_rubric, add_schools
from tests.factories.youth import make_cohort
from tests.helpers import empty_tables
from tests.smtp import SMTPServer

if TYPE_CHECKING:
    from booking.lectures.models import Program
    from booking.review.models import Criterion
    from booking.staff.models import User
    from booking.youth.models import Application, Cohort


def _postgres_database(url: str) -> Iterator[str]:
    """A fresh database on the server `url` points at, dropped after the run."""
    server = sa.make_url(url)
    name = f"booking_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = os.environ.get("TEST_DATABASE_URL")
    if url and url.startswith("postgresql"):
        yield from _postgres_database(url)
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


class IsolatedClient(FlaskClient):
    """Each request runs in an app context of its own, as in production.

    Without this, a request would borrow the test's app context and its database
    session, and a view that forgot to commit would look as if it had saved.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(database_url: str) -> Iterator[Flask]:
    """One app for the session; its schema is built by the migrations, as in production."""

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url

    app = create_app(Config)
    app.test_client_class = IsolatedClient
    with app.app_context():
        upgrade()
        db.session.remove()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_state(app: Flask) -> Iterator[None]:
    """Every test starts with empty tables, fresh rate limits and default settings."""
    saved = dict(app.config)
    limiter.reset()
    yield
    app.config.clear()
    app.config.update(saved)
    empty_tables(app)
    limiter.reset()


@pytest.fixture
def ctx(app: Flask) -> Iterator[Flask]:
    """An app context for tests that call services and models directly."""
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def login(app: Flask):
    """Sign a client in as a user created by the factories (their password is known)."""

    def sign_in(client: FlaskClient, email: str, password: str = DEFAULT_PASSWORD) -> None:
        response = client.post("/staff/login", data={"email": email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]

    return sign_in


@pytest.fixture
def smtp(app: Flask) -> Iterator[SMTPServer]:
    """A real SMTP server on loopback; the app is pointed at it for the test."""
    server = SMTPServer()
    server.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_USE_TLS=False, MAIL_USE_SSL=False)
    yield server
    server.stop()


@pytest.fixture
def frozen_at() -> datetime:
    """Where `frozen` stops the clock: Monday 2 November 2026, 09:00 Japan time (fiscal year 2026).

    A folder whose tests start at another moment overrides this fixture in its conftest.
    """
    return NOW


@pytest.fixture
def frozen(frozen_at: datetime) -> Iterator[time_machine.Traveller]:
    """The clock stopped at `frozen_at`; move it with `frozen.move_to(...)` or `frozen.shift(...)`."""
    with time_machine.travel(frozen_at, tick=False) as traveller:
        yield traveller


@pytest.fixture
def after_window(frozen: time_machine.Traveller) -> time_machine.Traveller:
    """The clock stopped after the test cohort's window closed (21 December 2026, 10:00 Japan time)."""
    frozen.move_to(AFTER)
    return frozen


@pytest.fixture
def coordinator(ctx) -> User:
    return make_user(Role.COORDINATOR, email="coord@example.jp", name="調整 一郎")


@pytest.fixture
def coordinator_client(app: Flask, coordinator: User, login) -> FlaskClient:
    client = app.test_client()
    login(client, coordinator.email)
    db.session.rollback()  # the sign-in wrote since this session last read
    return client


@pytest.fixture
def lecturer(ctx) -> User:
    return make_lecturer(name="水野 健太", email="mizuno@example.jp")


@pytest.fixture
def program(ctx) -> Program:
    return make_program()


@pytest.fixture
def schools(ctx) -> dict[str, int]:
    """Three schools, by key; the first's name is among the data a reviewer must never see."""
    return add_schools()


@pytest.fixture
def cohort(ctx, schools) -> Cohort:
    return make_cohort()


@pytest.fixture
def rubric(cohort: Cohort) -> list[Criterion]:
    return add_rubric(cohort)


@pytest.fixture
def reviewers(ctx) -> list[User]:
    return [make_user(Role.REVIEWER, email=f"reviewer{n}@example.jp", name=f"審査員 {n}") for n in (1, 2, 3)]


@pytest.fixture
def applications(cohort: Cohort, schools: dict[str, int]) -> list[Application]:
    """Six applications with consent; the first carries the personal data tests look for."""
    made = [add_application(cohort, 1, schools["kokura"], **SECRETS)]
    made += [add_application(cohort, n, schools["tobata" if n % 2 else "kosen"]) for n in range(2, 7)]
    return made
