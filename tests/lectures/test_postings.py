"""Where a lecturer is based: postings abroad keep lectures at schools from being offered or
booked for them (unless overridden with a reason), never online ones; the who-is-free grid
says why someone is not free; the base is kept on the lecturer's page, audited."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from booking.audit.models import AuditEntry
from booking.core.errors import DomainError
from booking.extensions import db
from booking.lectures import services
from booking.lectures.models import (
    LectureFormat,
    LectureStatus,
)
from booking.lectures.scheduling import ReasonKind, availability
from booking.scheduling.models import Posting
from booking.settings.services import current_settings
from tests.factories.lectures import GOOD_DAY, at, make_lecturer, make_request

ONLINE, IN_PERSON = LectureFormat.ONLINE, LectureFormat.IN_PERSON
EN = {"Accept-Language": "en"}


@pytest.fixture
def abroad(ctx, coordinator):
    """A lecturer based in Phnom Penh from April, until further notice."""
    lecturer = make_lecturer(name="北野 真理子", email="kitano@example.jp", time_zone="Asia/Phnom_Penh")
    services.add_posting(lecturer, services.PostingData("Phnom Penh", date(2026, 4, 1)), coordinator)
    return lecturer


def book(lecture, lecturers, actor, **extra):
    data = services.BookingData(
        starts_at=at(GOOD_DAY, 10, 30), lecturer_ids=tuple(u.id for u in lecturers), **extra
    )
    return services.schedule_request(lecture.id, data, actor)


def test_a_lecture_at_a_school_is_not_booked_for_a_lecturer_abroad(frozen, program, coordinator, abroad):
    lecture = make_request(program, fmt=IN_PERSON)
    with pytest.raises(DomainError) as refused:
        book(lecture, [abroad], coordinator)
    (problem,) = refused.value.errors
    assert problem.field == "lecturer_ids"
    assert "北野 真理子" in problem.message and "Phnom Penh" in problem.message
    db.session.expire_all()
    assert lecture.status == LectureStatus.SUBMITTED


def test_with_the_override_and_its_reason_the_lecturer_abroad_is_booked_and_it_is_recorded(
    frozen, program, coordinator, abroad
):
    lecture = make_request(program, fmt=IN_PERSON)
    book(lecture, [abroad], coordinator, override_reason="一時帰国中のため")
    db.session.expire_all()
    assert lecture.status == LectureStatus.SCHEDULED
    event = lecture.events[-1]
    assert "lecturer_abroad" in event.details["overridden"]
    assert event.internal_note == "一時帰国中のため"


def test_an_online_lecture_is_booked_for_a_lecturer_abroad(frozen, program, coordinator, abroad):
    lecture = make_request(program, fmt=ONLINE)
    book(lecture, [abroad], coordinator)
    db.session.expire_all()
    assert lecture.status == LectureStatus.SCHEDULED


def test_after_the_posting_the_lecturer_is_in_japan_again(frozen, program, coordinator):
    back = make_lecturer()
    services.add_posting(
        back, services.PostingData("Hai Phong", date(2026, 11, 2), GOOD_DAY - timedelta(1)), back
    )
    lecture = make_request(program, fmt=IN_PERSON)
    book(lecture, [back], coordinator)
    db.session.expire_all()
    assert lecture.status == LectureStatus.SCHEDULED


def test_dates_are_not_offered_at_a_school_with_a_lecturer_abroad(frozen, program, coordinator, abroad):
    lecture = make_request(program, fmt=IN_PERSON)
    data = services.ProposalData(
        times=(at(GOOD_DAY, 10, 30),), lecturer_ids=(abroad.id,), message="ご提案です。"
    )
    with pytest.raises(DomainError) as refused:
        services.propose_dates(lecture.id, data, coordinator)
    assert any("Phnom Penh" in e.message for e in refused.value.errors)
    overridden = services.ProposalData(
        times=data.times, lecturer_ids=data.lecturer_ids, message=data.message, override_reason="一時帰国"
    )
    services.propose_dates(lecture.id, overridden, coordinator)
    db.session.expire_all()
    assert lecture.status == LectureStatus.PROPOSED


def test_the_grid_says_why_each_lecturer_is_not_free(frozen, program, coordinator, lecturer, abroad):
    make_request(program, status="scheduled", lecturers=[lecturer], starts_at=at(GOOD_DAY, 10, 30))
    on_leave = make_lecturer(name="石井 学")
    start = at(GOOD_DAY, 0, 0)
    services.add_unavailability(
        on_leave, services.PeriodData(start, start + timedelta(days=1), "休暇", whole_days=True), coordinator
    )
    free = make_lecturer(name="青木 優")
    people = [lecturer, abroad, on_leave, free]
    slot = [(at(GOOD_DAY, 10, 30), at(GOOD_DAY, 11, 15))]
    (in_person,) = availability(slot, 60, people, current_settings(), in_person=True)
    kinds = {uid: [r.kind for r in reasons] for uid, reasons in in_person.by_lecturer.items()}
    assert kinds == {
        lecturer.id: [ReasonKind.LECTURE],
        abroad.id: [ReasonKind.ABROAD],
        on_leave.id: [ReasonKind.TIME_OFF],
        free.id: [],
    }
    texts = {uid: " ".join(map(str, reasons)) for uid, reasons in in_person.by_lecturer.items()}
    assert "10:30" in texts[lecturer.id]
    assert "Phnom Penh" in texts[abroad.id]
    assert "休暇" in texts[on_leave.id] and "12月3日(木)" in texts[on_leave.id]
    (online,) = availability(slot, 15, people, current_settings(), in_person=False)
    assert online.free(abroad.id) and not online.free(on_leave.id)


def test_the_schedule_page_marks_a_lecturer_abroad_in_words(frozen, program, coordinator_client, abroad):
    lecture = make_request(program, fmt=IN_PERSON)
    html = coordinator_client.get(f"/staff/lectures/{lecture.id}/schedule", headers=EN).get_data(as_text=True)
    assert "Abroad on that date (Phnom Penh)" in html
    assert 'class="tag tag--warning">Abroad</span>' in html


# The lecturer's page ----------------------------------------------------------------------------


def test_a_lecturer_keeps_their_own_base_and_it_is_audited(app, ctx, frozen, login):
    me = make_lecturer(email="me@example.jp")
    client = app.test_client()
    login(client, me.email)
    data = {"place": "Phnom Penh", "first_day": "2027-01-10", "last_day": "2027-03-31"}
    response = client.post(f"/staff/lectures/lecturers/{me.id}/postings", data=data)
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "/staff/lectures/schedule#based"
    )
    page = client.get("/staff/lectures/schedule", headers=EN).get_data(as_text=True)
    assert "Phnom Penh" in page and "Sun 10 Jan 2027 – Wed 31 Mar 2027" in page
    db.session.rollback()
    posting = db.session.scalar(sa.select(Posting))
    assert client.post(f"/staff/lectures/lecturers/{me.id}/postings/{posting.id}/delete").status_code == 302
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Posting.id))) == 0
    actions = list(
        db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.action.like("lecturer.posting%")))
    )
    assert sorted(actions) == ["lecturer.posting_add", "lecturer.posting_remove"]


def test_only_the_lecturer_and_coordinators_keep_a_lecturers_base(app, frozen, login, coordinator_client):
    me = make_lecturer(email="me@example.jp")
    other = make_lecturer(email="other@example.jp")
    client = app.test_client()
    login(client, me.email)
    data = {"place": "Hai Phong", "first_day": "2027-01-10"}
    assert client.post(f"/staff/lectures/lecturers/{other.id}/postings", data=data).status_code == 403
    assert (
        coordinator_client.post(f"/staff/lectures/lecturers/{other.id}/postings", data=data).status_code
        == 302
    )
    db.session.rollback()
    posting = db.session.scalar(sa.select(Posting))
    assert posting.person_id == other.id and posting.last_day is None
    assert (
        client.post(f"/staff/lectures/lecturers/{other.id}/postings/{posting.id}/delete").status_code == 403
    )
    assert client.post(f"/staff/lectures/lecturers/{me.id}/postings/{posting.id}/delete").status_code == 404


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"place": "", "first_day": "2027-01-10"}, "Enter the place"),
        ({"place": "x" * 101, "first_day": "2027-01-10"}, "101"),
        ({"place": "Hanoi", "first_day": "2027-01-10", "last_day": "2027-01-01"}, "not be before the first"),
        ({"place": "Hanoi", "first_day": "2026-01-10", "last_day": "2026-02-01"}, "already over"),
        ({"place": "Hanoi", "first_day": "9999-12-31"}, "between 2000 and 2100"),
        ({"place": "Hanoi", "first_day": "2027-02-01", "last_day": "2027-02-10"}, "overlaps the posting"),
    ],
)
def test_a_posting_that_cannot_be_gets_a_message_and_nothing_is_saved(
    frozen, coordinator, coordinator_client, lecturer, data, message
):
    services.add_posting(lecturer, services.PostingData("Phnom Penh", date(2027, 1, 1)), coordinator)
    response = coordinator_client.post(
        f"/staff/lectures/lecturers/{lecturer.id}/postings", data=data, headers=EN
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Posting.id))) == 1
