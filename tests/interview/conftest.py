"""Fixtures of the interview round: the shared cohort's essays ranked and closed, a round, an interviewer."""

from __future__ import annotations

import pytest

from booking.core.auth import Role
from tests.factories import make_user
from tests.factories.interview import add_round, score_essays


@pytest.fixture
def interviewer(ctx):
    return make_user(Role.REVIEWER, email="interviewer@example.jp", name="面接 花子")


@pytest.fixture
def ranked(cohort, rubric, reviewers, applications):
    """The six applications' essays ranked in their order (applications[0] first), the review closed."""
    score_essays(cohort, rubric, reviewers[0], applications)
    return applications


@pytest.fixture
def interview_round(cohort, ranked, interviewer):
    return add_round(cohort, [interviewer], size=3)
