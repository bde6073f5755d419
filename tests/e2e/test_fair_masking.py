"""Browser journey of the masked essays: a coordinator masks a phrase before the review; the
reviewer then reads the essay with it, and the student's own name and school, as ■■."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
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

OWN_WORDS = "私、秘密川花音子（ヒミツカワ カノンコ）は、県立秘密高校で、弟の秘密川大地と水道を調べました。\n"


def _shot(page: Page, name: str, part: str | None = None) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = page.locator(part).first if part else page
    options = {} if part else {"full_page": True}
    target.screenshot(path=str(SCREENSHOTS / f"masking-{name}.png"), **options)


@pytest.fixture
def unassigned_cohort(ctx):
    """A cohort whose window closed yesterday: three essays, a rubric, two reviewers, nobody assigned."""
    from booking.schools.models import School, SchoolType

    school = School(name="福岡県立秘密高等学校", school_type=SchoolType.HIGH)
    db.session.add(school)
    db.session.commit()
    now = utcnow()
    cohort = make_cohort(opens_at=now - timedelta(days=30), closes_at=now - timedelta(days=1))
    add_rubric(cohort)
    apps = [add_application(cohort, 1, school.id, essay=OWN_WORDS + essay(1), **SECRETS)]
    apps += [add_application(cohort, n, school.id, essay=essay(n)) for n in (2, 3)]
    make_user(Role.REVIEWER, email="reviewer1@example.jp", name="審査 由美")
    make_user(Role.REVIEWER, email="reviewer2@example.jp", name="森本 恵")
    coordinator = make_user(Role.COORDINATOR, email="coord@example.jp", name="調整 一郎")
    return cohort, apps, coordinator


def test_a_coordinator_masks_a_phrase_and_the_reviewer_reads_it_as_a_mask(
    page: Page, browser, live_server, request, unassigned_cohort
):
    cohort, apps, coordinator = unassigned_cohort
    sign_in(page, "coord@example.jp")
    page.goto(f"{live_server}/staff/review/cohorts/{cohort.id}/rubric")
    page.get_by_role("link", name="作文の伏せ字").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("作文の伏せ字")
    _shot(page, "masks-list-ja")
    page.get_by_role("link", name="Y-2026-001").click()
    masked = page.locator("[data-masked-essay]")
    expect(masked).to_contain_text("私、■■（■■）は、■■で、弟の■■大地と")
    # A phrase the form does not know: the younger brother's given name.
    page.get_by_label("伏せる語句").fill("大地")
    page.get_by_role("button", name="この語句を伏せる").click()
    expect(page.locator(".flash-messages")).to_contain_text("この語句を伏せました")
    expect(masked).to_contain_text("私、■■（■■）は、■■で、弟の■■と水道を")
    _shot(page, "essay-masks-ja")

    review_services.run_assignment(cohort, coordinator)
    reviewer_email = (
        db.session.scalars(sa.select(Review).where(Review.application_id == apps[0].id))
        .first()
        .reviewer.email
    )
    context = browser.new_context(base_url=live_server, locale="ja-JP", **DESKTOP)
    request.addfinalizer(context.close)
    reader = context.new_page()
    sign_in(reader, reviewer_email)
    reader.goto(f"{live_server}/staff/review/essays/{apps[0].id}")
    text = reader.locator(".essay-text")
    expect(text).to_contain_text("私、■■（■■）は、■■で、弟の■■と水道を調べました。")
    for value in ("秘密川", "カノンコ", "秘密高", "大地"):
        expect(reader.locator("body")).not_to_contain_text(value)
    _shot(reader, "reviewer-essay-ja", ".essay-layout__text")
