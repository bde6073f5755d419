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
    """`count` applications with a submitted review by each reviewer, written in bulk.

    No ids are given: the database's sequences stay in step for the rows made after.
    """
    template = add_application(cohort, first, school_id)
    codes = [f"Y-{cohort.fiscal_year}-{first + n:03d}" for n in range(count)]
    applications = [
        {
            "cohort_id": cohort.id,
            "status": "submitted",
            "code": code,
            "essay": template.essay,
            "essay_chars": template.essay_chars,
            "email_key": f"{first + n:064d}",
            "consent_status": "given",
            "consent_answered_at": template.consent_answered_at,
            "created_at": template.created_at,
            "submitted_at": template.submitted_at,
            "updated_at": template.updated_at,
        }
        for n, code in enumerate(codes[1:], start=1)
    ]
    if applications:
        db.session.execute(sa.insert(Application), applications)
    ids = dict(
        db.session.execute(
            sa.select(Application.code, Application.id).where(Application.code.in_(codes))
        ).all()
    )
    applicants = [
        {"application_id": ids[code], "school_id": school_id, "grade": 2, "language": "ja"}
        for code in codes[1:]
    ]
    if applicants:
        db.session.execute(sa.insert(Applicant), applicants)
    at = CLOSES_AT + timedelta(days=3)
    reviews = [
        {
            "cohort_id": cohort.id,
            "application_id": ids[code],
            "reviewer_id": reviewer.id,
            "status": "submitted",
            "manual": False,
            "queue_key": f"{ids[code]:08x}{k:08x}",
            "comment": "",
            "assigned_at": at,
            "saved_at": at,
            "submitted_at": at,
        }
        for code in codes
        for k, reviewer in enumerate(reviewers)
    ]
    db.session.execute(sa.insert(Review), reviews)
    made = db.session.execute(
        sa.select(Review.id, Review.application_id, Review.reviewer_id).where(
            Review.application_id.in_(ids.values())
        )
    ).all()
    scores = [
        {
            "review_id": review_id,
            "criterion_id": c.id,
            "value": (application_id * 7 + reviewer_id * 3) % (c.max_score + 1),
        }
        for review_id, application_id, reviewer_id in made
        for c in rubric
    ]
    db.session.execute(sa.insert(Score), scores)
    db.session.commit()


def ranking_statements(app, client, path: str) -> int:
    client.get(path)
    with count_queries(app) as counter:
        response = client.get(path)
    assert response.status_code == 200
    return counter.count


# The statements of the ranking page: the session and its user's roles, the cohort, the audit
# entry (its commit expires the cohort and the user, read again later), the rubric, the essays,
# the reviews with their scores (one row a review), the reviewers' progress (counts, declared
# conflicts, the reviewers and their roles), the review round.
RANKING_QUERIES = 15


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
    assert small == RANKING_QUERIES


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
