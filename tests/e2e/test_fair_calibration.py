"""Browser journey of calibration: a coordinator adds a sample essay to the set; a reviewer scores
the set before the real essays, reading the level descriptors, and sees how far they were."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from booking.core.auth import Role
from booking.core.time import utcnow
from booking.extensions import db
from booking.review import services
from booking.schools.models import School, SchoolType
from booking.youth.demo_essays import essay
from tests.e2e.conftest import SCREENSHOTS, sign_in
from tests.factories import make_user
from tests.factories.records import past_cohort
from tests.factories.review import SECRETS, add_application, add_rubric
from tests.factories.youth import make_cohort

SAMPLE = (
    "夏休みに断水を経験し、蛇口から水が出る当たり前が多くの人の仕事に支えられていると知りました。"
    "研修では現地の浄水場で働く人の工夫を自分の目で確かめ、帰国後は文化祭で発表したいと思います。"
)


def _shot(page: Page, name: str, part: str | None = None) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = page.locator(part).first if part else page
    options = {} if part else {"full_page": True}
    target.screenshot(path=str(SCREENSHOTS / f"calibration-{name}.png"), **options)


@pytest.fixture
def calibrating(ctx):
    """A cohort closed yesterday with descriptors and reviewers assigned; a 2024 essay in the set."""
    school = School(name="福岡県立秘密高等学校", school_type=SchoolType.HIGH)
    db.session.add(school)
    db.session.commit()
    now = utcnow()
    cohort = make_cohort(opens_at=now - timedelta(days=30), closes_at=now - timedelta(days=1))
    rubric = add_rubric(cohort)
    rubric[0].level_low_ja = "研修で学びたいことが書かれていない。"
    rubric[0].level_mid_ja = "学びたいことはあるが、帰国後にどう生かすかがはっきりしない。"
    rubric[0].level_high_ja = "学びたいことと帰国後の行動が具体的に結びついている。"
    rubric[1].level_low_ja = "筋道が追いにくい。"
    rubric[1].level_high_ja = "初めから終わりまで筋道が通っている。"
    db.session.commit()
    for n in range(1, 5):
        add_application(cohort, n, school.id, essay=essay(n))
    add_application(past_cohort(2024), 17, school.id, essay=essay(30), **SECRETS)
    people = [make_user(Role.REVIEWER, email=f"reviewer{n}@example.jp", name=f"審査 {n}") for n in (1, 2)]
    coordinator = make_user(Role.COORDINATOR, email="coord@example.jp", name="調整 一郎")
    services.run_assignment(cohort, coordinator)
    services.add_calibration_essay(cohort, "Y-2024-017", "", {rubric[0].id: 8, rubric[1].id: 4}, coordinator)
    return cohort, rubric, people


def test_a_reviewer_scores_the_calibration_set_and_sees_the_distances(page: Page, calibrating):
    cohort, _rubric, _people = calibrating
    # The coordinator adds a sample essay with its reference scores.
    sign_in(page, "coord@example.jp")
    page.goto(f"/staff/review/cohorts/{cohort.id}/calibration")
    expect(page.get_by_role("heading", level=1)).to_contain_text("目合わせ")
    page.get_by_label("または見本の作文").fill(SAMPLE)
    page.get_by_role("radio", name="志望の動機: 5").check()
    page.get_by_role("radio", name="表現の明確さ: 2").check()
    page.get_by_role("button", name="目合わせ用に追加する").click()
    expect(page.get_by_role("status")).to_contain_text("S-1を目合わせ用の作文に追加しました。")
    expect(page.get_by_role("row", name=re.compile("S-1"))).to_contain_text("見本の作文")
    _shot(page, "set-ja")
    page.context.clear_cookies()

    sign_in(page, "reviewer1@example.jp")
    page.goto("/staff/review/")
    box = page.locator(".calibration-box")
    expect(box).to_contain_text("目合わせ用の作文2件を採点してください")
    expect(page.locator("main")).to_contain_text("あなた専用に無作為に決めたもので、変わることはありません")
    _shot(page, "queue-ja")
    box.get_by_role("link", name="Y-2024-017").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Y-2024-017")
    # Blind: the past applicant is never named; the descriptors stand by the buttons.
    for value in SECRETS.values():
        expect(page.locator("body")).not_to_contain_text(value)
    expect(page.locator("body")).not_to_contain_text("福岡県立秘密高等学校")
    expect(page.locator(".score-levels").first).to_contain_text(
        "学びたいことと帰国後の行動が具体的に結びついている。"
    )
    _shot(page, "essay-ja")
    _shot(page, "essay-score-panel-ja", ".essay-layout__score")
    # Both criteria missing: both are listed at once.
    page.get_by_role("button", name="提出して基準点を見る").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("「志望の動機」の点数を選んでください。")
    expect(alert).to_contain_text("「表現の明確さ」の点数を選んでください。")
    page.get_by_role("radio", name="志望の動機: 6").check()
    page.get_by_role("radio", name="表現の明確さ: 5").check()
    page.get_by_role("button", name="提出して基準点を見る").click()
    expect(page.get_by_role("status")).to_contain_text("採点を保存しました。")
    motivation = page.get_by_role("row", name=re.compile("志望の動機"))
    expect(motivation.locator("td")).to_have_text(["6", "8", "-2"])
    _shot(page, "compared-ja", ".essay-layout__score")
    page.get_by_role("link", name="次の目合わせ用の作文").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("S-1")
    page.get_by_role("radio", name="志望の動機: 6").check()
    page.get_by_role("radio", name="表現の明確さ: 2").check()
    page.get_by_role("button", name="提出して基準点を見る").click()
    page.get_by_role("link", name="評価項目ごとの差を見る").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("あなたの目合わせ結果")
    # Motivation: 6 - 8 = -2 and 6 - 5 = +1, so -0.5 on average; clarity: +1 and 0, so +0.5.
    expect(page.get_by_role("row", name=re.compile("志望の動機"))).to_contain_text(
        "平均で基準点より0.5点低く"
    )
    expect(page.get_by_role("row", name=re.compile("表現の明確さ"))).to_contain_text(
        "平均で基準点より0.5点高く"
    )
    _shot(page, "results-ja")
    page.get_by_role("link", name="担当の一覧").click()
    expect(page.locator(".calibration-box")).to_contain_text("基準点との差を見る")
