"""A round's moves, from its one table: each allowed move is taken, every other refused."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from booking.core.errors import InvalidTransition
from booking.lectures.round_models import (
    ROUND_ACTIONS,
    ROUND_WORKFLOW,
    LectureRound,
    RoundAction,
    RoundStatus,
)
from booking.staff.models import User

NOW = datetime(2026, 11, 21, tzinfo=UTC)


def act(lecture_round: LectureRound, action: RoundAction) -> None:
    if action == RoundAction.CLOSE:
        lecture_round.close(NOW)
    else:
        lecture_round.allocate("ab" * 16, {"entries": [], "capacity": {}}, "cd" * 32, User(id=1), NOW)


@pytest.mark.parametrize(
    ("action", "source"),
    [(action, source) for action, (sources, _target) in ROUND_ACTIONS.items() for source in sources],
)
def test_each_allowed_move_is_taken(action, source):
    lecture_round = LectureRound(status=source)
    assert lecture_round.can(action)
    act(lecture_round, action)
    assert lecture_round.status == ROUND_ACTIONS[action][1]


@pytest.mark.parametrize(
    ("action", "source"),
    [
        (action, source)
        for action, (sources, _t) in ROUND_ACTIONS.items()
        for source in RoundStatus
        if source not in sources
    ],
)
def test_every_other_move_is_refused_and_changes_nothing(action, source):
    lecture_round = LectureRound(status=source)
    assert not lecture_round.can(action)
    with pytest.raises(InvalidTransition):
        act(lecture_round, action)
    assert lecture_round.status == source and lecture_round.seed is None


def test_the_workflow_holds_exactly_the_tables_moves():
    assert set(ROUND_WORKFLOW.moves()) == {
        (RoundStatus.OPEN, RoundStatus.CLOSED),
        (RoundStatus.CLOSED, RoundStatus.ALLOCATED),
    }
