"""A study tour from end to end, in the browser over HTTPS, as production serves it.

One story: an organiser in Phnom Penh, on a phone and in English, requests a tour; a
coordinator schedules it and sees that the guide who also lectures is busy at a lecture
then, so books another guide; the organiser sees the date in Japan time and in Phnom Penh
time, sends the visitor list as a CSV file, and downloads the calendar entry. Only what no
browser step adds (the facility, the staff, the lecture) is written directly.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from booking.core.auth import Role
from booking.core.time import today_jst
from booking.lectures.models import LectureFormat
from booking.lectures.rules import is_day_off
from tests.e2e.conftest import DESKTOP, PHONE, SCREENSHOTS, sign_in
from tests.factories import make_user
from tests.factories.lectures import make_program
from tests.factories.lectures import make_request as make_lecture
from tests.factories.visits import at, make_facility, make_guide

VISITORS_CSV = (
    b"Full name,Organisation,Nationality\n"
    b"SOK DARA,Phnom Penh Water Supply Authority,KH\n"
    b"CHAN SOPHEA,Phnom Penh Water Supply Authority,KH\n"
    b"NGUYEN VAN AN,Hai Phong Water Supply,VN\n"
)


def _shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"study-tour-{name}.png"), full_page=True)


def _window(browser: Browser, base_url: str, request, size: dict, locale: str) -> Page:
    context = browser.new_context(
        base_url=base_url,
        locale=locale,
        timezone_id="Asia/Phnom_Penh" if locale.startswith("en") else "Asia/Tokyo",
        ignore_https_errors=True,
        accept_downloads=True,
        **size,
    )
    request.addfinalizer(context.close)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def _visit_day():
    day = today_jst() + timedelta(days=30)
    while is_day_off(day):
        day += timedelta(days=1)
    return day


@pytest.fixture
def bureau(ctx):
    """The Visitor Center, a coordinator, a guide who also lectures (at 10:30 on the visit's
    day) and a second guide who is free."""
    day = _visit_day()
    make_facility(name_ja="ビジターセンター", name_en="Visitor Center", capacity=40)
    make_user(Role.COORDINATOR, email="coord@example.jp", name="調整 一郎")
    both = make_guide("水野 健太", also_lecturer=True, email="mizuno@example.jp")
    make_guide("案内 花子", email="guide@example.jp")
    make_lecture(
        make_program(),
        status="scheduled",
        lecturers=[both],
        starts_at=at(day, 10, 30),
        fmt=LectureFormat.IN_PERSON,
    )
    return day


def test_a_study_tour_from_request_to_calendar_entry(
    browser: Browser, https_server: str, https_app, request, bureau, tmp_path: Path
):
    day = bureau
    organiser = _window(browser, https_server, request, PHONE, "en-US")
    coordinator = _window(browser, https_server, request, DESKTOP, "ja-JP")

    # The organiser requests a tour, on a phone, in English.
    organiser.goto("/visits/request")
    expect(organiser.get_by_role("heading", level=1)).to_be_visible()
    organiser.get_by_label("Organisation").fill("Phnom Penh Water Supply Authority")
    organiser.get_by_label("Country or region").select_option("KH")
    organiser.get_by_label("Purpose of the visit").fill("Study of water purification and leakage control.")
    organiser.get_by_label("Number of visitors").fill("3")
    organiser.get_by_label("Visitor Center").check()
    organiser.locator("[name=candidate_1_date]").fill(day.isoformat())
    organiser.locator("[name=candidate_1_time]").fill("10:00")
    organiser.get_by_label("Languages the group speaks").fill("Khmer, English")
    organiser.get_by_label("Needed: please tell us which language in the notes").check()
    organiser.get_by_label("Your name").fill("Sok Dara")
    organiser.get_by_label("Email address").fill("organiser@example.org")
    organiser.get_by_label("Phone number").fill("+855 23 724 046")
    organiser.get_by_label("I agree to the way the bureau handles personal information").check()
    _shot(organiser, "1-request-form")
    organiser.get_by_role("button", name="Send the request").click()
    organiser.wait_for_url("**/visits/manage/**")
    manage_url = organiser.url
    _shot(organiser, "2-received")

    # The coordinator opens it and sees the lecturing guide busy at the lecture's time.
    sign_in(coordinator, "coord@example.jp")
    coordinator.goto("/staff/visits/")
    coordinator.locator("table a[href^='/staff/visits/']").first.click()
    coordinator.get_by_role("link", name="日程を確定").first.click()
    grid = coordinator.locator("table.availability")
    expect(grid).to_contain_text("水野 健太")
    expect(grid).to_contain_text("出前講座 10:30–11:15")
    expect(grid).to_contain_text("不可")
    _shot(coordinator, "3-schedule-busy-guide")
    # Trying the busy guide is refused with the reason; the free one is booked.
    coordinator.get_by_label("第1希望", exact=False).first.check()
    coordinator.get_by_label("水野 健太").check()
    coordinator.get_by_role("button", name="日程を確定して申込者にメールする").click()
    expect(coordinator.locator(".error-summary")).to_contain_text("水野 健太")
    coordinator.get_by_label("水野 健太").uncheck()
    coordinator.get_by_label("案内 花子").check()
    coordinator.get_by_role("button", name="日程を確定して申込者にメールする").click()
    expect(coordinator.locator("h1")).to_contain_text("V-")
    expect(coordinator.locator("body")).to_contain_text("案内 花子")
    _shot(coordinator, "4-scheduled")

    # The organiser sees the date in Japan time and in Phnom Penh time.
    organiser.goto(manage_url)
    body = organiser.locator("main")
    expect(body).to_contain_text("10:00–11:00 (Japan)")
    expect(body).to_contain_text("08:00–09:00 Phnom Penh")
    _shot(organiser, "5-scheduled-organiser")

    # The visitor list, as a CSV file.
    organiser.get_by_role("link", name="Send the visitor list").click()
    organiser.locator("input[type=file]").set_input_files(
        files=[{"name": "visitors.csv", "mimeType": "text/csv", "buffer": VISITORS_CSV}]
    )
    organiser.get_by_role("button", name="Check and save the file").click()
    organiser.goto(manage_url)
    expect(organiser.locator("#visitors")).to_contain_text("3 people are on the list")
    _shot(organiser, "6-visitor-list")

    # The calendar entry.
    with organiser.expect_download() as download:
        organiser.get_by_role("link", name="Add to my calendar (.ics)").click()
    saved = tmp_path / "visit.ics"
    download.value.save_as(saved)
    ics = saved.read_text()
    assert "BEGIN:VEVENT" in ics and "Visitor Center" in ics
