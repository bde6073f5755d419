"""Fixtures for the lecture tests: a frozen clock, a program, staff."""

from __future__ import annotations

import pytest
import time_machine

from booking.core.auth import Role
from booking.extensions import db
from tests.factories import make_user
from tests.lectures.factories import NOW, make_lecturer, make_program


@pytest.fixture
def frozen():
    """The clock stopped at Monday 2 November 2026, 09:00 Japan time."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def program(ctx):
    return make_program()


@pytest.fixture
def coordinator(ctx):
    return make_user(Role.COORDINATOR, email="coord@example.jp", name="調整 一郎")


@pytest.fixture
def lecturer(ctx):
    return make_lecturer(name="水野 健太", email="mizuno@example.jp")


@pytest.fixture
def coordinator_client(app, coordinator, login):
    client = app.test_client()
    login(client, coordinator.email)
    db.session.rollback()  # the sign-in wrote since this session last read
    return client
