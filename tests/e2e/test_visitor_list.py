"""The organiser's visitor list in a real browser: typed in without JavaScript, rows added by
posting back, errors next to their fields and in the summary; the page and the study tours
on the track record meet WCAG AA on a desktop and a phone."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from booking.core.time import today_jst
from booking.extensions import db
from booking.visits.services import visitors as service
from booking.visits.services.common import add_link
from booking.visits.visitors import VisitorRow
from tests.e2e.test_accessibility import axe_source, violations  # noqa: F401
from tests.factories.visits import at, held_visit, make_visit_request


@pytest.fixture
def organiser_path(ctx, coordinator) -> str:
    visit = make_visit_request(
        status="scheduled",
        actor=coordinator,
        group_size=2,
        starts_at=at(today_jst() + timedelta(days=30), 10),
    )
    token = add_link(visit)
    db.session.commit()
    held_visit(coordinator, date(2024, 10, 10), countries={"KH": 12, "VN": 7})
    return f"/visits/manage/{token}"


def test_the_organiser_types_the_list_without_javascript(browser, live_server, organiser_path):
    context = browser.new_context(base_url=live_server, locale="en-GB", java_script_enabled=False)
    page = context.new_page()
    page.goto("/language/en?next=/")
    page.goto(organiser_path)
    page.get_by_role("link", name="Send the visitor list").click()

    page.get_by_label("Full name (as in passport), person 1").fill("SOK DARA")
    page.get_by_label("Nationality, person 1").fill("Cambodia")
    page.get_by_role("button", name="Add more rows").click()
    expect(page.get_by_label("Full name (as in passport), person 1")).to_have_value("SOK DARA")
    page.get_by_label("Full name (as in passport), person 7").fill("CHAN SOPHEA")
    page.get_by_label("Nationality, person 7").fill("Narnia")
    page.get_by_role("button", name="Save the list").click()

    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Row 7, nationality")
    summary.get_by_role("link").first.click()
    expect(page.locator("#nationality-7")).to_have_attribute("aria-invalid", "true")

    page.get_by_label("Nationality, person 7").fill("KH")
    page.get_by_role("button", name="Save the list").click()
    expect(page.locator("#visitors")).to_contain_text("2 people are on the list")
    context.close()


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_the_visitor_list_and_the_track_record_meet_wcag_aa(request, organiser_path, language, device):
    page: Page = request.getfixturevalue(device)
    axe = request.getfixturevalue("axe_source")
    page.goto(f"/language/{language}?next=/")
    problems = []
    for path in (organiser_path, f"{organiser_path}/visitors", "/records"):
        page.goto(path)
        problems += [f"{path}: {v}" for v in violations(page, axe)]
    # The list page with errors.
    page.goto(f"{organiser_path}/visitors")
    page.locator("#nationality-1").fill("Narnia")
    page.locator("#full_name-1").fill("SOK DARA")
    page.locator("button[value=save]").click()
    page.wait_for_selector(".error-summary")
    problems += [f"list with errors: {v}" for v in violations(page, axe)]
    assert problems == []


def test_the_list_is_not_kept_after_the_organiser_cancels(ctx, page: Page, organiser_path):
    visit = make_visit_request(
        status="scheduled", group_size=2, starts_at=at(today_jst() + timedelta(days=30), 10)
    )
    token = add_link(visit)
    db.session.commit()
    service.replace_list(visit, [VisitorRow("SOK DARA", "", "KH")])
    page.goto("/language/en?next=/")
    page.goto(f"/visits/manage/{token}")
    page.get_by_text("I need to cancel").click()
    page.locator("#reason").fill("Travel postponed.")
    page.get_by_role("button", name="Cancel the request").click()
    expect(page.locator("#visitors")).to_contain_text("deleted")
    db.session.rollback()
    assert service.summary(visit).count == 0
