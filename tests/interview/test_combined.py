"""Interview scores into the combined ranking, and the decisions page following it."""

from __future__ import annotations

import pytest

from booking.core.auth import Role
from booking.extensions import db
from booking.interview import services
from booking.interview.models import InterviewScore
from booking.selection import services as selection_services
from tests.factories import make_user
from tests.factories.interview import add_interview_rubric, add_round, shortlist
from tests.helpers import count_queries


def _score(cohort, application, interviewer, criteria, values) -> None:
    db.session.add_all(
        InterviewScore(
            cohort_id=cohort.id,
            application_id=application.id,
            interviewer_id=interviewer.id,
            criterion_id=criterion.id,
            value=value,
        )
        for criterion, value in zip(criteria, values, strict=True)
    )
    db.session.commit()


@pytest.fixture
def interviewed(cohort, interview_round, ranked, interviewer):
    """The top three shortlisted; the interview reverses part of the essay order.

    Essays: 1st, 2nd, 3rd. Interview points (0-100): 40, 100, 70, as in the worked example.
    """
    shortlist(cohort, ranked[:3])
    criteria = add_interview_rubric(cohort)
    for application, values in zip(ranked[:3], [(2, 2), (5, 5), (4, 3)], strict=True):
        _score(cohort, application, interviewer, criteria, values)
    return ranked[:3]


def test_the_combined_ranking_weighs_essay_and_interview(cohort, interviewed):
    board = services.combined_ranking(cohort)
    order = [row.application.id for row in board.rows]
    # Essay figures standardised over the three: +1.22, z2, z3 (the essay gaps are not equal here,
    # so only the order is asserted); the interview's 100 points lifts the second above the first.
    assert order[0] == interviewed[1].id
    assert [
        row.standing.interview_points for row in board.rows if row.application.id == interviewed[0].id
    ] == [40.0]
    assert all(row.standing.rank for row in board.rows)


def test_with_the_essay_weighing_everything_the_essay_order_stands(cohort, interviewed, coordinator):
    found = services.round_for(cohort)
    found.essay_weight, found.interview_weight = 100, 0
    db.session.commit()
    order = [row.application.id for row in services.combined_ranking(cohort).rows]
    assert order == [a.id for a in interviewed]


def test_the_decisions_page_lists_the_shortlist_first_in_the_combined_order(cohort, interviewed, ranked):
    board = selection_services.board(cohort)
    assert [row.application.id for row in board.rows][:3] == [
        row.application.id for row in services.combined_ranking(cohort).rows
    ]
    assert [row.application.id for row in board.rows][3:] == [a.id for a in ranked[3:]]
    assert board.rows[0].interview.rank == 1 and board.rows[3].interview is None


def test_a_cohort_without_an_interview_round_keeps_the_essay_order(cohort, ranked):
    board = selection_services.board(cohort)
    assert [row.application.id for row in board.rows] == [a.id for a in ranked]
    assert board.combined is None


def test_the_interview_pages_query_count_does_not_grow_with_their_rows(
    app, login, cohort, ranked, schools, after_window
):
    from tests.factories.review import add_application

    interviewer = make_user(Role.REVIEWER, email="panel@example.jp")
    add_round(cohort, [interviewer], size=20)
    criteria = add_interview_rubric(cohort)
    coordinator = app.test_client()
    login(coordinator, make_user(Role.COORDINATOR).email)
    panel = app.test_client()
    login(panel, interviewer.email)
    db.session.rollback()  # the sign-ins wrote since this session last read

    def counts() -> list[int]:
        found = []
        for client, path in [
            (coordinator, f"/staff/interview/cohorts/{cohort.id}/shortlist"),
            (coordinator, f"/staff/interview/cohorts/{cohort.id}/ranking"),
            (panel, "/staff/interview/"),
        ]:
            with count_queries(app) as counter:
                assert client.get(path).status_code == 200
            found.append(counter.count)
        db.session.rollback()  # the pages wrote (the audit) since this session last read
        return found

    shortlist(cohort, ranked[:2])
    for application in ranked[:2]:
        _score(cohort, application, interviewer, criteria, (3, 3))
    few = counts()
    more = [add_application(cohort, n, schools["tobata"]) for n in range(7, 17)]
    shortlist(cohort, more)
    for application in more:
        _score(cohort, application, interviewer, criteria, (2, 4))
    assert counts() == few
