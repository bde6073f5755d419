"""Study tours on the staff calendar beside lectures, by guide, and in guides' private feeds."""

from __future__ import annotations

from datetime import timedelta

import pytest

from booking.calendar.sources import feed_events
from booking.core.auth import Role
from booking.extensions import db
from tests.factories import make_user
from tests.factories.lectures import make_program
from tests.factories.lectures import make_request as make_lecture
from tests.factories.visits import GOOD_DAY, NOW, at, book_staff, make_guide, make_visit_request

EN = {"Accept-Language": "en"}


@pytest.fixture(autouse=True)
def _clock(frozen):
    return frozen


@pytest.fixture
def day(ctx):
    """One day: a guide who also lectures has a lecture in the morning and a tour after lunch."""
    both = make_guide("水野 健太", also_lecturer=True, email="mizuno@example.jp")
    other = make_guide("案内 花子")
    lecture = make_lecture(
        make_program(), status="scheduled", lecturers=[both], starts_at=at(GOOD_DAY, 10, 30)
    )
    tour = make_visit_request(status="scheduled", starts_at=at(GOOD_DAY, 14), organisation="JICA trainees")
    book_staff(tour, [both])
    others = make_visit_request(
        status="scheduled", starts_at=at(GOOD_DAY, 10), organisation="Hai Phong Water"
    )
    book_staff(others, [other])
    return {"both": both, "other": other, "lecture": lecture, "tour": tour, "others": others}


def page(client, query: str) -> str:
    response = client.get(f"/staff/calendar?{query}", headers=EN)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_tours_show_beside_lectures_on_the_day(day, coordinator_client):
    html = page(coordinator_client, f"view=day&date={GOOD_DAY.isoformat()}")
    for record in (day["lecture"], day["tour"], day["others"]):
        assert record.reference in html
    assert "Study tour" in html and f'href="/staff/visits/{day["tour"].id}"' in html


def test_by_person_a_guide_s_lecture_and_tour_show_and_nobody_else_s(day, coordinator_client):
    html = page(coordinator_client, f"view=day&date={GOOD_DAY.isoformat()}&person={day['both'].id}")
    assert day["lecture"].reference in html and day["tour"].reference in html
    assert day["others"].reference not in html


def test_a_guide_sees_their_own_tours(app, login, day):
    client = app.test_client()
    login(client, day["other"].email)
    db.session.rollback()
    html = page(client, f"view=day&date={GOOD_DAY.isoformat()}")
    assert day["others"].reference in html
    assert day["tour"].reference not in html


def test_a_cancelled_tour_leaves_the_calendar(day, coordinator_client):
    response = coordinator_client.post(
        f"/staff/visits/{day['tour'].id}/cancel", data={"reason": "Flight cancelled."}, headers=EN
    )
    assert response.status_code == 302
    html = page(coordinator_client, f"view=day&date={GOOD_DAY.isoformat()}")
    assert day["tour"].reference not in html


def test_the_guides_feed_holds_the_tour_with_the_organisers_uid(app, day):
    events = feed_events(day["both"], NOW - timedelta(days=1))
    uids = {event.uid for event in events}
    assert f"visit-{day['tour'].reference.lower()}@booking.test" in uids
    assert any("JICA trainees" in event.summary for event in events)
    assert not any(day["others"].organisation in event.summary for event in events)


def test_a_cancelled_tour_stays_in_the_feed_as_cancelled(app, day, coordinator_client):
    coordinator_client.post(f"/staff/visits/{day['tour'].id}/cancel", data={"reason": "Flight cancelled."})
    db.session.rollback()
    both = db.session.get(type(day["both"]), day["both"].id)
    tour_events = [e for e in feed_events(both, NOW - timedelta(days=1)) if "JICA trainees" in e.summary]
    assert len(tour_events) == 1 and tour_events[0].cancelled


def test_a_lecturer_who_is_no_guide_sees_no_tour(app, login, day):
    lecturer = make_user(Role.LECTURER)
    client = app.test_client()
    login(client, lecturer.email)
    db.session.rollback()
    html = page(client, f"view=day&date={GOOD_DAY.isoformat()}")
    assert day["tour"].reference not in html and day["others"].reference not in html
