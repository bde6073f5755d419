"""Every public page, and the staff and student pages of the fair selection, in both languages,
on a desktop and a phone, checked with axe-core against WCAG 2.x A and AA (including 2.2), as
the service promises (JIS X 8341-3 AA).

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
            "study tour request",
            "organiser's feedback",
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


@pytest.fixture
def visit_pages(ctx) -> dict[str, str]:
    """The study tours' public pages: the facilities, the request form, an organiser's page
    with proposed dates, and one of a booked visit."""
    from booking.visits.services import facilities as facility_services
    from booking.visits.services.common import add_link as add_visit_link
    from tests.factories.visits import at as visit_at
    from tests.factories.visits import make_visit_request

    facilities = facility_services.seed_default_facilities()
    db.session.commit()
    day = today_jst() + timedelta(days=40)
    proposed = make_visit_request(facilities[:2], status="proposed", starts_at=visit_at(day, 10))
    booked = make_visit_request(facilities[:1], status="scheduled", starts_at=visit_at(day, 13))
    held = make_visit_request(
        facilities[:1], status="completed", starts_at=visit_at(today_jst() - timedelta(days=3), 10)
    )
    proposed_token, booked_token = add_visit_link(proposed), add_visit_link(booked)
    held_token = add_visit_link(held)
    db.session.commit()
    return {
        "study tours": "/visits/",
        "study tour request": "/visits/request",
        "organiser's page with proposed dates": f"/visits/manage/{proposed_token}",
        "organiser's page of a booked visit": f"/visits/manage/{booked_token}",
        "organiser's feedback": f"/visits/manage/{held_token}",
    }


@pytest.mark.parametrize("language", ["ja", "en"])
def test_study_tour_pages_on_a_desktop_meet_wcag_aa(page: Page, axe_source, visit_pages, language):
    problems = check_all(page, axe_source, visit_pages, language)
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_study_tour_pages_on_a_phone_meet_wcag_aa(phone_page: Page, axe_source, visit_pages, language):
    problems = check_all(phone_page, axe_source, visit_pages, language)
    assert problems == [], "\n".join(problems)


@pytest.fixture
def fair_pages(ctx) -> dict[str, dict[str, str]]:
    """A cohort through the fair selection: descriptors, a calibration set scored by a reviewer,
    the review closed with a note in the discussion, an interview round with its shortlist
    invited, decisions taken; the pages of each role who reads them."""
    from booking.core.auth import Role
    from booking.interview import services as interview_services
    from booking.review import services as review_services
    from booking.selection import services as selection_services
    from booking.youth.demo_essays import essay
    from booking.youth.models import ApplicationStatus
    from tests.factories import make_user
    from tests.factories.interview import add_interview_rubric, add_round, add_slot
    from tests.factories.records import past_cohort
    from tests.factories.review import add_application, add_rubric
    from tests.helpers import student_link

    school = School(name="福岡県立戸畑高等学校", school_type=SchoolType.HIGH)
    db.session.add(school)
    db.session.commit()
    now = utcnow()
    cohort = make_cohort(opens_at=now - timedelta(days=30), closes_at=now - timedelta(days=1), places=1)
    criteria = add_rubric(cohort)
    criteria[0].level_low_ja = "研修で学びたいことが書かれていない。"
    criteria[0].level_low_en = "Does not say what the student wants to learn."
    criteria[0].level_high_ja = "学びたいことと帰国後の行動が具体的に結びついている。"
    criteria[0].level_high_en = "Ties what they want to learn to what they will do back home."
    db.session.commit()
    apps = [add_application(cohort, n, school.id, essay=essay(n)) for n in range(1, 4)]
    add_application(past_cohort(2024), 17, school.id, essay=essay(30))
    people = [make_user(Role.REVIEWER, email=f"reviewer{n}@example.jp", name=f"審査 {n}") for n in (1, 2)]
    coordinator = make_user(Role.COORDINATOR, email="coord@example.jp", name="調整 一郎")
    review_services.run_assignment(cohort, coordinator)
    sample = review_services.add_calibration_essay(
        cohort, "Y-2024-017", "", {criteria[0].id: 8, criteria[1].id: 4}, coordinator
    )
    review_services.score_calibration(sample, {criteria[0].id: 6, criteria[1].id: 4}, people[0])
    rank = {a.id: n for n, a in enumerate(apps)}
    for n, person in enumerate(people):
        for group in review_services.queue_for(person):
            for review in group.reviews:
                values = {criteria[0].id: 9 - 2 * rank[review.application_id] - n, criteria[1].id: 3 + n}
                review_services.save_review(review, values, "", submit=True, actor=person)
    review_services.close_review(cohort, coordinator)
    review_services.add_note(cohort, apps[0].id, "動機の段落が具体的です。", people[0])
    add_round(cohort, [people[0]], size=2)
    add_interview_rubric(cohort)
    add_slot(cohort, hour=10, capacity=2, day=today_jst() + timedelta(days=7))
    interview_services.draw_shortlist(cohort, coordinator)
    interview_services.send_invitations(cohort, coordinator)
    selection_services.decide(cohort, apps[0].id, ApplicationStatus.ACCEPTED, coordinator)
    selection_services.decide_rest(cohort, coordinator)
    staff = f"/staff/review/cohorts/{cohort.id}"
    return {
        "reviewer1@example.jp": {
            "reviewer's list": "/staff/review/",
            "calibration essay": f"/staff/review/calibration/{sample.id}",
            "calibration results": f"/staff/review/calibration/cohorts/{cohort.id}",
            "essay in discussion": f"/staff/review/essays/{apps[0].id}",
            "interviewer's list": "/staff/interview/",
            "interview scores": f"/staff/interview/applications/{apps[0].id}",
        },
        "coord@example.jp": {
            "calibration set": f"{staff}/calibration",
            "masks": f"{staff}/masks",
            "masks of an essay": f"{staff}/masks/{apps[0].id}",
            "agreement": f"{staff}/agreement",
            "essay and discussion": f"{staff}/applications/{apps[0].id}",
            "interview settings": f"/staff/interview/cohorts/{cohort.id}/settings",
            "interview rubric": f"/staff/interview/cohorts/{cohort.id}/rubric",
            "interview times": f"/staff/interview/cohorts/{cohort.id}/slots",
            "shortlist": f"/staff/interview/cohorts/{cohort.id}/shortlist",
            "combined ranking": f"/staff/interview/cohorts/{cohort.id}/ranking",
            "decisions": f"/staff/selection/cohorts/{cohort.id}/decisions",
            "feedback": f"/staff/selection/cohorts/{cohort.id}/feedback",
            "results preview": f"/staff/selection/cohorts/{cohort.id}/preview",
        },
        "": {"student's interview": student_link(ctx, "student1@example.jp")},
    }


def check_fair_pages(
    page: Page, axe_source: str, fair_pages: dict[str, dict[str, str]], language: str
) -> list[str]:
    from tests.e2e.conftest import sign_in

    found = []
    for email, paths in fair_pages.items():
        page.context.clear_cookies()
        if email:
            sign_in(page, email)
        page.goto(f"/language/{language}?next=/")
        for name, path in paths.items():
            response = page.goto(path)
            # A page refused, missing or sent back to the sign-in form would pass axe unread.
            if response.status != 200 or response.request.redirected_from is not None:
                found.append(f"{name} [{language}]: HTTP {response.status} at {page.url}")
            found += [f"{name} [{language}]: {v}" for v in violations(page, axe_source)]
    return found


@pytest.mark.parametrize("language", ["ja", "en"])
def test_fair_selection_pages_on_a_desktop_meet_wcag_aa(page: Page, axe_source, fair_pages, language):
    problems = check_fair_pages(page, axe_source, fair_pages, language)
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_fair_selection_pages_on_a_phone_meet_wcag_aa(phone_page: Page, axe_source, fair_pages, language):
    problems = check_fair_pages(phone_page, axe_source, fair_pages, language)
    assert problems == [], "\n".join(problems)


@pytest.fixture
def open_days_path(ctx) -> str:
    """The open days of the month after next (past the lead time) with every state on show."""
    from booking.lectures.rules import is_day_off
    from booking.scheduling.models import TimeOff
    from tests.factories.lectures import at, make_lecturer, make_program, make_request

    program = make_program()
    lecturers = [make_lecturer() for _ in range(3)]
    first = (today_jst().replace(day=1) + timedelta(days=62)).replace(day=1)
    school_days = [first + timedelta(days=n) for n in range(28) if not is_day_off(first + timedelta(days=n))]
    for lecturer in lecturers[:2]:  # one lecturer left: nearly full
        start = at(school_days[1], 0)
        db.session.add(TimeOff(person_id=lecturer.id, starts_at=start, ends_at=start + timedelta(days=1)))
    for hour in (9, 11, 14):  # the daily cap reached: full
        make_request(
            program, status="scheduled", lecturers=[lecturers[0]], starts_at=at(school_days[2], hour)
        )
    db.session.commit()
    return f"/lectures/availability?month={first:%Y-%m}"


@pytest.mark.parametrize("device", ["desktop", "phone"])
@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_open_days_page_meets_wcag_aa(request, axe_source, open_days_path, language, device):
    page = request.getfixturevalue("page" if device == "desktop" else "phone_page")
    page.goto(f"/language/{language}?next=/")
    page.goto(open_days_path)
    assert page.locator("main a[href*='/lectures/request?date=']").count() > 0
    for state in ("open", "nearly_full", "full"):
        assert page.locator(f".availability-mark--{state}").count() > 1, state
    problems = violations(page, axe_source)
    assert problems == [], "\n".join(problems)
