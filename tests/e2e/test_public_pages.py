"""Browser journeys through the public front and the staff sign-in."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from booking.core.auth import Role
from tests.factories import DEFAULT_PASSWORD, make_user


def test_home_page_in_japanese_then_english(page: Page):
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.get_by_role("heading", level=1)).to_contain_text("国際技術協力")
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_contain_text("international water cooperation")
    # The choice is kept on the next page.
    page.get_by_role("link", name="Privacy").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How we handle personal information")
    page.get_by_role("link", name="日本語").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("個人情報の取り扱い")


def test_skip_link_is_the_first_stop_for_the_keyboard(page: Page):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_text("本文へ移動")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))


def test_home_page_reads_well_on_a_phone(phone_page: Page):
    phone_page.goto("/")
    expect(phone_page.get_by_role("heading", level=1)).to_be_visible()
    scroll_width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 390  # no sideways scrolling


def test_staff_sign_in_through_the_real_form(page: Page, ctx):
    make_user(Role.COORDINATOR, email="coord@example.jp", name="調整 一郎")
    page.goto("/staff/login")
    page.get_by_label("メールアドレス").fill("coord@example.jp")
    page.get_by_label("パスワード").fill("wrong password!")
    page.get_by_role("button", name="ログイン").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("メールアドレスまたはパスワードが正しくありません。")
    expect(summary).to_be_focused()

    page.get_by_label("パスワード").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ダッシュボード")
    expect(page.get_by_text("調整 一郎さん")).to_be_visible()
    page.get_by_role("button", name="ログアウト").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("職員ログイン")
    expect(page.get_by_role("status")).to_contain_text("ログアウトしました")
