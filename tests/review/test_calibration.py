"""Level descriptors and calibration: the set, reviewers' scores, distances, and what they never touch."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from booking.core.auth import Role
from booking.core.errors import DomainError
from booking.extensions import db
from booking.review import services
from booking.review.calibration_models import CalibrationEssay, CalibrationScore
from booking.review.models import Criterion, Review, Score
from booking.youth.models import Cohort
from tests.factories import make_user
from tests.factories.records import past_cohort
from tests.factories.review import SECRETS, add_application


@pytest.fixture
def past(schools) -> Cohort:
    return past_cohort(2024)


@pytest.fixture
def past_essay(past, schools):
    """An essay of a past cohort, written by the applicant whose data no reviewer may see."""
    return add_application(
        past, 17, schools["kokura"], essay="過去の作文です。水の大切さを学びました。" * 5, **SECRETS
    )


@pytest.fixture
def assigned(cohort, rubric, reviewers, coordinator, applications, after_window):
    services.run_assignment(cohort, coordinator)
    return reviewers


def _refs(rubric, motivation, clarity):
    return {rubric[0].id: motivation, rubric[1].id: clarity}


@pytest.fixture
def calibration_set(cohort, rubric, coordinator, past_essay, after_window):
    """A (8, 4) on the past essay Y-2024-017; B (5, 2) on a sample essay S-1."""
    a = services.add_calibration_essay(cohort, "Y-2024-017", "", _refs(rubric, 8, 4), coordinator)
    b = services.add_calibration_essay(cohort, "", "見本の作文。" * 40, _refs(rubric, 5, 2), coordinator)
    return a, b


# Level descriptors --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("maximum", "expected"),
    [
        (5, {"low": 1, "mid": 3, "high": 5}),
        (10, {"low": 1, "mid": 5, "high": 10}),
        (3, {"low": 1, "mid": 2, "high": 3}),
        (2, {"low": 1, "high": 2}),
        (1, {"low": 0, "high": 1}),
    ],
)
def test_level_descriptors_stand_for_the_lowest_middle_and_highest_scores(maximum, expected):
    assert Criterion(max_score=maximum).level_scores() == expected


def test_level_descriptors_are_read_in_the_reader_s_language_with_japanese_as_fallback():
    criterion = Criterion(
        max_score=5,
        level_low_ja="具体性がない",
        level_low_en="Nothing concrete",
        level_mid_ja="一部具体的",
        level_mid_en="",
        level_high_ja="全体が具体的",
        level_high_en="Concrete throughout",
    )
    assert criterion.levels("ja") == [(1, "具体性がない"), (3, "一部具体的"), (5, "全体が具体的")]
    assert criterion.levels("en") == [(1, "Nothing concrete"), (3, "一部具体的"), (5, "Concrete throughout")]
    assert Criterion(max_score=5, level_low_ja="", level_mid_ja="", level_high_ja="").levels("ja") == []


def test_descriptors_are_saved_with_the_criterion(cohort, coordinator):
    data = services.CriterionData(
        name_ja="動機",
        max_score=5,
        weight=Decimal("1"),
        level_low_ja="低",
        level_mid_ja="中",
        level_high_ja="高",
        level_high_en="High",
    )
    criterion = services.add_criterion(cohort, data, coordinator)
    db.session.expire_all()
    criterion = db.session.get(Criterion, criterion.id)
    assert (criterion.level_low_ja, criterion.level_mid_ja, criterion.level_high_ja) == ("低", "中", "高")
    assert criterion.level_high_en == "High" and criterion.level_low_en == ""


# The set ------------------------------------------------------------------------------------------------


def test_a_past_essay_and_a_sample_essay_make_the_set(cohort, rubric, calibration_set):
    essays = services.calibration_set(cohort)
    assert [e.code for e in essays] == ["Y-2024-017", "S-1"]
    assert not essays[0].is_sample and essays[1].is_sample
    assert services.essay_text(essays[0]).startswith("過去の作文です。")
    assert services.essay_text(essays[1]).startswith("見本の作文。")
    assert essays[0].reference_for(rubric[0].id) == 8 and essays[1].reference_for(rubric[1].id) == 2


def test_sample_essays_are_numbered_s_1_s_2(cohort, rubric, coordinator, after_window):
    first = services.add_calibration_essay(cohort, "", "一つ目の見本。", _refs(rubric, 3, 3), coordinator)
    second = services.add_calibration_essay(cohort, "", "二つ目の見本。", _refs(rubric, 4, 4), coordinator)
    assert (first.code, second.code) == ("S-1", "S-2")


@pytest.mark.parametrize(
    ("code", "text", "message"),
    [
        ("", "", "どちらか一方"),
        ("Y-2024-017", "見本", "どちらか一方"),
        ("Y-2026-001", "", "見つかりません"),  # the cohort's own essay, under review
        ("Y-1999-999", "", "見つかりません"),
    ],
)
def test_a_calibration_essay_needs_one_past_essay_or_one_sample(
    cohort, rubric, coordinator, applications, past_essay, after_window, code, text, message
):
    with pytest.raises(DomainError, match=message):
        services.add_calibration_essay(cohort, code, text, _refs(rubric, 5, 3), coordinator)
    assert services.calibration_set(cohort) == []


def test_a_code_typed_in_full_width_or_lower_case_is_found(
    cohort, rubric, coordinator, past_essay, after_window
):
    essay = services.add_calibration_essay(
        cohort, "ｙ－２０２４－０１７", "", _refs(rubric, 5, 3), coordinator
    )
    assert essay.code == "Y-2024-017"


def test_a_past_essay_is_in_the_set_once(cohort, rubric, coordinator, calibration_set):
    with pytest.raises(DomainError, match="すでに登録"):
        services.add_calibration_essay(cohort, "Y-2024-017", "", _refs(rubric, 1, 1), coordinator)


def test_an_essay_of_a_cohort_whose_results_are_not_out_is_refused(
    cohort, rubric, coordinator, schools, after_window
):
    running = past_cohort(2025, published=False)
    add_application(running, 3, schools["tobata"])
    with pytest.raises(DomainError, match="見つかりません"):
        services.add_calibration_essay(cohort, "Y-2025-003", "", _refs(rubric, 1, 1), coordinator)


def test_every_missing_or_out_of_range_reference_is_listed_at_once(cohort, rubric, coordinator, after_window):
    with pytest.raises(DomainError) as refused:
        services.add_calibration_essay(cohort, "", "見本", {rubric[0].id: None, rubric[1].id: 6}, coordinator)
    assert [e.field for e in refused.value.errors] == [f"score_{rubric[0].id}", f"score_{rubric[1].id}"]


def test_the_set_needs_a_rubric(cohort, coordinator, after_window):
    with pytest.raises(DomainError, match="先に評価基準"):
        services.add_calibration_essay(cohort, "", "見本", {}, coordinator)


def test_references_and_the_set_are_fixed_once_a_reviewer_scored_the_essay(
    cohort, rubric, coordinator, calibration_set, assigned
):
    a, b = calibration_set
    services.update_references(a, _refs(rubric, 9, 5), coordinator)
    assert db.session.get(CalibrationEssay, a.id).reference_for(rubric[0].id) == 9
    services.score_calibration(a, _refs(rubric, 7, 3), assigned[0])
    with pytest.raises(DomainError, match="すでに採点したため"):
        services.update_references(a, _refs(rubric, 1, 1), coordinator)
    with pytest.raises(DomainError, match="すでに採点したため"):
        services.remove_calibration_essay(a, coordinator)
    services.remove_calibration_essay(b, coordinator)
    assert [e.code for e in services.calibration_set(cohort)] == ["Y-2024-017"]


def test_a_calibration_score_fixes_the_rubric(cohort, rubric, calibration_set, assigned):
    assert not services.rubric_locked(cohort)
    services.score_calibration(calibration_set[0], _refs(rubric, 7, 3), assigned[0])
    assert services.rubric_locked(cohort)


# Reviewers' scores and distances --------------------------------------------------------------------------


def test_distance_per_criterion_worked_example(cohort, rubric, calibration_set, assigned):
    """A: reference (8, 4), scored (6, 5): -2, +1. B: reference (5, 2), scored (6, 2): +1, 0.

    Motivation: mean difference (-2 + 1) / 2 = -0.5, mean distance (2 + 1) / 2 = 1.5.
    Clarity: mean difference (1 + 0) / 2 = +0.5, mean distance (1 + 0) / 2 = 0.5.
    """
    a, b = calibration_set
    person = assigned[0]
    services.score_calibration(a, _refs(rubric, 6, 5), person)
    halfway = services.calibration_progress(person, cohort)
    assert halfway.done == 1 and not halfway.complete
    assert [(d.mean_difference, d.mean_distance, d.essays) for d in halfway.distances] == [
        (-2, 2, 1),
        (1, 1, 1),
    ]
    services.score_calibration(b, _refs(rubric, 6, 2), person)
    progress = services.calibration_progress(person, cohort)
    assert progress.complete
    motivation, clarity = progress.distances
    assert (motivation.mean_difference, motivation.mean_distance) == (-0.5, 1.5)
    assert (clarity.mean_difference, clarity.mean_distance) == (0.5, 0.5)
    coordinator_view = services.reviewers_calibration(cohort, services.calibration_set(cohort))
    row = next(r for r in coordinator_view if r.reviewer.id == person.id)
    assert row.done == 2 and [d.mean_distance for d in row.distances] == [1.5, 0.5]
    assert all(r.done == 0 for r in coordinator_view if r.reviewer.id != person.id)


def test_a_calibration_essay_is_scored_once(cohort, rubric, calibration_set, assigned):
    a, _b = calibration_set
    services.score_calibration(a, _refs(rubric, 6, 5), assigned[0])
    with pytest.raises(DomainError, match="すでに採点済み"):
        services.score_calibration(a, _refs(rubric, 1, 1), assigned[0])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CalibrationScore)) == 2


def test_the_database_refuses_a_second_calibration_score(cohort, rubric, calibration_set, assigned):
    a, _b = calibration_set
    services.score_calibration(a, _refs(rubric, 6, 5), assigned[0])
    db.session.add(
        CalibrationScore(essay_id=a.id, reviewer_id=assigned[0].id, criterion_id=rubric[0].id, value=1)
    )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_the_database_refuses_an_essay_with_no_source_or_two(cohort, past_essay):
    for application_id, text in ((None, ""), (past_essay.id, "見本")):
        db.session.add(
            CalibrationEssay(cohort_id=cohort.id, code="X", application_id=application_id, sample_text=text)
        )
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_every_missing_criterion_is_listed_when_scoring_calibration(
    cohort, rubric, calibration_set, assigned
):
    with pytest.raises(DomainError) as refused:
        services.score_calibration(calibration_set[0], {}, assigned[0])
    assert len(refused.value.errors) == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CalibrationScore)) == 0


def test_only_reviewers_with_essays_of_the_cohort_calibrate(cohort, rubric, calibration_set, assigned):
    outsider = make_user(Role.REVIEWER, email="outsider@example.jp")
    assert services.calibration_essay_for(outsider, calibration_set[0].id) is None
    assert services.calibration_essay_for(assigned[0], calibration_set[0].id) is not None
    with pytest.raises(DomainError, match="担当している研修のものではありません"):
        services.score_calibration(calibration_set[0], _refs(rubric, 5, 3), outsider)


def test_no_calibration_once_the_review_is_closed(cohort, rubric, coordinator, calibration_set, assigned):
    services.close_review(cohort, coordinator)
    with pytest.raises(DomainError, match="締め切られて"):
        services.score_calibration(calibration_set[0], _refs(rubric, 5, 3), assigned[0])
    with pytest.raises(DomainError, match="締め切られて"):
        services.add_calibration_essay(cohort, "", "見本", _refs(rubric, 5, 3), coordinator)


def test_calibration_scores_never_change_the_ranking(cohort, rubric, calibration_set, assigned, applications):
    for person in assigned:
        for group in services.queue_for(person):
            for n, review in enumerate(group.reviews):
                services.save_review(review, _refs(rubric, (n * 3 + person.id) % 11, n % 6), "", True, person)

    def snapshot():
        board = services.ranking(cohort)
        return [(row.application.code, row.standing) for row in board.rows], board.flagged

    before = snapshot()
    scores_before = db.session.scalar(sa.select(sa.func.count()).select_from(Score))
    # The most extreme calibration scores there are: everything 0 by one, everything full by another.
    a, b = calibration_set
    for essay in (a, b):
        services.score_calibration(essay, _refs(rubric, 0, 0), assigned[0])
        services.score_calibration(essay, _refs(rubric, 10, 5), assigned[1])
    db.session.expire_all()
    assert snapshot() == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Score)) == scores_before
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(Review).where(Review.cohort_id != cohort.id))
        == 0
    )
