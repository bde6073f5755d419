"""A teacher gives feedback on a held lecture from a phone, and staff read it (with screenshots)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from booking.core.auth import Role
from booking.core.time import today_jst
from booking.extensions import db
from booking.lectures.rules import is_day_off
from booking.lectures.services import add_link
from tests.e2e.conftest import SCREENSHOTS, sign_in
from tests.e2e.test_lectures import no_sideways_scroll, unlabelled_fields
from tests.factories import make_user
from tests.factories.lectures import at, make_lecturer, make_program, make_request


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"lecture-feedback-{name}.png"), full_page=True)


@pytest.fixture
def held(ctx):
    """A lecture held last week, recorded as held, and a private link to the teacher's page."""
    program = make_program(title_ja="プノンペンの奇跡 ―飲める水道水ができるまで")
    lecturer = make_lecturer(name="水野 健太", email="mizuno@example.jp")
    last_week = today_jst() - timedelta(days=7)
    while is_day_off(last_week):  # a school day, as a real lecture
        last_week -= timedelta(days=1)
    lecture = make_request(
        program,
        status="completed",
        lecturers=[lecturer],
        starts_at=at(last_week, 10, 30),
        school_name="北九州市立思永中学校",
    )
    token = add_link(lecture)
    db.session.commit()
    return lecture, token


def test_a_teacher_gives_feedback_on_a_phone(phone_page: Page, ctx, held):
    _lecture, token = held
    phone_page.goto(f"/lectures/manage/{token}")
    expect(phone_page.get_by_role("heading", level=2, name="講座はいかがでしたか")).to_be_visible()
    assert unlabelled_fields(phone_page) == []
    no_sideways_scroll(phone_page)
    phone_page.locator("#feedback").scroll_into_view_if_needed()
    shot(phone_page, "form-phone-ja")

    # Sent without a choice: the error is at the top and next to the question; the comment stays.
    phone_page.get_by_label("ご意見・ご感想").fill("生徒が熱心に質問していました。")
    phone_page.get_by_role("button", name="アンケートを送信する").click()
    summary = phone_page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("満足度を「とても満足」から「とても不満」までの中からお選びください。")
    expect(phone_page.locator("#satisfaction-error")).to_be_visible()
    expect(phone_page.get_by_label("ご意見・ご感想")).to_have_value("生徒が熱心に質問していました。")
    no_sideways_scroll(phone_page)
    shot(phone_page, "errors-phone-ja")

    phone_page.get_by_label("5：とても満足").check()
    phone_page.get_by_role("button", name="アンケートを送信する").click()
    expect(phone_page.get_by_role("status")).to_contain_text(
        "アンケートにご回答いただき、ありがとうございました。"
    )
    thanks = phone_page.locator("#feedback")
    expect(thanks.get_by_role("heading", level=2)).to_have_text("アンケートへのご協力ありがとうございました")
    expect(thanks).to_contain_text("5：とても満足")
    expect(thanks).to_contain_text("生徒が熱心に質問していました。")
    no_sideways_scroll(phone_page)
    shot(phone_page, "thanks-phone-ja")

    # The answers can be changed for a few days, behind a disclosure that needs no script.
    thanks.get_by_text("回答を変更する").click()
    expect(phone_page.get_by_label("5：とても満足")).to_be_checked()
    phone_page.get_by_label("4：満足").check()
    phone_page.get_by_role("button", name="変更した回答を保存する").click()
    expect(phone_page.get_by_role("status")).to_contain_text("回答の変更を保存しました。")
    expect(phone_page.locator("#feedback")).to_contain_text("4：満足")

    # In English, the same page.
    phone_page.get_by_role("link", name="English").click()
    expect(phone_page.get_by_role("heading", level=2, name="Thank you for your feedback")).to_be_visible()
    expect(phone_page.locator("#feedback")).to_contain_text("4 – Satisfied")
    shot(phone_page, "thanks-phone-en")


def test_the_form_works_without_javascript(browser, live_server, ctx, held):
    _lecture, token = held
    context = browser.new_context(
        base_url=live_server,
        locale="en-GB",
        java_script_enabled=False,
        viewport={"width": 390, "height": 844},
    )
    page = context.new_page()
    page.goto(f"/lectures/manage/{token}")
    page.get_by_label("3 – Neither satisfied nor dissatisfied").check()
    page.get_by_role("button", name="Send my feedback").click()
    expect(page.locator("#feedback")).to_contain_text("3 – Neither satisfied nor dissatisfied")
    no_sideways_scroll(page)
    shot(page, "no-script-phone-en")
    context.close()


def test_staff_read_the_feedback(page: Page, ctx, held):
    from booking.lectures.feedback import FeedbackData, give_feedback

    lecture, _token = held
    give_feedback(lecture.id, FeedbackData(5, "浄水の実験が好評でした。次年度もお願いしたいです。"))
    make_user(Role.COORDINATOR, email="coord@example.jp", name="調整 一郎")
    sign_in(page, "coord@example.jp")
    page.goto("/staff/lectures/feedback")
    expect(page.get_by_role("heading", level=1)).to_have_text("学校からのアンケート")
    expect(page.locator(".stats")).to_contain_text("5.0")
    shot(page, "staff-summary-desktop-ja")
    page.get_by_role("link", name=lecture.reference).click()
    expect(page.get_by_role("heading", level=2, name="学校からのアンケート")).to_be_visible()
    expect(page.locator("main")).to_contain_text("浄水の実験が好評でした。")
    shot(page, "staff-request-desktop-ja")
