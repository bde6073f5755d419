"""The retention purge blanks a finished visit's contact details after a year, keeping counts."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from booking.core.time import utcnow
from booking.extensions import db
from booking.notifications.models import OutboxEmail
from booking.visits import notifications
from booking.visits.models import VisitLink, VisitRequest
from booking.visits.services import retention
from booking.visits.services.common import add_link
from tests.factories.visits import make_visit_request


def test_a_visit_held_over_a_year_ago_loses_its_contact_details_but_keeps_its_counts(ctx, coordinator):
    visit = make_visit_request(
        status="completed",
        actor=coordinator,
        starts_at=utcnow() - timedelta(days=400),
        notes="Vegetarian lunch",
    )
    add_link(visit)
    notifications.received(visit, "t0ken", [])
    db.session.commit()
    line = retention.purge_personal_data()
    assert "1 finished request" in line
    db.session.expire_all()
    visit = db.session.get(VisitRequest, visit.id)
    assert (visit.contact_name, visit.contact_email, visit.contact_phone, visit.notes) == ("", "", "", "")
    assert visit.personal_data_purged_at is not None
    assert visit.organisation and visit.group_size == 12
    assert {c.country: c.visitors for c in visit.countries} == {"KH": 12}
    assert db.session.scalar(sa.select(sa.func.count(VisitLink.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(OutboxEmail.id))) == 0


def test_open_and_recent_visits_keep_their_contact_details(ctx, coordinator):
    open_one = make_visit_request(status="scheduled", starts_at=utcnow() - timedelta(days=400))
    recent = make_visit_request(
        status="completed", actor=coordinator, starts_at=utcnow() - timedelta(days=30)
    )
    retention.purge_personal_data()
    db.session.expire_all()
    assert db.session.get(VisitRequest, open_one.id).contact_email
    assert db.session.get(VisitRequest, recent.id).contact_email


def test_the_purge_command_includes_study_tours(app, ctx):
    result = app.test_cli_runner().invoke(args=["purge-personal-data"])
    assert result.exit_code == 0 and "Study tours" in result.output
