"""Browser journey for a study-tour request: an organiser in Cambodia, on a phone, sees their
own clock beside Japan time, sends the request in English and lands on their private page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from booking.core.time import today_jst
from booking.extensions import db
from booking.visits.services import facilities as facility_services
from tests.e2e.conftest import SCREENSHOTS


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"visits-{name}.png"), full_page=True)


def weekday_ahead(days: int):
    day = today_jst() + timedelta(days=days)
    while day.isoweekday() > 5 or (day.month, day.day) >= (12, 29) or (day.month, day.day) <= (1, 3):
        day += timedelta(days=1)
    import jpholiday

    while jpholiday.is_holiday(day) or day.isoweekday() > 5:
        day += timedelta(days=1)
    return day


@pytest.fixture
def facilities(ctx):
    made = facility_services.seed_default_facilities()
    db.session.commit()
    return made


def test_an_organiser_abroad_requests_a_visit_on_a_phone(phone_page: Page, facilities):
    page = phone_page
    page.goto("/language/en?next=/visits/")
    expect(page.get_by_role("heading", name="Study tours of our facilities")).to_be_visible()
    page.get_by_role("link", name="Request a study tour").first.click()
    page.get_by_label("Organisation").fill("Phnom Penh Water Supply Authority")
    page.get_by_label("Country or region").select_option("KH")
    expect(page.locator("[data-field=time_zone]")).to_be_hidden()  # Cambodia has one zone
    page.get_by_label("Number of visitors").fill("12")
    page.get_by_label("Purpose of the visit").fill("Leakage control and water quality.")
    page.get_by_label("Visitor Center").check()
    day = weekday_ahead(40)
    page.locator("#candidate_1_date").fill(day.isoformat())
    page.locator("#candidate_1_time").fill("10:00")
    local = page.locator("[data-candidate='1'] [data-local-time]")
    expect(local).to_be_visible()
    expect(local).to_contain_text("Phnom Penh")
    expect(local).to_contain_text("08:00")
    page.get_by_label("Languages the group speaks").fill("Khmer, English")
    page.get_by_label("Needed: please tell us which language in the notes").check()
    page.get_by_label("Your name").fill("Sok Dara")
    page.get_by_label("Email address").fill("organiser@example.org")
    page.get_by_label("Phone number").fill("+855 23 724 046")
    page.get_by_label("I agree to the way the bureau handles personal information").check()
    shot(page, "request-phone-en")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_role("heading", name="We have received your request")).to_be_visible()
    expect(page.get_by_text("08:00–09:00 Phnom Penh").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "manage-phone-en")


def test_a_country_with_several_zones_offers_only_its_own(page: Page, facilities):
    page.goto("/language/ja?next=/visits/request")
    zone_field = page.locator("[data-field=time_zone]")
    page.locator("#country").select_option("US")
    expect(zone_field).to_be_visible()
    options = page.locator("#time_zone option:not([disabled])")
    values = options.evaluate_all("els => els.map(e => e.value)")
    assert "" in values and "America/Chicago" in values and "Asia/Phnom_Penh" not in values
    page.locator("#country").select_option("VN")
    expect(zone_field).to_be_hidden()
