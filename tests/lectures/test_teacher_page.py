"""The teacher's private page: what it shows, what it lets the school do, and who can open it."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from icalendar import Calendar

from booking.extensions import db
from booking.lectures import services
from booking.lectures.models import LectureLink, LectureRequest, LectureStatus
from tests.factories.lectures import GOOD_DAY, at, make_lecturer, submit
from tests.helpers import outbox


def page(client, token, language="ja"):
    return client.get(f"/lectures/manage/{token}", headers={"Accept-Language": language})


def reload(lecture_id: int) -> LectureRequest:
    db.session.rollback()
    return db.session.get(LectureRequest, lecture_id)


def test_the_page_shows_status_details_and_history(client, frozen, program):
    lecture, token = submit(program)
    html = page(client, token).get_data(as_text=True)
    for text in (
        lecture.reference,
        "受付",
        "お申し込みを受け付けました",
        "北九州市立どこか小学校",
        "山田 花子",
        "2026年12月3日(木) 10:30–11:15",
        "Zoom",
        "履歴",
        "申込みを取り消す",
    ):
        assert text in html, text


def test_only_the_hash_of_a_token_is_stored(frozen, program):
    _lecture, token = submit(program)
    stored = db.session.scalars(sa.select(LectureLink.token_hash)).all()
    assert token not in stored
    assert hashlib.sha256(token.encode()).hexdigest() in stored
    assert len(token) >= 43  # 256 random bits, URL-safe


def test_unknown_and_mistyped_tokens_get_the_same_plain_404(client, frozen, program):
    _lecture, token = submit(program)
    mistyped = token[:-1] + ("A" if token[-1] != "A" else "B")
    wrong = (mistyped, "x" * 43, "short", "a" * 300)
    responses = [client.get(f"/lectures/manage/{t}") for t in wrong]
    assert {r.status_code for r in responses} == {404}
    # The same page for each (apart from the address itself, which the language switch keeps).
    bodies = {r.get_data(as_text=True).replace(t, "TOKEN") for r, t in zip(responses, wrong, strict=True)}
    assert len(bodies) == 1 and "L-2026" not in bodies.pop()
    assert client.get(f"/lectures/manage/{mistyped}/calendar.ics").status_code == 404
    assert (
        client.post(f"/lectures/manage/{mistyped}", data={"action": "cancel", "reason": "x"}).status_code
        == 404
    )


def test_another_requests_data_is_never_shown(client, frozen, program):
    _first, first_token = submit(program, contact_name="一番 先生", school_name="北九州市立いちばん小学校")
    second, _second_token = submit(program, contact_name="二番 先生", school_name="北九州市立にばん小学校")
    first_page = page(client, first_token).get_data(as_text=True)
    assert "一番 先生" in first_page and "二番 先生" not in first_page and "にばん" not in first_page
    assert second.reference not in first_page
    # Cancelling through one link changes only that request.
    client.post(f"/lectures/manage/{first_token}", data={"action": "cancel", "reason": "行事のため"})
    assert reload(second.id).status == LectureStatus.SUBMITTED


def test_every_emailed_link_opens_the_same_page(app, client, frozen, program, coordinator):
    lecture, token = submit(program)
    services.decline_request(lecture.id, "講師の都合がつきません。", coordinator)
    links = [
        line
        for e in outbox(app, to="teacher@example.jp")
        for line in e.body_text.split()
        if "/manage/" in line
    ]
    assert len(set(links)) == 2
    for link in [f"http://booking.test/lectures/manage/{token}", *links]:
        assert page(client, link.rsplit("/", 1)[1]).status_code == 200


def test_the_teacher_cancels_with_a_reason(app, client, frozen, program, coordinator):
    lecture, token = submit(program)
    missing = client.post(f"/lectures/manage/{token}", data={"action": "cancel", "reason": ""})
    assert missing.status_code == 422 and 'id="reason-error"' in missing.get_data(as_text=True)
    response = client.post(
        f"/lectures/manage/{token}", data={"action": "cancel", "reason": "学校行事と重なりました"}
    )
    assert response.status_code == 302
    lecture = reload(lecture.id)
    assert lecture.status == LectureStatus.CANCELLED and lecture.closed_reason == "学校行事と重なりました"
    assert lecture.events[-1].by_school
    html = page(client, token).get_data(as_text=True)
    assert "この申込みは取り消されました" in html and "学校行事と重なりました" in html
    assert "申込みを取り消す" not in html
    assert [e.template for e in outbox(app, to=coordinator.email)][-1] == "lectures/cancelled_to_coordinator"


def test_the_teacher_picks_a_proposed_date_and_gets_the_calendar(client, frozen, program, coordinator):
    lecturer = make_lecturer(name="水野 健太")
    lecture, token = submit(program)
    proposal = services.ProposalData(
        (at(GOOD_DAY, 13, 30), at(GOOD_DAY, 14, 30)), (lecturer.id,), "ご提案します"
    )
    services.propose_dates(lecture.id, proposal, coordinator)
    html = page(client, token).get_data(as_text=True)
    assert "ご提案した日程から1つお選びください" in html and "ご提案します" in html
    assert client.get(f"/lectures/manage/{token}/calendar.ics").status_code == 404  # not booked yet

    slot_id = reload(lecture.id).proposals[1].id
    response = client.post(f"/lectures/manage/{token}", data={"action": "choose", "slot_id": str(slot_id)})
    assert response.status_code == 302
    html = page(client, token).get_data(as_text=True)
    assert (
        "講座の日程が確定しました" in html and "2026年12月3日(木) 14:30–15:15" in html and "水野 健太" in html
    )

    ics = client.get(f"/lectures/manage/{token}/calendar.ics")
    assert ics.status_code == 200 and ics.mimetype == "text/calendar"
    event = Calendar.from_ical(ics.data).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == at(GOOD_DAY, 14, 30)


def test_choosing_without_a_date_says_so(client, frozen, program, coordinator):
    lecture, token = submit(program)
    services.propose_dates(
        lecture.id,
        services.ProposalData((at(GOOD_DAY, 13, 30),), (make_lecturer().id,), "ご提案"),
        coordinator,
    )
    response = client.post(f"/lectures/manage/{token}", data={"action": "choose"})
    assert response.status_code == 422
    assert "日程を1つ選んでください" in response.get_data(as_text=True)


def test_the_page_reads_in_english_with_japan_time(client, frozen, program, coordinator):
    lecture, token = submit(program)
    services.schedule_request(
        lecture.id, services.BookingData(at(GOOD_DAY, 10, 30), (make_lecturer().id,)), coordinator
    )
    html = page(client, token, language="en").get_data(as_text=True)
    assert "Your lecture is booked" in html and "Thu 3 Dec 2026, 10:30–11:15" in html and "Japan time" in html


def test_an_unknown_action_is_a_bad_request(client, frozen, program):
    _lecture, token = submit(program)
    assert client.post(f"/lectures/manage/{token}", data={"action": "delete"}).status_code == 400
