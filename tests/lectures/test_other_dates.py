"""The teacher's "none of these dates suit": new candidates under the request form's rules,
the proposals withdrawn, the request received again, the coordinators told, and no double move."""

from __future__ import annotations

from datetime import date, time

import pytest
import sqlalchemy as sa

from booking.audit.models import AuditEntry
from booking.core.errors import DomainError
from booking.extensions import db
from booking.lectures import services
from booking.lectures.models import LectureEvent, LectureRequest, LectureStatus
from tests.factories.lectures import GOOD_DAY, at, make_lecturer, submit
from tests.helpers import outbox

TUESDAY = date(2026, 12, 8)
WEDNESDAY = date(2026, 12, 9)


@pytest.fixture
def proposed(frozen, program, coordinator):
    """A request (first choice 3 December 10:30) for which the bureau proposed two other dates."""
    lecture, token = submit(program)
    services.propose_dates(
        lecture.id,
        services.ProposalData(
            (at(GOOD_DAY, 13, 30), at(GOOD_DAY, 14, 30)), (make_lecturer().id,), "この日はいかがでしょうか"
        ),
        coordinator,
    )
    return lecture.id, token


def reload(lecture_id: int) -> LectureRequest:
    db.session.rollback()
    return db.session.get(LectureRequest, lecture_id)


def data(*candidates: tuple[date, time], message: str = "") -> services.OtherDatesData:
    return services.OtherDatesData(
        tuple(services.Candidate(rank, day, at_) for rank, (day, at_) in enumerate(candidates, start=1)),
        message,
    )


def form(**overrides) -> dict[str, str]:
    values = {
        "action": "other_dates",
        "candidate_1_date": TUESDAY.isoformat(),
        "candidate_1_time": "10:45",
        "candidate_2_date": "2026/12/9",  # typed as people type, as on the request form
        "candidate_2_time": "13時30分",
        "candidate_3_date": "",
        "candidate_3_time": "",
        "message": "火曜か水曜だと助かります。",
    }
    values.update(overrides)
    return values


# The service -----------------------------------------------------------------------------


def test_new_candidates_replace_the_old_and_the_request_is_received_again(app, proposed, coordinator):
    lecture_id, _token = proposed
    result = services.ask_other_dates(
        lecture_id, data((TUESDAY, time(10, 45)), (WEDNESDAY, time(13, 30)), message="よろしく")
    )
    assert result == services.Asked.ASKED
    lecture = reload(lecture_id)
    assert lecture.status == LectureStatus.SUBMITTED
    assert [slot.starts_at for slot in lecture.candidates] == [at(TUESDAY, 10, 45), at(WEDNESDAY, 13, 30)]
    assert lecture.candidates[0].ends_at == at(TUESDAY, 11, 30)  # the program's 45 minutes
    assert lecture.proposals == [] and lecture.proposed_lecturers == []
    event = lecture.events[-1]
    assert (event.from_status, event.to_status, event.by_school, event.actor_id) == (
        LectureStatus.PROPOSED,
        LectureStatus.SUBMITTED,
        True,
        None,
    )
    assert event.note == "よろしく"
    assert event.details["withdrawn"] == [at(GOOD_DAY, 13, 30).isoformat(), at(GOOD_DAY, 14, 30).isoformat()]
    assert event.details["previous_candidates"] == [at(GOOD_DAY, 10, 30).isoformat()]
    assert event.details["starts_at"] == [at(TUESDAY, 10, 45).isoformat(), at(WEDNESDAY, 13, 30).isoformat()]
    emails = outbox(app, to=coordinator.email, template="lectures/other_dates_asked_to_coordinator")
    assert len(emails) == 1
    assert "よろしく" in emails[0].body_text and "2026年12月8日(火) 10:45" in emails[0].body_text
    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "lecture.ask_other_dates")
    ).one()
    assert (entry.subject_id, entry.actor_id, entry.details) == (str(lecture_id), None, {"candidates": 2})


@pytest.mark.parametrize(
    ("day", "at_", "field", "words"),
    [
        (date(2026, 11, 6), time(10, 0), "candidate_1_date", "前"),  # inside the lead time
        (date(2026, 12, 5), time(10, 0), "candidate_1_date", "土"),  # a Saturday
        (date(2026, 11, 23), time(10, 0), "candidate_1_date", "祝"),  # Labour Thanksgiving Day
        (TUESDAY, time(7, 0), "candidate_1_time", "8:30"),  # before school hours
        (date(2027, 12, 7), time(10, 0), "candidate_1_date", "180"),  # beyond the horizon
    ],
)
def test_the_request_form_s_date_rules_apply(proposed, day, at_, field, words):
    lecture_id, _token = proposed
    with pytest.raises(DomainError) as refused:
        services.ask_other_dates(lecture_id, data((day, at_)))
    assert [problem.field for problem in refused.value.errors] == [field]
    assert words in str(refused.value.errors[0])
    assert reload(lecture_id).status == LectureStatus.PROPOSED


def test_a_blackout_day_is_refused(proposed, coordinator):
    from booking.settings.services import add_blackout_day

    add_blackout_day(TUESDAY, "庁内行事", coordinator)
    lecture_id, _token = proposed
    with pytest.raises(DomainError):
        services.ask_other_dates(lecture_id, data((TUESDAY, time(10, 45))))
    assert reload(lecture_id).status == LectureStatus.PROPOSED


def test_the_same_answer_sent_again_makes_one_move(app, proposed, coordinator):
    lecture_id, _token = proposed
    answer = data((TUESDAY, time(10, 45)))
    assert services.ask_other_dates(lecture_id, answer) == services.Asked.ASKED
    assert services.ask_other_dates(lecture_id, answer) == services.Asked.ALREADY
    moves = db.session.scalars(
        sa.select(LectureEvent).where(
            LectureEvent.request_id == lecture_id, LectureEvent.to_status == LectureStatus.SUBMITTED
        )
    ).all()
    assert len(moves) == 2  # the submission, and one answer
    assert len(outbox(app, to=coordinator.email, template="lectures/other_dates_asked_to_coordinator")) == 1


def test_another_answer_once_the_request_moved_on_is_refused_with_a_message(proposed):
    lecture_id, _token = proposed
    services.ask_other_dates(lecture_id, data((TUESDAY, time(10, 45))))
    with pytest.raises(DomainError, match="日程のご提案へのお返事"):
        services.ask_other_dates(lecture_id, data((WEDNESDAY, time(10, 45))))
    assert [slot.starts_at for slot in reload(lecture_id).candidates] == [at(TUESDAY, 10, 45)]


# The teacher's page -------------------------------------------------------------------------


def test_the_page_offers_the_form_only_while_dates_are_proposed(client, proposed, program):
    _lecture_id, token = proposed
    html = client.get(f"/lectures/manage/{token}").get_data(as_text=True)
    assert 'value="other_dates"' in html and 'name="candidate_1_date"' in html
    _other, other_token = submit(program)
    assert 'value="other_dates"' not in client.get(f"/lectures/manage/{other_token}").get_data(as_text=True)


def test_the_teacher_sends_new_dates_and_sees_a_confirmation(client, proposed, coordinator):
    lecture_id, token = proposed
    response = client.post(f"/lectures/manage/{token}", data=form(), headers={"Accept-Language": "en"})
    assert response.status_code == 302
    html = client.get(response.headers["Location"], headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "we have received your new dates" in html
    assert "We have received your request" in html  # the status panel: received again
    assert "Tue 8 Dec 2026, 10:45" in html and "Wed 9 Dec 2026, 13:30" in html
    lecture = reload(lecture_id)
    assert (
        lecture.status == LectureStatus.SUBMITTED and lecture.events[-1].note == "火曜か水曜だと助かります。"
    )


def test_sending_the_form_twice_makes_one_move(client, proposed):
    lecture_id, token = proposed
    first = client.post(f"/lectures/manage/{token}", data=form(), headers={"Accept-Language": "en"})
    second = client.post(f"/lectures/manage/{token}", data=form(), headers={"Accept-Language": "en"})
    assert first.status_code == second.status_code == 302
    html = client.get(second.headers["Location"], headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "We had already received these dates" in html
    assert sum(1 for e in reload(lecture_id).events if e.details.get("action") == "ask_other_dates") == 1


def test_mistakes_are_shown_next_to_their_fields_with_everything_kept(client, proposed):
    lecture_id, token = proposed
    response = client.post(
        f"/lectures/manage/{token}",
        data=form(
            candidate_1_date="2026-12-05",  # a Saturday: a calendar rule
            candidate_2_date="2026-12-05",
            candidate_2_time="10:45",  # the same as the first: a form rule
            candidate_3_date="2026-12-10",  # no time
        ),
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "error-summary" in html and 'href="#candidate_1_date"' in html
    assert "This is the same as choice 1" in html
    assert "Enter a start time for this date too" in html
    assert "weekend" in html.lower() or "saturday" in html.lower()
    assert 'value="火曜か水曜だと助かります。"' in html or "火曜か水曜だと助かります。</textarea>" in html
    assert '<details class="disclosure" open' in html
    assert reload(lecture_id).status == LectureStatus.PROPOSED


def test_the_inbox_marks_a_request_whose_school_asked_for_other_dates(proposed, client, login, coordinator):
    lecture_id, _token = proposed
    services.ask_other_dates(lecture_id, data((TUESDAY, time(10, 45))))
    coordinator_client = client
    login(coordinator_client, coordinator.email)
    coordinator_client.set_cookie("lang", "en")
    html = coordinator_client.get("/staff/lectures/?status=submitted").get_data(as_text=True)
    assert reload(lecture_id).reference in html and "Asked for other dates" in html


def test_a_coordinator_reading_english_gets_the_email_in_english(app, proposed):
    from booking.core.auth import Role
    from tests.factories import make_user

    english = make_user(Role.COORDINATOR, email="en-coord@example.jp", language="en")
    lecture_id, _token = proposed
    services.ask_other_dates(lecture_id, data((TUESDAY, time(10, 45)), message="Tuesdays suit us"))
    (email,) = outbox(app, to=english.email, template="lectures/other_dates_asked_to_coordinator")
    assert (
        email.subject.startswith("[L-2026-") and "None of the proposed dates suit the school" in email.subject
    )
    assert "Tuesdays suit us" in email.body_text and "Tuesdays suit us" in email.body_html
    assert "/staff/lectures/" in email.body_text


# At the same moment -------------------------------------------------------------------------


def test_the_same_answer_sent_several_times_at_once_makes_one_move(app, proposed):
    from tests.helpers import run_together

    lecture_id, token = proposed
    db.session.remove()

    def act(index, client):
        return client.post(f"/lectures/manage/{token}", data=form()).status_code

    codes = run_together(5, act, prepare=lambda index: app.test_client())
    assert codes == [302] * 5
    lecture = reload(lecture_id)
    assert lecture.status == LectureStatus.SUBMITTED
    assert sum(1 for e in lecture.events if e.details.get("action") == "ask_other_dates") == 1


def test_choosing_a_date_and_asking_for_others_at_once_leaves_one_answer(app, proposed):
    from tests.helpers import run_together

    lecture_id, token = proposed
    slot_id = reload(lecture_id).proposals[0].id
    db.session.remove()
    answers = [{"action": "choose", "slot_id": str(slot_id)}, form()]

    def act(index, client):
        return client.post(f"/lectures/manage/{token}", data=answers[index]).status_code

    codes = run_together(2, act, prepare=lambda index: app.test_client())
    assert sorted(codes) == [302, 422]  # the second finds the request moved on, and says so
    lecture = reload(lecture_id)
    assert lecture.status in (LectureStatus.SCHEDULED, LectureStatus.SUBMITTED)
    assert len([e for e in lecture.events if e.from_status == LectureStatus.PROPOSED]) == 1
