"""Decisions: places, consent, the waiting list in order, and what the database refuses."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from booking.audit.models import AuditEntry
from booking.core.errors import DomainError
from booking.extensions import db
from booking.selection import services
from booking.selection.models import Decision
from booking.youth.models import Application, ApplicationStatus, ConsentStatus
from tests.factories.review import SECRETS, add_application

A, W, N, U = (
    ApplicationStatus.ACCEPTED,
    ApplicationStatus.WAITLISTED,
    ApplicationStatus.NOT_SELECTED,
    ApplicationStatus.SUBMITTED,
)


def _status(application: Application) -> ApplicationStatus:
    db.session.rollback()  # a fresh read, after what other sessions wrote
    return db.session.get(Application, application.id).status


def test_never_more_accepted_than_the_places(cohort, coordinator, applications, after_window):
    cohort.places = 2
    db.session.commit()
    services.decide(cohort, applications[0].id, A, coordinator)
    services.decide(cohort, applications[1].id, A, coordinator)
    with pytest.raises(DomainError, match="2人の定員はすべて埋まっています"):
        services.decide(cohort, applications[2].id, A, coordinator)
    assert _status(applications[2]) == U
    # Taking a decision back frees the place for another.
    services.decide(cohort, applications[1].id, N, coordinator)
    services.decide(cohort, applications[2].id, A, coordinator)
    places = sorted(
        db.session.scalars(sa.select(Decision.place_number).where(Decision.place_number.is_not(None)))
    )
    assert places == [1, 2]


@pytest.mark.parametrize("consent", [ConsentStatus.PENDING, ConsentStatus.REFUSED])
@pytest.mark.parametrize("decision", [A, W])
def test_never_a_place_or_the_waiting_list_without_the_guardian_s_consent(
    cohort, coordinator, schools, after_window, consent, decision
):
    application = add_application(cohort, 1, schools["tobata"], consent=consent)
    with pytest.raises(DomainError, match="保護者の同意がない"):
        services.decide(cohort, application.id, decision, coordinator)
    assert _status(application) == U
    services.decide(cohort, application.id, N, coordinator)
    assert _status(application) == N


def test_the_waiting_list_keeps_its_order_and_its_length(cohort, coordinator, applications, after_window):
    cohort.waitlist_length = 3
    db.session.commit()
    for application in applications[:3]:
        services.decide(cohort, application.id, W, coordinator)
    with pytest.raises(DomainError, match="補欠の枠"):
        services.decide(cohort, applications[3].id, W, coordinator)
    codes = lambda: [r.application.code for r in services.board(cohort).waitlist]  # noqa: E731
    assert codes() == ["Y-2026-001", "Y-2026-002", "Y-2026-003"]
    services.move_waitlisted(cohort, applications[2].id, up=True, actor=coordinator)
    assert codes() == ["Y-2026-001", "Y-2026-003", "Y-2026-002"]
    services.move_waitlisted(cohort, applications[0].id, up=False, actor=coordinator)
    assert codes() == ["Y-2026-003", "Y-2026-001", "Y-2026-002"]
    # Leaving the list and coming back puts one at its end.
    services.decide(cohort, applications[3].id, N, coordinator)
    services.decide(cohort, applications[0].id, N, coordinator)
    services.decide(cohort, applications[0].id, W, coordinator)
    assert codes() == ["Y-2026-003", "Y-2026-002", "Y-2026-001"]


def test_the_undecided_ones_can_be_marked_not_selected_at_once(
    cohort, coordinator, applications, after_window
):
    services.decide(cohort, applications[0].id, A, coordinator)
    assert services.decide_rest(cohort, coordinator) == 5
    assert [_status(a) for a in applications] == [A, N, N, N, N, N]


def test_decisions_are_fixed_once_the_results_are_published(cohort, coordinator, applications, after_window):
    services.decide(cohort, applications[0].id, A, coordinator)
    cohort.results_published_at = cohort.closes_at
    db.session.commit()
    with pytest.raises(DomainError, match="公開しました"):
        services.decide(cohort, applications[1].id, A, coordinator)


def test_the_database_never_lets_two_applications_hold_one_place(
    cohort, coordinator, applications, after_window
):
    services.decide(cohort, applications[0].id, A, coordinator)
    services.decide(cohort, applications[1].id, A, coordinator)
    second = db.session.scalar(sa.select(Decision).where(Decision.application_id == applications[1].id))
    second.place_number = 1
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_decisions_are_audited_without_personal_data(cohort, coordinator, applications, after_window):
    services.decide(cohort, applications[0].id, A, coordinator)
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "selection.decide"))
    assert entry.actor_id == coordinator.id
    assert entry.details["decision"] == "accepted" and entry.details["code"] == "Y-2026-001"
    for value in SECRETS.values():
        assert value not in str(entry.details)


def test_the_decisions_page_decides_by_code_and_shows_no_names(
    client, login, cohort, coordinator, applications, after_window
):
    login(client, "coord@example.jp")
    url = f"/staff/selection/cohorts/{cohort.id}/decide"
    response = client.post(url, data={"application_id": applications[0].id, "decision": "accepted"})
    assert response.status_code == 302
    assert _status(applications[0]) == A
    page = client.get(f"/staff/selection/cohorts/{cohort.id}/decisions").get_data(as_text=True)
    assert "Y-2026-001" in page and "選考通過" in page
    assert SECRETS["family_name"] not in page
    # A refusal comes back as a message.
    cohort.places = 1
    db.session.commit()
    client.post(url, data={"application_id": applications[1].id, "decision": "accepted"})
    page = client.get(f"/staff/selection/cohorts/{cohort.id}/decisions").get_data(as_text=True)
    assert "定員" in page and "埋まっています" in page
