"""Staff pages for busy-term rounds: who may see and do what, the round form against hostile
input, and the journey from opening a round to re-running its allocation."""

from __future__ import annotations

import re
from datetime import date, datetime, time

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from booking.core.auth import Role
from booking.core.time import JST
from booking.extensions import db
from booking.lectures import services
from booking.lectures.round_models import LectureRound, RoundStatus
from tests.factories import make_user
from tests.factories.lectures import GOOD_DAY, submit
from tests.factories.rounds import make_round
from tests.factories.schools import make_school

EN = {"Accept-Language": "en"}
GOOD_FORM = {
    "name": "2学期 繁忙期",
    "first_day": "2026-12-01",
    "last_day": "2026-12-18",
    "closes_on": "2026-11-20",
    "per_day": "2",
}


def round_count() -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count(LectureRound.id)))


@pytest.fixture
def allocated_round(frozen, coordinator, program):
    lecture_round = make_round(coordinator)
    for _ in range(3):
        submit(program, school=make_school(), candidates=(services.Candidate(1, GOOD_DAY, time(10, 30)),))
    services.close_round(lecture_round.id, coordinator)
    services.allocate_round(lecture_round.id, coordinator)
    return lecture_round.id


def pages(round_id: int) -> list[tuple[str, str]]:
    base = f"/staff/lectures/rounds/{round_id}"
    return [
        ("get", "/staff/lectures/rounds"),
        ("get", "/staff/lectures/rounds/new"),
        ("get", base),
        ("get", f"{base}/rerun"),
        ("post", f"{base}/close"),
        ("post", f"{base}/allocate"),
    ]


@pytest.mark.parametrize("role", [Role.LECTURER, Role.REVIEWER])
def test_staff_without_the_lecture_inbox_are_refused_every_round_page(app, login, allocated_round, role):
    client = app.test_client()
    login(client, make_user(role).email)
    for method, url in pages(allocated_round):
        assert getattr(client, method)(url).status_code == 403, url


def test_a_visitor_is_sent_to_sign_in_from_every_round_page(client, allocated_round):
    for method, url in pages(allocated_round):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/staff/login" in response.headers["Location"], url


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN])
def test_coordinators_and_admins_see_the_round_pages(app, login, allocated_round, role):
    client = app.test_client()
    login(client, make_user(role).email)
    for method, url in pages(allocated_round):
        if method == "get":
            assert client.get(url).status_code == 200, url


def test_unknown_round_is_404(coordinator_client):
    assert coordinator_client.get("/staff/lectures/rounds/999").status_code == 404
    assert coordinator_client.post("/staff/lectures/rounds/999/allocate").status_code == 404
    assert coordinator_client.get("/staff/lectures/rounds/99999999999999999999").status_code == 404


def test_a_coordinator_opens_closes_allocates_and_reruns_a_round(frozen, coordinator_client, program):
    response = coordinator_client.post("/staff/lectures/rounds/new", data=GOOD_FORM)
    assert response.status_code == 302
    round_id = int(re.search(r"/rounds/(\d+)", response.headers["Location"]).group(1))
    for _ in range(2):
        submit(program, school=make_school(), candidates=(services.Candidate(1, GOOD_DAY, time(10, 30)),))
    page = coordinator_client.get(f"/staff/lectures/rounds/{round_id}", headers=EN).get_data(as_text=True)
    assert "Requests collected so far" in page and "Close the round" in page
    assert coordinator_client.post(f"/staff/lectures/rounds/{round_id}/close").status_code == 302
    assert coordinator_client.post(f"/staff/lectures/rounds/{round_id}/allocate").status_code == 302
    db.session.rollback()
    lecture_round = db.session.get(LectureRound, round_id)
    assert lecture_round.status == RoundStatus.ALLOCATED
    rerun = coordinator_client.get(f"/staff/lectures/rounds/{round_id}/rerun", headers=EN).get_data(
        as_text=True
    )
    assert lecture_round.seed in rerun and "Identical to the recorded result" in rerun
    assert "Inputs match the recorded digest" in rerun


def test_allocating_again_through_the_page_changes_nothing(allocated_round, coordinator_client):
    db.session.rollback()
    seed = db.session.get(LectureRound, allocated_round).seed
    response = coordinator_client.post(f"/staff/lectures/rounds/{allocated_round}/allocate", headers=EN)
    assert response.status_code == 302
    page = coordinator_client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "already been allocated" in page
    db.session.rollback()
    assert db.session.get(LectureRound, allocated_round).seed == seed


def test_rerun_with_another_seed_is_shown_and_saves_nothing(allocated_round, coordinator_client):
    db.session.rollback()
    seed = db.session.get(LectureRound, allocated_round).seed
    other = "0" * 31 + "1"
    page = coordinator_client.get(
        f"/staff/lectures/rounds/{allocated_round}/rerun", query_string={"seed": other}, headers=EN
    ).get_data(as_text=True)
    assert f"Result with the seed {other}" in page
    db.session.rollback()
    assert db.session.get(LectureRound, allocated_round).seed == seed


@pytest.mark.parametrize("seed", ["xyz", "a" * 65, "１２３", "a\nb"])
def test_rerun_with_a_malformed_seed_is_told_next_to_the_field(allocated_round, coordinator_client, seed):
    response = coordinator_client.get(
        f"/staff/lectures/rounds/{allocated_round}/rerun", query_string={"seed": seed}, headers=EN
    )
    assert response.status_code == 422
    assert 'id="seed-error"' in response.get_data(as_text=True)


def test_rerun_of_a_round_not_yet_allocated_is_404(frozen, coordinator_client, coordinator):
    lecture_round = make_round(coordinator)
    assert coordinator_client.get(f"/staff/lectures/rounds/{lecture_round.id}/rerun").status_code == 404


LONG = "水" * 10_000


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": LONG}, "name"),
        ({"name": "繁忙期\n2学期"}, "name"),
        ({"first_day": ""}, "first_day"),
        ({"first_day": "9999-12-31"}, "first_day"),
        ({"first_day": "0001-01-01"}, "first_day"),
        ({"first_day": LONG}, "first_day"),
        ({"first_day": "2026-02-30"}, "first_day"),
        ({"last_day": "2026-11-30"}, "last_day"),
        ({"closes_on": "2026-12-01"}, "closes_on"),
        ({"closes_on": "2026-10-01"}, "closes_on"),
        ({"per_day": "²"}, "per_day"),
        ({"per_day": "0"}, "per_day"),
        ({"per_day": "21"}, "per_day"),
        ({"per_day": "99999999999999999999999"}, "per_day"),
        ({"per_day": LONG}, "per_day"),
        ({"per_day": None}, "per_day"),
    ],
)
def test_a_round_form_with_bad_input_is_refused_next_to_its_field(frozen, coordinator_client, changes, field):
    data = {key: value for key, value in {**GOOD_FORM, **changes}.items() if value is not None}
    response = coordinator_client.post("/staff/lectures/rounds/new", data=data, headers=EN)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html and f'href="#{field}"' in html
    assert round_count() == 0


def test_full_width_digits_and_slashes_are_read(frozen, coordinator_client):
    data = {**GOOD_FORM, "first_day": "２０２６/１２/１", "per_day": "２"}
    assert coordinator_client.post("/staff/lectures/rounds/new", data=data).status_code == 302
    db.session.rollback()
    lecture_round = db.session.scalar(sa.select(LectureRound))
    assert lecture_round.first_day == date(2026, 12, 1) and lecture_round.per_day == 2


@pytest.mark.parametrize("field", ["name", "first_day", "per_day"])
def test_control_characters_in_the_round_form_save_nothing(frozen, coordinator_client, field):
    response = coordinator_client.post("/staff/lectures/rounds/new", data={**GOOD_FORM, field: "2026\x00"})
    assert response.status_code == 400
    assert round_count() == 0


def test_a_duplicated_field_takes_the_first_value(frozen, coordinator_client):
    data = MultiDict([*GOOD_FORM.items(), ("per_day", "7")])
    assert coordinator_client.post("/staff/lectures/rounds/new", data=data).status_code == 302
    db.session.rollback()
    assert db.session.scalar(sa.select(LectureRound.per_day)) == 2


def test_the_dashboard_lists_rounds_past_their_closing_day_until_allocated(
    app, login, frozen, coordinator_client, coordinator, program
):
    lecture_round = make_round(coordinator)
    line = "Rounds past their closing day, to allocate: 1"
    assert line not in coordinator_client.get("/staff/", headers=EN).get_data(as_text=True)
    frozen.move_to(datetime(2026, 11, 21, 9, 0, tzinfo=JST))
    login(coordinator_client, coordinator.email)  # signed in again after the days passed
    assert line in coordinator_client.get("/staff/", headers=EN).get_data(as_text=True)
    services.close_round(lecture_round.id, coordinator)
    services.allocate_round(lecture_round.id, coordinator)
    assert line not in coordinator_client.get("/staff/", headers=EN).get_data(as_text=True)
