"""The assignment of reviewers as properties (Hypothesis), on the pure solver.

For random numbers of applications, reviewers, schools, declared and flagged conflicts and
reviews already started: every application gets k distinct reviewers none of whom has a
conflict with it, the reviews kept stay, and loads differ by at most one whenever any
assignment could do that (checked against every possible assignment on small cases);
otherwise the shortfalls name exactly the applications that cannot have their reviewers.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from booking.review.assignment import Problem, assign


@dataclass(frozen=True)
class Case:
    problem: Problem
    schools: dict[int, int]


@st.composite
def cases(draw, max_apps: int = 24, max_reviewers: int = 7, max_k: int = 3, started: bool = True) -> Case:
    n_apps = draw(st.integers(0, max_apps))
    n_reviewers = draw(st.integers(0, max_reviewers))
    k = draw(st.integers(1, max_k))
    n_schools = draw(st.integers(1, 4))
    apps = list(range(100, 100 + n_apps))
    reviewers = list(range(1, n_reviewers + 1))
    schools = {a: draw(st.integers(0, n_schools - 1)) for a in apps}
    declared = {r: draw(st.frozensets(st.integers(0, n_schools - 1), max_size=2)) for r in reviewers}
    flagged = (
        draw(st.frozensets(st.tuples(st.sampled_from(apps), st.sampled_from(reviewers)), max_size=6))
        if (apps and reviewers)
        else frozenset()
    )
    excluded = {
        a: frozenset(r for r in reviewers if schools[a] in declared[r] or (a, r) in flagged) for a in apps
    }
    kept: dict[int, frozenset[int]] = {}
    movable: dict[int, frozenset[int]] = {}
    if started and apps and reviewers:
        for a in apps:
            allowed = [r for r in reviewers if r not in excluded[a]]
            kept[a] = (
                draw(st.frozensets(st.sampled_from(allowed), max_size=min(k, 1))) if allowed else frozenset()
            )
            rest = [r for r in allowed if r not in kept[a]]
            movable[a] = draw(st.frozensets(st.sampled_from(rest), max_size=1)) if rest else frozenset()
    problem = Problem(apps, reviewers, k, excluded, kept, movable, seed=draw(st.integers(0, 3)))
    return Case(problem, schools)


def _check_validity(problem: Problem, solution) -> None:
    short = {s.application for s in solution.shortfalls}
    for app in problem.applications:
        chosen = solution.assignment[app]
        kept = problem.kept.get(app, frozenset())
        assert kept <= chosen, "reviews already started are kept"
        new = chosen - kept
        assert not (new & problem.excluded.get(app, frozenset())), (
            "nobody reviews an essay they conflict with"
        )
        assert new <= set(problem.reviewers)
        possible = kept | (set(problem.reviewers) - problem.excluded.get(app, frozenset()))
        if len(possible) >= problem.per_application:
            assert len(chosen) == max(problem.per_application, len(kept))
            assert app not in short
        else:
            assert chosen == possible, "a short application gets every reviewer it can have"
            assert app in short
    assert len(short) == len(solution.shortfalls)
    loads = {r: sum(r in chosen for chosen in solution.assignment.values()) for r in problem.reviewers}
    assert loads == solution.loads


def _best_spread(problem: Problem) -> int | None:
    """The smallest spread of loads over every possible assignment (small cases only)."""
    per_app = []
    for app in problem.applications:
        kept = problem.kept.get(app, frozenset())
        options = [
            r for r in problem.reviewers if r not in kept and r not in problem.excluded.get(app, frozenset())
        ]
        need = max(0, problem.per_application - len(kept))
        need = min(need, len(options))
        per_app.append([kept | set(c) for c in itertools.combinations(options, need)])
    if not problem.reviewers:
        return None
    best = None
    for combo in itertools.product(*per_app):
        loads = [sum(r in chosen for chosen in combo) for r in problem.reviewers]
        spread = max(loads) - min(loads)
        best = spread if best is None else min(best, spread)
    return best if best is not None else 0


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_every_application_gets_k_distinct_reviewers_without_conflicts(case):
    solution = assign(case.problem)
    _check_validity(case.problem, solution)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(max_apps=5, max_reviewers=4, max_k=2))
def test_loads_differ_by_at_most_one_whenever_any_assignment_can(case):
    solution = assign(case.problem)
    _check_validity(case.problem, solution)
    best = _best_spread(case.problem)
    if best is not None and best <= 1:
        assert solution.spread <= 1, (solution.loads, best)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 60), st.integers(1, 9), st.integers(1, 4))
def test_without_conflicts_loads_are_always_within_one(n_apps, n_reviewers, k):
    apps = list(range(n_apps))
    problem = Problem(apps, list(range(n_reviewers)), k)
    solution = assign(problem)
    _check_validity(problem, solution)
    assert solution.balanced
    assert not solution.shortfalls or k > n_reviewers


@settings(max_examples=150, deadline=None)
@given(cases(max_apps=15, max_reviewers=5, started=True))
def test_running_again_changes_nothing_when_everything_is_in_place(case):
    first = assign(case.problem)
    again = Problem(
        case.problem.applications,
        case.problem.reviewers,
        case.problem.per_application,
        case.problem.excluded,
        case.problem.kept,
        {app: frozenset(r - case.problem.kept.get(app, frozenset())) for app, r in first.assignment.items()},
        seed=case.problem.seed + 1,
    )
    second = assign(again)
    _check_validity(again, second)
    if first.balanced:
        assert second.assignment == first.assignment
