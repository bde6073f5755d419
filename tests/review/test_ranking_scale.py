"""The ranking reads the same few queries for 200 essays as for 6, and shows them 50 a page."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from booking.extensions import db
from booking.review.models import Review, Score
from booking.youth.models import Applicant, Application
from tests.factories.review import add_application
from tests.factories.youth import CLOSES_AT
from tests.helpers import count_queries


def add_scored(cohort, rubric, reviewers, first: int, count: int, school_id: int) -> None:
    """`count` applications with a submitted review by each reviewer, written in bulk."""
    template = add_application(cohort, first, school_id)
    start = template.id
    applications, applicants = [], []
    for n in range(1, count):
        number = first + n
        applications.append(
            {
                "id": start + n,
                "cohort_id": cohort.id,
                "status": "submitted",
                "code": f"Y-{cohort.fiscal_year}-{number:03d}",
                "essay": template.essay,
                "essay_chars": template.essay_chars,
                "email_key": f"{number:064d}",
                "consent_status": "given",
                "consent_answered_at": template.consent_answered_at,
                "created_at": template.created_at,
                "submitted_at": template.submitted_at,
                "updated_at": template.updated_at,
            }
        )
        applicants.append({"application_id": start + n, "school_id": school_id, "grade": 2, "language": "ja"})
    if applications:
        db.session.execute(sa.insert(Application), applications)
        db.session.execute(sa.insert(Applicant), applicants)
    first_review = (db.session.scalar(sa.select(sa.func.max(Review.id))) or 0) + 1
    reviews, scores = [], []
    at = CLOSES_AT + timedelta(days=3)
    for n in range(count):
        for k, reviewer in enumerate(reviewers):
            review_id = first_review + len(reviews)
            reviews.append(
                {
                    "id": review_id,
                    "cohort_id": cohort.id,
                    "application_id": start + n,
                    "reviewer_id": reviewer.id,
                    "status": "submitted",
                    "manual": False,
                    "queue_key": f"{review_id:016x}",
                    "comment": "",
                    "assigned_at": at,
                    "saved_at": at,
                    "submitted_at": at,
                }
            )
            scores += [
                {"review_id": review_id, "criterion_id": c.id, "value": (n * 7 + k * 3) % (c.max_score + 1)}
                for c in rubric
            ]
    db.session.execute(sa.insert(Review), reviews)
    db.session.execute(sa.insert(Score), scores)
    db.session.commit()


def ranking_statements(app, client, path: str) -> int:
    client.get(path)
    with count_queries(app) as counter:
        response = client.get(path)
    assert response.status_code == 200
    return counter.count


def test_the_ranking_runs_as_many_queries_for_200_essays_as_for_6(
    after_window, app, coordinator_client, cohort, rubric, reviewers, schools
):
    path = f"/staff/review/cohorts/{cohort.id}/ranking"
    add_scored(cohort, rubric, reviewers, 1, 6, schools["tobata"])
    small = ranking_statements(app, coordinator_client, path)
    # 600 reviews: past the 500 ids one "IN" list of a relationship load takes.
    add_scored(cohort, rubric, reviewers, 7, 194, schools["tobata"])
    assert ranking_statements(app, coordinator_client, path) == small
    assert ranking_statements(app, coordinator_client, path + "?page=4&sort=spread") == small


def test_the_ranking_shows_50_essays_a_page_ranked_over_all_of_them(
    after_window, app, coordinator_client, cohort, rubric, reviewers, schools
):
    add_scored(cohort, rubric, reviewers, 1, 60, schools["tobata"])
    first = coordinator_client.get(f"/staff/review/cohorts/{cohort.id}/ranking").get_data(as_text=True)
    second = coordinator_client.get(f"/staff/review/cohorts/{cohort.id}/ranking?page=2").get_data(
        as_text=True
    )
    codes = [f"Y-{cohort.fiscal_year}-{n:03d}" for n in range(1, 61)]
    on_first = {code for code in codes if f">{code}<" in first}
    on_second = {code for code in codes if f">{code}<" in second}
    assert len(on_first) == 50 and len(on_second) == 10
    assert on_first.isdisjoint(on_second)
    assert "60" in first  # the count above the table is of every essay
