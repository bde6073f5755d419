"""Two new links asked for at the same moment (a double click): one row, one live link, no error page."""

from __future__ import annotations

import sqlalchemy as sa

from booking.calendar import services as feeds
from booking.calendar.models import CalendarFeed
from booking.core.errors import DomainError
from booking.extensions import db
from booking.staff.models import User
from tests.factories.lectures import make_lecturer
from tests.helpers import run_together


def test_two_first_links_at_once_leave_one_row(app, ctx):
    lecturer_id = make_lecturer(email="double@example.jp").id
    db.session.remove()

    def renew(_index, _prepared):
        owner = db.session.get(User, lecturer_id)
        try:
            feeds.renew_feed(owner, owner)
        except DomainError:
            return "refused"
        return "made"

    results = run_together(2, renew, app=app)
    assert "made" in results and set(results) <= {"made", "refused"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CalendarFeed)) == 1
