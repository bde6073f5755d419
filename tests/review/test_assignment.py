"""Assigning reviewers through the service: the rules, running again, conflicts, hand changes, audit."""

from __future__ import annotations

from collections import Counter

import pytest
import sqlalchemy as sa
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from booking.audit.models import AuditEntry
from booking.core.auth import Role
from booking.core.errors import DomainError
from booking.extensions import db
from booking.review import services
from booking.review.models import ACTIVE, DeclaredConflict, Review, ReviewStatus
from booking.schools.models import School, SchoolType
from booking.staff.models import User
from tests.factories import make_user
from tests.factories.review import AFTER, add_application, add_rubric
from tests.factories.youth import DURING, make_cohort
from tests.helpers import empty_tables


def _active(cohort_id: int) -> list[Review]:
    return list(
        db.session.scalars(
            sa.select(Review)
            .where(Review.cohort_id == cohort_id, Review.status.in_(ACTIVE))
            .order_by(Review.id)
        )
    )


def _declare(reviewer: User, school_id: int) -> None:
    db.session.add(DeclaredConflict(reviewer_id=reviewer.id, school_id=school_id))
    db.session.commit()


def test_each_application_gets_k_distinct_reviewers_with_even_loads(
    cohort, rubric, reviewers, coordinator, applications, after_window
):
    report = services.run_assignment(cohort, coordinator)
    assert report.problems == []
    assert report.added == 12
    reviews = _active(cohort.id)
    per_application = Counter(r.application_id for r in reviews)
    assert set(per_application.values()) == {2}
    assert len({(r.application_id, r.reviewer_id) for r in reviews}) == 12
    assert sorted(Counter(r.reviewer_id for r in reviews).values()) == [4, 4, 4]


def test_nobody_gets_an_essay_from_a_school_they_declared(
    cohort, rubric, reviewers, coordinator, applications, schools, after_window
):
    _declare(reviewers[0], schools["kokura"])
    services.run_assignment(cohort, coordinator)
    kokura = applications[0]
    on_kokura = {r.reviewer_id for r in _active(cohort.id) if r.application_id == kokura.id}
    assert on_kokura == {reviewers[1].id, reviewers[2].id}


def test_assignment_waits_for_the_window_to_close_and_needs_a_rubric(
    cohort, reviewers, coordinator, applications
):
    with time_machine.travel(DURING, tick=False), pytest.raises(DomainError, match="締め切"):
        services.run_assignment(cohort, coordinator)
    with time_machine.travel(AFTER, tick=False), pytest.raises(DomainError, match="評価基準"):
        services.run_assignment(cohort, coordinator)
    assert _active(cohort.id) == []


def test_running_again_keeps_reviews_already_started_and_fills_what_is_missing(
    cohort, rubric, reviewers, coordinator, applications, after_window
):
    services.run_assignment(cohort, coordinator)
    started = _active(cohort.id)[:3]
    for review in started:
        review.save_draft({rubric[0].id: 5}, "", AFTER)
    started[0].submit({rubric[0].id: 7, rubric[1].id: 4}, "good", AFTER)
    db.session.commit()
    kept = {(r.application_id, r.reviewer_id) for r in started}
    # A fourth reviewer joins; the run evens the loads out but keeps the started reviews.
    newcomer = make_user(Role.REVIEWER, email="late@example.jp")
    report = services.run_assignment(cohort, coordinator)
    reviews = _active(cohort.id)
    assert kept <= {(r.application_id, r.reviewer_id) for r in reviews}
    assert db.session.get(Review, started[0].id).status == ReviewStatus.SUBMITTED
    assert set(Counter(r.application_id for r in reviews).values()) == {2}
    loads = Counter(r.reviewer_id for r in reviews)
    assert loads[newcomer.id] == 3 and sorted(loads.values()) == [3, 3, 3, 3]
    assert report.problems == []


def test_a_run_with_nothing_to_change_changes_nothing(
    cohort, rubric, reviewers, coordinator, applications, after_window
):
    services.run_assignment(cohort, coordinator)
    before = {(r.id, r.application_id, r.reviewer_id, r.queue_key) for r in _active(cohort.id)}
    report = services.run_assignment(cohort, coordinator)
    assert (report.added, report.dropped) == (0, 0)
    assert {(r.id, r.application_id, r.reviewer_id, r.queue_key) for r in _active(cohort.id)} == before


def test_when_rules_cannot_be_met_the_message_names_the_applications_and_why(
    cohort, rubric, reviewers, coordinator, applications, schools, after_window
):
    # Two of three reviewers declared the first application's school: it can have only one.
    _declare(reviewers[0], schools["kokura"])
    _declare(reviewers[1], schools["kokura"])
    report = services.run_assignment(cohort, coordinator)
    problem = report.problems[0]
    assert "Y-2026-001" in problem
    assert "必要な2人のうち1人" in problem
    assert "2人がその学校との利害関係を申告" in problem
    assert all("Y-2026-002" not in p for p in report.problems)
    # Everything else is assigned anyway, and the short one gets who it can.
    reviews = _active(cohort.id)
    assert {r.reviewer_id for r in reviews if r.application_id == applications[0].id} == {reviewers[2].id}
    assert all(
        n == 2 for app, n in Counter(r.application_id for r in reviews).items() if app != applications[0].id
    )
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "review.assign"))
    assert entry.details["short"] == ["Y-2026-001"]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    n_apps=st.integers(1, 8),
    n_reviewers=st.integers(1, 4),
    k=st.integers(1, 3),
    declared=st.lists(st.sampled_from(["kokura", "tobata", "kosen"]), max_size=4),
)
def test_through_the_service_the_message_names_exactly_the_short_applications(
    app, n_apps, n_reviewers, k, declared
):
    """The property at the service level: shortfalls are named by code, nothing else is."""
    empty_tables(app)
    with app.app_context(), time_machine.travel(AFTER, tick=False):
        names = ["kokura", "tobata", "kosen"]
        schools = {name: School(name=f"{name}高等学校", school_type=SchoolType.HIGH) for name in names}
        db.session.add_all(schools.values())
        cohort = make_cohort(reviewers_per_application=k)
        add_rubric(cohort)
        made = [add_application(cohort, n + 1, schools[names[n % 3]].id) for n in range(n_apps)]
        people = [make_user(Role.REVIEWER) for _ in range(n_reviewers)]
        for person, school in zip(people, declared, strict=False):
            db.session.add(DeclaredConflict(reviewer_id=person.id, school_id=schools[school].id))
        db.session.commit()
        report = services.run_assignment(cohort, make_user(Role.COORDINATOR))
        blocked = Counter(school for _person, school in zip(people, declared, strict=False))
        reviews = _active(cohort.id)
        for n, application in enumerate(made):
            available = n_reviewers - blocked[names[n % 3]]
            named = any(application.code in problem for problem in report.problems)
            assert named == (available < k), (application.code, available, k, report.problems)
            assert sum(1 for r in reviews if r.application_id == application.id) == min(k, available)
        db.session.remove()
    empty_tables(app)


def test_a_reviewer_flags_a_conflict_and_the_essay_goes_to_someone_else(
    cohort, rubric, reviewers, coordinator, applications, after_window
):
    services.run_assignment(cohort, coordinator)
    review = next(r for r in _active(cohort.id) if r.reviewer_id == reviewers[0].id)
    others_before = {r.reviewer_id for r in _active(cohort.id) if r.application_id == review.application_id}
    replacement = services.flag_conflict(review, reviewers[0])
    assert replacement is not None and replacement.id not in others_before
    after = {r.reviewer_id for r in _active(cohort.id) if r.application_id == review.application_id}
    assert reviewers[0].id not in after and len(after) == 2
    assert db.session.get(Review, review.id).status == ReviewStatus.CONFLICT
    # Running again never gives it back to them.
    services.run_assignment(cohort, coordinator)
    assert reviewers[0].id not in {
        r.reviewer_id for r in _active(cohort.id) if r.application_id == review.application_id
    }
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "review.conflict"))
    assert entry.actor_id == reviewers[0].id and entry.details["reassigned_to"] == replacement.id


def test_with_no_one_left_the_flagged_essay_shows_as_short(
    cohort, rubric, coordinator, applications, after_window, ctx
):
    two = [make_user(Role.REVIEWER, email=f"only{n}@example.jp") for n in (1, 2)]
    services.run_assignment(cohort, coordinator)
    review = next(r for r in _active(cohort.id) if r.reviewer_id == two[0].id)
    assert services.flag_conflict(review, two[0]) is None
    rows, _progress = services.assignment_overview(cohort)
    short = services.shortfalls(cohort, rows)
    assert [row.application.id for row in short] == [review.application_id]


def test_coordinators_add_and_remove_reviewers_by_hand(
    cohort, rubric, reviewers, coordinator, applications, schools, after_window
):
    services.run_assignment(cohort, coordinator)
    target = applications[1]
    on_it = [r for r in _active(cohort.id) if r.application_id == target.id]
    missing = next(u for u in reviewers if u.id not in {r.reviewer_id for r in on_it})
    added = services.add_reviewer(cohort, target.id, missing.id, coordinator)
    assert added.manual
    services.remove_reviewer(on_it[0], coordinator)
    assert db.session.get(Review, on_it[0].id).status == ReviewStatus.REMOVED
    # A run keeps the hand-made choice and does not put the removed reviewer back.
    services.run_assignment(cohort, coordinator)
    now_on = {r.reviewer_id for r in _active(cohort.id) if r.application_id == target.id}
    assert missing.id in now_on and on_it[0].reviewer_id not in now_on
    # Never someone who declared the school.
    _declare(missing, schools["kokura"])
    with pytest.raises(DomainError, match="利害関係"):
        services.add_reviewer(cohort, applications[0].id, missing.id, coordinator)
    actions = set(db.session.scalars(sa.select(AuditEntry.action)))
    assert {"review.assignment.add", "review.assignment.remove", "review.assign"} <= actions


def test_the_assignment_page_runs_and_shows_the_loads(
    client, login, cohort, rubric, reviewers, coordinator, applications, after_window
):
    login(client, "coord@example.jp")
    response = client.post(
        f"/staff/review/cohorts/{cohort.id}/assignments", data={"reviewers": [u.id for u in reviewers]}
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "12件を割り当て" in body
    for person in reviewers:
        assert person.name in body
    assert "Y-2026-006" in body


def test_choosing_no_reviewer_is_refused_on_the_form(
    client, login, cohort, rubric, reviewers, coordinator, applications, after_window
):
    login(client, "coord@example.jp")
    response = client.post(f"/staff/review/cohorts/{cohort.id}/assignments", data={})
    assert response.status_code == 422
    assert "審査員を1人以上選んでください。" in response.get_data(as_text=True)
