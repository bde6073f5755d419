"""Browser journeys of review and selection: a reviewer scores an essay; a coordinator closes the
review, decides and publishes; the selected student accepts the offer on a phone."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from booking.core.auth import Role
from booking.core.time import utcnow
from booking.extensions import db
from booking.review import services as review_services
from booking.review.models import Review
from booking.selection import services as selection_services
from booking.youth.demo_essays import essay
from booking.youth.models import ApplicationStatus, ConsentStatus
from tests.e2e.conftest import SCREENSHOTS, sign_in
from tests.factories import make_user
from tests.factories.review import SECRETS, add_application, add_rubric
from tests.factories.youth import make_cohort
from tests.helpers import outbox


def _shot(page: Page, name: str, part: str | None = None) -> None:
    """The whole page, or only the part a person looks at (`part`, a CSS selector), for close reading."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    if part:
        page.locator(part).first.screenshot(path=str(SCREENSHOTS / f"review-{name}.png"))
    else:
        page.screenshot(path=str(SCREENSHOTS / f"review-{name}.png"), full_page=True)


@pytest.fixture
def closed_cohort(ctx):
    """A cohort whose window closed yesterday, six essays with consent, a rubric, three reviewers."""
    from booking.schools.models import School, SchoolType

    school = School(name="福岡県立秘密高等学校", school_type=SchoolType.HIGH)
    db.session.add(school)
    db.session.commit()
    now = utcnow()
    cohort = make_cohort(
        opens_at=now - timedelta(days=30), closes_at=now - timedelta(days=1), places=2, waitlist_length=2
    )
    add_rubric(cohort)
    apps = [add_application(cohort, 1, school.id, essay=essay(1), **SECRETS)]
    apps += [add_application(cohort, n, school.id, essay=essay(n)) for n in range(2, 7)]
    people = [
        make_user(Role.REVIEWER, email=f"reviewer{n}@example.jp", name=name)
        for n, name in ((1, "審査 由美"), (2, "森本 恵"), (3, "石田 誠"))
    ]
    coordinator = make_user(Role.COORDINATOR, email="coord@example.jp", name="調整 一郎")
    review_services.run_assignment(cohort, coordinator)
    return cohort, apps, people, coordinator


def test_a_reviewer_signs_in_and_scores_an_essay_blind(page: Page, phone_page: Page, closed_cohort):
    _cohort, _apps, people, _coordinator = closed_cohort
    sign_in(page, "reviewer1@example.jp")
    expect(page.get_by_text("審査する作文").first).to_be_visible()
    page.get_by_role("link", name="審査する作文").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("審査する作文")
    _shot(page, "queue-ja")
    first_code = page.locator("table tbody th a").first.inner_text()
    page.locator("table tbody th a").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(first_code)
    # The page never shows who wrote it.
    for value in SECRETS.values():
        expect(page.locator("body")).not_to_contain_text(value)
    expect(page.locator("body")).not_to_contain_text("福岡県立秘密高等学校")
    _shot(page, "essay-ja")
    _shot(page, "essay-score-panel-ja", ".essay-layout__score")
    # Submitting with a score missing: the message is at the top and by the criterion.
    page.get_by_role("radio", name="志望の動機: 8").check()
    page.get_by_role("button", name="審査を提出する").click()
    expect(page.get_by_role("alert")).to_contain_text("「表現の明確さ」の点数を選んでください。")
    _shot(page, "essay-errors-ja", ".essay-layout__score")
    expect(page.get_by_role("radio", name="志望の動機: 8")).to_be_checked()
    page.get_by_role("radio", name="表現の明確さ: 4").check()
    page.get_by_label("コメント").fill("水道の課題を自分の経験と結びつけて考えている。")
    page.get_by_role("button", name="審査を提出する").click()
    expect(page.get_by_role("status")).to_contain_text("審査を提出しました。")
    page.get_by_role("link", name="担当の一覧").click()
    expect(page.get_by_role("row", name=re.compile(first_code))).to_contain_text("提出済み")
    db.session.rollback()
    review = db.session.scalar(
        db.select(Review).where(Review.reviewer_id == people[0].id, Review.submitted_at.is_not(None))
    )
    assert review is not None and review.comment.startswith("水道の課題")
    # The scoring page on a phone.
    sign_in(phone_page, "reviewer2@example.jp")
    phone_page.goto("/staff/review/")
    phone_page.locator("table tbody th a").first.click()
    expect(phone_page.get_by_role("heading", name="あなたの審査")).to_be_visible()
    _shot(phone_page, "essay-phone-ja")
    _shot(phone_page, "essay-phone-score-ja", ".essay-layout__score")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390


def _score_everything(cohort, people, apps) -> None:
    """Every reviewer submits: essays in code order score lower and lower."""
    criteria = review_services.criteria_for(cohort)
    rank = {a.id: n for n, a in enumerate(apps)}
    for person in people:
        for group in review_services.queue_for(person):
            for review in group.reviews:
                level = 10 - rank[review.application_id]
                values = {criteria[0].id: level, criteria[1].id: min(5, level // 2)}
                review_services.save_review(review, values, "", submit=True, actor=person)


def test_a_coordinator_closes_the_review_decides_and_publishes(page: Page, live_app, closed_cohort):
    cohort, apps, people, _coordinator = closed_cohort
    _score_everything(cohort, people, apps)
    sign_in(page, "coord@example.jp")
    page.get_by_role("link", name="審査と選考").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("審査と選考")
    page.get_by_role("link", name=cohort.title_ja).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("順位表")
    expect(page.get_by_role("row", name=re.compile("Y-2026-001"))).to_contain_text("1")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="審査を締め切る").click()
    expect(page.get_by_role("status")).to_contain_text("審査を締め切りました")
    _shot(page, "ranking-ja")

    page.get_by_role("link", name="合否の決定").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("合否の決定")
    for code, button in (
        ("Y-2026-001", "選考通過にする"),
        ("Y-2026-002", "選考通過にする"),
        ("Y-2026-003", "補欠"),
    ):
        page.get_by_role("row", name=re.compile(code)).get_by_role("button", name=re.compile(button)).click()
        expect(page.get_by_role("row", name=re.compile(code))).to_contain_text(
            "選考通過" if button.startswith("選考") else "補欠"
        )
    # A third acceptance is refused: two places.
    page.get_by_role("row", name=re.compile("Y-2026-004")).get_by_role(
        "button", name=re.compile("選考通過にする")
    ).click()
    expect(page.get_by_role("alert")).to_contain_text("2人の定員はすべて埋まっています")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="未決定をすべて選外にする").click()
    expect(page.get_by_role("status")).to_contain_text("3件の応募を選外にしました")
    _shot(page, "decisions-ja")
    _shot(page, "decisions-table-ja", ".decisions")

    page.get_by_role("link", name="メールを確認する").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("選考結果メールの確認")
    expect(page.locator("body")).to_contain_text("公開すると12件のメールを送信します")
    _shot(page, "preview-ja")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="選考結果を公開して12件のメールを送信する").click()
    expect(page.get_by_role("status")).to_contain_text("選考結果を公開しました")
    expect(page.get_by_role("heading", level=1)).to_contain_text("参加の意思確認と参加者")
    _shot(page, "participants-ja")
    assert len(outbox(live_app, template="selection/result_to_student")) == 6
    assert len(outbox(live_app, template="selection/result_to_guardian")) == 6


def test_the_selected_student_accepts_the_offer_through_the_private_link(
    phone_page: Page, page: Page, live_app, closed_cohort
):
    cohort, apps, people, coordinator = closed_cohort
    _score_everything(cohort, people, apps)
    review_services.close_review(cohort, coordinator)
    plan = [ApplicationStatus.ACCEPTED, ApplicationStatus.ACCEPTED, ApplicationStatus.WAITLISTED]
    for application, decision in zip(apps, plan, strict=False):
        selection_services.decide(cohort, application.id, decision, coordinator)
    selection_services.decide_rest(cohort, coordinator)
    selection_services.publish_results(cohort, coordinator)
    email = outbox(live_app, to=SECRETS["email"], template="selection/result_to_student")[0]
    link = re.search(r"http://booking.test(/youth/applications/\S+)", email.body_text).group(1)

    phone_page.goto(link)
    expect(phone_page.get_by_role("heading", name="選考の結果")).to_be_visible()
    expect(phone_page.locator(".result")).to_contain_text("おめでとうございます")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(phone_page, "offer-phone-ja")
    _shot(phone_page, "offer-phone-result-ja", ".result")
    phone_page.get_by_role("button", name="参加を承諾する").click()
    expect(phone_page.get_by_role("status")).to_contain_text("参加を承諾しました")
    expect(phone_page.locator(".result")).to_contain_text("参加が決まりました")
    expect(phone_page.get_by_role("link", name="日程をカレンダーに登録する(.ics)")).to_be_visible()
    _shot(phone_page, "offer-accepted-phone-ja", ".result")
    with phone_page.expect_download() as download:
        phone_page.get_by_role("link", name="日程をカレンダーに登録する(.ics)").click()
    assert b"BEGIN:VEVENT" in Path(download.value.path()).read_bytes()

    # The second selected student declines: the place goes to the first on the waiting list.
    email = outbox(live_app, to="student2@example.jp", template="selection/result_to_student")[0]
    second = re.search(r"http://booking.test(/youth/applications/\S+)", email.body_text).group(1)
    page.goto(second)
    page.get_by_text("参加できない場合(辞退する)").click()
    page.get_by_label("辞退するとこの枠がほかの生徒に回り、取り消せないことを理解しました。").check()
    page.get_by_role("button", name="参加を辞退する").click()
    expect(page.get_by_role("status")).to_contain_text("参加を辞退されました")
    _shot(page, "declined-ja", "main")
    db.session.rollback()
    assert db.session.get(type(apps[2]), apps[2].id).status == ApplicationStatus.ACCEPTED
    assert outbox(live_app, to="student3@example.jp", template="selection/offer_to_student")
    assert db.session.get(type(apps[0]), apps[0].id).consent_status == ConsentStatus.GIVEN
