"""A school's journey on a phone, over HTTPS as production serves it.

A teacher opens the open days, follows an open day's link (the request form opens with that
date), chooses a school of the directory the bureau has never visited, asks for 3・4校時 and
sends the request; a coordinator signs in and the inbox shows the request with the periods,
their times from the school's day, and the mark of a school never served. Screenshots are
kept along the way (test-results/screenshots/schools-*.png).
"""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Page, expect

from booking.core.auth import Role
from booking.core.time import today_jst
from booking.lectures.demo import school_day
from booking.schools.models import SchoolType
from tests.e2e.conftest import SCREENSHOTS, sign_in
from tests.factories import make_user
from tests.factories.lectures import make_lecturer, make_program
from tests.factories.schools import make_school

SCHOOL = "北九州市立はじめて小学校"
PERIODS = "3・4校時 (10:45–12:25)"  # the elementary day's defaults: 45-minute periods


def _shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"schools-{name}.png"), full_page=True)


def _fits_the_phone(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_teacher_books_an_open_day_by_period_and_the_coordinator_sees_a_new_school(
    https_phone_page: Page, ctx
):
    make_program(title_ja="九十分の水道講座", title_en="Ninety minutes", duration_minutes=90)
    for _ in range(3):
        make_lecturer()
    make_school(SCHOOL, school_type=SchoolType.ELEMENTARY)
    make_user(Role.COORDINATOR, email="coord-schools@example.jp", name="調整 花子")
    day = school_day(today_jst() + timedelta(days=21))
    page = https_phone_page

    # The open days of the month: the day is open, online and at the school.
    page.goto(f"/lectures/availability?month={day:%Y-%m}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("講座の空き状況")
    _fits_the_phone(page)
    _shot(page, "1-open-days")
    link = page.locator(f".availability-grid a[href*='date={day.isoformat()}'][href*='format=online']")
    expect(link).to_have_count(1)
    link.click()

    # The form opens with that date and the format; the school is chosen from the directory.
    expect(page.get_by_role("heading", level=1)).to_have_text("出前講座の申込み")
    expect(page.locator("input[name=candidate_1_date]")).to_have_value(day.isoformat())
    expect(page.get_by_label(re.compile("^オンライン"))).to_be_checked()
    page.get_by_role("combobox", name=re.compile("^講座")).select_option(label="九十分の水道講座")
    search = page.get_by_role("combobox", name="学校を検索")
    search.fill("はじめて")
    expect(page.get_by_role("option", name=SCHOOL)).to_be_visible()
    search.press("ArrowDown")
    search.press("Enter")
    expect(page.get_by_role("radio", name=SCHOOL)).to_be_checked()

    periods = page.get_by_label("または校時").first
    expect(periods).to_be_visible()
    # A start time or periods: the first choice's start time is no longer marked required.
    expect(page.locator("[data-field=candidate_1_time] .field__label")).to_contain_text("任意")
    periods.select_option(label=PERIODS)
    page.get_by_label("Zoom").check()
    page.get_by_label("局が発行し、学校へ送る").check()
    page.get_by_label("対象学年・クラス").fill("4年生")
    page.get_by_label("参加人数").fill("64")
    page.get_by_label("学級数").fill("2")
    page.get_by_label("ご担当者名").fill("初田 先生")
    page.get_by_label("メールアドレス").fill("hajimete@example.jp")
    page.get_by_label("電話番号").fill("093-582-1111")
    page.get_by_label("個人情報の取り扱いに同意します").check()
    _fits_the_phone(page)
    _shot(page, "2-request-form")
    page.get_by_role("button", name="申し込む").click()

    # The teacher's page: received, with the periods and their times.
    expect(page.get_by_role("status")).to_contain_text("受け付けました")
    expect(page.get_by_text(PERIODS)).to_be_visible()
    _fits_the_phone(page)
    _shot(page, "3-received")

    # The coordinator's inbox: the request, its periods and times, and the new school's mark.
    sign_in(page, "coord-schools@example.jp")
    page.goto("/staff/lectures/")
    row = page.locator("tbody tr", has_text=SCHOOL)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(PERIODS)
    expect(row).to_contain_text("初めての学校")
    _shot(page, "4-inbox")
    row.get_by_role("link").first.click()
    expect(page.get_by_text(PERIODS)).to_be_visible()
    expect(page.locator(".lead")).to_contain_text("初めての学校")
    expect(page.get_by_text("学級数")).to_be_visible()
    _fits_the_phone(page)
    _shot(page, "5-request")
