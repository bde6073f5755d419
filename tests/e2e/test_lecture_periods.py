"""Browser journey on a phone: a teacher asks for 3・4校時 of the school's day, and the
coordinator sees the request with the periods and their times."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Page, expect

from booking.core.auth import Role
from booking.core.time import today_jst
from booking.lectures.demo import school_day
from booking.schools.models import SchoolType
from tests.e2e.conftest import sign_in
from tests.factories import make_user
from tests.factories.lectures import make_program
from tests.factories.schools import make_school


def test_a_teacher_asks_for_periods_3_and_4_on_a_phone(phone_page: Page, ctx):
    program = make_program(title_ja="九十分の講座", title_en="Ninety minutes", duration_minutes=90)
    make_school("北九州市立校時小学校", school_type=SchoolType.ELEMENTARY)
    make_user(Role.COORDINATOR, email="coord-periods@example.jp", name="調整 一郎")
    day = school_day(today_jst() + timedelta(days=21))
    page = phone_page

    page.goto(f"/lectures/request?program={program.id}&date={day.isoformat()}")
    expect(page.locator("input[name=candidate_1_date]")).to_have_value(day.isoformat())
    search = page.get_by_role("combobox", name="学校を検索")
    search.fill("校時")
    expect(page.get_by_role("option", name="北九州市立校時小学校")).to_be_visible()
    search.press("ArrowDown")
    search.press("Enter")
    expect(page.get_by_role("radio", name="北九州市立校時小学校")).to_be_checked()
    # The script offers the chosen school's periods at once (without it, a button posts back).
    expect(page.get_by_role("button", name="この学校で校時を表示")).to_be_hidden()

    periods = page.get_by_label("または校時").first
    expect(periods).to_be_visible()
    periods.select_option(label="3・4校時 (10:45–12:25)")
    expect(page.locator("input[name=candidate_1_date]")).to_have_value(day.isoformat())
    page.get_by_label(re.compile("^オンライン")).check()
    page.get_by_label("Zoom").check()
    page.get_by_label("局が発行し、学校へ送る").check()
    page.get_by_label("対象学年・クラス").fill("5年生")
    page.get_by_label("参加人数").fill("60")
    page.get_by_label("学級数").fill("2")
    page.get_by_label("ご担当者名").fill("山田 花子")
    page.get_by_label("メールアドレス").fill("teacher@example.jp")
    page.get_by_label("電話番号").fill("093-582-0000")
    page.get_by_label("個人情報の取り扱いに同意します").check()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="申し込む").click()

    expect(page.get_by_role("status")).to_contain_text("受け付けました")
    expect(page.get_by_text("3・4校時 (10:45–12:25)")).to_be_visible()

    sign_in(page, "coord-periods@example.jp")
    page.goto("/staff/lectures/")
    page.get_by_role("link", name=re.compile("北九州市立校時小学校|L-\\d{4}-\\d{4}")).first.click()
    expect(page.get_by_text("3・4校時 (10:45–12:25)")).to_be_visible()
    expect(page.get_by_text("学級数")).to_be_visible()
