"""How far reviewers agree: Krippendorff's alpha and flags per reviewer, from plain values.

Pure functions over plain values (like `ranking`), so the figures can be checked by hand.

- Alpha is Krippendorff's alpha for interval data (the `krippendorff` package): 1 is perfect
  agreement, 0 agreement no better than chance, below 0 systematic disagreement. The essays
  are the units and the reviewers the coders. For the cohort as a whole it is computed on
  each review's weighted score (0-100, as the ranking reads it); per criterion, on that
  criterion's raw scores. An essay read by one reviewer only says nothing about agreement
  and is left out by the formula. With no essay read by two reviewers, or no difference at
  all among the scores, there is no alpha: the page says why.
- "Scores everything alike": the (population) standard deviation of a reviewer's weighted
  scores is below ALIKE_SPREAD points of 100, over at least MIN_REVIEWS reviews.
- "Far from the others": the mean absolute difference between the reviewer's weighted score
  and each other reviewer's weighted score of the same essay, over every such pair, is
  FAR_DISTANCE points of 100 or more, over at least MIN_REVIEWS shared essays.
"""

from __future__ import annotations

import enum
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import krippendorff
import numpy as np

from booking.review.ranking import CriterionSpec, ScoredReview, weighted_score

# Standard deviation of a reviewer's weighted scores (points of 100) below which they score
# everything alike: on a rubric of four 5-point criteria, one step on one criterion is 5 points.
ALIKE_SPREAD = 5.0
# Mean distance (points of 100) to the other reviewers of the same essays from which a reviewer
# is far from the others: about one step on every 5-point criterion, on average.
FAR_DISTANCE = 25.0
# A reviewer is judged on this many submitted reviews (spread) or shared essays (distance).
MIN_REVIEWS = 3


class NoAlpha(enum.StrEnum):
    """Why there is no alpha."""

    TOO_FEW = "too_few"  # no essay read by two reviewers
    NO_VARIATION = "no_variation"  # every score the same: agreement cannot be told from chance


@dataclass(frozen=True)
class Alpha:
    value: float | None
    units: int  # essays with at least two ratings: the ones alpha is computed on
    ratings: int  # ratings on those essays
    missing: NoAlpha | None = None


@dataclass
class ReviewerFigures:
    reviewer_id: int
    reviews: int = 0
    mean: float | None = None
    spread: float | None = None  # population standard deviation of the weighted scores
    distance: float | None = None  # mean absolute distance to the other reviewers, same essays
    shared: int = 0  # essays this reviewer read with at least one other reviewer

    @property
    def alike(self) -> bool:
        return self.spread is not None and self.reviews >= MIN_REVIEWS and self.spread < ALIKE_SPREAD

    @property
    def far(self) -> bool:
        return (
            self.distance is not None and self.shared >= MIN_REVIEWS and self.distance >= FAR_DISTANCE - 1e-9
        )


@dataclass
class Agreement:
    overall: Alpha
    per_criterion: dict[int, Alpha] = field(default_factory=dict)
    reviewers: dict[int, ReviewerFigures] = field(default_factory=dict)

    @property
    def flagged(self) -> int:
        return sum(1 for r in self.reviewers.values() if r.alike or r.far)


def interval_alpha(ratings: Mapping[int, Mapping[int, float]]) -> Alpha:
    """Krippendorff's alpha (interval) of {unit: {coder: value}}."""
    pairable = {unit: found for unit, found in ratings.items() if len(found) >= 2}
    count = sum(len(found) for found in pairable.values())
    if not pairable:
        return Alpha(None, 0, 0, NoAlpha.TOO_FEW)
    values = {value for found in pairable.values() for value in found.values()}
    if len(values) < 2:
        return Alpha(None, len(pairable), count, NoAlpha.NO_VARIATION)
    coders = sorted({coder for found in pairable.values() for coder in found})
    units = sorted(pairable)
    table = np.full((len(coders), len(units)), np.nan)
    for column, unit in enumerate(units):
        for coder, value in pairable[unit].items():
            table[coders.index(coder), column] = value
    value = float(krippendorff.alpha(reliability_data=table, level_of_measurement="interval"))
    return Alpha(value if math.isfinite(value) else None, len(pairable), count)


def reviewer_figures(totals: Mapping[int, Mapping[int, float]]) -> dict[int, ReviewerFigures]:
    """Spread and distance of each reviewer, from {essay: {reviewer: weighted score}}."""
    mine: dict[int, list[float]] = defaultdict(list)
    distances: dict[int, list[float]] = defaultdict(list)
    shared: dict[int, int] = defaultdict(int)
    for found in totals.values():
        for reviewer, score in found.items():
            mine[reviewer].append(score)
            others = [other for who, other in found.items() if who != reviewer]
            if others:
                shared[reviewer] += 1
                distances[reviewer].extend(abs(score - other) for other in others)
    figures: dict[int, ReviewerFigures] = {}
    for reviewer, scores in mine.items():
        mean = sum(scores) / len(scores)
        spread = math.sqrt(sum((s - mean) ** 2 for s in scores) / len(scores))
        apart = distances.get(reviewer)
        figures[reviewer] = ReviewerFigures(
            reviewer,
            reviews=len(scores),
            mean=mean,
            spread=spread,
            distance=sum(apart) / len(apart) if apart else None,
            shared=shared[reviewer],
        )
    return figures


def agreement(reviews: Iterable[ScoredReview], criteria: Sequence[CriterionSpec]) -> Agreement:
    """Alpha for the cohort (weighted scores) and per criterion, and each reviewer's figures."""
    totals: dict[int, dict[int, float]] = defaultdict(dict)
    per_criterion: dict[int, dict[int, dict[int, float]]] = {c.id: defaultdict(dict) for c in criteria}
    for review in reviews:
        totals[review.application_id][review.reviewer_id] = weighted_score(review.scores, criteria)
        for criterion in criteria:
            value = review.scores.get(criterion.id)
            if value is not None:
                per_criterion[criterion.id][review.application_id][review.reviewer_id] = value
    return Agreement(
        overall=interval_alpha(totals),
        per_criterion={cid: interval_alpha(table) for cid, table in per_criterion.items()},
        reviewers=reviewer_figures(totals),
    )
