"""Browser journeys of the youth training: a student applies on a phone, the guardian consents,
the coordinator sees it in the list."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from booking.core.auth import Role
from booking.core.time import fiscal_year, today_jst, utcnow
from booking.extensions import db
from booking.schools.models import School, SchoolType
from booking.youth import services
from booking.youth.demo_essays import essay
from tests.e2e.conftest import SCREENSHOTS, sign_in
from tests.factories import make_user
from tests.factories.youth import make_cohort
from tests.helpers import outbox


@pytest.fixture
def open_cohort(ctx):
    db.session.add_all(
        [
            School(name="福岡県立小倉高等学校", school_type=SchoolType.HIGH),
            School(name="北九州工業高等専門学校", school_type=SchoolType.OTHER),
        ]
    )
    db.session.commit()
    now = utcnow()
    return make_cohort(
        fiscal_year=fiscal_year(today_jst()),
        title_ja=f"{fiscal_year(today_jst())}年度 上下水道ユース研修",
        opens_at=now - timedelta(days=10),
        closes_at=now + timedelta(days=10),
    )


def _shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"youth-{name}.png"), full_page=True)


def _fill_application(page: Page, text: str) -> None:
    page.get_by_label("姓 必須", exact=True).fill("山田")
    page.get_by_label("名 必須", exact=True).fill("花子")
    page.get_by_label("姓(フリガナ) 必須", exact=True).fill("やまだ")
    page.get_by_label("名(フリガナ) 必須", exact=True).fill("ﾊﾅｺ")
    page.get_by_label("学校 必須", exact=True).select_option(label="福岡県立小倉高等学校")
    page.get_by_label("2年生").check()
    page.get_by_label("あなたのメールアドレス 必須", exact=True).fill("hanako@example.jp")
    page.get_by_label("あなたの電話番号 必須", exact=True).fill("090-3333-4444")
    page.get_by_label("保護者の氏名 必須", exact=True).fill("山田 太郎")
    page.get_by_label("あなたとの続柄 必須", exact=True).fill("父")
    page.get_by_label("保護者のメールアドレス 必須", exact=True).fill("taro@example.jp")
    page.get_by_label("保護者の電話番号 必須", exact=True).fill("093-582-0000")
    page.get_by_label("作文 必須", exact=True).fill(text)


def _confirm_and_send(page: Page) -> None:
    for label in ("私は市内の高校生", "上記の研修日程すべてに参加できます", "個人情報の取り扱いを読み"):
        page.get_by_label(label).check()
    page.get_by_role("button", name="応募を送信する").click()


def _fill_consent(page: Page) -> None:
    page.get_by_label("この応募と、海外渡航を含む研修への子どもの参加に同意します。").check()
    page.get_by_label("あなたの氏名").fill("山田 太郎")


def test_a_student_applies_on_a_phone_the_guardian_consents_and_staff_see_it(
    phone_page: Page, page: Page, live_app, open_cohort
):
    year = open_cohort.fiscal_year
    phone_page.goto("/youth/")
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("上下水道ユース研修")
    _shot(phone_page, "index-phone-ja")
    phone_page.get_by_role("link", name="応募する").first.click()
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("ユース研修に応募する")

    # The counter moves as the student writes, and counts as the server does.
    first_part = essay(3)[:300]
    _fill_application(phone_page, first_part)
    counter = phone_page.locator("#essay-counter")
    expect(counter).to_contain_text("現在 ")
    expect(counter).to_contain_text("字 / 600〜800字(あと")
    short_count = int(re.search(r"現在 (\d+)字", counter.inner_text()).group(1))
    phone_page.get_by_label("作文 必須", exact=True).fill(essay(3) + "\n\n　")
    expect(counter).to_have_text(re.compile(r"現在 \d+字 / 600〜800字$"))
    long_count = int(re.search(r"現在 (\d+)字", counter.inner_text()).group(1))
    assert short_count < 600 <= long_count <= 800
    # Screen readers hear it politely once typing pauses.
    expect(phone_page.locator("#essay-counter-live")).to_have_attribute("aria-live", "polite")
    expect(phone_page.locator("#essay-counter-live")).to_have_text(re.compile("現在"), timeout=5000)

    # Forgetting the confirmations: every message at the top and by its field, nothing lost.
    phone_page.get_by_role("button", name="応募を送信する").click()
    summary = phone_page.get_by_role("alert")
    expect(summary).to_contain_text("応募資格があることを確認")
    expect(summary).to_be_focused()
    expect(phone_page.get_by_label("作文 必須", exact=True)).to_have_value(
        re.compile("^" + re.escape(essay(3)[:20]))
    )
    _shot(phone_page, "apply-errors-phone-ja")

    _confirm_and_send(phone_page)
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("あなたの応募")
    expect(phone_page.get_by_text(f"Y-{year}-001").first).to_be_visible()
    expect(phone_page.get_by_text("保護者の回答待ち")).to_be_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(phone_page, "application-phone-ja")

    # The guardian opens the emailed link (on a phone too) and consents.
    (request,) = outbox(live_app, template="youth/consent_request_to_guardian")
    path = re.search(r"http://booking.test(/youth/consent/\S+)", request.body_text).group(1)
    phone_page.goto(path)
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("保護者の同意")
    expect(phone_page.get_by_text("山田 花子").first).to_be_visible()
    _fill_consent(phone_page)
    _shot(phone_page, "consent-phone-ja")
    phone_page.get_by_role("button", name="回答を送信する").click()
    expect(phone_page.get_by_role("status")).to_contain_text("ご回答を記録")
    expect(phone_page.get_by_text("同意済み").first).to_be_visible()

    # The coordinator sees it in the list.
    with live_app.app_context():
        make_user(Role.COORDINATOR, email="coord@example.jp")
    sign_in(page, "coord@example.jp")
    page.get_by_role("link", name="ユース研修", exact=True).click()
    page.get_by_role("link", name="応募", exact=True).click()
    row = page.get_by_role("row", name=re.compile(f"Y-{year}-001"))
    expect(row).to_contain_text("山田 花子")
    expect(row).to_contain_text("同意済み")
    expect(row).to_contain_text("受付済み")
    _shot(page, "staff-applications-ja")


def test_the_public_pages_in_english_on_a_phone_and_a_desktop(phone_page: Page, page: Page, open_cohort):
    for current, size in ((phone_page, "phone"), (page, "desktop")):
        current.goto("/language/en?next=/youth/")
        expect(current.get_by_role("heading", level=1)).to_have_text("Water and sewer youth training")
        _shot(current, f"index-{size}-en")
        current.get_by_role("link", name="Apply now").first.click()
        expect(current.get_by_role("heading", level=1)).to_have_text("Apply for the youth training")
        current.get_by_label("Essay Required", exact=True).fill("水" * 120)
        expect(current.locator("#essay-counter")).to_have_text(
            "Now 120 characters / 600–800 characters (480 more to go)"
        )
        _shot(current, f"apply-{size}-en")
        if size == "phone":
            assert current.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto("/language/ja?next=/youth/apply")
    _shot(page, "apply-desktop-ja")


def test_the_student_and_guardian_pages_in_english(phone_page: Page, live_app, open_cohort):
    from tests.youth.test_codes import _data

    school_id = db.session.scalar(db.select(School.id).where(School.school_type == SchoolType.HIGH))
    saved = services.submit_application(open_cohort, _data(1, school_id), language="en")
    phone_page.goto(f"/language/en?next=/youth/applications/{saved.token}")
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Your application")
    expect(phone_page.get_by_text("Awaiting the guardian's answer")).to_be_visible()
    phone_page.locator("summary").click()
    expect(phone_page.locator("#essay-counter")).to_contain_text("Now ")
    _shot(phone_page, "application-phone-en")
    (request,) = outbox(live_app, template="youth/consent_request_to_guardian")
    assert request.language == "en"
    path = re.search(r"http://booking.test(/youth/consent/\S+)", request.body_text).group(1)
    phone_page.goto(path)
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Guardian's consent")
    phone_page.get_by_label("I do not consent.").check()
    phone_page.get_by_label("Your full name Required", exact=True).fill("Yamada Hogosha")
    phone_page.get_by_role("button", name="Send my answer").click()
    expect(phone_page.get_by_text("Consent refused").first).to_be_visible()
    expect(phone_page.get_by_role("heading", name="Change your answer")).to_be_visible()
    _shot(phone_page, "consent-phone-en")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_student_applies_and_the_guardian_consents_over_https(
    https_phone_page: Page, https_app, open_cohort
):
    """Behind the HTTPS proxy, as in production: both forms are accepted (CSRF stays strict)."""
    https_phone_page.goto("/youth/apply")
    _fill_application(https_phone_page, essay(3))
    _confirm_and_send(https_phone_page)
    expect(https_phone_page.get_by_role("heading", level=1)).to_have_text("あなたの応募")
    assert https_phone_page.url.startswith(https_app.config["BASE_URL"] + "/youth/applications/")

    (request,) = outbox(https_app, template="youth/consent_request_to_guardian")
    link = re.search(r"https://\S+/youth/consent/\S+", request.body_text).group(0)
    https_phone_page.goto(link)
    _fill_consent(https_phone_page)
    https_phone_page.get_by_role("button", name="回答を送信する").click()
    expect(https_phone_page.get_by_role("status")).to_contain_text("ご回答を記録")
    expect(https_phone_page.get_by_text("同意済み").first).to_be_visible()
