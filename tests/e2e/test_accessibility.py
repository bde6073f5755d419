"""Every public page, in both languages, on a desktop and a phone, checked with axe-core
against WCAG 2.x A and AA (including 2.2), as the service promises (JIS X 8341-3 AA).

axe-core comes from npm (package.json); `make test` installs it. Without it the checks are
skipped, except in CI, where they must run.
"""

from __future__ import annotations

import contextlib
import os
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from booking.core.time import fiscal_year, today_jst, utcnow
from booking.extensions import db
from booking.schools.models import School, SchoolType
from tests.factories.youth import make_cohort

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        message = "axe-core is not installed (npm ci)"
        if os.environ.get("CI"):
            pytest.fail(message + "; the accessibility checks must run in CI")
        pytest.skip(message)
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def pages(ctx) -> dict[str, str]:
    """A request with its private page, an open cohort with an application and its guardian."""
    import re

    from booking.lectures.services import add_link
    from booking.youth import services as youth
    from tests.factories.lectures import at, make_lecturer, make_program, make_request
    from tests.helpers import outbox
    from tests.youth.test_codes import _data

    program = make_program()
    lecture = make_request(
        program,
        status="scheduled",
        lecturers=[make_lecturer()],
        starts_at=at(today_jst() + timedelta(days=30), 10),
    )
    lecture_token = add_link(lecture)
    # A lecture held last week: the track record draws its charts, the teacher gives feedback.
    held = make_request(program, status="completed", starts_at=at(today_jst() - timedelta(days=7), 10))
    held_token = add_link(held)
    db.session.add(School(name="福岡県立小倉高等学校", school_type=SchoolType.HIGH))
    db.session.commit()
    now = utcnow()
    cohort = make_cohort(
        fiscal_year=fiscal_year(today_jst()),
        opens_at=now - timedelta(days=5),
        closes_at=now + timedelta(days=5),
    )
    school_id = db.session.scalar(db.select(School.id))
    saved = youth.submit_application(cohort, _data(1, school_id), language="ja")
    (request,) = outbox(ctx, template="youth/consent_request_to_guardian")
    consent_path = re.search(r"(/youth/consent/\S+)", request.body_text).group(1)
    return {
        "home": "/",
        "privacy": "/privacy",
        "accessibility": "/accessibility",
        "lectures": "/lectures/",
        "lecture request": f"/lectures/request?program={program.id}",
        "teacher's page": f"/lectures/manage/{lecture_token}",
        "teacher's feedback": f"/lectures/manage/{held_token}",
        "youth": "/youth/",
        "application form": "/youth/apply",
        "student's page": f"/youth/applications/{saved.token}",
        "guardian's page": consent_path,
        "track record": "/records",
        "staff sign-in": "/staff/login",
        "not found": "/no/such/page",
    }


def violations(page: Page, axe_source: str) -> list[str]:
    page.evaluate(axe_source)  # evaluated through the browser's protocol: the CSP does not apply
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]


def send_and_wait_for_the_answer(page: Page) -> None:
    """Send the page's form and wait until the answer page has loaded.

    axe must not run on a page still being replaced. A form the browser itself holds back
    (its own checks of required fields) keeps the page: then there is nothing to wait for.
    """
    page.evaluate("window.__sent = true")
    page.locator("main form[method=post] button[type=submit]").first.click()
    with contextlib.suppress(PlaywrightTimeoutError):
        page.wait_for_function(
            "() => window.__sent === undefined && document.readyState === 'complete'", timeout=5000
        )


def check_all(page: Page, axe_source: str, pages: dict[str, str], language: str) -> list[str]:
    found = []
    page.goto(f"/language/{language}?next=/")
    for name, path in pages.items():
        page.goto(path)
        found += [f"{name} [{language}]: {v}" for v in violations(page, axe_source)]
        # The same pages with their forms sent empty: the error states must pass too.
        if name in (
            "lecture request",
            "application form",
            "staff sign-in",
            "guardian's page",
            "teacher's feedback",
        ):
            send_and_wait_for_the_answer(page)
            found += [f"{name} with errors [{language}]: {v}" for v in violations(page, axe_source)]
    return found


@pytest.mark.parametrize("language", ["ja", "en"])
def test_public_pages_on_a_desktop_meet_wcag_aa(page: Page, axe_source, pages, language):
    problems = check_all(page, axe_source, pages, language)
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_public_pages_on_a_phone_meet_wcag_aa(phone_page: Page, axe_source, pages, language):
    problems = check_all(phone_page, axe_source, pages, language)
    assert problems == [], "\n".join(problems)
