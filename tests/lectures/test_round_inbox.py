"""A request in a busy-term round, as staff meet it: its page offers no date to book while the
round waits for its allocation, and the inbox can show only the requests in a round."""

from __future__ import annotations

import re
from datetime import date, time

import pytest

from booking.lectures import services
from tests.factories.lectures import GOOD_DAY, submit
from tests.factories.rounds import make_round
from tests.factories.schools import make_school

SCHEDULE = re.compile(r'href="/staff/lectures/\d+/schedule"')
PROPOSE = re.compile(r'href="/staff/lectures/\d+/propose"')


# A day after the first round's last day; the second round's days are in January.
OUTSIDE_DAY = date(2026, 12, 21)
JANUARY = {"first_day": date(2027, 1, 12), "last_day": date(2027, 1, 29), "closes_on": date(2026, 12, 20)}


def _request(program, day: date):
    lecture, _token = submit(
        program, school=make_school(), candidates=(services.Candidate(1, day, time(10, 30)),)
    )
    return lecture


def _in_round(program, day: date = GOOD_DAY):
    return _request(program, day)


def _outside(program):
    return _request(program, OUTSIDE_DAY)


@pytest.fixture
def waiting(frozen, coordinator, program):
    """A round collecting requests, one request in it and one outside it (its date is later)."""
    lecture_round = make_round(coordinator)
    return lecture_round, _in_round(program)


def test_a_request_waiting_for_its_round_offers_neither_schedule_nor_propose(waiting, coordinator_client):
    _round, lecture = waiting
    page = coordinator_client.get(f"/staff/lectures/{lecture.id}").get_data(as_text=True)
    assert not SCHEDULE.search(page)
    assert not PROPOSE.search(page)
    assert 'id="round"' in page


def test_a_closed_round_still_holds_its_requests(waiting, coordinator_client, coordinator):
    lecture_round, lecture = waiting
    services.close_round(lecture_round.id, coordinator)
    page = coordinator_client.get(f"/staff/lectures/{lecture.id}").get_data(as_text=True)
    assert not SCHEDULE.search(page)
    assert not PROPOSE.search(page)


def test_once_allocated_the_request_can_be_scheduled_again(waiting, coordinator_client, coordinator):
    lecture_round, lecture = waiting
    services.close_round(lecture_round.id, coordinator)
    services.allocate_round(lecture_round.id, coordinator)
    page = coordinator_client.get(f"/staff/lectures/{lecture.id}").get_data(as_text=True)
    assert SCHEDULE.search(page)
    assert PROPOSE.search(page)


def test_a_request_outside_any_round_offers_schedule_and_propose(frozen, coordinator_client, program):
    lecture = _outside(program)
    page = coordinator_client.get(f"/staff/lectures/{lecture.id}").get_data(as_text=True)
    assert SCHEDULE.search(page)
    assert PROPOSE.search(page)


@pytest.mark.parametrize("action", ["schedule", "propose"])
def test_the_schedule_and_propose_pages_send_a_waiting_request_back_with_the_reason(
    waiting, coordinator_client, action
):
    _round, lecture = waiting
    response = coordinator_client.get(
        f"/staff/lectures/{lecture.id}/{action}", headers={"Accept-Language": "en"}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/staff/lectures/{lecture.id}")
    page = coordinator_client.get(response.headers["Location"], headers={"Accept-Language": "en"})
    assert "schedule it once the round is allocated" in page.get_data(as_text=True)


def test_the_service_answers_can_schedule_now_from_the_round(waiting, coordinator):
    lecture_round, lecture = waiting
    entry = services.round_of(lecture)
    assert not services.can_schedule_now(lecture, entry)
    assert not services.can_propose_now(lecture, entry)
    services.close_round(lecture_round.id, coordinator)
    services.allocate_round(lecture_round.id, coordinator)
    entry = services.round_of(lecture)
    assert services.can_schedule_now(lecture, entry)
    assert services.can_schedule_now(lecture, None)


@pytest.fixture
def mixed(frozen, coordinator, program):
    """One request waiting in an open round, one allocated in an earlier round, one outside."""
    earlier = make_round(coordinator, name="早期", per_day=5)
    allocated = _in_round(program)
    services.close_round(earlier.id, coordinator)
    services.allocate_round(earlier.id, coordinator)
    make_round(coordinator, name="後期", **JANUARY)
    waiting = _in_round(program, date(2027, 1, 14))
    outside = _outside(program)
    return allocated, waiting, outside


def _references(client, query: str) -> set[str]:
    page = client.get(f"/staff/lectures/?status=all&{query}").get_data(as_text=True)
    return set(re.findall(r"L-\d{4}-\d{4}", page))


def test_the_inbox_shows_only_requests_waiting_for_a_round(mixed, coordinator_client):
    _allocated, waiting, _outside = mixed
    assert _references(coordinator_client, "round=waiting") == {waiting.reference}


def test_the_inbox_shows_every_request_in_a_round(mixed, coordinator_client):
    allocated, waiting, _outside = mixed
    assert _references(coordinator_client, "round=any") == {allocated.reference, waiting.reference}


@pytest.mark.parametrize("value", ["", "bogus", "ｗａｉｔｉｎｇ", "waiting ", "x" * 10_000, "²"])
def test_a_hostile_round_filter_is_ignored(mixed, coordinator_client, value):
    everything = {lecture.reference for lecture in mixed}
    response = coordinator_client.get("/staff/lectures/", query_string={"status": "all", "round": value})
    assert response.status_code == 200
    assert set(re.findall(r"L-\d{4}-\d{4}", response.get_data(as_text=True))) == everything


def test_a_round_filter_with_a_nul_is_refused_by_the_input_guard(mixed, coordinator_client):
    response = coordinator_client.get("/staff/lectures/", query_string={"round": "waiting\x00"})
    assert response.status_code == 400


def test_the_round_filter_is_labelled_in_japanese(mixed, coordinator_client):
    page = coordinator_client.get("/staff/lectures/?round=waiting").get_data(as_text=True)
    assert '<label class="field__label" for="round">一括調整</label>' in page
    assert re.search(r'<option value="waiting" selected>\s*一括調整の割り当て待ち', page)
