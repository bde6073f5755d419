"""The combined ranking of a cohort with an interview round: pure functions, checkable by hand.

- An interviewer's score of an applicant is the weighted score on a 0-100 scale, as for
  essays (`review.ranking.weighted_score`), with the interview rubric.
- The interview is normalised as the essays are: each interviewer's scores are turned into
  z-scores with that interviewer's own mean and population standard deviation (a strict and
  a generous interviewer count alike); an applicant's interview figure is the mean of their
  interviewers' z-scores.
- Only applicants with both an essay figure and an interview figure are combined. Over those
  applicants, the essay figures (the essay ranking's normalised score) and the interview
  figures are each standardised again (mean 0, standard deviation 1), so the cohort's weights
  mean what they say; the combined score is
  (essay weight x essay z + interview weight x interview z) / 100.
- Ranked by combined score, then by the essay figure, then by application id.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from booking.review.ranking import CriterionSpec, ScoredReview, standardise, weighted_score


@dataclass
class CombinedStanding:
    application_id: int
    essay: float | None = None  # the essay ranking's normalised score
    essay_rank: int | None = None
    interview_points: float | None = None  # mean weighted interview score, 0-100
    interview: float | None = None  # mean of the interviewers' z-scores
    interviewers: int = 0
    essay_z: float | None = None
    interview_z: float | None = None
    combined: float | None = None
    rank: int | None = None


def interview_figures(
    scored: Iterable[ScoredReview], criteria: Sequence[CriterionSpec]
) -> dict[int, tuple[float, float, int]]:
    """Per application: (mean weighted score 0-100, mean of interviewers' z-scores, interviewers)."""
    by_interviewer: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for item in scored:
        by_interviewer[item.reviewer_id].append((item.application_id, weighted_score(item.scores, criteria)))
    found: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for rows in by_interviewer.values():
        for (application, points), z in zip(rows, standardise([p for _a, p in rows]), strict=True):
            found[application].append((points, z))
    return {
        application: (
            sum(p for p, _z in values) / len(values),
            sum(z for _p, z in values) / len(values),
            len(values),
        )
        for application, values in found.items()
    }


def combine(
    applications: Sequence[int],
    essay: Mapping[int, tuple[float | None, int | None]],
    interview: Mapping[int, tuple[float, float, int]],
    essay_weight: int,
    interview_weight: int,
) -> list[CombinedStanding]:
    """Every shortlisted application's figures, ranked (those not yet combinable come last)."""
    standings = []
    for application in applications:
        normalised, essay_rank = essay.get(application, (None, None))
        standing = CombinedStanding(application, essay=normalised, essay_rank=essay_rank)
        if application in interview:
            standing.interview_points, standing.interview, standing.interviewers = interview[application]
        standings.append(standing)
    complete = [s for s in standings if s.essay is not None and s.interview is not None]
    essay_z = standardise([s.essay for s in complete])
    interview_z = standardise([s.interview for s in complete])
    for standing, ez, iz in zip(complete, essay_z, interview_z, strict=True):
        standing.essay_z, standing.interview_z = ez, iz
        standing.combined = (essay_weight * ez + interview_weight * iz) / 100
    ranked = sorted(complete, key=lambda s: (-round(s.combined, 9), -round(s.essay, 9), s.application_id))
    for position, standing in enumerate(ranked, start=1):
        standing.rank = position
    rest = sorted(
        (s for s in standings if s.rank is None),
        key=lambda s: (s.essay_rank is None, s.essay_rank or 0, s.application_id),
    )
    return ranked + rest
