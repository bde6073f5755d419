"""What coordinators do to a study-tour request, through the real staff forms: schedule with
guides and an interpreter (across programs), propose, reschedule, decline, cancel, record."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from booking.extensions import db
from booking.scheduling.models import BookingRole, Program, StaffBooking, TimeOff
from booking.visits.models import FacilityBooking, VisitCountry, VisitRequest, VisitStatus
from tests.factories.lectures import make_program
from tests.factories.lectures import make_request as make_lecture
from tests.factories.visits import GOOD_DAY, at, book_staff, make_facility, make_guide, make_visit_request
from tests.helpers import outbox

EN = {"Accept-Language": "en"}
HELD_ON = at(date(2026, 10, 30), 10)  # the Friday before the tests' "now"


def reload(visit_id: int) -> VisitRequest:
    db.session.rollback()
    return db.session.get(VisitRequest, visit_id)


def bookings(visit_id: int, active: bool = True) -> list[StaffBooking]:
    db.session.rollback()
    return list(
        db.session.scalars(
            sa.select(StaffBooking)
            .where(
                StaffBooking.program == Program.VISIT,
                StaffBooking.subject_id == visit_id,
                StaffBooking.active.is_(active),
            )
            .order_by(StaffBooking.person_id)
        )
    )


@pytest.fixture(autouse=True)
def _clock(frozen):
    """The clock stops before anyone signs in (a session from the future would be stale)."""
    return frozen


@pytest.fixture
def guide(ctx):
    return make_guide("案内 花子", email="guide@example.jp")


@pytest.fixture
def visit(ctx, frozen):
    return make_visit_request()


def post(client, path, data):
    return client.post(path, data=data, headers=EN)


def test_schedule_a_requested_date_with_a_guide(app, coordinator_client, visit, guide):
    page = coordinator_client.get(f"/staff/visits/{visit.id}/schedule", headers=EN).get_data(as_text=True)
    assert "案内 花子" in page and "Free" in page
    response = post(
        coordinator_client,
        f"/staff/visits/{visit.id}/schedule",
        {"slot": str(visit.candidates[0].id), "guide_ids": str(guide.id), "message": "See you at the gate."},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    visit = reload(visit.id)
    assert visit.status == VisitStatus.SCHEDULED
    assert visit.starts_at == at(GOOD_DAY, 10) and visit.ends_at == at(GOOD_DAY, 11)
    assert visit.events[-1].note == "See you at the gate."
    assert [(b.person_id, b.role) for b in bookings(visit.id)] == [(guide.id, BookingRole.GUIDE)]
    held = db.session.scalars(sa.select(FacilityBooking).where(FacilityBooking.request_id == visit.id)).all()
    assert [(b.active, b.visitors) for b in held] == [(True, visit.group_size)]
    assert [e.template for e in outbox(app)] == ["visits/scheduled_to_organiser"]


def test_a_guide_busy_at_a_lecture_is_shown_busy_and_refused(app, coordinator_client, visit, ctx):
    both = make_guide("水野 健太", also_lecturer=True)
    make_lecture(make_program(), status="scheduled", lecturers=[both], starts_at=at(GOOD_DAY, 10, 30))
    page = coordinator_client.get(f"/staff/visits/{visit.id}/schedule", headers=EN).get_data(as_text=True)
    assert "Lecture 10:30–11:15" in page and "Busy" in page
    response = post(
        coordinator_client,
        f"/staff/visits/{visit.id}/schedule",
        {"slot": str(visit.candidates[0].id), "guide_ids": str(both.id)},
    )
    assert response.status_code == 422
    assert "水野 健太 already has a lecture at that time" in response.get_data(as_text=True)
    assert reload(visit.id).status == VisitStatus.SUBMITTED
    assert bookings(visit.id) == []


def test_a_guide_on_time_off_is_refused(coordinator_client, visit, guide):
    db.session.add(
        TimeOff(person_id=guide.id, starts_at=at(GOOD_DAY, 0), ends_at=at(GOOD_DAY, 23), reason="休暇")
    )
    db.session.commit()
    response = post(
        coordinator_client,
        f"/staff/visits/{visit.id}/schedule",
        {"slot": str(visit.candidates[0].id), "guide_ids": str(guide.id)},
    )
    assert response.status_code == 422
    assert "案内 花子 is unavailable" in response.get_data(as_text=True)


def test_another_free_time_the_same_day_is_accepted(coordinator_client, visit, ctx):
    both = make_guide("水野 健太", also_lecturer=True)
    make_lecture(make_program(), status="scheduled", lecturers=[both], starts_at=at(GOOD_DAY, 10, 30))
    response = post(
        coordinator_client,
        f"/staff/visits/{visit.id}/schedule",
        {
            "slot": "other",
            "other_date": GOOD_DAY.isoformat(),
            "other_time": "14:00",
            "guide_ids": str(both.id),
        },
    )
    assert response.status_code == 302
    assert reload(visit.id).starts_at == at(GOOD_DAY, 14)


def test_a_staff_interpreter_is_booked_as_interpreter(coordinator_client, visit, guide, ctx):
    interpreter = make_guide("通訳 次郎")
    response = post(
        coordinator_client,
        f"/staff/visits/{visit.id}/schedule",
        {
            "slot": str(visit.candidates[0].id),
            "guide_ids": str(guide.id),
            "interpreter_id": str(interpreter.id),
        },
    )
    assert response.status_code == 302
    assert {(b.person_id, b.role) for b in bookings(visit.id)} == {
        (guide.id, BookingRole.GUIDE),
        (interpreter.id, BookingRole.INTERPRETER),
    }


def test_an_outside_interpreter_is_kept_by_name(coordinator_client, visit, guide):
    response = post(
        coordinator_client,
        f"/staff/visits/{visit.id}/schedule",
        {
            "slot": str(visit.candidates[0].id),
            "guide_ids": str(guide.id),
            "interpreter_name": "Khmer Language Services",
        },
    )
    assert response.status_code == 302
    assert reload(visit.id).interpreter_name == "Khmer Language Services"
    assert len(bookings(visit.id)) == 1


def test_both_a_staff_and_an_outside_interpreter_is_refused(coordinator_client, visit, guide, ctx):
    interpreter = make_guide("通訳 次郎")
    response = post(
        coordinator_client,
        f"/staff/visits/{visit.id}/schedule",
        {
            "slot": str(visit.candidates[0].id),
            "guide_ids": str(guide.id),
            "interpreter_id": str(interpreter.id),
            "interpreter_name": "Someone",
        },
    )
    assert response.status_code == 422
    assert "not both" in response.get_data(as_text=True)


def test_a_facility_without_room_is_refused_with_what_is_left(coordinator_client, guide, ctx, frozen):
    plaza = make_facility(capacity=20, name_en="Water Plaza")
    make_visit_request([plaza], status="scheduled", group_size=12)
    visit = make_visit_request([plaza], group_size=12)
    response = post(
        coordinator_client,
        f"/staff/visits/{visit.id}/schedule",
        {"slot": str(visit.candidates[0].id), "guide_ids": str(guide.id)},
    )
    assert response.status_code == 422
    assert "The Water Plaza has room for 8 more visitors at that time." in response.get_data(as_text=True)
    assert reload(visit.id).status == VisitStatus.SUBMITTED


@pytest.mark.parametrize(
    ("other_date", "other_time", "message"),
    [
        ("2026-12-05", "10:00", "closed"),  # a Saturday
        ("2026-11-23", "10:00", "national holidays"),  # Labour Thanksgiving Day
        ("2026-12-30", "10:00", "29 December to 3 January"),
        ("2026-12-03", "16:00", "is open from 09:30 to 16:30"),  # ends after closing
        ("2026-12-03", "08:00", "is open from 09:30 to 16:30"),  # before opening
    ],
)
def test_a_time_outside_the_opening_hours_is_refused(
    coordinator_client, visit, guide, other_date, other_time, message
):
    response = post(
        coordinator_client,
        f"/staff/visits/{visit.id}/schedule",
        {"slot": "other", "other_date": other_date, "other_time": other_time, "guide_ids": str(guide.id)},
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert reload(visit.id).status == VisitStatus.SUBMITTED


def test_propose_dates_emails_the_organiser(app, coordinator_client, visit):
    response = post(
        coordinator_client,
        f"/staff/visits/{visit.id}/propose",
        {
            "date_1": "2026-12-08",
            "time_1": "13:00",
            "date_2": "2026-12-09",
            "time_2": "10:00",
            "message": "Either?",
        },
    )
    assert response.status_code == 302
    visit = reload(visit.id)
    assert visit.status == VisitStatus.PROPOSED
    assert [s.starts_at for s in visit.proposals] == [
        at(GOOD_DAY + timedelta(days=5), 13),
        at(GOOD_DAY + timedelta(days=6), 10),
    ]
    assert [e.template for e in outbox(app)] == ["visits/proposed_to_organiser"]


def test_a_proposed_date_on_a_closed_day_is_refused_next_to_it(coordinator_client, visit):
    response = post(
        coordinator_client,
        f"/staff/visits/{visit.id}/propose",
        {
            "date_1": "2026-12-08",
            "time_1": "13:00",
            "date_2": "2026-12-06",
            "time_2": "10:00",
            "message": "?",
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="date_2-error"' in html and "closed" in html
    assert reload(visit.id).status == VisitStatus.SUBMITTED


def test_decline_with_a_reason(app, coordinator_client, visit):
    response = post(
        coordinator_client, f"/staff/visits/{visit.id}/decline", {"reason": "No guide that week."}
    )
    assert response.status_code == 302
    visit = reload(visit.id)
    assert visit.status == VisitStatus.DECLINED and visit.closed_reason == "No guide that week."
    assert [e.template for e in outbox(app)] == ["visits/declined_to_organiser"]


def test_cancel_frees_the_guides_and_the_facilities(app, coordinator_client, guide, ctx, frozen):
    visit = make_visit_request(status="scheduled")
    book_staff(visit, [guide])
    response = post(coordinator_client, f"/staff/visits/{visit.id}/cancel", {"reason": "Typhoon warning."})
    assert response.status_code == 302
    assert reload(visit.id).status == VisitStatus.CANCELLED
    assert bookings(visit.id) == [] and len(bookings(visit.id, active=False)) == 1
    held = db.session.scalars(
        sa.select(FacilityBooking.active).where(FacilityBooking.request_id == visit.id)
    ).all()
    assert held == [False]
    assert [e.template for e in outbox(app)] == ["visits/cancelled_to_organiser"]


def test_reschedule_moves_the_guides_and_the_facilities(app, coordinator_client, guide, ctx, frozen):
    visit = make_visit_request(status="scheduled")
    book_staff(visit, [guide])
    other = make_guide("案内 三郎")
    response = post(
        coordinator_client,
        f"/staff/visits/{visit.id}/reschedule",
        {
            "slot": "other",
            "other_date": "2026-12-04",
            "other_time": "13:30",
            "guide_ids": str(other.id),
            "message": "Our bus is late.",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    visit = reload(visit.id)
    moved = at(GOOD_DAY + timedelta(days=1), 13, 30)
    assert visit.status == VisitStatus.SCHEDULED and visit.starts_at == moved
    assert [(b.person_id, b.starts_at) for b in bookings(visit.id)] == [(other.id, moved)]
    held = db.session.scalars(sa.select(FacilityBooking).where(FacilityBooking.request_id == visit.id)).all()
    assert [(b.active, b.starts_at) for b in held] == [(True, moved)]
    assert [e.template for e in outbox(app)] == ["visits/changed_to_organiser"]


def test_a_reschedule_to_another_time_needs_a_reason_for_the_organiser(coordinator_client, guide, ctx):
    visit = make_visit_request(status="scheduled")
    book_staff(visit, [guide])
    response = post(
        coordinator_client,
        f"/staff/visits/{visit.id}/reschedule",
        {"slot": "other", "other_date": "2026-12-04", "other_time": "13:30", "guide_ids": str(guide.id)},
    )
    assert response.status_code == 422
    assert "Tell the organiser why the visit is moved." in response.get_data(as_text=True)


def test_changing_only_the_guides_keeps_the_date_and_emails_nobody(app, coordinator_client, guide, ctx):
    visit = make_visit_request(status="scheduled")
    book_staff(visit, [guide])
    other = make_guide("案内 三郎")
    response = post(
        coordinator_client,
        f"/staff/visits/{visit.id}/reschedule",
        {"slot": "current", "guide_ids": f"{other.id}"},
    )
    assert response.status_code == 302
    assert reload(visit.id).starts_at == at(GOOD_DAY, 10)
    assert [b.person_id for b in bookings(visit.id)] == [other.id]
    assert outbox(app) == []


def test_record_as_held_keeps_the_visitors_by_country(coordinator_client, guide, ctx, frozen):
    visit = make_visit_request(status="scheduled", starts_at=HELD_ON)
    response = post(
        coordinator_client,
        f"/staff/visits/{visit.id}/complete",
        {
            "actual_visitors": "11",
            "country_1": "KH",
            "visitors_1": "9",
            "country_2": "VN",
            "visitors_2": "2",
            "held_note": "Good questions.",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    visit = reload(visit.id)
    assert visit.status == VisitStatus.COMPLETED and visit.actual_visitors == 11
    rows = db.session.execute(
        sa.select(VisitCountry.country, VisitCountry.visitors).where(VisitCountry.request_id == visit.id)
    ).all()
    assert sorted(rows) == [("KH", 9), ("VN", 2)]


def test_without_country_rows_everyone_counts_under_the_groups_country(coordinator_client, ctx, frozen):
    visit = make_visit_request(status="scheduled", country="VN", starts_at=HELD_ON)
    response = post(coordinator_client, f"/staff/visits/{visit.id}/complete", {"actual_visitors": "１０"})
    assert response.status_code == 302
    assert reload(visit.id).actual_visitors == 10
    rows = db.session.execute(
        sa.select(VisitCountry.country, VisitCountry.visitors).where(VisitCountry.request_id == visit.id)
    ).all()
    assert rows == [("VN", 10)]


def test_counts_by_country_that_do_not_add_up_are_refused(coordinator_client, ctx, frozen):
    visit = make_visit_request(status="scheduled", starts_at=HELD_ON)
    response = post(
        coordinator_client,
        f"/staff/visits/{visit.id}/complete",
        {"actual_visitors": "12", "country_1": "KH", "visitors_1": "9"},
    )
    assert response.status_code == 422
    assert "add up to 9, not 12" in response.get_data(as_text=True)
    assert reload(visit.id).status == VisitStatus.SCHEDULED


def test_a_visit_not_yet_held_cannot_be_recorded(coordinator_client, ctx, frozen):
    visit = make_visit_request(status="scheduled")
    response = coordinator_client.get(f"/staff/visits/{visit.id}/complete", headers=EN)
    assert response.status_code == 302
    assert reload(visit.id).status == VisitStatus.SCHEDULED


def test_guides_proposed_with_dates_are_booked_when_the_organiser_chooses(coordinator_client, visit, guide):
    from booking.visits.services import requests

    response = post(
        coordinator_client,
        f"/staff/visits/{visit.id}/propose",
        {"date_1": "2026-12-08", "time_1": "13:00", "guide_ids": str(guide.id), "message": "Does this suit?"},
    )
    assert response.status_code == 302
    visit = reload(visit.id)
    requests.choose_proposed_date(visit.id, visit.proposals[0].id)
    assert reload(visit.id).status == VisitStatus.SCHEDULED
    assert [(b.person_id, b.starts_at) for b in bookings(visit.id)] == [
        (guide.id, at(GOOD_DAY + timedelta(days=5), 13))
    ]


def test_a_proposed_date_when_the_guide_is_busy_is_refused_next_to_it(coordinator_client, visit, ctx):
    both = make_guide("水野 健太", also_lecturer=True)
    make_lecture(make_program(), status="scheduled", lecturers=[both], starts_at=at(GOOD_DAY, 10, 30))
    response = post(
        coordinator_client,
        f"/staff/visits/{visit.id}/propose",
        {"date_1": "2026-12-03", "time_1": "10:00", "guide_ids": str(both.id), "message": "?"},
    )
    assert response.status_code == 422
    assert "水野 健太 already has a lecture at that time" in response.get_data(as_text=True)


def test_the_organiser_cancelling_frees_the_guides(visit, guide, ctx):
    from booking.visits.services import requests

    scheduled = make_visit_request(status="scheduled")
    book_staff(scheduled, [guide])
    requests.cancel_by_organiser(scheduled.id, "Our trip is off.")
    assert bookings(scheduled.id) == []


def _visitor_list(visit, nationalities):
    from booking.visits.visitor_models import Visitor

    for n, nationality in enumerate(nationalities, start=1):
        db.session.add(
            Visitor(request_id=visit.id, position=n, full_name=f"VISITOR {n}", nationality=nationality)
        )
    db.session.commit()


def test_recording_as_held_deletes_the_visitor_list_keeping_its_counts(coordinator_client, ctx):
    from booking.visits.visitor_models import Visitor

    visit = make_visit_request(status="scheduled", starts_at=HELD_ON)
    _visitor_list(visit, ["KH", "KH", "VN"])
    response = post(coordinator_client, f"/staff/visits/{visit.id}/complete", {"actual_visitors": "3"})
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Visitor.id))) == 0
    rows = db.session.execute(
        sa.select(VisitCountry.country, VisitCountry.visitors).where(VisitCountry.request_id == visit.id)
    ).all()
    assert sorted(rows) == [("KH", 2), ("VN", 1)]


def test_cancelling_deletes_the_visitor_list(coordinator_client, ctx):
    from booking.visits.visitor_models import Visitor

    visit = make_visit_request(status="scheduled")
    _visitor_list(visit, ["KH"])
    assert post(coordinator_client, f"/staff/visits/{visit.id}/cancel", {"reason": "Off."}).status_code == 302
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Visitor.id))) == 0


def test_the_organisers_feedback_shows_on_the_staff_page(coordinator_client, ctx):
    visit = make_visit_request(status="completed", starts_at=HELD_ON)
    visit.give_feedback(4, "Very instructive, thank you.", HELD_ON + timedelta(days=1))
    db.session.commit()
    html = coordinator_client.get(f"/staff/visits/{visit.id}", headers=EN).get_data(as_text=True)
    assert "Very instructive, thank you." in html and "4 – Satisfied" in html


def test_the_staff_page_shows_the_booked_time_in_japan_and_the_organisers_zone(coordinator_client, ctx):
    visit = make_visit_request(status="scheduled")
    html = coordinator_client.get(f"/staff/visits/{visit.id}", headers=EN).get_data(as_text=True)
    assert "Thu 3 Dec 2026, 10:00–11:00 (Japan) · 08:00–09:00 Phnom Penh" in html
