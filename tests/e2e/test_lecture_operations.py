"""Browser journey of running lectures, over HTTPS as production serves it: a lecturer abroad
subscribes to their calendar feed and enters time off over a booked lecture; a coordinator sees
it on the dashboard and hands the lecture to a free lecturer; the teacher's page and both
lecturers' feeds follow."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

from icalendar import Calendar
from playwright.sync_api import Page, expect

from booking.calendar import services as calendar_services
from booking.core.auth import Role
from booking.core.time import today_jst
from booking.extensions import db
from booking.lectures.demo import school_day
from booking.lectures.models import LectureFormat
from booking.lectures.notifications import calendar_uid
from booking.lectures.services import add_link
from tests.e2e.conftest import SCREENSHOTS, sign_in
from tests.factories import make_user
from tests.factories.lectures import at, make_lecturer, make_program, make_request


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"operations-{name}.png"), full_page=True)


def feed_events(page: Page, url: str) -> dict[str, dict]:
    """The feed at `url` (on this server), parsed: each event's UID with its sequence and status."""
    response = page.request.get(urlsplit(url).path)
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.body())
    return {
        str(event["UID"]): {
            "sequence": int(event.get("SEQUENCE", 0)),
            "status": str(event.get("STATUS", "")),
            "summary": str(event.get("SUMMARY", "")),
        }
        for event in calendar.walk("VEVENT")
    }


def test_time_off_over_a_lecture_is_resolved_from_the_dashboard(https_page: Page, ctx, https_app):
    page = https_page
    program = make_program(title_ja="プノンペンの奇跡", title_en="The Phnom Penh miracle")
    make_user(Role.COORDINATOR, email="coord@example.jp", name="調整 一郎")
    kitano = make_lecturer(name="北野 真理子", email="kitano@example.jp", time_zone="Asia/Phnom_Penh")
    mizuno = make_lecturer(name="水野 健太", email="mizuno@example.jp")
    day = school_day(today_jst() + timedelta(days=21))
    lecture = make_request(
        program, status="scheduled", lecturers=[kitano], starts_at=at(day, 10, 30), fmt=LectureFormat.ONLINE
    )
    teacher_token = add_link(lecture)
    db.session.commit()
    reference = lecture.reference
    # Mizuno already subscribes to his own feed.
    calendar_services.renew_feed(mizuno, mizuno)
    with https_app.test_request_context():
        mizuno_feed = calendar_services.feed_box(mizuno, mizuno).url
        uid = calendar_uid(lecture)  # its domain is the site's, as the emailed .ics has it
    assert uid not in feed_events(page, mizuno_feed)

    # The lecturer in Phnom Penh makes her private feed link on her page and subscribes to it.
    sign_in(page, "kitano@example.jp")
    page.goto("/staff/lectures/schedule")
    page.get_by_role("button", name="リンクを作成する").click()
    kitano_feed = page.get_by_label("あなた専用のリンク").input_value()
    assert re.search(r"^https://.+/feeds/[A-Za-z0-9_-]{40,}\.ics$", kitano_feed)
    events = feed_events(page, kitano_feed)
    assert events[uid]["sequence"] == 0 and events[uid]["status"] != "CANCELLED"

    # She enters whole days off over the booked lecture.
    time_off = page.locator("form[action$='/unavailable']")
    time_off.get_by_label("終日（日本時間）").check()
    time_off.get_by_label("開始日").fill((day - timedelta(days=1)).isoformat())
    time_off.get_by_label("終了日").fill((day + timedelta(days=1)).isoformat())
    time_off.get_by_role("button", name="追加する").click()
    expect(page.locator("#time-off ~ ul .diary__item--off").first).to_be_visible()
    shot(page, "lecturer-time-off")
    page.context.clear_cookies()

    # The coordinator sees the clash first on the dashboard and follows it.
    sign_in(page, "coord@example.jp")
    page.goto("/staff/")
    todo = page.get_by_role("link", name=re.compile("講師が不在の講座：1件"))
    expect(todo).to_be_visible()
    shot(page, "dashboard-clash")
    todo.click()
    expect(page.get_by_role("table")).to_contain_text("講師が不在")
    page.get_by_role("link", name=reference).click()
    expect(page.locator(".notice--warning")).to_contain_text("北野 真理子")
    page.get_by_role("link", name="対応できる講師を探す").click()

    # The reschedule page suggests the free lecturer; the lecture moves to him, same date.
    expect(page.get_by_text(re.compile(r"水野 健太"))).not_to_have_count(0)
    expect(page.get_by_role("table")).to_contain_text("不在")
    shot(page, "reschedule-suggestion")
    page.get_by_label(re.compile("^北野 真理子")).uncheck()
    page.get_by_label(re.compile("^水野 健太")).check()
    reason = page.get_by_label(re.compile("^変更の理由"))
    expect(page.locator(".field", has=reason)).to_contain_text("必須")
    reason.fill("担当講師が変わります。日時は変わりません。")
    page.get_by_role("button", name="日程を変更し、全員にメールする").click()
    expect(page.get_by_role("status")).to_contain_text("日程を変更しました")
    expect(page.locator(".notice--warning")).to_have_count(0)

    # The teacher's page names the new lecturer.
    page.context.clear_cookies()
    page.goto(f"/lectures/manage/{teacher_token}")
    expect(page.locator(".status-panel")).to_contain_text("水野 健太")
    expect(page.locator(".status-panel")).not_to_contain_text("北野 真理子")

    # Both feeds follow: gone from hers, a newer version of the same entry in his.
    assert uid not in feed_events(page, kitano_feed)
    moved = feed_events(page, mizuno_feed)[uid]
    assert moved["sequence"] >= 1 and moved["status"] != "CANCELLED"
