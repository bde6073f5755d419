"""Scores into a ranking: weighted scores, each reviewer's standardised scores, disagreement.

Pure functions over plain values, so the figures can be checked by hand in the tests.

- A review's weighted score is on a 0-100 scale: the sum of weight x score over the sum of
  weight x maximum, times 100.
- Normalisation is per reviewer, on those weighted scores (not per criterion): each
  reviewer's submitted reviews in the cohort are standardised to z-scores with that
  reviewer's own mean and (population) standard deviation, so a harsh or a lenient
  reviewer counts as much as any other. A reviewer whose scores are all equal (or who has
  submitted one review) gives z = 0: no information about the essays' order.
- An application's normalised score is the mean of its reviewers' z-scores.
- Reviewers disagree widely on an essay when their z-scores for it lie at least
  DISAGREEMENT_Z (1.5 standard deviations) apart: the essay is flagged for discussion.
  The raw spread (in points of 100) is shown beside it, but a harsh and a lenient
  reviewer who agree on the order have a large raw spread and are not flagged.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import mul

DISAGREEMENT_Z = 1.5


@dataclass(frozen=True)
class CriterionSpec:
    id: int
    max_score: int
    weight: float


@dataclass(frozen=True)
class ScoredReview:
    application_id: int
    reviewer_id: int
    scores: Mapping[int, int]  # criterion id -> score


@dataclass
class Standing:
    """One application's figures in the ranking."""

    application_id: int
    reviews_done: int = 0
    reviews_assigned: int = 0
    weighted_mean: float | None = None
    normalised: float | None = None
    spread: float | None = None  # highest minus lowest weighted score, in points of 100
    z_spread: float | None = None
    rank: int | None = None
    # (reviewer id, weighted score, z-score) of each submitted review
    reviews: list[tuple[int, float, float]] | None = None

    @property
    def disagreement(self) -> bool:
        return self.z_spread is not None and self.z_spread >= DISAGREEMENT_Z - 1e-9


def weighted_score(scores: Mapping[int, int], criteria: Sequence[CriterionSpec]) -> float:
    """The review's score on a 0-100 scale, each criterion counted with its weight."""
    top = sum(c.weight * c.max_score for c in criteria)
    if top <= 0:
        return 0.0
    got = sum(c.weight * scores.get(c.id, 0) for c in criteria)
    return 100.0 * got / top


def _weighted_scorer(criteria: Sequence[CriterionSpec]) -> Callable[[Mapping[int, int]], float]:
    """`weighted_score` for many reviews on one rubric: the rubric's figures worked out once.

    The same sums in the same order as `weighted_score`, so the results are equal to the bit.
    """
    top = sum(c.weight * c.max_score for c in criteria)
    ids = [c.id for c in criteria]
    weights = [c.weight for c in criteria]
    zeros = [0] * len(criteria)
    if top <= 0:
        return lambda scores: 0.0

    def score(scores: Mapping[int, int]) -> float:
        return 100.0 * sum(map(mul, weights, map(scores.get, ids, zeros))) / top

    return score


def standardise(values: Sequence[float]) -> list[float]:
    """z-scores with the population standard deviation; all zero when the values do not vary."""
    if not values:
        return []
    mean = sum(values) / len(values)
    deviation = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
    if deviation < 1e-9:
        return [0.0 for _ in values]
    return [(v - mean) / deviation for v in values]


def rank(
    applications: Iterable[int],
    reviews: Iterable[ScoredReview],
    criteria: Sequence[CriterionSpec],
    assigned: Mapping[int, int] | None = None,
) -> dict[int, Standing]:
    """Figures for every application, ranked by normalised score (then weighted mean)."""
    standings = {a: Standing(a, reviews_assigned=(assigned or {}).get(a, 0)) for a in applications}
    weighted = _weighted_scorer(criteria)
    by_reviewer: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for review in reviews:
        if review.application_id in standings:
            by_reviewer[review.reviewer_id].append((review.application_id, weighted(review.scores)))
    per_application: dict[int, list[tuple[int, float, float]]] = defaultdict(list)
    for reviewer, scored in by_reviewer.items():
        zs = standardise([score for _app, score in scored])
        for (app, score), z in zip(scored, zs, strict=True):
            per_application[app].append((reviewer, score, z))
    for app, found in per_application.items():
        standing = standings[app]
        scores = [score for _r, score, _z in found]
        zs = [z for _r, _score, z in found]
        standing.reviews = sorted(found)
        standing.reviews_done = len(found)
        standing.weighted_mean = sum(scores) / len(scores)
        standing.normalised = sum(zs) / len(zs)
        standing.spread = max(scores) - min(scores)
        standing.z_spread = max(zs) - min(zs) if len(zs) > 1 else None
    ordered = sorted(
        (s for s in standings.values() if s.normalised is not None),
        key=lambda s: (-round(s.normalised, 9), -round(s.weighted_mean, 9), s.application_id),
    )
    for position, standing in enumerate(ordered, start=1):
        standing.rank = position
    return standings
