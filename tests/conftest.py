"""Shared fixtures: the app on a real database, a client, staff logins, a loopback SMTP server.

SQLite (a temporary file) by default; set TEST_DATABASE_URL to a PostgreSQL server to run
the same tests there (a fresh database is created for the run and dropped afterwards).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade

from booking import create_app
from booking.config import TestConfig
from booking.extensions import db, limiter
from tests.factories import DEFAULT_PASSWORD
from tests.smtp import SMTPServer


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


def _empty_tables(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        tables = list(reversed(db.metadata.sorted_tables))
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                names = ", ".join(f'"{t.name}"' for t in tables)
                conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
            else:
                for table in tables:
                    conn.execute(table.delete())


@pytest.fixture(autouse=True)
def _clean_state(app: Flask) -> Iterator[None]:
    """Every test starts with empty tables, fresh rate limits and default settings."""
    saved = dict(app.config)
    limiter.reset()
    yield
    app.config.clear()
    app.config.update(saved)
    _empty_tables(app)
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
