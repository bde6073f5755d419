"""Ranking: the worked example checked by hand, the page, progress, exports, and who may see it.

The worked example. Rubric: motivation 0-10 weighing 2, clarity 0-5 weighing 1, so a review's
weighted score is (2 x motivation + clarity) / 25 x 100 = 4 x (2m + c).

  reviewer H (harsh, spread wide)      reviewer L (lenient, spread narrow)
  A: m7 c5 -> 4 x 19 = 76              A: m9  c4 -> 4 x 22 = 88
  B: m6 c3 -> 4 x 15 = 60              B: m10 c5 -> 4 x 25 = 100
  C: m5 c3 -> 4 x 13 = 52              C: m9  c5 -> 4 x 23 = 92
  D: m4 c3 -> 4 x 11 = 44              D: m8  c5 -> 4 x 21 = 84
  E: m3 c1 -> 4 x  7 = 28              E: m8  c3 -> 4 x 19 = 76

H: mean 52, deviations 24, 8, 0, -8, -24, variance (576 + 64 + 0 + 64 + 576) / 5 = 256, sd 16,
   z = 1.5, 0.5, 0, -0.5, -1.5.
L: mean 88, deviations 0, 12, 4, -4, -12, variance (0 + 144 + 16 + 16 + 144) / 5 = 64, sd 8,
   z = 0, 1.5, 0.5, -0.5, -1.5.

  essay  weighted mean       normalised (mean z)      spread (points)  spread (z)  discuss?
  A      (76 + 88)/2 = 82    (1.5 + 0)/2   = 0.75     12               1.5         yes (>= 1.5)
  B      (60 + 100)/2 = 80   (0.5 + 1.5)/2 = 1.0      40               1.0         no
  C      (52 + 92)/2 = 72    (0 + 0.5)/2   = 0.25     40               0.5         no
  D      (44 + 84)/2 = 64    (-0.5 - 0.5)/2 = -0.5    40               0           no
  E      (28 + 76)/2 = 52    (-1.5 - 1.5)/2 = -1.5    48               0           no

Ranked by normalised score: B, A, C, D, E (the raw mean would put A before B). D's raw spread
is 40 points, yet both reviewers put it fourth: not flagged. A is each reviewer's best and
median essay: flagged.
"""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from booking.audit.models import AuditEntry
from booking.core.auth import Role
from booking.extensions import db
from booking.review import services
from booking.review.models import Review, ReviewStatus, Score
from booking.review.ranking import CriterionSpec, ScoredReview, rank, standardise, weighted_score
from tests.factories import make_user
from tests.factories.review import AFTER, add_application
from tests.helpers import count_queries

H_SCORES = {"A": (7, 5), "B": (6, 3), "C": (5, 3), "D": (4, 3), "E": (3, 1)}
L_SCORES = {"A": (9, 4), "B": (10, 5), "C": (9, 5), "D": (8, 5), "E": (8, 3)}
EXPECTED = {  # rank, weighted mean, normalised, spread, z spread, flagged
    "A": (2, 82.0, 0.75, 12.0, 1.5, True),
    "B": (1, 80.0, 1.0, 40.0, 1.0, False),
    "C": (3, 72.0, 0.25, 40.0, 0.5, False),
    "D": (4, 64.0, -0.5, 40.0, 0.0, False),
    "E": (5, 52.0, -1.5, 48.0, 0.0, False),
}


def test_the_worked_example_as_plain_numbers():
    criteria = [CriterionSpec(1, 10, 2.0), CriterionSpec(2, 5, 1.0)]
    ids = {"A": 1, "B": 2, "C": 3, "D": 4, "E": 5}
    assert weighted_score({1: 7, 2: 5}, criteria) == pytest.approx(76.0)
    assert standardise([76, 60, 52, 44, 28]) == pytest.approx([1.5, 0.5, 0.0, -0.5, -1.5])
    assert standardise([88, 100, 92, 84, 76]) == pytest.approx([0.0, 1.5, 0.5, -0.5, -1.5])
    reviews = [ScoredReview(ids[k], 100, {1: m, 2: c}) for k, (m, c) in H_SCORES.items()]
    reviews += [ScoredReview(ids[k], 200, {1: m, 2: c}) for k, (m, c) in L_SCORES.items()]
    standings = rank(ids.values(), reviews, criteria)
    for key, (position, mean, normalised, spread, z_spread, flagged) in EXPECTED.items():
        s = standings[ids[key]]
        assert (s.rank, s.reviews_done) == (position, 2), key
        assert s.weighted_mean == pytest.approx(mean)
        assert s.normalised == pytest.approx(normalised)
        assert s.spread == pytest.approx(spread)
        assert s.z_spread == pytest.approx(z_spread)
        assert s.disagreement is flagged


def test_a_reviewer_whose_scores_do_not_vary_counts_as_zero():
    assert standardise([60, 60, 60]) == [0.0, 0.0, 0.0]
    assert standardise([70]) == [0.0]


@pytest.fixture
def worked(cohort, rubric, schools, after_window):
    """The example in the database: applications A-E, both reviews submitted, a draft that does not count."""
    harsh = make_user(Role.REVIEWER, email="harsh@example.jp", name="辛口 審査員")
    lenient = make_user(Role.REVIEWER, email="lenient@example.jp", name="甘口 審査員")
    third = make_user(Role.REVIEWER, email="third@example.jp", name="途中 審査員")
    apps = {key: add_application(cohort, n, schools["tobata"]) for n, key in enumerate("ABCDE", start=1)}
    for person, table in ((harsh, H_SCORES), (lenient, L_SCORES)):
        for key, (m, c) in table.items():
            review = Review(
                cohort_id=cohort.id,
                application_id=apps[key].id,
                reviewer_id=person.id,
                status=ReviewStatus.SUBMITTED,
                queue_key=key,
                submitted_at=AFTER,
            )
            review.scores = [
                Score(criterion_id=rubric[0].id, value=m),
                Score(criterion_id=rubric[1].id, value=c),
            ]
            db.session.add(review)
    draft = Review(
        cohort_id=cohort.id,
        application_id=apps["A"].id,
        reviewer_id=third.id,
        status=ReviewStatus.DRAFT,
        queue_key="x",
    )
    draft.scores = [Score(criterion_id=rubric[0].id, value=0), Score(criterion_id=rubric[1].id, value=0)]
    db.session.add(draft)
    db.session.commit()
    return apps


def test_the_worked_example_through_the_database(cohort, worked):
    board = services.ranking(cohort)
    assert [row.application.code for row in board.rows] == [
        "Y-2026-002",
        "Y-2026-001",
        "Y-2026-003",
        "Y-2026-004",
        "Y-2026-005",
    ]
    by_code = {row.application.code: row.standing for row in board.rows}
    a = by_code["Y-2026-001"]
    assert (a.reviews_done, a.reviews_assigned) == (2, 3)  # the draft is assigned, not done
    assert a.weighted_mean == pytest.approx(82.0) and a.normalised == pytest.approx(0.75) and a.disagreement
    assert board.flagged == 1


def test_the_ranking_page_sorts_and_flags(client, login, coordinator, cohort, worked):
    login(client, "coord@example.jp")
    body = client.get(f"/staff/review/cohorts/{cohort.id}/ranking").get_data(as_text=True)
    assert body.index("Y-2026-002") < body.index("Y-2026-001") < body.index("Y-2026-005")
    assert "+0.75" in body and "82.0" in body and "要協議" in body
    assert "辛口 審査員" in body  # progress per reviewer
    by_mean = client.get(f"/staff/review/cohorts/{cohort.id}/ranking?sort=weighted").get_data(as_text=True)
    assert by_mean.index("Y-2026-001") < by_mean.index("Y-2026-002")
    by_spread = client.get(f"/staff/review/cohorts/{cohort.id}/ranking?sort=spread").get_data(as_text=True)
    assert by_spread.index("Y-2026-001") < by_spread.index("Y-2026-003")
    one = client.get(f"/staff/review/cohorts/{cohort.id}/applications/{worked['A'].id}").get_data(
        as_text=True
    )
    assert "辛口 審査員" in one and "甘口 審査員" in one and "+1.50" in one


def test_the_ranking_runs_the_same_number_of_queries_for_5_or_30_applications(
    app, client, login, coordinator, cohort, worked, schools
):
    login(client, "coord@example.jp")
    url = f"/staff/review/cohorts/{cohort.id}/ranking"
    client.get(url)
    with count_queries(app) as few:
        client.get(url)
    db.session.rollback()  # opening the page writes its audit entry: read after it
    reviewer = db.session.scalar(sa.select(Review.reviewer_id).limit(1))
    criteria = services.criteria_for(cohort)
    for n in range(6, 31):
        application = add_application(cohort, n, schools["kosen"])
        review = Review(
            cohort_id=cohort.id,
            application_id=application.id,
            reviewer_id=reviewer,
            status=ReviewStatus.SUBMITTED,
            queue_key=str(n),
            submitted_at=AFTER,
        )
        review.scores = [Score(criterion_id=c.id, value=1) for c in criteria]
        db.session.add(review)
    db.session.commit()
    with count_queries(app) as many:
        client.get(url)
    assert many.count == few.count


def test_exports_in_csv_with_bom_and_excel_are_audited(client, login, coordinator, cohort, worked):
    login(client, "coord@example.jp")
    response = client.get(f"/staff/review/cohorts/{cohort.id}/ranking.csv")
    assert response.data.startswith("\ufeff".encode())
    lines = response.data.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("順位,応募番号")
    assert lines[1].startswith("1,Y-2026-002,2,2,80.0,1.0,")
    reviews = client.get(f"/staff/review/cohorts/{cohort.id}/reviews.xlsx")
    rows = list(load_workbook(io.BytesIO(reviews.data)).active.values)
    assert rows[0][:4] == ("応募番号", "審査員", "志望の動機", "表現の明確さ")
    assert len(rows) == 1 + 10  # every submitted review, not the draft
    first = rows[1]
    assert first[0] == "Y-2026-001" and first[4] in (76.0, 88.0)
    db.session.rollback()
    actions = list(
        db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.action.like("review.%export")))
    )
    assert sorted(actions) == ["review.ranking.export", "review.reviews.export"]


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.LECTURER, Role.ADMIN])
def test_only_coordinators_see_ranking_data(app, login, cohort, worked, role):
    person = make_user(role)
    client = app.test_client()
    login(client, person.email)
    for path in (
        f"/staff/review/cohorts/{cohort.id}/ranking",
        f"/staff/review/cohorts/{cohort.id}/ranking.csv",
        f"/staff/review/cohorts/{cohort.id}/reviews.xlsx",
        f"/staff/review/cohorts/{cohort.id}/progress",
        f"/staff/review/cohorts/{cohort.id}/applications/{worked['A'].id}",
        f"/staff/selection/cohorts/{cohort.id}/decisions",
    ):
        assert client.get(path).status_code == 403, path


def test_closing_and_reopening_the_review_is_audited(client, login, coordinator, cohort, worked):
    login(client, "coord@example.jp")
    client.post(f"/staff/review/cohorts/{cohort.id}/close")
    db.session.rollback()
    assert services.is_closed(cohort)
    client.post(f"/staff/review/cohorts/{cohort.id}/close", data={"action": "reopen"})
    db.session.rollback()
    assert not services.is_closed(cohort)
    actions = list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions[-2:] == ["review.close", "review.reopen"]


def _entries(action: str) -> list[AuditEntry]:
    db.session.rollback()
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)))


def test_opening_the_ranking_is_audited(client, login, coordinator, cohort, worked):
    login(client, "coord@example.jp")
    assert client.get(f"/staff/review/cohorts/{cohort.id}/ranking?sort=spread").status_code == 200
    [entry] = _entries("review.ranking.view")
    assert entry.actor_id == coordinator.id
    assert (entry.subject_type, entry.subject_id) == ("youth_cohort", str(cohort.id))
    assert entry.details == {"sort": "spread"}


def test_opening_one_essay_s_reviews_is_audited_with_its_code_only(
    client, login, coordinator, cohort, worked
):
    login(client, "coord@example.jp")
    url = f"/staff/review/cohorts/{cohort.id}/applications/{worked['A'].id}"
    assert client.get(url).status_code == 200
    assert client.get(f"/staff/review/cohorts/{cohort.id}/applications/999999").status_code == 404
    [entry] = _entries("review.application.view")
    assert entry.actor_id == coordinator.id
    assert (entry.subject_type, entry.subject_id) == ("youth_application", str(worked["A"].id))
    assert entry.details == {"code": "Y-2026-001"}
