"""The public track record in a real browser, with the demo's history: a phone and a desktop,
both languages, and without JavaScript (screenshots in test-results/screenshots/records-*)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import SCREENSHOTS

CHARTS = {
    "ja": [
        "年度別の実施件数（訪問・オンライン）",
        "年度別の受講者数",
        "学校種別の実施件数（全年度）",
        "直近3年度に講座を実施した学校（区別）",
        "直近3年度に講座を実施した学校（学校種別）",
        "ユース研修の応募者数と参加者数",
        "年度別の視察・見学者数",
        "国・地域別の視察・見学者数（全年度）",
    ],
    "en": [
        "Lectures held per fiscal year, at the school and online",
        "Audience per fiscal year",
        "Lectures held by type of school, all years",
        "Schools reached in the last three fiscal years, by ward",
        "Schools reached in the last three fiscal years, by type of school",
        "Youth training: applications and participants",
        "Study-tour visitors per fiscal year",
        "Study-tour visitors by country or region, all years",
    ],
}


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"records-{name}.png"), full_page=True)


@pytest.fixture
def demo(app, ctx):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output


def charts_are_images_named_with_their_figures(page: Page, language: str) -> None:
    images = page.get_by_role("img")
    expect(images).to_have_count(len(CHARTS[language]))
    for title in CHARTS[language]:
        expect(page.get_by_role("img", name=re.compile(re.escape(title)))).to_be_visible()
    first_year = (
        "2017年度：計24件（訪問 24件、オンライン 0件）" if language == "ja" else "FY 2017: 24 lectures in all"
    )
    expect(page.get_by_role("img", name=re.compile(re.escape(first_year)))).to_be_visible()


def test_the_record_on_a_phone(phone_page: Page, demo):
    phone_page.goto("/records")
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("実績")
    charts_are_images_named_with_their_figures(phone_page, "ja")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling

    # On a phone each table comes right under its chart, at the page's width.
    for chart in phone_page.locator(".chart-block").all():
        drawn, numbers = chart.locator(".chart").bounding_box(), chart.locator(".table-wrap").bounding_box()
        assert numbers["y"] >= drawn["y"] + drawn["height"]
        assert abs(numbers["width"] - drawn["width"]) < 2
    by_format = phone_page.get_by_role("region", name="年度別の実施件数（訪問・オンライン）")
    expect(by_format.get_by_role("row", name=re.compile(r"^2020年度"))).to_contain_text("5 9 14")
    youth = phone_page.get_by_role("region", name="ユース研修の応募者数と参加者数")
    expect(youth.get_by_role("row", name=re.compile(r"^2019年度"))).to_contain_text("ハイフォン")
    wards = phone_page.get_by_role("region", name="直近3年度に講座を実施した学校（区別）")
    expect(wards.get_by_role("row", name=re.compile(r"^若松区"))).to_contain_text("7")
    expect(phone_page.get_by_text("一度も実施していない学校", exact=True)).to_be_visible()
    shot(phone_page, "phone-ja")

    # The tables scroll sideways on their own when they are wider than a phone, reached by keyboard.
    school_types = phone_page.locator('.table-wrap:has(table[data-chart="school-types"])')
    school_types.focus()
    expect(school_types).to_be_focused()


def test_the_record_on_a_desktop_in_both_languages(page: Page, demo):
    page.goto("/")
    page.get_by_role("link", name="これまでの出前講座・ユース研修の実績を見る").click()
    expect(page).to_have_url(re.compile(r"/records$"))
    charts_are_images_named_with_their_figures(page, "ja")
    # On a wide screen the table stands beside its chart.
    block = page.locator(".chart-block").first
    drawn, numbers = block.locator(".chart").bounding_box(), block.locator(".table-wrap").bounding_box()
    assert numbers["x"] >= drawn["x"] + drawn["width"]
    assert abs(numbers["y"] - drawn["y"]) < 2
    shot(page, "desktop-ja")

    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Track record")
    charts_are_images_named_with_their_figures(page, "en")
    expect(page.get_by_role("cell", name=re.compile("Kitakyushu College"))).to_be_visible()
    shot(page, "desktop-en")


def test_the_record_reads_the_same_without_javascript(browser, live_server, demo):
    context = browser.new_context(
        base_url=live_server,
        locale="en-GB",
        java_script_enabled=False,
        viewport={"width": 390, "height": 844},
    )
    page = context.new_page()
    try:
        page.goto("/records")
        expect(page.get_by_role("heading", level=1)).to_have_text("Track record")
        charts_are_images_named_with_their_figures(page, "en")
        expect(page.locator(".chart__bar--online").first).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        shot(page, "phone-en-no-js")
    finally:
        context.close()
