"""Browser journey of structured feedback: a coordinator writes a note to a student not
selected, reads the not-selected email with its bands in the preview, and publishes; the
outbox holds the bands and the note, and never a reviewer's comment."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from booking.core.auth import Role
from booking.core.time import utcnow
from booking.extensions import db
from booking.review.models import Review, ReviewRound, ReviewStatus, Score
from booking.schools.models import School, SchoolType
from booking.selection import services as selection_services
from booking.youth.demo_essays import essay
from booking.youth.models import ApplicationStatus
from tests.e2e.conftest import SCREENSHOTS, sign_in
from tests.factories import make_user
from tests.factories.review import add_application, add_rubric
from tests.factories.youth import make_cohort
from tests.helpers import outbox

COMMENT = "審査員メモ：結論が弱い"
NOTE = "水道の仕事への関心がよく伝わりました。ぜひまた挑戦してください。"
# Motivation (0-10) and clarity (0-5) per application; both reviewers score alike.
SCORES = [(9, 5), (8, 4), (7, 3), (2, 3), (6, 4), (8, 2)]
A, W, N = ApplicationStatus.ACCEPTED, ApplicationStatus.WAITLISTED, ApplicationStatus.NOT_SELECTED
DECISIONS = [A, A, W, N, N, N]


def _shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"feedback-{name}.png"), full_page=True)


@pytest.fixture
def decided_cohort(ctx):
    """Six scored essays, the review closed, two selected, one waiting, three not selected."""
    school = School(name="福岡県立戸畑高等学校", school_type=SchoolType.HIGH)
    db.session.add(school)
    db.session.commit()
    now = utcnow()
    cohort = make_cohort(
        opens_at=now - timedelta(days=30), closes_at=now - timedelta(days=2), places=2, waitlist_length=2
    )
    motivation, clarity = add_rubric(cohort)
    apps = [add_application(cohort, n, school.id, essay=essay(n)) for n in range(1, 7)]
    coordinator = make_user(Role.COORDINATOR, email="coord@example.jp", name="調整 一郎")
    for n in (1, 2):
        reviewer = make_user(Role.REVIEWER, email=f"reviewer{n}@example.jp", name=f"審査員 {n}")
        for application, (m, c) in zip(apps, SCORES, strict=True):
            review = Review(
                cohort_id=cohort.id,
                application_id=application.id,
                reviewer_id=reviewer.id,
                status=ReviewStatus.SUBMITTED,
                queue_key=f"{n}-{application.id}",
                submitted_at=now - timedelta(days=1),
                comment=COMMENT,
            )
            review.scores = [
                Score(criterion_id=motivation.id, value=m),
                Score(criterion_id=clarity.id, value=c),
            ]
            db.session.add(review)
    db.session.add(ReviewRound(cohort_id=cohort.id, closed_at=now, closed_by_id=coordinator.id))
    db.session.commit()
    for application, decision in zip(apps, DECISIONS, strict=True):
        selection_services.decide(cohort, application.id, decision, coordinator)
    return cohort, apps


def test_a_coordinator_writes_a_note_previews_the_bands_and_publishes(page: Page, live_app, decided_cohort):
    cohort, apps = decided_cohort
    sign_in(page, "coord@example.jp")
    page.goto(f"/staff/selection/cohorts/{cohort.id}/decisions")
    page.get_by_role("link", name="生徒へのフィードバック").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("生徒へのフィードバック")
    expect(page.locator("body")).to_contain_text("標準偏差0.43")
    card = page.locator(f"#application-{apps[4].id}")
    expect(card).to_contain_text("志望の動機")
    expect(card).to_contain_text("良好")
    expect(card).to_contain_text("優れている")
    expect(page.locator("body")).not_to_contain_text(COMMENT)
    # Too long a note: the summary takes the focus and nothing is saved.
    card.get_by_label("生徒へのひとこと").fill("あ" * 401)
    card.get_by_role("button", name="ひとことを保存").click()
    expect(page.get_by_role("alert")).to_contain_text("400文字")
    expect(page.locator(".error-summary")).to_be_focused()
    _shot(page, "note-error-ja")
    card = page.locator(f"#application-{apps[4].id}")
    card.get_by_label("生徒へのひとこと").fill(NOTE)
    card.get_by_role("button", name="ひとことを保存").click()
    expect(page.get_by_role("status")).to_contain_text("ひとことを保存しました")
    expect(page.locator(f"#application-{apps[4].id} textarea")).to_have_value(NOTE)
    _shot(page, "notes-ja")

    page.get_by_role("link", name="メールを確認する").click()
    not_selected = page.locator("section.email-preview").filter(has_text=apps[4].code).first
    expect(not_selected).to_contain_text("志望の動機：良好")
    expect(not_selected).to_contain_text("表現の明確さ：優れている")
    expect(not_selected).to_contain_text(NOTE)
    expect(page.locator("body")).to_contain_text("段階の決め方")
    expect(page.locator("body")).not_to_contain_text(COMMENT)
    _shot(page, "preview-ja")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="選考結果を公開して12件のメールを送信する").click()
    expect(page.get_by_role("status")).to_contain_text("選考結果を公開しました")

    emails = outbox(live_app)
    assert len(emails) == 12
    for email in emails:
        assert COMMENT not in email.subject + email.body_text + email.body_html
    to_student = outbox(live_app, to="student5@example.jp")[0]
    assert "志望の動機：良好" in to_student.body_text and "表現の明確さ：優れている" in to_student.body_text
    assert NOTE in to_student.body_text and NOTE in to_student.body_html
    to_other = outbox(live_app, to="student4@example.jp")[0]
    assert "志望の動機：今後の伸びしろ" in to_other.body_text and NOTE not in to_other.body_text


def test_a_coordinator_corrects_a_guardians_address_and_the_new_guardian_gets_a_link(
    page: Page, live_app, decided_cohort
):
    _cohort, apps = decided_cohort
    sign_in(page, "coord@example.jp")
    page.goto(f"/staff/youth/applications/{apps[3].id}")
    page.get_by_role("link", name="メールアドレス・電話番号を訂正する").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("連絡先の訂正")
    page.get_by_label("保護者のメールアドレス").fill("student4@example.jp")
    page.get_by_role("button", name="訂正を保存").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.get_by_role("alert")).to_contain_text("生徒のものとは別のアドレス")
    _shot(page, "contacts-error-ja")
    page.get_by_label("保護者のメールアドレス").fill("mother4@example.jp")
    page.get_by_role("button", name="訂正を保存").click()
    expect(page.get_by_role("status")).to_contain_text("連絡先を訂正しました")
    assert outbox(live_app, to="mother4@example.jp", template="youth/consent_request_to_guardian")
