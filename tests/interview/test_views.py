"""The interview pages: who may open what, hostile input on the slot and pick forms, what interviewers see."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from booking.core.auth import Role
from booking.extensions import db
from booking.interview.models import (
    InterviewBooking,
    InterviewCriterion,
    InterviewRound,
    InterviewScore,
    InterviewSlot,
)
from booking.youth.models import Audience
from booking.youth.services import issue_link
from tests.factories import make_user
from tests.factories.interview import add_interview_rubric, add_slot, shortlist
from tests.factories.review import SECRETS
from tests.factories.youth import make_cohort


@pytest.fixture
def invited(cohort, interview_round, ranked, after_window):
    shortlist(cohort, ranked[:3])
    return ranked[:3]


def _token(application) -> str:
    token = issue_link(application, Audience.STUDENT)
    db.session.commit()
    return token


def _client(app, login, *roles: Role):
    person = make_user(*roles)
    client = app.test_client()
    login(client, person.email)
    db.session.rollback()
    return client


COORDINATOR_PAGES = ["settings", "shortlist", "slots", "rubric", "ranking"]


@pytest.mark.parametrize(
    ("role", "expected"),
    [(Role.COORDINATOR, 200), (Role.REVIEWER, 403), (Role.LECTURER, 403), (Role.ADMIN, 403)],
)
def test_only_coordinators_manage_the_round(app, login, cohort, interview_round, role, expected):
    client = _client(app, login, role)
    for page in COORDINATOR_PAGES:
        assert client.get(f"/staff/interview/cohorts/{cohort.id}/{page}").status_code == expected, page
    assert client.post(f"/staff/interview/cohorts/{cohort.id}/shortlist/draw").status_code in (
        (302,) if expected == 200 else (403,)
    )


def test_signed_out_visitors_are_sent_to_sign_in(client, cohort):
    for path in [
        "/staff/interview/",
        f"/staff/interview/cohorts/{cohort.id}/slots",
        "/staff/interview/applications/1",
    ]:
        response = client.get(path)
        assert response.status_code == 302 and "/staff/login" in response.headers["Location"]


def test_the_score_sheet_is_only_for_the_cohort_s_interviewers(app, login, cohort, invited, interviewer):
    add_interview_rubric(cohort)
    other_reviewer = _client(app, login, Role.REVIEWER)
    coordinator = _client(app, login, Role.COORDINATOR)  # not chosen as interviewer
    lecturer = _client(app, login, Role.LECTURER)
    mine = app.test_client()
    login(mine, interviewer.email)
    path = f"/staff/interview/applications/{invited[0].id}"
    assert mine.get(path).status_code == 200
    assert other_reviewer.get(path).status_code == 404
    assert coordinator.get(path).status_code == 404
    assert lecturer.get(path).status_code == 403
    # Not on the shortlist: no sheet, even for the interviewer.
    db.session.rollback()
    assert mine.get(f"/staff/interview/applications/{invited[0].id + 4}").status_code == 404


def test_the_interviewer_sees_the_name_but_never_the_contacts(app, login, cohort, invited, interviewer):
    add_interview_rubric(cohort)
    client = app.test_client()
    login(client, interviewer.email)
    page = client.get(f"/staff/interview/applications/{invited[0].id}").get_data(as_text=True)
    listing = client.get("/staff/interview/").get_data(as_text=True)
    for html in (page, listing):
        assert SECRETS["family_name"] in html
        for key in ("email", "phone", "guardian_name", "guardian_email", "guardian_phone"):
            assert SECRETS[key] not in html, key
        assert "福岡県立秘密高等学校" not in html


def test_an_interviewer_scores_every_criterion_or_is_told_each_missing(
    app, login, cohort, invited, interviewer
):
    criteria = add_interview_rubric(cohort)
    client = app.test_client()
    login(client, interviewer.email)
    path = f"/staff/interview/applications/{invited[0].id}"
    response = client.post(path, data={f"score_{criteria[0].id}": "9"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "「伝える力」は0〜5の範囲で" in html and "「意欲」を採点してください" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(InterviewScore)) == 0
    response = client.post(path, data={f"score_{criteria[0].id}": "４", f"score_{criteria[1].id}": "3"})
    assert response.status_code == 302
    db.session.rollback()
    values = db.session.scalars(sa.select(InterviewScore.value).order_by(InterviewScore.criterion_id)).all()
    assert values == [4, 3]


def _assert_refused_with_a_message(response, data: dict[str, str]) -> None:
    """A form's own message (422); control characters are refused before any view (400, with a page)."""
    if any("\x00" in value for value in data.values()):
        assert response.status_code == 400
        assert "使用できない文字" in response.get_data(as_text=True)
    else:
        assert response.status_code == 422
        assert "error-summary" in response.get_data(as_text=True)


HOSTILE_SLOTS = [
    {
        "day": "2027-01-09\x00",
        "start_time": "10:00",
        "end_time": "10:30",
        "capacity": "2",
        "place_ja": "会議室",
    },
    {"day": "9999-99-99", "start_time": "10:00", "end_time": "10:30", "capacity": "2", "place_ja": "会議室"},
    {"day": "2027-01-09", "start_time": "25:00", "end_time": "10:30", "capacity": "2", "place_ja": "会議室"},
    {"day": "2027-01-09", "start_time": "10:00", "end_time": "09:30", "capacity": "2", "place_ja": "会議室"},
    {
        "day": "2027-01-09",
        "start_time": "10:00",
        "end_time": "10:30",
        "capacity": "１００００",
        "place_ja": "会議室",
    },
    {"day": "2027-01-09", "start_time": "10:00", "end_time": "10:30", "capacity": "-1", "place_ja": "会議室"},
    {
        "day": "2027-01-09",
        "start_time": "10:00",
        "end_time": "10:30",
        "capacity": "2",
        "place_ja": "x" * 10_000,
    },
    {
        "day": "2027-01-09",
        "start_time": "10:00",
        "end_time": "10:30",
        "capacity": "2",
        "place_ja": "会\n議室",
    },
    {"day": "2027-01-09", "start_time": "10:00", "end_time": "10:30", "capacity": "2", "place_ja": ""},
    {"day": "", "start_time": "", "end_time": "", "capacity": ""},
    {"day": "1900-01-01", "start_time": "10:00", "end_time": "10:30", "capacity": "2", "place_ja": "会議室"},
    {
        "day": "2027-01-09",
        "start_time": "10:00",
        "end_time": "10:30",
        "capacity": "2",
        "online": "y",
        "meeting_url": "javascript:alert(1)",
    },
]


@pytest.mark.parametrize("data", HOSTILE_SLOTS)
def test_hostile_slot_input_gets_a_message_and_saves_nothing(
    after_window, coordinator_client, cohort, interview_round, data
):
    response = coordinator_client.post(f"/staff/interview/cohorts/{cohort.id}/slots", data=data)
    _assert_refused_with_a_message(response, data)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(InterviewSlot)) == 0


def test_a_slot_typed_with_full_width_digits_is_added(app, login, cohort, interview_round, after_window):
    coordinator_client = _client(app, login, Role.COORDINATOR)
    data = {
        "day": "２０２７年１月９日",
        "start_time": "１０時",
        "end_time": "10:30",
        "capacity": "２人",
        "place_ja": "会議室",
    }
    response = coordinator_client.post(f"/staff/interview/cohorts/{cohort.id}/slots", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"].endswith("/slots"), response.headers["Location"]
    db.session.rollback()
    slot = db.session.scalar(sa.select(InterviewSlot))
    assert (slot.capacity, slot.starts_at.hour) == (2, 1)


def test_the_student_picks_a_time_on_the_private_page_and_gets_the_ics(app, client, cohort, invited):
    slot = add_slot(cohort, capacity=2)
    link = f"/youth/applications/{_token(invited[0])}"
    page = client.get(link).get_data(as_text=True)
    assert "面接の日時を選んでください" in page and "残り2人" in page
    assert client.get(link + "/interview.ics").status_code == 404  # nothing booked yet
    response = client.post(link, data={"action": "pick_interview", "slot_id": str(slot.id)})
    assert response.status_code == 302
    page = client.get(link).get_data(as_text=True)
    assert "あなたの面接：2027年1月9日(土) 10:00–10:30" in page and "場所：上下水道局 会議室" in page
    ics = client.get(link + "/interview.ics")
    assert ics.status_code == 200 and b"BEGIN:VEVENT" in ics.data
    assert ics.headers["Content-Type"].startswith("text/calendar")


def test_a_student_booked_on_the_only_time_is_not_offered_to_change_to_it(app, client, cohort, invited):
    slot = add_slot(cohort, capacity=2)
    link = f"/youth/applications/{_token(invited[0])}"
    assert client.post(link, data={"action": "pick_interview", "slot_id": str(slot.id)}).status_code == 302
    page = client.get(link).get_data(as_text=True)
    assert "あなたの面接" in page and "この日時に変更する" not in page
    db.session.rollback()
    add_slot(cohort, hour=14)
    assert "この日時に変更する" in client.get(link).get_data(as_text=True)


@pytest.mark.parametrize("slot_id", ["", "abc", "0", "-1", "1\x00", "９９９９９", "1" * 10_000])
def test_a_tampered_or_missing_pick_gets_a_message_and_books_nothing(app, client, cohort, invited, slot_id):
    add_slot(cohort)
    link = f"/youth/applications/{_token(invited[0])}"
    response = client.post(link, data={"action": "pick_interview", "slot_id": slot_id})
    _assert_refused_with_a_message(response, {"slot_id": slot_id})
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(InterviewBooking)) == 0


def test_a_full_slot_or_another_cohort_s_slot_is_refused_on_the_page(app, client, cohort, invited):
    full = add_slot(cohort, hour=10, capacity=1)
    foreign = add_slot(make_cohort(fiscal_year=2030))
    first = f"/youth/applications/{_token(invited[0])}"
    second = f"/youth/applications/{_token(invited[1])}"
    assert client.post(first, data={"action": "pick_interview", "slot_id": str(full.id)}).status_code == 302
    response = client.post(second, data={"action": "pick_interview", "slot_id": str(full.id)})
    assert response.status_code == 422 and "満員" in response.get_data(as_text=True)
    response = client.post(second, data={"action": "pick_interview", "slot_id": str(foreign.id)})
    assert response.status_code == 422 and "表示されている日時から" in response.get_data(as_text=True)


def test_after_the_cut_off_the_page_says_so_and_a_pick_is_refused(app, client, cohort, invited, after_window):
    slot = add_slot(cohort)
    link = f"/youth/applications/{_token(invited[0])}"
    after_window.move_to(slot.starts_at - timedelta(hours=12))
    page = client.get(link).get_data(as_text=True)
    assert "締め切り済み" in page and f'value="{slot.id}" disabled' in page
    response = client.post(link, data={"action": "pick_interview", "slot_id": str(slot.id)})
    assert response.status_code == 422 and "24時間前" in response.get_data(as_text=True)


def test_students_not_shortlisted_see_no_interview(app, client, cohort, invited, ranked):
    add_slot(cohort)
    page = client.get(f"/youth/applications/{_token(ranked[4])}").get_data(as_text=True)
    assert "面接" not in page
    response = client.post(
        f"/youth/applications/{_token(ranked[4])}", data={"action": "pick_interview", "slot_id": "1"}
    )
    assert response.status_code == 422


def test_interviewer_pages_never_pair_the_name_with_the_applicant_code(
    app, login, cohort, invited, interviewer
):
    add_interview_rubric(cohort)
    client = app.test_client()
    login(client, interviewer.email)
    for path in ["/staff/interview/", f"/staff/interview/applications/{invited[0].id}"]:
        html = client.get(path).get_data(as_text=True)
        assert SECRETS["family_name"] in html and invited[0].code not in html, path


HOSTILE_SETTINGS = [
    {"enabled": "y", "essay_weight": "６０", "interview_weight": "50", "shortlist_size": "3"},
    {"enabled": "y", "essay_weight": "60", "interview_weight": "40", "shortlist_size": "9" * 10_000},
    {"enabled": "y", "essay_weight": "-60", "interview_weight": "160", "shortlist_size": "3"},
    {"enabled": "y", "essay_weight": "", "interview_weight": "", "shortlist_size": ""},
    {
        "enabled": "y",
        "essay_weight": "60",
        "interview_weight": "40",
        "shortlist_size": "3",
        "interviewers": "abc",
    },
    {
        "enabled": "y",
        "essay_weight": "60",
        "interview_weight": "40",
        "shortlist_size": "3",
        "interviewers": "999999",
    },
    {"enabled": "y", "essay_weight": "60\x00", "interview_weight": "40", "shortlist_size": "3"},
]


@pytest.mark.parametrize("data", HOSTILE_SETTINGS)
def test_hostile_settings_get_a_message_and_save_nothing(app, login, cohort, data):
    client = _client(app, login, Role.COORDINATOR)
    response = client.post(f"/staff/interview/cohorts/{cohort.id}/settings", data=data)
    _assert_refused_with_a_message(response, data)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(InterviewRound)) == 0


def test_duplicated_weights_take_the_first_and_full_width_digits_are_read(app, login, cohort):
    client = _client(app, login, Role.COORDINATOR)
    data = MultiDict(
        [
            ("enabled", "y"),
            ("essay_weight", "７０"),
            ("essay_weight", "10"),
            ("interview_weight", "３０"),
            ("shortlist_size", "８人"),
        ]
    )
    response = client.post(f"/staff/interview/cohorts/{cohort.id}/settings", data=data)
    assert response.status_code == 302
    db.session.rollback()
    found = db.session.scalar(sa.select(InterviewRound))
    assert (found.essay_weight, found.interview_weight, found.shortlist_size) == (70, 30, 8)


@pytest.mark.parametrize(
    "data",
    [
        {"name_ja": "", "max_score": "5", "weight": "1"},
        {"name_ja": "x" * 10_000, "max_score": "5", "weight": "1"},
        {"name_ja": "伝える力", "max_score": "１０１", "weight": "1"},
        {"name_ja": "伝える力", "max_score": "5", "weight": "0"},
        {"name_ja": "伝\n える力", "max_score": "5", "weight": "1"},
    ],
)
def test_hostile_interview_criteria_get_a_message_and_save_nothing(app, login, cohort, interview_round, data):
    client = _client(app, login, Role.COORDINATOR)
    response = client.post(f"/staff/interview/cohorts/{cohort.id}/rubric", data=data)
    _assert_refused_with_a_message(response, data)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(InterviewCriterion)) == 0


@pytest.mark.parametrize("url", ["javascript:alert(1)", "http://example.jp/meet", "https://" + "a" * 600])
def test_a_bad_meeting_link_is_refused(app, login, cohort, interview_round, after_window, url):
    slot = add_slot(cohort, online=True)
    client = _client(app, login, Role.COORDINATOR)
    response = client.post(
        f"/staff/interview/cohorts/{cohort.id}/slots/{slot.id}/link",
        data={"meeting_url": url},
        follow_redirects=True,
    )
    assert "https://" in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(InterviewSlot, slot.id).meeting_url == ""
