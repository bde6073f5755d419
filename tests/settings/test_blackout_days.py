"""Blackout days: coordinators keep them too, on a page that also shows the year-end closing."""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from booking.audit.models import AuditEntry
from booking.core.auth import Role
from booking.extensions import db
from booking.settings.closing import is_year_end_closing, next_year_end_closing
from booking.settings.models import BlackoutDay
from booking.settings.services import add_blackout_day, forget_cached_settings
from tests.factories import make_user

PAGE = "/staff/settings/blackout-days"


@pytest.fixture
def client_of(app, ctx, login):
    def signed_in(*roles: Role):
        user = make_user(*roles, email=f"{'-'.join(r.value for r in roles)}@example.jp")
        client = app.test_client()
        login(client, user.email)
        db.session.rollback()
        return client, user

    return signed_in


def blackout_days() -> dict[date, str]:
    db.session.rollback()
    return {b.day: b.reason for b in db.session.scalars(sa.select(BlackoutDay))}


def test_a_coordinator_adds_and_removes_a_blackout_day_and_it_is_recorded(client_of, frozen):
    client, coordinator = client_of(Role.COORDINATOR)
    assert client.get(PAGE).status_code == 200
    response = client.post(PAGE, data={"day": "2027-02-10", "reason": "施設点検"})
    assert response.status_code == 302 and response.headers["Location"].endswith(PAGE)
    assert blackout_days() == {date(2027, 2, 10): "施設点検"}
    blackout = db.session.scalar(sa.select(BlackoutDay))
    assert client.post(f"{PAGE}/{blackout.id}/delete").status_code == 302
    assert blackout_days() == {}
    entries = db.session.execute(
        sa.select(AuditEntry.action, AuditEntry.actor_id).order_by(AuditEntry.id)
    ).all()
    assert [tuple(e) for e in entries if e.action.startswith("settings.")] == [
        ("settings.blackout_add", coordinator.id),
        ("settings.blackout_remove", coordinator.id),
    ]


def test_a_coordinator_still_cannot_change_the_other_settings(client_of):
    client, _coordinator = client_of(Role.COORDINATOR)
    assert client.get("/staff/settings").status_code == 403
    assert client.post("/staff/settings", data={"lead_time_days": "1"}).status_code == 403


@pytest.mark.parametrize("role", [Role.LECTURER, Role.REVIEWER])
def test_other_staff_cannot_add_or_remove_blackout_days(client_of, role):
    admin = make_user(Role.ADMIN, email="admin@example.jp")
    kept = add_blackout_day(date(2027, 2, 10), "点検", admin)
    client, _user = client_of(role)
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, data={"day": "2027-02-11"}).status_code == 403
    assert client.post(f"{PAGE}/{kept.id}/delete").status_code == 403
    assert blackout_days() == {date(2027, 2, 10): "点検"}


def test_a_bad_day_gets_a_message_and_saves_nothing(client_of, frozen):
    client, _coordinator = client_of(Role.COORDINATOR)
    response = client.post(PAGE, data={"day": "someday"})
    assert response.status_code == 422 and 'id="day-error"' in response.get_data(as_text=True)
    assert blackout_days() == {}


def test_the_list_shows_the_year_end_closing_with_the_blackout_days(client_of, frozen):
    client, coordinator = client_of(Role.COORDINATOR)
    add_blackout_day(date(2026, 12, 25), "年末点検", coordinator)
    add_blackout_day(date(2027, 1, 8), "成人式準備", coordinator)
    forget_cached_settings()
    html = client.get(PAGE, headers={"Accept-Language": "ja"}).get_data(as_text=True)
    rows = re.findall(r'<th scope="row">(.*?)</th>\s*<td>(.*?)</td>', html)
    assert rows == [
        ("2026年12月25日(金)", "年末点検"),
        ("2026年12月29日(火)〜2027年1月3日(日)", "年末年始の休み"),
        ("2027年1月8日(金)", "成人式準備"),
    ]
    assert html.count('/delete"') == 2  # the year-end closing is fixed: no button to remove it


def test_the_admins_settings_page_leads_to_the_blackout_days(client_of):
    client, _admin = client_of(Role.ADMIN)
    assert f'href="{PAGE}"' in client.get("/staff/settings").get_data(as_text=True)


@pytest.mark.parametrize(
    ("today", "first"),
    [
        (date(2026, 11, 2), date(2026, 12, 29)),
        (date(2027, 1, 2), date(2026, 12, 29)),
        (date(2027, 1, 4), date(2027, 12, 29)),
    ],
)
def test_the_coming_closing_is_the_one_in_progress_or_the_next(today, first):
    closing = next_year_end_closing(today)
    assert (closing.first_day, closing.last_day) == (first, date(first.year + 1, 1, 3))
    assert all(is_year_end_closing(d) for d in (closing.first_day, closing.last_day))
