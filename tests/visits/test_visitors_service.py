"""Keeping, exporting and forgetting a visit's visitor list; the counts that outlive it."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from booking.audit.models import AuditEntry
from booking.commands import PURGERS
from booking.core.errors import DomainError
from booking.extensions import db
from booking.visits.models import VisitCountry, VisitStatus
from booking.visits.services import visitors as service
from booking.visits.visitor_models import Visitor
from booking.visits.visitors import ROW_MARGIN, VisitorRow
from tests.factories.visits import make_visit_request
from tests.helpers import run_together

KH, VN = "KH", "VN"


@pytest.fixture(autouse=True)
def english(ctx):
    """Refusals in English, as an organiser who chose English reads them."""
    with force_locale("en"):
        yield


def people(*nationalities: str) -> list[VisitorRow]:
    return [VisitorRow(f"PERSON {chr(65 + i)}", "PPWSA", code) for i, code in enumerate(nationalities)]


def names(visit) -> list[str]:
    return [v.full_name for v in service.visitors_of(visit)]


def countries(visit) -> dict[str, int]:
    rows = db.session.execute(
        sa.select(VisitCountry.country, VisitCountry.visitors).where(VisitCountry.request_id == visit.id)
    )
    return dict(rows.all())


def test_a_list_is_kept_in_its_order_and_replaced_as_a_whole(ctx, frozen, coordinator):
    visit = make_visit_request(status="scheduled", actor=coordinator)
    assert service.replace_list(visit, people(KH, KH, VN)) == 3
    assert names(visit) == ["PERSON A", "PERSON B", "PERSON C"]

    service.replace_list(visit, [VisitorRow("SOK DARA", "", KH)])
    assert names(visit) == ["SOK DARA"]
    assert service.summary(visit).count == 1


@pytest.mark.parametrize("status", ["submitted", "proposed", "scheduled"])
def test_the_list_may_be_sent_while_the_visit_is_to_come(ctx, frozen, coordinator, status):
    visit = make_visit_request(status=status, actor=coordinator)
    assert service.can_edit_list(visit)
    service.replace_list(visit, people(KH))
    assert service.summary(visit).count == 1


@pytest.mark.parametrize("status", ["completed", "declined", "cancelled"])
def test_the_list_cannot_be_sent_once_the_visit_is_closed(ctx, frozen, coordinator, status):
    visit = make_visit_request(status=status, actor=coordinator)
    assert not service.can_edit_list(visit)
    with pytest.raises(DomainError, match="can no longer be changed"):
        service.replace_list(visit, people(KH))
    db.session.rollback()
    assert service.summary(visit).count == 0


def test_the_list_cannot_be_changed_once_the_visit_has_begun(ctx, frozen, coordinator):
    visit = make_visit_request(status="scheduled", actor=coordinator)
    service.replace_list(visit, people(KH))
    frozen.move_to(visit.starts_at + timedelta(minutes=1))
    with pytest.raises(DomainError):
        service.replace_list(visit, people(VN))
    db.session.rollback()
    assert [v.nationality for v in service.visitors_of(visit)] == [KH]


def test_a_list_longer_than_the_group_and_its_margin_is_refused(ctx, frozen, coordinator):
    visit = make_visit_request(status="submitted", group_size=2, actor=coordinator)
    with pytest.raises(DomainError, match="at most"):
        service.replace_list(visit, people(*[KH] * (2 + ROW_MARGIN + 1)))
    db.session.rollback()
    assert service.summary(visit).count == 0


def test_an_empty_list_is_refused(ctx, frozen, coordinator):
    visit = make_visit_request(status="submitted", actor=coordinator)
    with pytest.raises(DomainError):
        service.replace_list(visit, [])


def test_forgetting_a_list_keeps_its_counts_by_nationality(ctx, frozen, coordinator):
    visit = make_visit_request(status="scheduled", actor=coordinator)
    service.replace_list(visit, people(KH, KH, VN, KH))

    assert service.forget(visit) == 4
    db.session.commit()

    assert service.summary(visit).count == 0
    assert countries(visit) == {KH: 3, VN: 1}


def test_forgetting_keeps_counts_already_recorded(ctx, frozen, coordinator):
    visit = make_visit_request(status="scheduled", actor=coordinator)
    service.replace_list(visit, people(KH, VN))
    visit = db.session.get(type(visit), visit.id)
    visit.set_country_counts({KH: 10, "JP": 2})
    db.session.commit()

    service.forget(visit)
    db.session.commit()

    assert countries(visit) == {KH: 10, "JP": 2}
    assert service.summary(visit).count == 0


def test_the_counts_fill_the_record_of_a_visit_held(ctx, frozen, coordinator):
    visit = make_visit_request(status="scheduled", actor=coordinator)
    service.replace_list(visit, people(KH, VN, VN))
    assert service.counts_by_nationality(visit) == {KH: 1, VN: 2}


@pytest.mark.parametrize("status", ["completed", "cancelled", "declined"])
def test_the_purge_deletes_the_lists_of_closed_visits_and_keeps_counts(ctx, frozen, coordinator, status):
    closed = make_visit_request(status="scheduled", actor=coordinator)
    open_visit = make_visit_request(status="scheduled", actor=coordinator)
    service.replace_list(closed, people(KH, VN))
    service.replace_list(open_visit, people(KH))
    # The list of a visit closed without its hook (an older path): the purge still finds it.
    db.session.execute(
        sa.update(type(closed)).where(type(closed).id == closed.id).values(status=VisitStatus(status))
    )
    db.session.execute(sa.delete(VisitCountry).where(VisitCountry.request_id == closed.id))
    db.session.commit()

    message = service.purge_visitor_lists()

    assert "1 finished visit(s)" in message and "2 people" in message
    assert service.summary(closed).count == 0
    assert countries(closed) == {KH: 1, VN: 1}
    assert names(open_visit) == ["PERSON A"]


def test_the_purge_deletes_the_list_of_a_visit_over_but_not_recorded(ctx, frozen, coordinator):
    visit = make_visit_request(status="scheduled", actor=coordinator)
    service.replace_list(visit, people(KH))
    frozen.move_to(visit.ends_at + service.KEPT_AFTER_VISIT - timedelta(minutes=1))
    service.purge_visitor_lists()
    assert service.summary(visit).count == 1

    frozen.move_to(visit.ends_at + service.KEPT_AFTER_VISIT + timedelta(minutes=1))
    service.purge_visitor_lists()
    assert service.summary(visit).count == 0
    assert countries(visit) == {KH: 1}


def test_the_purge_runs_with_purge_personal_data(ctx):
    assert service.purge_visitor_lists in PURGERS


def test_a_visit_deleted_takes_its_list_with_it(ctx, frozen, coordinator):
    visit = make_visit_request(status="submitted", actor=coordinator)
    service.replace_list(visit, people(KH))
    db.session.delete(visit)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(Visitor.id))) == 0


def test_an_export_is_audited_without_names(ctx, frozen, coordinator):
    visit = make_visit_request(status="scheduled", actor=coordinator)
    service.replace_list(visit, people(KH, VN))

    exported = service.record_export(visit, coordinator, "xlsx")

    assert [v.full_name for v in exported] == ["PERSON A", "PERSON B"]
    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "visit.visitors.export")
    ).one()
    assert (entry.actor_id, entry.subject_id, entry.details) == (
        coordinator.id,
        str(visit.id),
        {"format": "xlsx", "rows": 2},
    )
    assert "PERSON" not in str(entry.details)


def test_the_database_refuses_two_people_in_one_place_of_a_list(ctx, frozen, coordinator):
    visit = make_visit_request(status="submitted", actor=coordinator)
    db.session.add_all(
        [
            Visitor(request_id=visit.id, position=1, full_name="A", organisation="", nationality=KH),
            Visitor(request_id=visit.id, position=1, full_name="B", organisation="", nationality=KH),
        ]
    )
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_lists_sent_at_once_leave_one_whole_list(app, ctx, coordinator):
    """Eight sendings of different lists at the same moment: each replaces the whole list in
    turn (the request's row lock; SQLite: one writer at a time), so one whole list is left."""
    visit = make_visit_request(status="scheduled", actor=coordinator, group_size=12)
    visit_id = visit.id
    db.session.remove()
    codes = ["KH", "VN", "MM", "LA", "TH", "ID", "PH", "ZA"]
    lists = [people(*[code] * (index + 2)) for index, code in enumerate(codes)]

    def act(index, _prepared):
        from booking.visits.models import VisitRequest

        return service.replace_list(db.session.get(VisitRequest, visit_id), lists[index])

    results = run_together(len(lists), act, app=app)

    assert sorted(results) == [len(rows) for rows in lists]
    db.session.rollback()  # a fresh look at what the threads committed
    kept = [(v.position, v.full_name, v.nationality) for v in service.visitors_of(visit)]
    assert kept in [
        [(position, row.full_name, row.nationality) for position, row in enumerate(rows, start=1)]
        for rows in lists
    ]
