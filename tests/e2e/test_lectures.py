"""Browser journeys for lectures: a teacher's request in Japanese, a coordinator's scheduling,
and the public pages on a phone and on a desktop, in both languages (with screenshots)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from booking.core.auth import Role
from booking.core.i18n import format_datetime, format_time
from booking.core.time import jst_to_utc, today_jst
from booking.lectures.demo import school_day
from tests.e2e.conftest import SCREENSHOTS, sign_in
from tests.factories import make_user
from tests.factories.lectures import make_lecturer, make_program, make_request
from tests.factories.schools import make_school


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"lectures-{name}.png"), full_page=True)


def no_sideways_scroll(page: Page, width: int = 390) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def unlabelled_fields(page: Page) -> list[str]:
    """Form controls a screen reader could not name (inputs in a fieldset count by its legend)."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('input, select, textarea'))
            .filter(el => el.type !== 'hidden' && !el.closest('[hidden]'))
            .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
            .map(el => el.name)"""
    )


@pytest.fixture
def catalog(ctx):
    program = make_program(
        title_ja="プノンペンの奇跡 ―飲める水道水ができるまで",
        title_en="The Phnom Penh miracle: how the tap water became safe to drink",
        summary_ja="カンボジアの首都プノンペンで「飲める水道水」が実現するまでを紹介します。",
        summary_en="How Phnom Penh turned its tap water into water you can drink.",
    )
    make_program(
        title_ja="カンボジアから生中継! オンライン出前講座",
        title_en="Live from Cambodia: an online lecture",
        summary_ja="カンボジアに駐在する職員が現地から中継します。",
        summary_en="Staff stationed in Cambodia lecture live from there.",
        offers_in_person=False,
    )
    school = make_school("北九州市立思永中学校")
    return program, school


def request_online_lecture(page: Page, program, day) -> tuple[str, str]:
    """A teacher requests `program` online on `day` through the form, in Japanese.

    Returns the reference number and the private page the teacher lands on.
    """
    page.goto("/lectures/")
    expect(page.get_by_role("heading", level=1)).to_have_text("市内学校等への出前講座")
    page.get_by_role("link", name=re.compile("この講座を申し込む.*プノンペンの奇跡")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("出前講座の申込み")
    expect(page.get_by_label("講座")).to_have_value(str(program.id))
    # The school picker: type part of the name, choose from the list with the keyboard.
    search = page.get_by_role("combobox", name="学校を検索")
    search.fill("思永")
    expect(page.get_by_role("option", name="北九州市立思永中学校")).to_be_visible()
    expect(search).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("status").filter(has_text="1校見つかりました")).to_be_attached()
    search.press("ArrowDown")
    expect(page.get_by_role("option", name="北九州市立思永中学校")).to_have_attribute("aria-selected", "true")
    search.press("Enter")  # chooses the school; does not send the form
    expect(page.get_by_role("listbox")).to_be_hidden()
    expect(page.get_by_role("radio", name="北九州市立思永中学校")).to_be_checked()
    expect(page.locator("#school_name")).to_be_hidden()  # only for a school not in the list
    page.get_by_label(re.compile("^オンライン")).check()
    expect(page.locator("#venue")).to_be_hidden()  # the in-person part is put away
    page.get_by_label("対象学年・クラス").fill("2年生 3クラス")
    page.get_by_label("参加人数").fill("95")
    page.locator("input[name=candidate_1_date]").fill(day.isoformat())
    page.locator("input[name=candidate_1_time]").fill("13:30")
    page.get_by_label("Zoom").check()
    page.get_by_label("局が発行し、学校へ送る").check()
    page.get_by_label("事前に接続テストを希望する").check()
    page.get_by_label("ご担当者名").fill("山田 花子")
    page.get_by_label("メールアドレス").fill("teacher@example.jp")
    page.get_by_label("電話番号").fill("093-582-0000")
    page.get_by_label("個人情報の取り扱いに同意します").check()
    assert unlabelled_fields(page) == []
    page.get_by_role("button", name="申し込む").click()

    expect(page.get_by_role("status")).to_contain_text("受け付けました")
    expect(page.get_by_role("heading", level=2, name="お申し込みを受け付けました")).to_be_visible()
    reference = re.search(r"L-\d{4}-\d{4}", page.locator(".status-line").inner_text()).group(0)
    assert "/lectures/manage/" in page.url
    return reference, page.url


def test_a_teacher_requests_online_and_a_coordinator_schedules_it(page: Page, ctx, catalog):
    program, _school = catalog
    make_user(Role.COORDINATOR, email="coord@example.jp", name="調整 一郎")
    make_lecturer(name="北野 真理子", email="kitano@example.jp", time_zone="Asia/Phnom_Penh")
    day = school_day(today_jst() + timedelta(days=21))

    # The teacher, in Japanese.
    reference, private_page = request_online_lecture(page, program, day)

    # The coordinator signs in and books the lecturer in Phnom Penh.
    sign_in(page, "coord@example.jp")
    page.get_by_role("navigation", name="職員メニュー").get_by_role("link", name="出前講座").click()
    page.get_by_role("link", name=reference).click()
    page.get_by_role("link", name="日程を確定", exact=True).click()
    expect(page.get_by_role("table")).to_contain_text("可")
    page.get_by_label(re.compile("^第1希望")).check()
    page.get_by_label(re.compile("^北野 真理子")).check()
    shot(page, "schedule-desktop-ja")
    page.get_by_role("button", name="日程を確定し、全員にメールする").click()
    expect(page.get_by_role("status")).to_contain_text(f"{reference}の日程を確定しました")

    # The teacher's page now shows the date in Japan time.
    page.goto(private_page)
    start = jst_to_utc(day, __import__("datetime").time(13, 30))
    when = (
        f"{format_datetime(start, language='ja')}–{format_time(start + timedelta(minutes=45), language='ja')}"
    )
    expect(page.get_by_role("heading", level=2, name="講座の日程が確定しました")).to_be_visible()
    expect(page.locator(".status-panel")).to_contain_text(when)
    expect(page.locator(".status-panel")).to_contain_text("北野 真理子")
    expect(
        page.get_by_role("link", name="カレンダーに追加(.ics)".replace("(", "（").replace(")", "）"))
    ).to_be_visible()


def test_the_catalog_and_the_form_on_a_phone_in_japanese(phone_page: Page, ctx, catalog):
    phone_page.goto("/lectures/")
    no_sideways_scroll(phone_page)
    shot(phone_page, "catalog-phone-ja")
    phone_page.get_by_role("link", name=re.compile("この講座を申し込む")).first.click()
    # Measured once the form has loaded, not while the browser is still leaving the catalog.
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("出前講座の申込み")
    no_sideways_scroll(phone_page)
    shot(phone_page, "request-phone-ja")
    # A form sent with problems lists them at the top, focused, and keeps what was typed.
    phone_page.get_by_label("ご担当者名").fill("山田 花子")
    phone_page.locator("input[name=candidate_1_date]").fill((today_jst() + timedelta(days=2)).isoformat())
    phone_page.locator("input[name=candidate_1_time]").fill("07:00")
    phone_page.get_by_role("button", name="申し込む").click()
    summary = phone_page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("日前までにお申し込みください")
    expect(summary).to_contain_text("開始時刻は8:30から16:30の間")
    expect(phone_page.get_by_label("ご担当者名")).to_have_value("山田 花子")
    no_sideways_scroll(phone_page)
    shot(phone_page, "request-errors-phone-ja")


def test_the_form_in_english_on_a_desktop(page: Page, ctx, catalog):
    page.goto("/language/en?next=/lectures/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Outreach lectures for schools")
    shot(page, "catalog-desktop-en")
    page.get_by_role("link", name=re.compile("Request this lecture")).first.click()
    page.get_by_label(re.compile("^At your school")).check()
    expect(page.locator("#venue")).to_be_visible()
    expect(page.locator("#online_platform")).to_be_hidden()
    page.get_by_role("radio", name="My school is not in the list").check()
    expect(page.locator("#school_name")).to_be_visible()
    # Choosing a school from the picker with the mouse puts the other-school fields away.
    page.get_by_role("combobox", name="Find your school").fill("shiei 思永")
    expect(page.get_by_role("status").filter(has_text="No school found")).to_be_visible()
    page.get_by_role("combobox", name="Find your school").fill("思永")
    page.get_by_role("option", name="北九州市立思永中学校").click()
    expect(page.get_by_role("radio", name="北九州市立思永中学校")).to_be_checked()
    expect(page.locator("#school_name")).to_be_hidden()
    shot(page, "request-desktop-en")


def test_an_online_only_lecture_offers_only_online(page: Page, ctx, catalog):
    page.goto("/lectures/")
    page.get_by_role("link", name=re.compile("この講座を申し込む.*生中継")).click()
    expect(page.get_by_label(re.compile("^学校で実施"))).to_be_disabled()
    expect(page.get_by_label(re.compile("^オンライン"))).to_be_checked()


def test_without_javascript_every_part_of_the_form_shows(browser, live_server, ctx, catalog):
    context = browser.new_context(
        base_url=live_server,
        locale="ja-JP",
        java_script_enabled=False,
        viewport={"width": 390, "height": 844},
    )
    page = context.new_page()
    page.goto("/lectures/request")
    for field in (
        "#school_name",
        "#school_address",
        "#venue",
        "#equipment",
        "#online_platform",
        "#meeting_link_by",
    ):
        expect(page.locator(field)).to_be_visible()
    expect(page.get_by_text("オンラインで実施する場合のみご記入ください。")).to_be_visible()
    no_sideways_scroll(page)
    shot(page, "request-no-script-phone-ja")

    # The school picker without script: "find" posts the form back with the matches.
    page.get_by_label("ご担当者名").fill("山田 花子")
    page.get_by_role("searchbox", name="学校を検索").fill("思永")
    page.get_by_role("button", name="学校を探す").click()
    expect(page.get_by_role("status")).to_contain_text("1校見つかりました")
    expect(page.get_by_label("ご担当者名")).to_have_value("山田 花子")  # nothing typed is lost
    assert "山田" not in page.url and "思永" not in page.url  # and nothing of it in the address
    page.get_by_role("radio", name="北九州市立思永中学校").check()
    no_sideways_scroll(page)
    shot(page, "request-no-script-school-found-phone-ja")
    context.close()


def test_the_teachers_page_on_a_phone_in_both_languages(phone_page: Page, ctx, catalog):
    from booking.extensions import db
    from booking.lectures.services import add_link
    from tests.factories.lectures import at

    program, _school = catalog
    lecturer = make_lecturer(name="北野 真理子", time_zone="Asia/Phnom_Penh")
    day = school_day(today_jst() + timedelta(days=21))
    lecture = make_request(
        program,
        status="proposed",
        lecturers=[lecturer],
        starts_at=at(day, 10, 30),
        school_name="北九州市立思永中学校",
    )
    token = add_link(lecture)
    db.session.commit()
    phone_page.goto(f"/lectures/manage/{token}")
    expect(
        phone_page.get_by_role("heading", level=2, name="ご提案した日程から1つお選びください")
    ).to_be_visible()
    no_sideways_scroll(phone_page)
    shot(phone_page, "manage-proposed-phone-ja")
    phone_page.get_by_role("link", name="English").click()
    expect(
        phone_page.get_by_role("heading", level=2, name="Please choose one of the dates we propose")
    ).to_be_visible()
    shot(phone_page, "manage-proposed-phone-en")
    phone_page.get_by_role("radio").first.check()
    phone_page.get_by_role("button", name="Book this date").click()
    expect(phone_page.get_by_role("heading", level=2, name="Your lecture is booked")).to_be_visible()
    no_sideways_scroll(phone_page)
    shot(phone_page, "manage-scheduled-phone-en")


def test_the_staff_inbox_and_a_lecturers_diary(page: Page, ctx, catalog):
    from tests.factories.lectures import at

    program, _school = catalog
    make_user(Role.COORDINATOR, email="coord@example.jp", name="調整 一郎")
    lecturer = make_lecturer(name="北野 真理子", email="kitano@example.jp", time_zone="Asia/Phnom_Penh")
    day = school_day(today_jst() + timedelta(days=21))
    for n, status in enumerate(("submitted", "scheduled", "proposed", "declined", "completed")):
        start = (
            at(day, 10, 30) + timedelta(days=n)
            if status != "completed"
            else at(day, 10, 30) - timedelta(days=60)
        )
        make_request(program, status=status, lecturers=[lecturer], starts_at=start)
    sign_in(page, "coord@example.jp")
    page.goto("/staff/lectures/")
    expect(page.get_by_role("table")).to_contain_text("日程確定")
    shot(page, "inbox-desktop-ja")
    page.goto(f"/staff/lectures/lecturers/{lecturer.id}")
    expect(page.locator(".diary").first).to_contain_text("カンボジア時間")
    shot(page, "lecturer-desktop-ja")


def test_the_school_picker_open_passes_the_accessibility_checks(page: Page, ctx, catalog):
    from tests.e2e.test_accessibility import AXE, violations

    if not AXE.exists():
        pytest.skip("axe-core is not installed (npm ci)")
    page.goto("/lectures/request")
    search = page.get_by_role("combobox", name="学校を検索")
    search.fill("北九州")
    expect(page.get_by_role("option", name="北九州市立思永中学校")).to_be_visible()
    search.press("ArrowDown")
    assert violations(page, AXE.read_text()) == []
    shot(page, "request-school-picker-desktop-ja")


def test_a_teacher_requests_a_lecture_over_https(https_page: Page, ctx, catalog):
    """Behind the HTTPS proxy, as in production: the form is accepted (CSRF stays strict)."""
    program, _school = catalog
    day = school_day(today_jst() + timedelta(days=21))
    _reference, private_page = request_online_lecture(https_page, program, day)
    assert private_page.startswith("https://")
