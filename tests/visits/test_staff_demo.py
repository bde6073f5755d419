"""The study-tour demo: history over fiscal years, an upcoming JICA group with its guide, and a
request on the lecturing guide's busy day that the schedule form shows as a clash."""

from __future__ import annotations

import re
from collections import Counter

import sqlalchemy as sa

from booking.extensions import db
from booking.scheduling.models import Program, StaffBooking
from booking.visits.models import VisitCountry, VisitRequest, VisitStatus

EN = {"Accept-Language": "en"}


def test_the_demo_tells_the_history_and_shows_the_clash(app, ctx, frozen, login):
    runner = app.test_cli_runner()
    seeded = runner.invoke(args=["seed-demo"])
    assert seeded.exit_code == 0, seeded.output
    statuses = Counter(db.session.scalars(sa.select(VisitRequest.status)))
    assert statuses[VisitStatus.COMPLETED] >= 10 and statuses[VisitStatus.SCHEDULED] == 1
    years = set(
        db.session.scalars(
            sa.select(VisitRequest.fiscal_year).where(VisitRequest.status == VisitStatus.COMPLETED)
        )
    )
    assert len(years) >= 3
    countries = set(db.session.scalars(sa.select(VisitCountry.country)))
    assert {"KH", "VN", "MM", "ZA", "LA", "ID", "JP"} <= countries
    jica = db.session.scalar(sa.select(VisitRequest).where(VisitRequest.status == VisitStatus.SCHEDULED))
    assert "JICA" in jica.organisation
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).where(
                StaffBooking.program == Program.VISIT, StaffBooking.subject_id == jica.id
            )
        )
        == 1
    )

    client = app.test_client()
    login(client, "coordinator@example.jp", "demo-password-2026")
    db.session.rollback()
    laos = db.session.scalar(
        sa.select(VisitRequest).where(
            VisitRequest.country == "LA", VisitRequest.status == VisitStatus.SUBMITTED
        )
    )
    html = client.get(f"/staff/visits/{laos.id}/schedule", headers=EN).get_data(as_text=True)
    assert re.search(r"Lecture \d{2}:\d{2}–\d{2}:\d{2}", html)
    assert "水野 健太" in html

    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0, again.output
    assert "Study tours: 0 demo visit(s) added" in again.output
