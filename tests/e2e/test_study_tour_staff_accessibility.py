"""The study tours' staff pages, in both languages, on a desktop and a phone, checked with
axe-core against WCAG 2.x A and AA like every other page (see test_accessibility.py): the
inbox, a request, its forms (and the schedule form's error state), and a guide's own tours."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page

from booking.core.auth import Role
from booking.core.time import utcnow
from tests.e2e.conftest import sign_in
from tests.e2e.test_accessibility import axe_source, send_and_wait_for_the_answer, violations  # noqa: F401
from tests.factories import make_user
from tests.factories.lectures import make_program
from tests.factories.lectures import make_request as make_lecture
from tests.factories.visits import GOOD_DAY, at, book_staff, make_guide, make_visit_request


@pytest.fixture
def tours(ctx) -> dict[str, object]:
    make_user(Role.COORDINATOR, email="coord@example.jp")
    both = make_guide("水野 健太", also_lecturer=True, email="mizuno@example.jp")
    received = make_visit_request()
    make_lecture(
        make_program(), status="scheduled", lecturers=[both], starts_at=received.candidates[0].starts_at
    )
    booked = make_visit_request(status="scheduled", starts_at=at(GOOD_DAY + timedelta(days=7), 10))
    book_staff(booked, [both])
    started = make_visit_request(status="scheduled", starts_at=utcnow() - timedelta(days=3))
    return {
        "coord@example.jp": {
            "inbox": "/staff/visits/",
            "request": f"/staff/visits/{received.id}",
            "schedule": f"/staff/visits/{received.id}/schedule",
            "propose": f"/staff/visits/{received.id}/propose",
            "decline": f"/staff/visits/{received.id}/decline",
            "booked request": f"/staff/visits/{booked.id}",
            "reschedule": f"/staff/visits/{booked.id}/reschedule",
            "record as held": f"/staff/visits/{started.id}/complete",
        },
        "mizuno@example.jp": {
            "my study tours": "/staff/visits/mine",
            "my tour": f"/staff/visits/{booked.id}",
        },
    }


def _check(page: Page, axe_source: str, tours: dict, language: str) -> list[str]:  # noqa: F811
    found = []
    for email, paths in tours.items():
        page.context.clear_cookies()
        sign_in(page, email)
        page.goto(f"/language/{language}?next=/")
        for name, path in paths.items():
            response = page.goto(path)
            if response.status != 200 or response.request.redirected_from is not None:
                found.append(f"{name} [{language}]: HTTP {response.status} at {page.url}")
            found += [f"{name} [{language}]: {v}" for v in violations(page, axe_source)]
            if name == "schedule":
                send_and_wait_for_the_answer(page)  # nothing chosen: the error state
                found += [f"{name} with errors [{language}]: {v}" for v in violations(page, axe_source)]
    return found


@pytest.mark.parametrize("language", ["ja", "en"])
def test_study_tour_staff_pages_on_a_desktop_meet_wcag_aa(page: Page, axe_source, tours, language):  # noqa: F811
    problems = _check(page, axe_source, tours, language)
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_study_tour_staff_pages_on_a_phone_meet_wcag_aa(phone_page: Page, axe_source, tours, language):  # noqa: F811
    problems = _check(phone_page, axe_source, tours, language)
    assert problems == [], "\n".join(problems)
