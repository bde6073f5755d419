"""Browser journeys of the interview round: a coordinator sets it up and invites the shortlist; a
student picks (and changes) a time on a phone; an interviewer scores the interview."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from booking.core.auth import Role
from booking.core.time import today_jst, utcnow
from booking.extensions import db
from booking.interview import services as interview_services
from booking.interview.models import InterviewBooking
from booking.schools.models import School, SchoolType
from booking.youth.demo_essays import essay
from tests.e2e.conftest import SCREENSHOTS, sign_in
from tests.factories import make_user
from tests.factories.interview import add_interview_rubric, add_round, add_slot, score_essays
from tests.factories.review import SECRETS, add_application, add_rubric
from tests.factories.youth import make_cohort
from tests.helpers import outbox

INTERVIEW_DAY = today_jst() + timedelta(days=7)


def _shot(page: Page, name: str, part: str | None = None) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    if part:
        page.locator(part).first.screenshot(path=str(SCREENSHOTS / f"interview-{name}.png"))
    else:
        page.screenshot(path=str(SCREENSHOTS / f"interview-{name}.png"), full_page=True)


@pytest.fixture
def ranked_cohort(ctx):
    """A cohort whose review closed: six essays ranked in order, an interviewer, a coordinator."""
    school = School(name="福岡県立秘密高等学校", school_type=SchoolType.HIGH)
    db.session.add(school)
    db.session.commit()
    now = utcnow()
    cohort = make_cohort(opens_at=now - timedelta(days=30), closes_at=now - timedelta(days=1), places=2)
    criteria = add_rubric(cohort)
    apps = [add_application(cohort, 1, school.id, essay=essay(1), **SECRETS)]
    apps += [add_application(cohort, n, school.id, essay=essay(n)) for n in range(2, 7)]
    reviewer = make_user(Role.REVIEWER, email="reviewer1@example.jp", name="審査 由美")
    score_essays(cohort, criteria, reviewer, apps)
    coordinator = make_user(Role.COORDINATOR, email="coord@example.jp", name="調整 一郎")
    return cohort, apps, reviewer, coordinator


def test_a_coordinator_sets_up_the_round_and_invites_the_shortlist(page: Page, live_app, ranked_cohort):
    cohort, _apps, _reviewer, _coordinator = ranked_cohort
    sign_in(page, "coord@example.jp")
    page.goto(f"/staff/interview/cohorts/{cohort.id}/settings")
    page.get_by_label("この研修では面接を行う").check()
    page.get_by_label("作文の比重(%)").fill("70")
    page.get_by_label("面接の比重(%)").fill("40")
    page.get_by_label("面接に招く人数").fill("3")
    page.get_by_label("審査 由美").check()
    page.get_by_role("button", name="設定を保存する").click()
    expect(page.locator(".error-summary")).to_contain_text("合計を100にしてください(現在の合計は110です)")
    expect(page.locator(".error-summary")).to_be_focused()
    page.get_by_label("面接の比重(%)").fill("30")
    page.get_by_role("button", name="設定を保存する").click()
    expect(page.get_by_role("status")).to_contain_text("面接の設定を保存しました")
    _shot(page, "settings-ja")

    page.get_by_role("link", name="面接の日時").click()
    page.get_by_label("日付").fill(INTERVIEW_DAY.isoformat())
    page.get_by_label("開始時刻(日本時間)").fill("10:00")
    page.get_by_label("終了時刻(日本時間)").fill("10:20")
    page.get_by_label("場所(日本語)").fill("上下水道局 会議室")
    page.get_by_label("この枠の人数").fill("2")
    page.get_by_role("button", name="日時を追加する").click()
    expect(page.get_by_role("status")).to_contain_text("面接の日時を追加しました")
    expect(page.locator("table")).to_contain_text("0/2")
    _shot(page, "slots-ja")

    page.get_by_role("link", name="面接対象者", exact=True).click()
    page.get_by_role("button", name="順位から面接対象者を選ぶ").click()
    expect(page.get_by_role("status")).to_contain_text("3人")
    page.get_by_role("button", name="面接の案内を送る").click()
    expect(page.get_by_role("status")).to_contain_text("3人の生徒と保護者に面接の案内を送ります")
    _shot(page, "shortlist-ja")
    assert len(outbox(live_app, template="interview/invitation_to_student")) == 3
    assert len(outbox(live_app, template="interview/invitation_to_guardian")) == 3


def test_a_student_picks_a_time_on_a_phone_and_an_interviewer_scores(
    phone_page: Page, page: Page, live_app, ranked_cohort
):
    cohort, _apps, reviewer, coordinator = ranked_cohort
    add_round(cohort, [reviewer], size=3)
    criteria = add_interview_rubric(cohort)
    add_slot(cohort, hour=10, capacity=1, day=INTERVIEW_DAY)
    add_slot(cohort, hour=11, capacity=2, day=INTERVIEW_DAY, online=True)
    interview_services.draw_shortlist(cohort, coordinator)
    interview_services.send_invitations(cohort, coordinator)
    email = outbox(live_app, to=SECRETS["email"], template="interview/invitation_to_student")[0]
    link = re.search(r"http://booking.test(/youth/applications/\S+)", email.body_text).group(1)

    phone_page.goto(link)
    expect(phone_page.get_by_role("heading", name="面接")).to_be_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    # Nothing chosen: the error is summarised at the top, with focus, and beside the times.
    phone_page.get_by_role("button", name="この日時で予約する").click()
    expect(phone_page.locator(".error-summary")).to_be_focused()
    expect(phone_page.locator("#slot_id-error")).to_contain_text("表示されている日時から選んでください")
    _shot(phone_page, "pick-error-phone-ja")
    phone_page.get_by_label(re.compile("10:00–10:30")).check()
    phone_page.get_by_role("button", name="この日時で予約する").click()
    expect(phone_page.get_by_role("status")).to_contain_text("面接の日時を予約しました")
    expect(phone_page.locator(".interview")).to_contain_text("あなたの面接：")
    _shot(phone_page, "picked-phone-ja")
    _shot(phone_page, "picked-phone-section-ja", ".interview")
    with phone_page.expect_download() as download:
        phone_page.get_by_role("link", name="面接をカレンダーに追加する(.ics)").click()
    assert b"BEGIN:VEVENT" in Path(download.value.path()).read_bytes()

    # The first time is now full for the next student; they take the online one.
    second = re.search(
        r"http://booking.test(/youth/applications/\S+)",
        outbox(live_app, to="student2@example.jp", template="interview/invitation_to_student")[0].body_text,
    ).group(1)
    page.goto(second)
    expect(page.get_by_label(re.compile("10:00–10:30"))).to_be_disabled()
    expect(page.locator(".interview")).to_contain_text("満員")
    page.get_by_label(re.compile("11:00–11:30")).check()
    page.get_by_role("button", name="この日時で予約する").click()
    expect(page.get_by_role("status")).to_contain_text("面接の日時を予約しました")
    db.session.rollback()
    assert db.session.query(InterviewBooking).count() == 2

    # The interviewer sees the name, scores, and the combined ranking has them.
    page.context.clear_cookies()
    sign_in(page, "reviewer1@example.jp")
    page.goto("/staff/interview/")
    page.get_by_role("link", name=re.compile(SECRETS["family_name"])).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(SECRETS["family_name"])
    expect(page.locator("main")).not_to_contain_text(SECRETS["email"])
    page.get_by_role("group", name=re.compile(criteria[0].name_ja)).get_by_label("4", exact=True).check()
    page.get_by_role("group", name=re.compile(criteria[1].name_ja)).get_by_label("5", exact=True).check()
    _shot(page, "score-ja")
    page.get_by_role("button", name="点数を保存する").click()
    expect(page.get_by_role("status")).to_contain_text("面接の点数を保存しました")
