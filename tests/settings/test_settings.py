"""The bureau's settings: edited by administrators, read at most once per request."""

from __future__ import annotations

from datetime import date, time

import pytest
import sqlalchemy as sa

from booking.audit.models import AuditEntry
from booking.core.auth import Role
from booking.extensions import db
from booking.settings.models import BlackoutDay, BureauSettings
from booking.settings.services import Settings, current_settings, forget_cached_settings
from tests.factories import make_user
from tests.helpers import count_queries

VALUES = {
    "lead_time_days": "10",
    "horizon_days": "120",
    "school_day_start": "09:00",
    "school_day_end": "15:30",
    "in_person_buffer_minutes": "90",
    "online_buffer_minutes": "20",
    "daily_cap": "2",
    "reminder_days": "5",
    "visit_lead_days": "28",
}


@pytest.fixture
def admin_client(app, ctx, login):
    admin = make_user(Role.ADMIN, email="admin@example.jp")
    client = app.test_client()
    login(client, admin.email)
    db.session.rollback()
    return client


def test_the_defaults_apply_until_an_admin_saves(ctx):
    assert current_settings() == Settings()
    assert (Settings().lead_time_days, Settings().horizon_days) == (14, 180)
    assert (Settings().school_day_start, Settings().school_day_end) == (time(8, 30), time(16, 30))
    assert (Settings().in_person_buffer_minutes, Settings().online_buffer_minutes) == (60, 15)


def test_an_admin_changes_the_settings_and_it_is_recorded(admin_client):
    page = admin_client.get("/staff/settings").get_data(as_text=True)
    assert 'value="14"' in page and 'value="08:30"' in page
    assert admin_client.post("/staff/settings", data=VALUES).status_code == 302
    db.session.rollback()
    forget_cached_settings()
    settings = current_settings()
    assert (settings.lead_time_days, settings.horizon_days, settings.daily_cap) == (10, 120, 2)
    assert (settings.school_day_start, settings.school_day_end) == (time(9, 0), time(15, 30))
    assert (settings.in_person_buffer_minutes, settings.online_buffer_minutes, settings.reminder_days) == (
        90,
        20,
        5,
    )
    assert settings.visit_lead_days == 28
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "settings.update"))
    assert entry.details["changed"]["lead_time_days"] == [14, 10]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"school_day_end": "08:00"}, "school_day_end"),
        ({"horizon_days": "5"}, "horizon_days"),
        ({"daily_cap": "0"}, "daily_cap"),
        ({"in_person_buffer_minutes": "600"}, "in_person_buffer_minutes"),
        ({"lead_time_days": "abc"}, "lead_time_days"),
        # Blank but not empty: a missing time, not a server error.
        ({"school_day_start": " "}, "school_day_start"),
        ({"school_day_end": "\t"}, "school_day_end"),
        ({"lead_time_days": "\u3000"}, "lead_time_days"),
    ],
)
def test_impossible_settings_are_refused_next_to_their_field(admin_client, change, field):
    response = admin_client.post("/staff/settings", data={**VALUES, **change})
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(sa.select(BureauSettings)) is None


def test_blackout_days_are_added_and_removed(admin_client):
    response = admin_client.post(
        "/staff/settings/blackout-days", data={"day": "2026-12-28", "reason": "年末の閉庁"}
    )
    assert response.status_code == 302
    again = admin_client.post("/staff/settings/blackout-days", data={"day": "2026-12-28"})
    assert again.status_code == 422 and 'id="day-error"' in again.get_data(as_text=True)
    db.session.rollback()
    forget_cached_settings()
    assert dict(current_settings().blackout_days) == {date(2026, 12, 28): "年末の閉庁"}
    blackout = db.session.scalar(sa.select(BlackoutDay))
    assert admin_client.post(f"/staff/settings/blackout-days/{blackout.id}/delete").status_code == 302
    db.session.rollback()
    assert db.session.scalar(sa.select(BlackoutDay)) is None


def test_settings_cost_at_most_one_query_per_request(app, ctx):
    admin = make_user(Role.ADMIN, email="admin@example.jp")
    from booking.settings.services import add_blackout_day

    add_blackout_day(date(2026, 12, 28), "年末", admin)
    add_blackout_day(date(2026, 12, 29), "年末", admin)
    with app.test_request_context("/"):
        with count_queries(app) as counter:
            first = current_settings()
            second = current_settings()
        assert first is second and len(first.blackout_days) == 2
        settings_reads = [s for s in counter.statements if "bureau_settings" in s]
        assert len(settings_reads) == 1 and "blackout_days" in settings_reads[0]
        assert counter.count == 1


def test_the_request_form_reads_the_settings_once(app, client, ctx):
    with count_queries(app) as counter:
        assert client.get("/lectures/request").status_code == 200
    assert len([s for s in counter.statements if "bureau_settings" in s]) == 1
