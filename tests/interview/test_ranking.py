"""The combined ranking, checked against figures worked out by hand."""

from __future__ import annotations

import math

import pytest

from booking.interview.ranking import combine, interview_figures
from booking.review.ranking import CriterionSpec, ScoredReview

CRITERIA = [CriterionSpec(1, 5, 1.0), CriterionSpec(2, 5, 1.0)]
# Interviewer 7 gives A (id 1) 2+2 = 40 points, B (2) 5+5 = 100, C (3) 4+3 = 70.
SHEETS = [
    ScoredReview(1, 7, {1: 2, 2: 2}),
    ScoredReview(2, 7, {1: 5, 2: 5}),
    ScoredReview(3, 7, {1: 4, 2: 3}),
]
# The essay ranking's normalised scores: A 1.0 (1st), B 0.0 (2nd), C -1.0 (3rd).
ESSAY = {1: (1.0, 1), 2: (0.0, 2), 3: (-1.0, 3)}
Z = math.sqrt(1.5)  # 1.2247: 1 / sqrt(2/3), the z-score of +1 among (1, 0, -1)


def test_an_interviewer_s_scores_become_points_and_z_scores():
    figures = interview_figures(SHEETS, CRITERIA)
    # Mean 70, population standard deviation sqrt(600) = 24.49: z = -30/24.49, +30/24.49, 0.
    assert figures[1] == pytest.approx((40.0, -Z, 1))
    assert figures[2] == pytest.approx((100.0, Z, 1))
    assert figures[3] == pytest.approx((70.0, 0.0, 1))


def test_a_generous_interviewer_who_agrees_on_the_order_counts_the_same():
    generous = [ScoredReview(x.application_id, 8, {k: v + 1 for k, v in x.scores.items()}) for x in SHEETS]
    figures = interview_figures(SHEETS + generous, CRITERIA)
    assert figures[1][1] == pytest.approx(-Z) and figures[1][2] == 2
    assert figures[1][0] == pytest.approx((40 + 60) / 2)


def test_60_40_puts_the_best_interview_first():
    # essay z (1.22, 0, -1.22), interview z (-1.22, 1.22, 0):
    # A 0.6*1.22 - 0.4*1.22 = 0.245, B 0.4*1.22 = 0.490, C -0.6*1.22 = -0.735.
    ranked = combine([1, 2, 3], ESSAY, interview_figures(SHEETS, CRITERIA), 60, 40)
    assert [s.application_id for s in ranked] == [2, 1, 3]
    by_id = {s.application_id: s for s in ranked}
    assert by_id[1].combined == pytest.approx(0.2 * Z)
    assert by_id[2].combined == pytest.approx(0.4 * Z)
    assert by_id[3].combined == pytest.approx(-0.6 * Z)
    assert [by_id[a].rank for a in (1, 2, 3)] == [2, 1, 3]


def test_80_20_keeps_the_essay_order():
    # A 0.8*1.22 - 0.2*1.22 = 0.735, B 0.2*1.22 = 0.245, C -0.8*1.22 = -0.980.
    ranked = combine([1, 2, 3], ESSAY, interview_figures(SHEETS, CRITERIA), 80, 20)
    assert [s.application_id for s in ranked] == [1, 2, 3]
    assert ranked[0].combined == pytest.approx(0.6 * Z)


def test_a_student_not_yet_interviewed_is_listed_after_without_a_rank():
    ranked = combine([1, 2, 3, 4], ESSAY | {4: (2.0, 4)}, interview_figures(SHEETS, CRITERIA), 60, 40)
    assert ranked[-1].application_id == 4
    assert ranked[-1].rank is None and ranked[-1].combined is None
