"""Every status move a request can make, every move it cannot, and the history of each."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from booking.core.errors import InvalidTransition
from booking.core.time import utcnow
from booking.extensions import db
from booking.lectures.models import (
    LECTURE_ACTIONS,
    LECTURE_WORKFLOW,
    Action,
    LectureEvent,
    LectureRequest,
    LectureStatus,
)
from tests.factories.lectures import make_lecturer, make_program, make_request

S = LectureStatus
SETUP = {
    S.SUBMITTED: "submitted",
    S.PROPOSED: "proposed",
    S.SCHEDULED: "scheduled",
    S.COMPLETED: "completed",
    S.DECLINED: "declined",
    S.CANCELLED: "cancelled",
}


def in_status(status: LectureStatus, actor, lecturer) -> LectureRequest:
    """A request in `status`, its lecture two days ago (so it may be recorded as held)."""
    program = make_program()
    return make_request(
        program,
        status=SETUP[status],
        lecturers=[lecturer],
        actor=actor,
        starts_at=utcnow() - timedelta(days=2),
    )


def move(lecture: LectureRequest, target: LectureStatus, actor, lecturer) -> None:
    """Ask for `target` through the verb that leads there."""
    start = utcnow() + timedelta(days=30)
    end = start + timedelta(minutes=45)
    if target == S.PROPOSED:
        lecture.propose([(start, end)], [lecturer], "ご提案です。", actor)
    elif target == S.SCHEDULED and lecture.status == S.SCHEDULED:
        lecture.reschedule(start, end, [lecturer], 15, actor, note="会場の都合")
    elif target == S.SCHEDULED:
        lecture.schedule(start, end, [lecturer], 15, actor)
    elif target == S.COMPLETED:
        lecture.complete(50, "よかった", actor, utcnow())
    elif target == S.DECLINED:
        lecture.decline("講師の都合", actor)
    elif target == S.CANCELLED:
        lecture.cancel("行事のため", actor)
    elif target == S.SUBMITTED:  # the school finds none of the proposed dates suitable
        lecture.ask_other_dates([(start, end)], "別の日程でお願いします。")
    else:
        LECTURE_WORKFLOW.check(lecture.status, target)


@pytest.fixture
def people(ctx, coordinator, lecturer):
    return coordinator, lecturer


MOVES = list(LECTURE_WORKFLOW.moves())
FORBIDDEN = list(LECTURE_WORKFLOW.forbidden())


@pytest.mark.parametrize(("frm", "to"), MOVES, ids=[f"{a}->{b}" for a, b in MOVES])
def test_every_allowed_move_changes_the_status_and_writes_history(people, frm, to):
    actor, lecturer = people
    lecture = in_status(frm, actor, lecturer)
    before = len(lecture.events)
    move(lecture, to, actor, lecturer)
    db.session.commit()
    assert lecture.status == to
    event = lecture.events[-1]
    assert len(lecture.events) == before + 1
    by_school = to == S.SUBMITTED  # only the school sends a request back to "received"
    assert (event.from_status, event.to_status, event.actor_id) == (frm, to, None if by_school else actor.id)
    assert event.by_school is by_school
    assert event.occurred_at is not None


@pytest.mark.parametrize(("frm", "to"), FORBIDDEN, ids=[f"{a}->{b}" for a, b in FORBIDDEN])
def test_every_other_move_is_refused_with_a_message_and_changes_nothing(people, frm, to):
    actor, lecturer = people
    lecture = in_status(frm, actor, lecturer)
    before = len(lecture.events)
    with pytest.raises(InvalidTransition) as refused:
        move(lecture, to, actor, lecturer)
    assert str(refused.value)  # a sentence for a person
    db.session.rollback()
    lecture = db.session.get(LectureRequest, lecture.id)
    assert lecture.status == frm
    assert len(lecture.events) == before


def test_the_table_matches_the_specification():
    assert set(LECTURE_WORKFLOW.targets(S.SUBMITTED)) == {S.PROPOSED, S.SCHEDULED, S.DECLINED, S.CANCELLED}
    assert set(LECTURE_WORKFLOW.targets(S.PROPOSED)) == {S.PROPOSED, S.SCHEDULED, S.SUBMITTED, S.CANCELLED}
    assert set(LECTURE_WORKFLOW.targets(S.SCHEDULED)) == {S.SCHEDULED, S.COMPLETED, S.CANCELLED}
    for closed in (S.COMPLETED, S.DECLINED, S.CANCELLED):
        assert LECTURE_WORKFLOW.targets(closed) == set()


def ask(lecture: LectureRequest, action: Action) -> bool:
    """The `can_*` question views and templates ask about `action`."""
    question = getattr(lecture, f"can_{action.value}")
    return question(utcnow()) if action == Action.COMPLETE else question()


ACTION_CASES = [(action, status) for action in Action for status in LectureStatus]


@pytest.mark.parametrize(("action", "status"), ACTION_CASES, ids=[f"{a}-from-{s}" for a, s in ACTION_CASES])
def test_each_question_answers_yes_exactly_from_the_statuses_of_its_action(people, action, status):
    actor, lecturer = people
    lecture = in_status(status, actor, lecturer)
    allowed = status in LECTURE_ACTIONS[action].sources
    assert ask(lecture, action) is allowed
    assert lecture.can(action) is allowed
    if allowed:
        lecture.ensure_can(action)
    else:
        with pytest.raises(InvalidTransition):
            lecture.ensure_can(action)


def test_the_moves_are_those_of_the_actions():
    assert set(LECTURE_WORKFLOW.moves()) == {
        (source, step.target) for step in LECTURE_ACTIONS.values() for source in step.sources
    }


def test_a_proposal_without_dates_cannot_be_chosen_from(people):
    actor, lecturer = people
    lecture = in_status(S.PROPOSED, actor, lecturer)
    for slot in lecture.proposals:
        lecture.slots.remove(slot)
    assert not lecture.can_choose_date()
    with pytest.raises(InvalidTransition, match="選べる日程の提案はありません"):
        lecture.ensure_can(Action.CHOOSE_DATE)


def test_other_dates_cannot_be_asked_for_once_the_proposals_are_gone(people):
    actor, lecturer = people
    lecture = in_status(S.PROPOSED, actor, lecturer)
    for slot in lecture.proposals:
        lecture.slots.remove(slot)
    assert not lecture.can_ask_other_dates()
    with pytest.raises(InvalidTransition):
        lecture.ensure_can(Action.ASK_OTHER_DATES)


def test_asking_for_other_dates_replaces_the_candidates_and_withdraws_the_proposals(people):
    actor, lecturer = people
    lecture = in_status(S.PROPOSED, actor, lecturer)
    proposed = [slot.starts_at.isoformat() for slot in lecture.proposals]
    old = [slot.starts_at.isoformat() for slot in lecture.candidates]
    first = utcnow() + timedelta(days=40)
    times = [
        (first, first + timedelta(minutes=45)),
        (first + timedelta(days=1), first + timedelta(days=1, minutes=45)),
    ]
    event = lecture.ask_other_dates(times, "来月の火曜日が助かります。")
    db.session.commit()
    lecture = db.session.get(LectureRequest, lecture.id)
    assert lecture.status == S.SUBMITTED
    assert lecture.proposals == [] and lecture.proposed_lecturers == [] and lecture.proposal_message == ""
    assert [(slot.rank, slot.starts_at) for slot in lecture.candidates] == [
        (1, times[0][0]),
        (2, times[1][0]),
    ]
    assert event.by_school and event.actor_id is None and event.note == "来月の火曜日が助かります。"
    assert event.details["withdrawn"] == proposed
    assert event.details["previous_candidates"] == old
    assert event.details["starts_at"] == [start.isoformat() for start, _end in times]
    assert lecture.asked_for_other_dates


def test_a_lecture_cannot_be_recorded_as_held_before_it_starts(people):
    actor, lecturer = people
    lecture = make_request(
        make_program(), status="scheduled", lecturers=[lecturer], starts_at=utcnow() + timedelta(days=3)
    )
    with pytest.raises(InvalidTransition, match="まだ実施されていません"):
        lecture.complete(40, "", actor, utcnow())


def test_history_keeps_who_when_from_to_and_why(people):
    actor, lecturer = people
    lecture = make_request(make_program(), status="scheduled", lecturers=[lecturer], actor=actor)
    lecture.cancel("学校行事と重なったため", actor)
    db.session.commit()
    rows = db.session.scalars(
        sa.select(LectureEvent).where(LectureEvent.request_id == lecture.id).order_by(LectureEvent.id)
    ).all()
    assert [(r.from_status, r.to_status) for r in rows] == [
        (None, S.SUBMITTED),
        (S.SUBMITTED, S.SCHEDULED),
        (S.SCHEDULED, S.CANCELLED),
    ]
    assert rows[-1].note == "学校行事と重なったため" and rows[-1].actor_id == actor.id
    assert rows[0].by_school and rows[0].actor_id is None


def test_a_refused_move_through_the_staff_pages_says_why(app, coordinator_client, ctx, lecturer):
    lecture = make_request(make_program(), status="declined")
    response = coordinator_client.get(
        f"/staff/lectures/{lecture.id}/schedule", headers={"Accept-Language": "en"}
    )
    assert response.status_code == 302
    page = coordinator_client.get(response.headers["Location"], headers={"Accept-Language": "en"})
    assert "“Declined” cannot change to “Scheduled”" in page.get_data(as_text=True)


def test_a_refused_post_changes_nothing(app, coordinator_client, ctx, lecturer):
    lecture = make_request(make_program(), status="completed", lecturers=[make_lecturer()])
    response = coordinator_client.post(f"/staff/lectures/{lecture.id}/cancel", data={"reason": "間違い"})
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.get(LectureRequest, lecture.id).status == S.COMPLETED
