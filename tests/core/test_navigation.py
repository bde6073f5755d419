"""The staff menu marks the section a page belongs to, and only that one."""

from __future__ import annotations

import pytest

from booking.core.auth import Role
from booking.core.navigation import current_item, nav_for
from booking.staff.models import User, UserRole


@pytest.fixture
def everyone(app):
    user = User(name="全員", email="all@example.jp")
    user.role_rows = [UserRole(role=role) for role in Role]
    return user


@pytest.mark.parametrize(
    ("path", "endpoint"),
    [
        ("/staff/", "staff.dashboard"),
        ("/staff/lectures/", "lectures.inbox"),
        ("/staff/lectures/42/schedule", "lectures.inbox"),
        ("/staff/lectures/schedule", "lectures.my_schedule"),
        ("/staff/youth/cohorts/3/applications", "youth.staff_cohorts"),
        ("/staff/review/", "review.queue"),
        ("/staff/review/essays/7", "review.queue"),
        ("/staff/review/cohorts/3/ranking", "review.cohorts"),
        ("/staff/selection/cohorts/3/decisions", "review.cohorts"),
        ("/staff/outbox/12", "notifications.outbox"),
        ("/staff/users/invite", "staff.users"),
        ("/staff/account", None),
    ],
)
def test_the_current_section(app, everyone, path, endpoint):
    with app.test_request_context(path):
        current = current_item(nav_for(everyone), path)
        assert (current.endpoint if current else None) == endpoint
