"""The discussion after the close, in a browser: the coordinator closes the review, a reviewer
writes a note and changes a score with a reason, the coordinator sees both on the essay's page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from booking.core.auth import Role
from booking.core.time import utcnow
from booking.extensions import db
from booking.review import services as review_services
from booking.review.models import Review
from booking.youth.demo_essays import essay
from tests.e2e.conftest import DESKTOP, SCREENSHOTS, sign_in
from tests.factories import make_user
from tests.factories.review import SECRETS, add_application, add_rubric
from tests.factories.youth import make_cohort

NOTE = "動機の段落は具体的で、もう少し高く評価してもよいと考えます。"
REASON = "他の審査員のメモを読み、動機の段落を読み直しました。"


def _shot(page: Page, name: str, part: str | None = None) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = page.locator(part).first if part else page
    options = {} if part else {"full_page": True}
    target.screenshot(path=str(SCREENSHOTS / f"discussion-{name}.png"), **options)


@pytest.fixture
def scored_cohort(ctx):
    """Four essays, each read by two of three reviewers, every review submitted."""
    from booking.schools.models import School, SchoolType

    school = School(name="福岡県立秘密高等学校", school_type=SchoolType.HIGH)
    db.session.add(school)
    db.session.commit()
    now = utcnow()
    cohort = make_cohort(opens_at=now - timedelta(days=30), closes_at=now - timedelta(days=1), places=2)
    criteria = add_rubric(cohort)
    apps = [add_application(cohort, 1, school.id, essay=essay(1), **SECRETS)]
    apps += [add_application(cohort, n, school.id, essay=essay(n)) for n in range(2, 5)]
    people = [
        make_user(Role.REVIEWER, email=f"reviewer{n}@example.jp", name=name)
        for n, name in ((1, "審査 由美"), (2, "森本 恵"), (3, "石田 誠"))
    ]
    coordinator = make_user(Role.COORDINATOR, email="coord@example.jp", name="調整 一郎")
    review_services.run_assignment(cohort, coordinator)
    rank = {a.id: n for n, a in enumerate(apps)}
    for n, person in enumerate(people):
        for group in review_services.queue_for(person):
            for review in group.reviews:
                # Essay 1 gets 6 and 3 from everyone; the others vary by essay and reviewer.
                level = 6 if rank[review.application_id] == 0 else 9 - 2 * rank[review.application_id] + n
                values = {criteria[0].id: level, criteria[1].id: 3}
                review_services.save_review(review, values, "", submit=True, actor=person)
    reviewer_id = db.session.scalar(
        db.select(Review.reviewer_id).where(Review.application_id == apps[0].id).order_by(Review.id).limit(1)
    )
    reviewer = next(p for p in people if p.id == reviewer_id)
    return cohort, apps[0], reviewer


def test_a_reviewer_discusses_and_changes_a_score_after_the_close_and_the_coordinator_sees_it(
    page: Page, browser, live_server, scored_cohort
):
    cohort, application, reviewer = scored_cohort
    sign_in(page, "coord@example.jp")
    page.goto(f"/staff/review/cohorts/{cohort.id}/ranking")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="審査を締め切る").click()
    expect(page.get_by_role("status")).to_contain_text("審査を締め切りました")
    expect(page.get_by_role("button", name="議論を終了する")).to_be_visible()
    _shot(page, "ranking-ja", ".notice")

    context = browser.new_context(base_url=live_server, locale="ja-JP", timezone_id="Asia/Tokyo", **DESKTOP)
    reviewer_page = context.new_page()
    reviewer_page.set_default_timeout(10_000)
    try:
        sign_in(reviewer_page, reviewer.email)
        reviewer_page.goto(f"/staff/review/essays/{application.id}")
        expect(reviewer_page.locator("body")).to_contain_text("議論の期間中です")
        reviewer_page.get_by_label("メモ").fill(NOTE)
        reviewer_page.get_by_role("button", name="メモを追加する").click()
        expect(reviewer_page.get_by_role("status")).to_contain_text("メモを議論に追加しました")
        expect(reviewer_page.locator("#discussion")).to_contain_text(NOTE)
        expect(reviewer_page.locator("#discussion")).to_contain_text("あなた")
        # Changing a score without a reason: the message at the top, nothing changed.
        reviewer_page.locator("#amend summary").click()
        reviewer_page.get_by_role("radio", name="志望の動機: 8").check()
        reviewer_page.locator("#amend").get_by_role("button", name="点数を変更する").click()
        expect(reviewer_page.get_by_role("alert")).to_contain_text("変更の理由を入力してください。")
        _shot(reviewer_page, "amend-error-ja", ".essay-layout__score")
        reviewer_page.get_by_role("radio", name="志望の動機: 8").check()
        reviewer_page.get_by_label("点数を変更する理由").fill(REASON)
        reviewer_page.locator("#amend").get_by_role("button", name="点数を変更する").click()
        expect(reviewer_page.get_by_role("status")).to_contain_text("点数を変更しました")
        expect(reviewer_page.locator(".summary-list")).to_contain_text("8 / 10")
        _shot(reviewer_page, "essay-ja")
        for value in SECRETS.values():
            expect(reviewer_page.locator("body")).not_to_contain_text(value)
    finally:
        context.close()

    page.goto(f"/staff/review/cohorts/{cohort.id}/applications/{application.id}")
    expect(page.locator("#discussion")).to_contain_text(NOTE)
    expect(page.locator("#discussion")).to_contain_text(reviewer.name)
    history = page.locator("#history")
    expect(history).to_contain_text("議論での点数変更")
    expect(history).to_contain_text(re.compile(r"志望の動機：6 → 8"))
    expect(history).to_contain_text(REASON)
    _shot(page, "coordinator-ja")

    page.get_by_role("link", name="順位表").first.click()
    page.get_by_role("link", name="評価の一致度").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("審査員間の評価の一致度")
    expect(page.locator("body")).to_contain_text("クリッペンドルフ")
    for value in SECRETS.values():
        expect(page.locator("body")).not_to_contain_text(value)
    _shot(page, "agreement-ja")
