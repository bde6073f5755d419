"""Structured feedback for students not selected: a band per criterion, from normalised scores.

Pure functions over plain values, so the bands can be checked by hand in the tests.

- Each criterion is normalised per reviewer, as the ranking normalises the weighted score:
  a reviewer's scores on that criterion, over every essay they submitted in the cohort, become
  z-scores with that reviewer's own mean and (population) standard deviation. A reviewer
  whose scores on the criterion are all equal gives z = 0 there.
- An essay's normalised criterion score is the mean of its reviewers' z-scores.
- The band is fixed by cut-offs on that score, the same for every cohort and every
  criterion: at least +STRONG_FROM is "strong", at most -STRONG_FROM is "to develop",
  between is "good". 0.43 standard deviations are the tertiles of a normal distribution, so in a
  typical cohort about a third of the essays fall in each band; the cut-offs do not move
  with the cohort, so two essays with the same standing get the same band.

Only the scores are used: reviewers' comments never reach the feedback.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from flask_babel import lazy_gettext as _l

from booking.core.enums import LabelledEnum
from booking.review.ranking import ScoredReview, standardise

STRONG_FROM = 0.43


class Band(LabelledEnum):
    STRONG = "strong"
    GOOD = "good"
    TO_DEVELOP = "to_develop"

    @property
    def tone(self) -> str:
        return {Band.STRONG: "success", Band.GOOD: "info"}.get(self, "neutral")


BAND_LABELS = Band.set_labels(
    {
        Band.STRONG: _l("Strong"),
        Band.GOOD: _l("Good"),
        Band.TO_DEVELOP: _l("To develop"),
    }
)


def band_for(normalised: float) -> Band:
    """The band of one normalised criterion score (see the cut-offs above)."""
    if normalised >= STRONG_FROM - 1e-9:
        return Band.STRONG
    if normalised <= -STRONG_FROM + 1e-9:
        return Band.TO_DEVELOP
    return Band.GOOD


def criterion_scores(reviews: Iterable[ScoredReview], criteria: Sequence[int]) -> dict[int, dict[int, float]]:
    """application id -> criterion id -> mean of its reviewers' z-scores on that criterion."""
    by_reviewer: dict[tuple[int, int], list[tuple[int, float]]] = defaultdict(list)
    for review in reviews:
        for criterion in criteria:
            if criterion in review.scores:
                by_reviewer[(review.reviewer_id, criterion)].append(
                    (review.application_id, float(review.scores[criterion]))
                )
    found: dict[int, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    for (_reviewer, criterion), scored in by_reviewer.items():
        for (application, _score), z in zip(scored, standardise([s for _a, s in scored]), strict=True):
            found[application][criterion].append(z)
    return {
        application: {criterion: sum(zs) / len(zs) for criterion, zs in per.items()}
        for application, per in found.items()
    }


def bands(reviews: Iterable[ScoredReview], criteria: Sequence[int]) -> dict[int, dict[int, Band]]:
    """application id -> criterion id -> band, for every essay with a submitted review."""
    return {
        application: {criterion: band_for(z) for criterion, z in per.items()}
        for application, per in criterion_scores(reviews, criteria).items()
    }


def ordered_bands(found: Mapping[int, Band], criteria: Sequence[int]) -> list[tuple[int, Band]]:
    """(criterion id, band) in the rubric's order, skipping criteria no reviewer scored."""
    return [(criterion, found[criterion]) for criterion in criteria if criterion in found]
