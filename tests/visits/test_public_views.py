"""The public pages of study tours: the facilities page, the request form, the organiser's
page and its calendar entry, in both languages and without JavaScript."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from booking.extensions import db
from booking.visits.models import FacilityBooking, VisitRequest, VisitStatus
from booking.visits.services import facilities as facility_services
from tests.factories.visits import GOOD_DAY, at, form_data, make_visit_request
from tests.helpers import outbox


@pytest.fixture
def facilities(ctx):
    made = facility_services.seed_default_facilities()
    db.session.commit()
    return made


def _link(app, address: str) -> str:
    email = [e for e in outbox(app, to=address) if "/visits/manage/" in e.body_text][-1]
    return re.search(r"http://booking.test(/visits/manage/\S+)", email.body_text).group(1)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_facilities_page_shows_each_facility_and_how_to_request(client, facilities, language):
    client.set_cookie("lang", language)
    response = client.get("/visits/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for facility in facilities:
        assert getattr(facility, f"name_{language}") in html
        assert getattr(facility, f"photo_policy_{language}") in html
    assert "21" in html  # the lead time
    assert 'href="/visits/request"' in html


def test_the_request_form_names_its_fields_as_the_contract_says(client, facilities):
    html = client.get("/visits/request").get_data(as_text=True)
    for name in [
        "organisation",
        "country",
        "contact_name",
        "contact_email",
        "contact_phone",
        "purpose",
        "group_size",
        "facilities",
        "candidate_1_date",
        "candidate_1_time",
        "candidate_2_date",
        "candidate_2_time",
        "candidate_3_date",
        "candidate_3_time",
        "languages",
        "interpretation",
        "accessibility",
        "notes",
        "privacy_consent",
    ]:
        assert f'name="{name}"' in html, name
    assert 'value="KH"' in html and 'data-zone="Asia/Phnom_Penh"' in html


def test_a_request_is_saved_with_a_reference_and_the_organiser_gets_the_private_link(
    app, client, frozen, facilities, coordinator
):
    client.set_cookie("lang", "en")
    response = client.post("/visits/request", data=form_data(facilities[:2]))
    db.session.rollback()
    assert response.status_code == 302
    visit = db.session.scalar(sa.select(VisitRequest))
    assert visit.reference == "V-2026-0001"
    assert visit.language == "en" and visit.time_zone == "Asia/Phnom_Penh"
    assert [f.code for f in visit.facilities] == ["visitor-center", "water-plaza"]
    assert [slot.rank for slot in visit.candidates] == [1, 2]
    assert visit.candidates[0].ends_at - visit.candidates[0].starts_at == timedelta(minutes=105)
    assert response.headers["Location"].startswith("/visits/manage/")
    received = outbox(app, to="organiser@example.org")
    assert [e.template for e in received] == ["visits/received_to_organiser"]
    assert "V-2026-0001" in received[0].subject and "study tour" in received[0].subject
    assert outbox(app, to=coordinator.email, template="visits/new_request_to_coordinators")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "V-2026-0001" in page
    assert "(Japan) · 08:00–09:45 Phnom Penh" in page


def test_the_same_form_sent_twice_makes_one_request(client, frozen, facilities):
    data = form_data(facilities[:1])
    first = client.post("/visits/request", data=data)
    db.session.rollback()
    second = client.post("/visits/request", data=data)
    db.session.rollback()
    assert first.status_code == second.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(VisitRequest.id))) == 1


def test_a_japanese_page_sends_the_organiser_japanese_emails(app, client, frozen, facilities):
    client.set_cookie("lang", "ja")
    client.post("/visits/request", data=form_data(facilities[:1], country="JP", time_zone=""))
    db.session.rollback()
    visit = db.session.scalar(sa.select(VisitRequest))
    assert visit.language == "ja" and visit.time_zone == "Asia/Tokyo"
    email = outbox(app, to="organiser@example.org")[0]
    assert "受け付けました" in email.subject


def test_an_unknown_link_and_a_bad_link_get_the_same_404(client, facilities):
    assert client.get("/visits/manage/" + "x" * 43).status_code == 404
    assert client.get("/visits/manage/short").status_code == 404
    assert client.get("/visits/manage/" + "x" * 43 + "/calendar.ics").status_code == 404


def _submitted(app, client, facilities, **overrides) -> tuple[VisitRequest, str]:
    client.post("/visits/request", data=form_data(facilities, **overrides))
    db.session.rollback()
    return db.session.scalar(sa.select(VisitRequest).order_by(VisitRequest.id.desc())), _link(
        app, overrides.get("contact_email", "organiser@example.org")
    )


def test_the_organiser_cancels_with_a_reason_and_coordinators_are_told(
    app, client, frozen, facilities, coordinator
):
    visit, link = _submitted(app, client, facilities[:1])
    response = client.post(link, data={"action": "cancel", "reason": "Travel postponed."})
    db.session.rollback()
    assert response.status_code == 302
    visit = db.session.get(VisitRequest, visit.id)
    assert visit.status == VisitStatus.CANCELLED and visit.closed_reason == "Travel postponed."
    assert visit.events[-1].by_organiser
    assert outbox(app, to="organiser@example.org", template="visits/cancelled_to_organiser")
    assert outbox(app, to=coordinator.email, template="visits/cancelled_to_coordinators")


def test_cancelling_without_a_reason_is_refused_next_to_the_field(app, client, frozen, facilities):
    visit, link = _submitted(app, client, facilities[:1])
    response = client.post(link, data={"action": "cancel", "reason": ""})
    db.session.rollback()
    assert response.status_code == 422
    assert 'id="reason-error"' in response.get_data(as_text=True)
    assert db.session.get(VisitRequest, visit.id).status == VisitStatus.SUBMITTED


def test_the_organiser_books_a_proposed_date_and_its_facilities_are_held(
    app, client, frozen, facilities, coordinator
):
    visit, link = _submitted(app, client, facilities[:1])
    visit = db.session.get(VisitRequest, visit.id)
    start = at(GOOD_DAY, 13)
    visit.propose([(start, start + visit.visit_length)], "この日はいかがですか。", coordinator)
    db.session.commit()
    slot_id = visit.proposals[0].id
    page = client.get(link).get_data(as_text=True)
    assert "この日はいかがですか。" in page and f'value="{slot_id}"' in page
    response = client.post(link, data={"action": "choose", "slot_id": str(slot_id)})
    db.session.rollback()
    assert response.status_code == 302
    visit = db.session.get(VisitRequest, visit.id)
    assert visit.status == VisitStatus.SCHEDULED and visit.starts_at == start
    assert [(b.facility_id, b.visitors, b.active) for b in visit.facility_bookings] == [
        (facilities[0].id, 12, True)
    ]
    scheduled = outbox(app, to="organiser@example.org", template="visits/scheduled_to_organiser")
    assert scheduled and "集合場所" in scheduled[0].body_text
    assert outbox(app, to=coordinator.email, template="visits/date_chosen_to_coordinators")


def test_a_proposed_date_that_filled_up_meanwhile_is_refused_without_naming_others(
    app, client, frozen, facilities, coordinator
):
    small = facilities[2]  # 20 visitors at once
    visit, link = _submitted(app, client, [small], group_size="12")
    visit = db.session.get(VisitRequest, visit.id)
    start = at(GOOD_DAY, 13)
    visit.propose([(start, start + visit.visit_length)], "", coordinator)
    db.session.commit()
    make_visit_request(
        [small], status="scheduled", starts_at=start, group_size=15, organisation="Other utility"
    )
    response = client.post(link, data={"action": "choose", "slot_id": str(visit.proposals[0].id)})
    db.session.rollback()
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Other utility" not in html
    assert db.session.get(VisitRequest, visit.id).status == VisitStatus.PROPOSED
    assert db.session.scalar(sa.select(sa.func.count(FacilityBooking.id))) == 1


def test_a_scheduled_visit_has_a_calendar_entry_with_the_meeting_point(client, facilities):
    visit = make_visit_request(facilities[:1], status="scheduled")
    from booking.visits.services.common import add_link

    token = add_link(visit)
    db.session.commit()
    client.set_cookie("lang", "en")
    response = client.get(f"/visits/manage/{token}/calendar.ics")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert "BEGIN:VEVENT" in body and "Visitor Center" in body
    assert "reception desk" in body.replace("\r\n ", "")


def test_a_held_visit_takes_the_organisers_feedback(client, frozen, facilities, coordinator):
    visit = make_visit_request(
        facilities[:1], status="completed", actor=coordinator, starts_at=at(GOOD_DAY, 10)
    )
    from booking.visits.services.common import add_link

    token = add_link(visit)
    db.session.commit()
    frozen.move_to(at(GOOD_DAY, 15))
    response = client.post(
        f"/visits/manage/{token}",
        data={"action": "feedback", "satisfaction": "5", "comments": "Very useful."},
    )
    db.session.rollback()
    assert response.status_code == 302
    visit = db.session.get(VisitRequest, visit.id)
    assert visit.feedback.satisfaction == 5 and visit.feedback.comments == "Very useful."


def test_the_manage_page_leaves_room_for_the_visitor_list(client, facilities):
    from pathlib import Path

    template = Path(__file__).resolve().parents[2] / "templates" / "visits" / "manage.html"
    assert '{% include "visits/visitors/_manage_section.html" ignore missing %}' in template.read_text()


def test_reference_numbers_stay_unique_when_many_submit_at_once(app, frozen, facilities):
    from tests.helpers import run_together

    app.config["PUBLIC_FORM_LIMIT"] = "1000 per hour"
    forms = [form_data(facilities[:1], contact_email=f"o{i}@example.org") for i in range(12)]
    db.session.remove()

    def act(index, client):
        return client.post("/visits/request", data=forms[index]).status_code

    codes = run_together(12, act, prepare=lambda index: app.test_client())
    assert codes == [302] * 12
    references = sorted(db.session.scalars(sa.select(VisitRequest.reference)))
    assert references == [f"V-2026-{n:04d}" for n in range(1, 13)]


MANAGE_HOSTILE = {
    "an unknown action": ("submitted", {"action": "delete"}, None, 400),
    "no action": ("submitted", {"reason": "x"}, None, 400),
    "an endless reason": ("submitted", {"action": "cancel", "reason": "x" * 10_000}, "reason", 422),
    "a reason with only spaces": ("submitted", {"action": "cancel", "reason": "\u3000 "}, "reason", 422),
    "a slot in words": ("proposed", {"action": "choose", "slot_id": "abc"}, "slot_id", 422),
    "a slot beyond any record": ("proposed", {"action": "choose", "slot_id": "9" * 40}, "slot_id", 422),
    "a slot of another request": ("proposed", {"action": "choose", "slot_id": "999999"}, "slot_id", 422),
    "no slot": ("proposed", {"action": "choose"}, "slot_id", 422),
    "a superscript score": ("completed", {"action": "feedback", "satisfaction": "５²"}, "satisfaction", 422),
    "a score of six": ("completed", {"action": "feedback", "satisfaction": "6"}, "satisfaction", 422),
    "endless comments": (
        "completed",
        {"action": "feedback", "satisfaction": "4", "comments": "x" * 10_000},
        "comments",
        422,
    ),
    "feedback before the visit": ("scheduled", {"action": "feedback", "satisfaction": "4"}, None, 422),
    "choosing with nothing proposed": ("submitted", {"action": "choose", "slot_id": "1"}, None, 422),
}


@pytest.mark.parametrize(
    ("status", "data", "field", "code"), MANAGE_HOSTILE.values(), ids=MANAGE_HOSTILE.keys()
)
def test_odd_posts_to_the_organisers_page_change_nothing(
    client, frozen, facilities, coordinator, status, data, field, code
):
    from booking.visits.services.common import add_link

    visit = make_visit_request(facilities[:1], status=status, actor=coordinator, starts_at=at(GOOD_DAY, 10))
    token = add_link(visit)
    db.session.commit()
    if status == "completed":
        frozen.move_to(at(GOOD_DAY, 15))
    events = len(visit.events)
    response = client.post(f"/visits/manage/{token}", data=data)
    db.session.rollback()
    assert response.status_code == code
    if field:
        assert f'id="{field}-error"' in response.get_data(as_text=True)
    visit = db.session.get(VisitRequest, visit.id)
    assert visit.status.value == status and len(visit.events) == events and visit.feedback is None


@pytest.mark.parametrize(
    ("language", "zone", "expected"),
    [
        ("en", "Asia/Phnom_Penh", "Thu 3 Dec 2026, 10:30–11:30 (Japan) · 08:30–09:30 Phnom Penh"),
        ("ja", "Asia/Phnom_Penh", "2026年12月3日(木) 10:30–11:30(日本時間)・プノンペン 8:30–9:30"),
        ("en", "Asia/Tokyo", "Thu 3 Dec 2026, 10:30–11:30 (Japan)"),
        (
            "en",
            "America/New_York",
            "Thu 3 Dec 2026, 10:30–11:30 (Japan) · Wed 2 Dec 2026, 20:30–21:30 New York",
        ),
    ],
)
def test_a_visit_time_reads_in_japan_time_with_the_organisers_clock_beside_it(ctx, language, zone, expected):
    from booking.visits.formatting import visit_time

    assert visit_time(at(GOOD_DAY, 10, 30), at(GOOD_DAY, 11, 30), zone, language) == expected
