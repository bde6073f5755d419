"""Visit requests: every status move they can make and every one they cannot, their
history, and the database's own guard on a facility's capacity."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
import sqlalchemy as sa

from booking.core.errors import DomainError, InvalidTransition
from booking.core.time import utcnow
from booking.db import write_lock
from booking.extensions import db
from booking.visits.models import (
    VISIT_ACTIONS,
    VISIT_WORKFLOW,
    Action,
    FacilityBooking,
    VisitRequest,
    VisitStatus,
)
from booking.visits.services import facilities as facility_services
from tests.factories.visits import GOOD_DAY, at, make_facility, make_visit_request
from tests.helpers import run_together

S = VisitStatus


def in_status(status: VisitStatus, actor) -> VisitRequest:
    """A request in `status`, its visit two days ago (so it may be recorded as held)."""
    return make_visit_request(status=status.value, actor=actor, starts_at=utcnow() - timedelta(days=2))


def move(visit: VisitRequest, target: VisitStatus, actor) -> None:
    """Ask for `target` through the verb that leads there."""
    start = utcnow() + timedelta(days=30)
    end = start + timedelta(minutes=60)
    if target == S.PROPOSED:
        visit.propose([(start, end)], "こちらの日程はいかがでしょうか。", actor)
    elif target == S.SCHEDULED and visit.status == S.SCHEDULED:
        visit.reschedule(start, end, actor, note="施設の点検のため")
    elif target == S.SCHEDULED:
        visit.schedule(start, end, actor)
    elif target == S.COMPLETED:
        visit.complete(11, {"KH": 10, "JP": 1}, "", actor, utcnow())
    elif target == S.DECLINED:
        visit.decline("案内できる職員がいません。", actor)
    elif target == S.CANCELLED:
        visit.cancel("渡航が延期になりました。", actor)
    else:
        VISIT_WORKFLOW.check(visit.status, target)


MOVES = list(VISIT_WORKFLOW.moves())
FORBIDDEN = list(VISIT_WORKFLOW.forbidden())


@pytest.mark.parametrize(("frm", "to"), MOVES, ids=[f"{a}->{b}" for a, b in MOVES])
def test_every_allowed_move_changes_the_status_and_writes_history(ctx, coordinator, frm, to):
    visit = in_status(frm, coordinator)
    before = len(visit.events)
    move(visit, to, coordinator)
    db.session.commit()
    assert visit.status == to
    assert len(visit.events) == before + 1
    event = visit.events[-1]
    assert (event.from_status, event.to_status, event.actor_id) == (frm, to, coordinator.id)
    assert event.occurred_at is not None


@pytest.mark.parametrize(("frm", "to"), FORBIDDEN, ids=[f"{a}->{b}" for a, b in FORBIDDEN])
def test_every_other_move_is_refused_with_a_message_and_changes_nothing(ctx, coordinator, frm, to):
    visit = in_status(frm, coordinator)
    before = len(visit.events)
    with pytest.raises(InvalidTransition) as refused:
        move(visit, to, coordinator)
    assert str(refused.value)
    db.session.rollback()
    visit = db.session.get(VisitRequest, visit.id)
    assert visit.status == frm
    assert len(visit.events) == before


def test_the_table_matches_the_specification():
    assert VISIT_WORKFLOW.targets(S.SUBMITTED) == {S.PROPOSED, S.SCHEDULED, S.DECLINED, S.CANCELLED}
    assert VISIT_WORKFLOW.targets(S.PROPOSED) == {S.PROPOSED, S.SCHEDULED, S.DECLINED, S.CANCELLED}
    assert VISIT_WORKFLOW.targets(S.SCHEDULED) == {S.SCHEDULED, S.COMPLETED, S.CANCELLED}
    for closed in (S.COMPLETED, S.DECLINED, S.CANCELLED):
        assert VISIT_WORKFLOW.targets(closed) == set()


ACTION_CASES = [(action, status) for action in Action for status in VisitStatus]


@pytest.mark.parametrize(("action", "status"), ACTION_CASES, ids=[f"{a}-from-{s}" for a, s in ACTION_CASES])
def test_each_question_answers_yes_exactly_from_the_statuses_of_its_action(ctx, coordinator, action, status):
    visit = in_status(status, coordinator)
    allowed = status in VISIT_ACTIONS[action].sources
    assert getattr(visit, f"can_{action.value}")() is allowed
    if allowed:
        visit.ensure_can(action)
    else:
        with pytest.raises(InvalidTransition):
            visit.ensure_can(action)


def test_the_organiser_choosing_a_proposed_date_is_kept_as_theirs(ctx, coordinator):
    visit = in_status(S.PROPOSED, coordinator)
    slot = visit.proposals[0]
    event = visit.schedule(slot.starts_at, slot.ends_at, None, by_organiser=True)
    assert visit.status == S.SCHEDULED
    assert event.by_organiser and event.actor_id is None
    assert event.details["action"] == "choose_date"


def test_a_visit_cannot_be_recorded_as_held_before_it_starts(ctx, coordinator):
    visit = make_visit_request(status="scheduled", starts_at=utcnow() + timedelta(days=3))
    with pytest.raises(InvalidTransition):
        visit.complete(10, {"KH": 10}, "", coordinator, utcnow())


def test_recording_a_visit_as_held_keeps_the_visitors_by_country(ctx, coordinator):
    visit = in_status(S.SCHEDULED, coordinator)
    visit.complete(13, {"KH": 10, "VN": 3}, "通訳あり", coordinator, utcnow())
    db.session.commit()
    visit = db.session.get(VisitRequest, visit.id)
    assert {c.country: c.visitors for c in visit.countries} == {"KH": 10, "VN": 3}
    assert visit.actual_visitors == 13 and visit.visitor_count == 13


def test_cancelling_a_scheduled_visit_frees_its_facilities_and_bumps_the_calendar(ctx, coordinator):
    visit = in_status(S.SCHEDULED, coordinator)
    assert visit.facility_bookings and all(b.active for b in visit.facility_bookings)
    assert visit.cancel("延期", None, by_organiser=True) is True
    assert not any(b.active for b in visit.facility_bookings)
    assert visit.calendar_sequence == 1


# The facility's capacity, guarded by the database.


def _booking(facility, visit, visitors, start, minutes=60) -> FacilityBooking:
    return FacilityBooking(
        facility_id=facility.id,
        request_id=visit.id,
        starts_at=start,
        ends_at=start + timedelta(minutes=minutes),
        visitors=visitors,
    )


def test_the_database_refuses_a_booking_over_the_facility_capacity(ctx):
    facility = make_facility(capacity=20)
    first = make_visit_request([facility])
    second = make_visit_request([facility])
    db.session.add(_booking(facility, first, 15, at(GOOD_DAY, 10)))
    db.session.commit()
    db.session.add(_booking(facility, second, 6, at(GOOD_DAY, 10, 30)))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(FacilityBooking.id))) == 1


def test_the_database_accepts_bookings_that_fill_the_facility_exactly(ctx):
    facility = make_facility(capacity=20)
    visits = [make_visit_request([facility]) for _ in range(2)]
    db.session.add(_booking(facility, visits[0], 15, at(GOOD_DAY, 10)))
    db.session.add(_booking(facility, visits[1], 5, at(GOOD_DAY, 10, 30)))
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.sum(FacilityBooking.visitors))) == 20


def test_groups_that_never_meet_may_together_exceed_the_capacity(ctx):
    """A long visit beside two short ones that follow each other: the busiest moment counts."""
    facility = make_facility(capacity=20)
    visits = [make_visit_request([facility]) for _ in range(3)]
    db.session.add(_booking(facility, visits[0], 10, at(GOOD_DAY, 9, 30), minutes=180))
    db.session.add(_booking(facility, visits[1], 10, at(GOOD_DAY, 10)))
    db.session.add(_booking(facility, visits[2], 10, at(GOOD_DAY, 11)))
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(FacilityBooking.id))) == 3


def test_the_database_refuses_a_change_that_overfills_the_facility(ctx):
    facility = make_facility(capacity=20)
    visits = [make_visit_request([facility]) for _ in range(2)]
    db.session.add(_booking(facility, visits[0], 15, at(GOOD_DAY, 10)))
    later = _booking(facility, visits[1], 15, at(GOOD_DAY, 14))
    db.session.add(later)
    db.session.commit()
    later.starts_at, later.ends_at = at(GOOD_DAY, 10, 30), at(GOOD_DAY, 11, 30)
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_an_inactive_booking_leaves_room(ctx):
    facility = make_facility(capacity=20)
    visits = [make_visit_request([facility]) for _ in range(2)]
    cancelled = _booking(facility, visits[0], 20, at(GOOD_DAY, 10))
    cancelled.active = False
    db.session.add(cancelled)
    db.session.add(_booking(facility, visits[1], 20, at(GOOD_DAY, 10)))
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(FacilityBooking.id))) == 2


def test_holding_a_full_facility_says_how_much_room_is_left(ctx):
    facility = make_facility(capacity=20, name_en="Water Plaza")
    make_visit_request([facility], status="scheduled", group_size=8)
    visit = make_visit_request([facility], group_size=15)
    with pytest.raises(DomainError) as refused:
        facility_services.hold_facilities(visit, at(GOOD_DAY, 10), at(GOOD_DAY, 11))
    assert refused.value.field == "facilities"
    assert "12" in str(refused.value)


THREADS = 20


def test_twenty_coordinators_holding_one_facility_never_exceed_its_capacity(app, ctx):
    """Twenty groups of 7 at overlapping times in a facility for 30: four fit, never more
    (PostgreSQL: the facility row's lock; SQLite: writers take turns)."""
    facility = make_facility(capacity=30)
    facility_id = facility.id
    ids = [make_visit_request([facility], group_size=7).id for _ in range(THREADS)]
    db.session.remove()

    def act(index, _prepared):
        start = at(GOOD_DAY, 10) + timedelta(minutes=index % 3 * 10)
        try:
            with write_lock():
                visit = db.session.get(VisitRequest, ids[index])
                facility_services.hold_facilities(visit, start, start + timedelta(minutes=60))
                db.session.commit()
        except DomainError:
            return "full"
        return "held"

    results = Counter(run_together(THREADS, act, app=app))
    assert results == {"held": 4, "full": THREADS - 4}
    db.session.rollback()
    assert facility_services.peak_visitors(facility_id, at(GOOD_DAY, 9), at(GOOD_DAY, 12)) == 28


def test_twenty_raw_inserts_at_once_never_exceed_the_capacity(app, ctx):
    """Without the services' friendly check, the database's trigger alone keeps the limit."""
    facility = make_facility(capacity=30)
    facility_id = facility.id
    ids = [make_visit_request([facility], group_size=7).id for _ in range(THREADS)]
    db.session.remove()

    def act(index, _prepared):
        start = at(GOOD_DAY, 10) + timedelta(minutes=index % 4 * 5)
        booking = FacilityBooking(
            facility_id=facility_id,
            request_id=ids[index],
            starts_at=start,
            ends_at=start + timedelta(minutes=60),
            visitors=7,
        )
        try:
            with write_lock():
                db.session.add(booking)
                db.session.commit()
        except sa.exc.IntegrityError:
            return "refused"
        return "saved"

    results = Counter(run_together(THREADS, act, app=app))
    assert results == {"saved": 4, "refused": THREADS - 4}
