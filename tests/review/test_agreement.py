"""Agreement among reviewers: alpha on a table worked by hand, the flags, the page.

Alpha by hand. Two reviewers, three essays (interval data, no value missing):

  essay   A  B  C
  R1      1  2  3
  R2      1  2  4

Krippendorff: alpha = 1 - D_o / D_e, over the n = 6 pairable values 1, 1, 2, 2, 3, 4.
  D_o = 1/n x sum over essays of 1/(m_u - 1) x sum over ordered pairs in the essay of (a - b)^2
      = 1/6 x (0 + 0 + (3 - 4)^2 + (4 - 3)^2) = 2/6 = 1/3
  D_e = 1/(n(n - 1)) x sum over ordered pairs of all values of (a - b)^2.
      The sum over unordered pairs is n x sum of squared deviations from the mean (13/6):
      6 x (35 - 169/6) = 41; ordered pairs twice that, 82; D_e = 82/30 = 41/15.
  alpha = 1 - (1/3) / (41/15) = 1 - 5/41 = 36/41 = 0.8780...
An essay read by one reviewer only adds nothing: alpha stays 36/41.

Flags by hand. Rubric: two criteria scored 0-5, weight 1 each: weighted = 10 x (a + b).

  essay   P (spread wide)  Q (close to P)   S (gives 3 to everything)
  A       5 5 -> 100       5 4 -> 90        3 3 -> 60
  B       4 4 -> 80        4 3 -> 70        3 3 -> 60
  C       2 2 -> 40        2 1 -> 30        3 3 -> 60
  D       1 1 -> 20        1 2 -> 30        3 3 -> 60

Spread (population SD): P mean 60, squares 1600 + 400 + 400 + 1600 = 4000 / 4 = 1000, SD 31.6;
Q mean 55, squares 1225 + 225 + 625 + 625 = 2700 / 4 = 675, SD 26.0; S: SD 0, below 5: alike.
Distance (mean over every pair with another reviewer of the same essay):
  S: to P 40, 20, 20, 40; to Q 30, 10, 30, 30: 220 / 8 = 27.5, at least 25: far.
  P: to Q 10, 10, 10, 10; to S 40, 20, 20, 40: 160 / 8 = 20.0: not far.
  Q: to P 10 x 4; to S 30, 10, 30, 30: 140 / 8 = 17.5: not far.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from booking.core.auth import Role
from booking.extensions import db
from booking.review import services
from booking.review.agreement import (
    ALIKE_SPREAD,
    FAR_DISTANCE,
    NoAlpha,
    agreement,
    interval_alpha,
    reviewer_figures,
)
from booking.review.models import Criterion, Review, ReviewStatus, Score
from booking.review.ranking import CriterionSpec, ScoredReview
from tests.factories import make_user
from tests.factories.review import AFTER, SECRETS, add_application
from tests.helpers import count_queries

TABLE = {"P": {"A": (5, 5), "B": (4, 4), "C": (2, 2), "D": (1, 1)}}
TABLE["Q"] = {"A": (5, 4), "B": (4, 3), "C": (2, 1), "D": (1, 2)}
TABLE["S"] = {key: (3, 3) for key in "ABCD"}


def test_alpha_of_the_small_table_is_the_hand_computed_36_41():
    hand = 36 / 41
    found = interval_alpha({1: {1: 1, 2: 1}, 2: {1: 2, 2: 2}, 3: {1: 3, 2: 4}})
    assert found.value == pytest.approx(hand) and (found.units, found.ratings) == (3, 6)
    with_single = interval_alpha({1: {1: 1, 2: 1}, 2: {1: 2, 2: 2}, 3: {1: 3, 2: 4}, 4: {2: 5}})
    assert with_single.value == pytest.approx(hand) and with_single.units == 3


def test_too_little_data_gives_no_alpha_and_says_why():
    assert interval_alpha({}).missing == NoAlpha.TOO_FEW
    one_reviewer = interval_alpha({1: {7: 3}, 2: {7: 4}, 3: {7: 5}})
    assert (one_reviewer.value, one_reviewer.missing, one_reviewer.units) == (None, NoAlpha.TOO_FEW, 0)
    all_alike = interval_alpha({1: {1: 3, 2: 3}, 2: {1: 3, 2: 3}})
    assert (all_alike.value, all_alike.missing) == (None, NoAlpha.NO_VARIATION)


def test_perfect_agreement_is_one_and_reversed_order_is_below_zero():
    assert interval_alpha({1: {1: 1, 2: 1}, 2: {1: 5, 2: 5}}).value == pytest.approx(1.0)
    assert interval_alpha({1: {1: 1, 2: 5}, 2: {1: 5, 2: 1}}).value < 0


def _scored() -> list[ScoredReview]:
    essays = {key: n for n, key in enumerate("ABCD", start=1)}
    people = {"P": 1, "Q": 2, "S": 3}
    return [
        ScoredReview(essays[essay], people[who], {1: a, 2: b})
        for who, table in TABLE.items()
        for essay, (a, b) in table.items()
    ]


def test_a_reviewer_who_gives_3_to_everything_is_flagged_alike_and_far():
    criteria = [CriterionSpec(1, 5, 1.0), CriterionSpec(2, 5, 1.0)]
    found = agreement(_scored(), criteria)
    p, q, s = found.reviewers[1], found.reviewers[2], found.reviewers[3]
    assert (p.mean, q.mean, s.mean) == pytest.approx((60.0, 55.0, 60.0))
    assert (p.spread, q.spread, s.spread) == pytest.approx((1000**0.5, 675**0.5, 0.0))
    assert (p.distance, q.distance, s.distance) == pytest.approx((20.0, 17.5, 27.5))
    assert (s.alike, s.far) == (True, True)
    assert not (p.alike or p.far or q.alike or q.far)
    assert found.flagged == 1
    # Alpha of the cohort is computed on the same weighted scores, essay by essay.
    totals = {e: {r: 10.0 * (a + b) for r, (a, b) in _by(e)} for e in "ABCD"}
    assert found.overall.value == pytest.approx(interval_alpha(totals).value)
    assert found.overall.units == 4 and set(found.per_criterion) == {1, 2}


def _by(essay: str):
    ids = {"P": 1, "Q": 2, "S": 3}
    return [(ids[who], table[essay]) for who, table in TABLE.items()]


def test_thresholds_are_named_and_judged_on_enough_reviews():
    assert (ALIKE_SPREAD, FAR_DISTANCE) == (5.0, 25.0)
    # Two reviews alike, and one shared essay far apart: too few to judge.
    few = reviewer_figures({1: {1: 50.0, 2: 100.0}, 2: {1: 50.0}})
    assert few[1].spread == 0.0 and not few[1].alike
    assert few[1].distance == 50.0 and not few[1].far


@pytest.fixture
def scored_cohort(cohort, schools, after_window):
    """The flags' example in the database: essays A-D (A carries the secret data), three reviewers."""
    criteria = [
        Criterion(cohort_id=cohort.id, position=n, name_ja=name, name_en=name, max_score=5)
        for n, name in enumerate(("内容", "表現"), start=1)
    ]
    db.session.add_all(criteria)
    db.session.commit()
    apps = {"A": add_application(cohort, 1, schools["kokura"], **SECRETS)}
    apps |= {key: add_application(cohort, n, schools["tobata"]) for n, key in enumerate("BCD", start=2)}
    people = {
        who: make_user(Role.REVIEWER, email=f"{who.lower()}@example.jp", name=f"審査員{who}") for who in TABLE
    }
    for who, table in TABLE.items():
        for essay, (a, b) in table.items():
            _submitted(cohort, apps[essay].id, people[who].id, criteria, (a, b))
    return criteria, apps, people


def _submitted(cohort, application_id, reviewer_id, criteria, values, status=ReviewStatus.SUBMITTED):
    review = Review(
        cohort_id=cohort.id,
        application_id=application_id,
        reviewer_id=reviewer_id,
        status=status,
        queue_key=f"{application_id}-{reviewer_id}",
        submitted_at=AFTER if status == ReviewStatus.SUBMITTED else None,
    )
    review.scores = [Score(criterion_id=c.id, value=v) for c, v in zip(criteria, values, strict=True)]
    db.session.add(review)
    db.session.commit()
    return review


def test_the_service_reads_submitted_scores_only(cohort, scored_cohort):
    criteria, apps, _people = scored_cohort
    drafter = make_user(Role.REVIEWER, email="draft@example.jp", name="下書き 審査員")
    _submitted(cohort, apps["A"].id, drafter.id, criteria, (0, 0), status=ReviewStatus.DRAFT)
    report = services.cohort_agreement(cohort)
    assert report.submitted == 12
    by_name = {row.name: row.figures for row in report.reviewers}
    assert set(by_name) == {"審査員P", "審査員Q", "審査員S"}
    assert by_name["審査員S"].alike and by_name["審査員S"].far
    assert by_name["審査員P"].distance == pytest.approx(20.0)


def test_the_page_shows_alpha_flags_and_thresholds_and_no_applicant(
    app, cohort, scored_cohort, coordinator_client, schools
):
    criteria, _apps, _people = scored_cohort
    url = f"/staff/review/cohorts/{cohort.id}/agreement"
    with count_queries(app) as few:
        response = coordinator_client.get(url)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "クリッペンドルフ" in html and "同じような点" in html and "他の審査員から離れている" in html
    assert "審査員S" in html and "27.5" in html
    assert "5点未満" in html and "25点以上" in html  # the thresholds, stated
    for value in SECRETS.values():
        assert value not in html
    assert "福岡県立秘密高等学校" not in html and "Y-2026-001" not in html
    # More essays and reviews: the same number of queries.
    more = [add_application(cohort, n, schools["kosen"]) for n in range(5, 25)]
    reviewer_ids = db.session.scalars(sa.select(Review.reviewer_id).distinct()).all()
    for application in more:
        for reviewer_id in reviewer_ids:
            _submitted(cohort, application.id, reviewer_id, criteria, (application.id % 6, 2))
    with count_queries(app) as many:
        assert coordinator_client.get(url).status_code == 200
    # The sign-in (session, roles), the cohort, its criteria, the scores, the reviewers' names.
    assert few.count == many.count == 6


def test_too_little_data_is_said_on_the_page(after_window, cohort, rubric, coordinator_client):
    html = coordinator_client.get(f"/staff/review/cohorts/{cohort.id}/agreement").get_data(as_text=True)
    assert "十分なデータがありません" in html


def test_only_coordinators_open_the_agreement_page(app, login, cohort, reviewers):
    client = app.test_client()
    assert client.get(f"/staff/review/cohorts/{cohort.id}/agreement").status_code in (302, 401)
    login(client, reviewers[0].email)
    assert client.get(f"/staff/review/cohorts/{cohort.id}/agreement").status_code == 403
    db.session.rollback()
    admin = app.test_client()
    login(admin, make_user(Role.COORDINATOR, email="c2@example.jp").email)
    assert admin.get("/staff/review/cohorts/999999/agreement").status_code == 404


def test_the_cohort_steps_link_to_the_agreement_page(coordinator_client, cohort, rubric):
    html = coordinator_client.get(f"/staff/review/cohorts/{cohort.id}/rubric").get_data(as_text=True)
    assert f"/staff/review/cohorts/{cohort.id}/agreement" in html


def test_the_page_reads_in_english(app, cohort, scored_cohort, coordinator_client):
    url = f"/staff/review/cohorts/{cohort.id}/agreement"
    response = coordinator_client.get(url, headers={"Accept-Language": "en"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Krippendorff" in html and "Scores everything alike" in html and "Far from the others" in html
    assert "below 5 points of 100" in html and "25 points of 100 or more" in html
    assert "(4 essays)" in html
