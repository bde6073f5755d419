"""Fair selection from end to end, in the browser over HTTPS, as production serves it.

One story: a reviewer scores the calibration set and sees how far they are; scores their essays
(descriptors beside the buttons, names masked); the coordinator closes the review; the reviewer
writes a note and revises a score with a reason; the coordinator sets an interview round,
shortlists and invites; a student on a phone picks a time through the private link; an
interviewer scores; the coordinator reads the combined ranking, decides, writes a feedback
note, previews and publishes; the not-selected student's email holds the bands and the note,
never a reviewer's comment. Only the records no browser step adds (applications, the rubric, a
second reviewer's scores) are written directly.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from booking.core.auth import Role
from booking.core.time import today_jst, utcnow
from booking.extensions import db
from booking.interview.models import InterviewBooking
from booking.review import services as review_services
from booking.schools.models import School, SchoolType
from booking.youth.demo_essays import essay
from tests.e2e.conftest import DESKTOP, PHONE, SCREENSHOTS, sign_in
from tests.factories import make_user
from tests.factories.interview import add_interview_rubric
from tests.factories.records import past_cohort
from tests.factories.review import SECRETS, add_application, add_rubric
from tests.factories.youth import make_cohort
from tests.helpers import outbox

SCHOOL = "福岡県立秘密高等学校"
# The first student's essay names her, in kanji and katakana, and her school's short form.
OWN_WORDS = "私、秘密川花音子（ヒミツカワ カノンコ）は、県立秘密高校で水道を調べました。\n"
HIGH = "学びたいことと帰国後の行動が具体的に結びついている。"
COMMENT = "審査員メモ：結論が弱い"
NOTE = "動機の段落は具体的で、もう少し高く評価してもよいと考えます。"
REASON = "他の審査員のメモを読み、動機の段落を読み直しました。"
FEEDBACK = "水道の仕事への関心がよく伝わりました。ぜひまた挑戦してください。"
# Motivation (0-10) and clarity (0-5) by applicant number: the first reviewer's in the browser,
# the second reviewer's written directly. Essay 2's motivation goes from 7 to 8 in the discussion.
FIRST = {1: (9, 5), 2: (7, 4), 3: (5, 3), 4: (3, 2)}
SECOND = {1: (8, 5), 2: (8, 4), 3: (6, 2), 4: (2, 2)}
INTERVIEW_DAY = today_jst() + timedelta(days=7)
LINK = re.compile(r"https://127\.0\.0\.1:\d+(/youth/applications/\S+)")


def _shot(page: Page, name: str, part: str | None = None) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = page.locator(part).first if part else page
    options = {} if part else {"full_page": True}
    target.screenshot(path=str(SCREENSHOTS / f"journey-{name}.png"), **options)


def _window(browser: Browser, base_url: str, request, size: dict) -> Page:
    context = browser.new_context(
        base_url=base_url, locale="ja-JP", timezone_id="Asia/Tokyo", ignore_https_errors=True, **size
    )
    request.addfinalizer(context.close)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def _score(page: Page, motivation: int, clarity: int) -> None:
    page.get_by_role("radio", name=f"志望の動機: {motivation}").check()
    page.get_by_role("radio", name=f"表現の明確さ: {clarity}").check()


@pytest.fixture
def cohort_to_review(ctx):
    """Four essays closed yesterday, descriptors on the rubric, two reviewers assigned to every
    essay, a 2024 essay in the calibration set, an interviewer, one place and one waiting."""
    school = School(name=SCHOOL, school_type=SchoolType.HIGH)
    db.session.add(school)
    db.session.commit()
    now = utcnow()
    cohort = make_cohort(
        opens_at=now - timedelta(days=30), closes_at=now - timedelta(days=1), places=1, waitlist_length=1
    )
    criteria = add_rubric(cohort)
    criteria[0].level_low_ja = "研修で学びたいことが書かれていない。"
    criteria[0].level_mid_ja = "学びたいことはあるが、帰国後にどう生かすかがはっきりしない。"
    criteria[0].level_high_ja = HIGH
    db.session.commit()
    apps = [add_application(cohort, 1, school.id, essay=OWN_WORDS + essay(1), **SECRETS)]
    apps += [add_application(cohort, n, school.id, essay=essay(n)) for n in range(2, 5)]
    add_application(past_cohort(2024), 17, school.id, essay=essay(30), **SECRETS)
    make_user(Role.REVIEWER, email="reviewer1@example.jp", name="審査 由美")
    second = make_user(Role.REVIEWER, email="reviewer2@example.jp", name="森本 恵")
    coordinator = make_user(Role.COORDINATOR, email="coord@example.jp", name="調整 一郎")
    review_services.run_assignment(cohort, coordinator)
    review_services.add_calibration_essay(
        cohort, "Y-2024-017", "", {criteria[0].id: 8, criteria[1].id: 4}, coordinator
    )
    number = {a.id: n for n, a in enumerate(apps, start=1)}
    for group in review_services.queue_for(second):
        for review in group.reviews:
            m, c = SECOND[number[review.application_id]]
            values = {criteria[0].id: m, criteria[1].id: c}
            review_services.save_review(review, values, COMMENT, submit=True, actor=second)
    # The interviewer reads no essay: added after the assignment.
    make_user(Role.REVIEWER, email="interviewer@example.jp", name="面接 太郎")
    add_interview_rubric(cohort)
    return cohort, apps


def test_fair_selection_from_calibration_to_published_feedback(
    browser: Browser, https_server: str, https_app, request, cohort_to_review
):
    cohort, apps = cohort_to_review
    codes = {n: a.code for n, a in enumerate(apps, start=1)}
    number = {code: n for n, code in codes.items()}
    reviewer = _window(browser, https_server, request, DESKTOP)
    coordinator = _window(browser, https_server, request, DESKTOP)

    # 1. Calibration: the reviewer scores the past essay first and sees how far they are.
    sign_in(reviewer, "reviewer1@example.jp")
    reviewer.goto("/staff/review/")
    box = reviewer.locator(".calibration-box")
    expect(box).to_contain_text("目合わせ用の作文1件を採点してください")
    expect(reviewer.locator("main")).to_contain_text(
        "あなた専用に無作為に決めたもので、変わることはありません"
    )
    box.get_by_role("link", name="Y-2024-017").click()
    expect(reviewer.get_by_role("heading", level=1)).to_contain_text("Y-2024-017")
    _score(reviewer, 6, 5)
    reviewer.get_by_role("button", name="提出して基準点を見る").click()
    expect(reviewer.get_by_role("status")).to_contain_text("採点を保存しました。")
    reviewer.get_by_role("link", name="評価項目ごとの差を見る").click()
    expect(reviewer.get_by_role("heading", level=1)).to_contain_text("あなたの目合わせ結果")
    # 6 against a reference of 8, 5 against 4.
    distances = reviewer.get_by_role("row")
    expect(distances.filter(has_text="志望の動機")).to_contain_text("平均で基準点より2.0点低く")
    expect(distances.filter(has_text="表現の明確さ")).to_contain_text("平均で基準点より1.0点高く")
    _shot(reviewer, "calibration-results-ja")

    # 2. The essays, in the reviewer's own fixed order: descriptors by the buttons, names masked.
    reviewer.get_by_role("link", name="担当の一覧").click()
    queue = reviewer.locator("table tbody th a")
    expect(queue).to_have_count(4)
    order = queue.all_inner_texts()
    for code in order:
        reviewer.goto("/staff/review/")
        reviewer.locator("table tbody th a", has_text=code).click()
        expect(reviewer.get_by_role("heading", level=1)).to_contain_text(code)
        expect(reviewer.locator(".score-levels").first).to_contain_text(HIGH)
        if number[code] == 1:
            expect(reviewer.locator(".essay-text")).to_contain_text("私、■■（■■）は、■■で水道を調べました。")
            for value in (*SECRETS.values(), SCHOOL, "秘密高", "カノンコ"):
                expect(reviewer.locator("body")).not_to_contain_text(value)
            _shot(reviewer, "essay-masked-ja")
        _score(reviewer, *FIRST[number[code]])
        reviewer.get_by_role("button", name="審査を提出する").click()
        done = "担当のすべての作文の採点が終わりました" if code == order[-1] else "審査を提出しました。"
        expect(reviewer.get_by_role("status")).to_contain_text(done)

    # 3. The coordinator closes the review.
    sign_in(coordinator, "coord@example.jp")
    coordinator.goto(f"/staff/review/cohorts/{cohort.id}/ranking")
    coordinator.once("dialog", lambda dialog: dialog.accept())
    coordinator.get_by_role("button", name="審査を締め切る").click()
    expect(coordinator.get_by_role("status")).to_contain_text("審査を締め切りました")

    # 4. The discussion: a note, then a score revised with its reason.
    reviewer.goto(f"/staff/review/essays/{apps[1].id}")
    expect(reviewer.locator("body")).to_contain_text("議論の期間中です")
    reviewer.get_by_label("メモ").fill(NOTE)
    reviewer.get_by_role("button", name="メモを追加する").click()
    expect(reviewer.get_by_role("status")).to_contain_text("メモを議論に追加しました")
    reviewer.locator("#amend summary").click()
    reviewer.get_by_role("radio", name="志望の動機: 8").check()
    reviewer.get_by_label("点数を変更する理由").fill(REASON)
    reviewer.locator("#amend").get_by_role("button", name="点数を変更する").click()
    expect(reviewer.get_by_role("status")).to_contain_text("点数を変更しました")
    expect(reviewer.locator(".summary-list")).to_contain_text("8 / 10")
    _shot(reviewer, "discussion-ja")
    coordinator.goto(f"/staff/review/cohorts/{cohort.id}/applications/{apps[1].id}")
    expect(coordinator.locator("#discussion")).to_contain_text(NOTE)
    expect(coordinator.locator("#history")).to_contain_text("志望の動機：7 → 8")
    expect(coordinator.locator("#history")).to_contain_text(REASON)

    # 5. The interview round: settings, a time, the shortlist by ranking, the invitations.
    coordinator.goto(f"/staff/interview/cohorts/{cohort.id}/settings")
    coordinator.get_by_label("この研修では面接を行う").check()
    coordinator.get_by_label("作文の比重(%)").fill("60")
    coordinator.get_by_label("面接の比重(%)").fill("40")
    coordinator.get_by_label("面接に招く人数").fill("2")
    coordinator.get_by_label("面接 太郎").check()
    coordinator.get_by_role("button", name="設定を保存する").click()
    expect(coordinator.get_by_role("status")).to_contain_text("面接の設定を保存しました")
    coordinator.get_by_role("link", name="面接の日時").click()
    coordinator.get_by_label("日付").fill(INTERVIEW_DAY.isoformat())
    coordinator.get_by_label("開始時刻(日本時間)").fill("10:00")
    coordinator.get_by_label("終了時刻(日本時間)").fill("10:20")
    coordinator.get_by_label("場所(日本語)").fill("上下水道局 会議室")
    coordinator.get_by_label("この枠の人数").fill("2")
    coordinator.get_by_role("button", name="日時を追加する").click()
    expect(coordinator.get_by_role("status")).to_contain_text("面接の日時を追加しました")
    coordinator.get_by_role("link", name="面接対象者", exact=True).click()
    coordinator.get_by_role("button", name="順位から面接対象者を選ぶ").click()
    expect(coordinator.get_by_role("status")).to_contain_text("2人")
    # Essays 1 and 2 rank first (17/10 and 15/8 after the change, against 11/5 and 5/4).
    expect(coordinator.locator("main")).to_contain_text(codes[1])
    expect(coordinator.locator("main")).to_contain_text(codes[2])
    coordinator.get_by_role("button", name="面接の案内を送る").click()
    expect(coordinator.get_by_role("status")).to_contain_text("2人の生徒と保護者に面接の案内を送ります")
    _shot(coordinator, "shortlist-ja")

    # 6. The first student picks the time on a phone, through the private link.
    invitation = outbox(https_app, to=SECRETS["email"], template="interview/invitation_to_student")[0]
    phone = _window(browser, https_server, request, PHONE)
    phone.goto(LINK.search(invitation.body_text).group(1))
    expect(phone.get_by_role("heading", name="面接")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.get_by_label(re.compile("10:00–10:20")).check()
    phone.get_by_role("button", name="この日時で予約する").click()
    expect(phone.get_by_role("status")).to_contain_text("面接の日時を予約しました")
    expect(phone.locator(".interview")).to_contain_text("あなたの面接：")
    ics = phone.get_by_role("link", name="面接をカレンダーに追加する(.ics)")
    expect(ics).to_be_visible()
    _shot(phone, "interview-picked-phone-ja", ".interview")
    with phone.expect_download() as download:
        ics.click()
    assert b"BEGIN:VEVENT" in Path(download.value.path()).read_bytes()
    db.session.rollback()
    assert db.session.query(InterviewBooking).count() == 1

    # 7. The interviewer scores both shortlisted students (communication, motivation; 0-5).
    interviewer = _window(browser, https_server, request, DESKTOP)
    sign_in(interviewer, "interviewer@example.jp")
    # The interviewer meets the students, so their list names them.
    for name, (communication, motivation) in ((SECRETS["given_name"], (4, 5)), ("生徒2", (2, 3))):
        interviewer.goto("/staff/interview/")
        interviewer.get_by_role("link", name=re.compile(name)).click()
        expect(interviewer.get_by_role("heading", level=1)).to_contain_text(name)
        for criterion, value in (("伝える力", communication), ("意欲", motivation)):
            group = interviewer.get_by_role("group", name=re.compile(criterion))
            group.get_by_label(str(value), exact=True).check()
        interviewer.get_by_role("button", name="点数を保存する").click()
        expect(interviewer.get_by_role("status")).to_contain_text("面接の点数を保存しました")

    # 8. The combined ranking, the decisions, a note for a student not selected, publication.
    coordinator.goto(f"/staff/interview/cohorts/{cohort.id}/ranking")
    expect(coordinator.get_by_role("heading", level=1)).to_contain_text("総合順位")
    rows = coordinator.locator("table tbody tr")
    expect(rows).to_have_count(2)
    # Both figures favour essay 1: it is first, essay 2 second.
    expect(rows.nth(0).locator("th")).to_have_text(codes[1])
    expect(rows.nth(1).locator("th")).to_have_text(codes[2])
    _shot(coordinator, "combined-ranking-ja")
    coordinator.goto(f"/staff/selection/cohorts/{cohort.id}/decisions")
    for code, button, status in ((codes[1], "選考通過にする", "選考通過"), (codes[2], "補欠", "補欠")):
        row = coordinator.get_by_role("row", name=re.compile(code))
        row.get_by_role("button", name=re.compile(button)).click()
        expect(coordinator.get_by_role("row", name=re.compile(code))).to_contain_text(status)
    coordinator.once("dialog", lambda dialog: dialog.accept())
    coordinator.get_by_role("button", name="未決定をすべて選外にする").click()
    expect(coordinator.get_by_role("status")).to_contain_text("2件の応募を選外にしました")
    _shot(coordinator, "decisions-ja")
    coordinator.get_by_role("link", name="生徒へのフィードバック").click()
    # The tenth step of the row is the current one: the steps wrap, none is cut at the edge.
    current = coordinator.locator(".step-nav [aria-current]").bounding_box()
    steps = coordinator.locator(".step-nav").bounding_box()
    assert current["x"] + current["width"] <= steps["x"] + steps["width"] + 1
    expect(coordinator.locator("body")).not_to_contain_text(COMMENT)
    # Bands of essay 3, worked by hand from each reviewer's z-scores per criterion (population
    # standard deviation; essay 2's motivation as changed in the discussion):
    # motivation: first reviewer 9, 8, 5, 3 (mean 6.25, sd 2.385) gives -0.524; second 8, 8, 6, 2
    # (mean 6) gives 0; mean -0.262, between -0.43 and +0.43: good.
    # clarity: first 5, 4, 3, 2 (mean 3.5, sd 1.118) gives -0.447; second 5, 4, 2, 2 (mean 3.25,
    # sd 1.299) gives -0.962; mean -0.705: to develop.
    card = coordinator.locator(f"#application-{apps[2].id}")
    expect(card).to_contain_text("良好")
    expect(card).to_contain_text("今後の伸びしろ")
    card.get_by_label("生徒へのひとこと").fill(FEEDBACK)
    card.get_by_role("button", name="ひとことを保存").click()
    expect(coordinator.get_by_role("status")).to_contain_text("ひとことを保存しました")
    _shot(coordinator, "feedback-ja")
    coordinator.get_by_role("link", name="メールを確認する").click()
    preview = coordinator.locator("section.email-preview").filter(has_text=codes[3]).first
    expect(preview).to_contain_text("志望の動機：良好")
    expect(preview).to_contain_text("表現の明確さ：今後の伸びしろ")
    expect(preview).to_contain_text(FEEDBACK)
    expect(coordinator.locator("body")).not_to_contain_text(COMMENT)
    _shot(coordinator, "preview-ja")
    preview.screenshot(path=str(SCREENSHOTS / "journey-preview-not-selected-ja.png"))
    coordinator.once("dialog", lambda dialog: dialog.accept())
    coordinator.get_by_role("button", name="選考結果を公開して8件のメールを送信する").click()
    expect(coordinator.get_by_role("status")).to_contain_text("選考結果を公開しました")

    # 9. The email to the student not selected: bands and the note, never a reviewer's comment.
    results = outbox(https_app, template="selection/result_to_student")
    assert len(results) == 4
    for email in outbox(https_app):
        assert COMMENT not in email.subject + email.body_text + email.body_html
        assert NOTE not in email.body_text and REASON not in email.body_text
    letter = outbox(https_app, to="student3@example.jp", template="selection/result_to_student")[0]
    assert "志望の動機：良好" in letter.body_text and "表現の明確さ：今後の伸びしろ" in letter.body_text
    assert FEEDBACK in letter.body_text and FEEDBACK in letter.body_html
    # Essay 4 is last for both reviewers on both criteria: to develop twice, and no note.
    other = outbox(https_app, to="student4@example.jp", template="selection/result_to_student")[0]
    assert "志望の動機：今後の伸びしろ" in other.body_text
    assert "表現の明確さ：今後の伸びしろ" in other.body_text
    assert FEEDBACK not in other.body_text
