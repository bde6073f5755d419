"""The staff lists of review and selection run as many queries for 6 applications as for 30."""

from __future__ import annotations

import pytest

from booking.extensions import db
from booking.review import services as review_services
from booking.review.models import ReviewRound
from booking.selection import services
from booking.youth.models import Application, ApplicationStatus
from tests.factories.review import AFTER, add_application
from tests.helpers import count_queries

PAGES = [
    "/staff/review/cohorts/{cohort}/assignments",
    "/staff/review/cohorts/{cohort}/progress",
    "/staff/selection/cohorts/{cohort}/decisions",
    "/staff/selection/cohorts/{cohort}/participants",
    "/staff/selection/cohorts/{cohort}/preview",
]


def _grow(cohort, coordinator, schools, start: int, stop: int) -> None:
    db.session.rollback()  # after the client's requests, read afresh before writing
    for n in range(start, stop):
        add_application(cohort, n, schools["tobata"])


@pytest.mark.parametrize("page", PAGES)
def test_the_page_s_query_count_does_not_grow_with_its_rows(
    app, client, login, cohort, rubric, reviewers, coordinator, schools, after_window, page
):
    _grow(cohort, coordinator, schools, 1, 7)
    review_services.run_assignment(cohort, coordinator)
    login(client, "coord@example.jp")
    url = page.format(cohort=cohort.id)
    client.get(url)
    with count_queries(app) as few:
        client.get(url)
    _grow(cohort, coordinator, schools, 7, 31)
    review_services.run_assignment(cohort, coordinator)
    client.get(url)
    with count_queries(app) as many:
        client.get(url)
    assert many.count == few.count, (few.count, many.count)


def _taking_part(cohort, coordinator, schools, count: int) -> None:
    cohort.places = 30
    db.session.add(ReviewRound(cohort_id=cohort.id, closed_at=AFTER))
    db.session.commit()
    made = [add_application(cohort, n, schools["tobata"]) for n in range(1, count + 1)]
    for application in made:
        services.decide(cohort, application.id, ApplicationStatus.ACCEPTED, coordinator)
    services.publish_results(cohort, coordinator)
    for application in made:
        services.answer_offer(db.session.get(Application, application.id), accept=True)


def test_the_participants_page_stays_flat_with_many_participants(
    app, client, login, cohort, coordinator, schools, after_window
):
    from tests.factories.youth import make_cohort

    _taking_part(cohort, coordinator, schools, 3)
    other = make_cohort(fiscal_year=2025, title_ja="2025年度")
    _taking_part(other, coordinator, schools, 20)
    login(client, "coord@example.jp")
    counts = []
    for target in (cohort.id, other.id):
        url = f"/staff/selection/cohorts/{target}/participants"
        client.get(url)
        with count_queries(app) as counter:
            body = client.get(url).get_data(as_text=True)
        counts.append(counter.count)
        assert body.count("Y-202") >= 3
    assert counts[0] == counts[1], counts
