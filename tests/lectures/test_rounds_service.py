"""Busy-term rounds through the services: collecting requests, the rules of a new round,
the one allocation (order, days, emails, audit) and re-running it from the seed."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa

from booking.audit.models import AuditEntry
from booking.core.errors import DomainError
from booking.extensions import db
from booking.lectures import services
from booking.lectures.models import LectureStatus
from booking.lectures.round_models import EntryOutcome, LectureRound, LectureRoundEntry, RoundStatus
from booking.settings.services import add_blackout_day
from tests.factories.lectures import GOOD_DAY, at, make_request, submit
from tests.factories.rounds import CLOSES_ON, FIRST_DAY, LAST_DAY, make_round
from tests.factories.schools import make_school
from tests.helpers import outbox

NEXT_DAY = GOOD_DAY + timedelta(days=1)  # Friday 4 December 2026


def choices(*days: date) -> tuple[services.Candidate, ...]:
    return tuple(services.Candidate(rank, day, time(10, 30)) for rank, day in enumerate(days, 1))


def entry_of(request_id: int) -> LectureRoundEntry | None:
    db.session.rollback()
    return db.session.scalar(sa.select(LectureRoundEntry).where(LectureRoundEntry.request_id == request_id))


def test_a_request_whose_first_choice_falls_in_an_open_round_joins_it(app, frozen, coordinator, program):
    lecture_round = make_round(coordinator)
    lecture, _token = submit(program, candidates=choices(GOOD_DAY), contact_email="t1@example.jp")
    entry = entry_of(lecture.id)
    assert entry is not None and entry.round_id == lecture_round.id and entry.outcome == EntryOutcome.WAITING
    teacher = outbox(app, to="t1@example.jp", template="lectures/submitted_to_teacher")[0]
    assert "2学期 繁忙期" in teacher.body_text and "11月20日" in teacher.body_text
    assert "1週間以内" not in teacher.body_text  # answered after the round closes, not within the week
    staff = outbox(app, to=coordinator.email, template="lectures/submitted_to_coordinator")[0]
    assert "2学期 繁忙期" in staff.body_text


def test_a_request_in_english_is_told_about_the_round_in_english(app, frozen, coordinator, program):
    make_round(coordinator)
    submit(program, candidates=choices(GOOD_DAY), contact_email="en@example.jp", language="en")
    email = outbox(app, to="en@example.jp")[0]
    assert "part of the round" in email.body_text and "part of the round" in email.body_html


@pytest.mark.parametrize(
    "days",
    [(date(2027, 1, 14),), (date(2027, 1, 14), GOOD_DAY)],
    ids=["outside", "only-second-choice-inside"],
)
def test_a_request_whose_first_choice_is_outside_every_round_is_first_come_first_served(
    app, frozen, coordinator, program, days
):
    make_round(coordinator)
    lecture, _token = submit(program, candidates=choices(*days), contact_email="t2@example.jp")
    assert entry_of(lecture.id) is None
    assert "round" not in outbox(app, to="t2@example.jp")[0].body_text.lower()


def test_a_request_sent_after_the_closing_day_does_not_join(frozen, coordinator, program):
    make_round(coordinator)
    frozen.move_to(at(CLOSES_ON + timedelta(days=1), 9))
    lecture, _token = submit(program, candidates=choices(date(2026, 12, 10)))
    assert entry_of(lecture.id) is None


def test_a_closed_round_collects_nothing_more(frozen, coordinator, program):
    lecture_round = make_round(coordinator)
    services.close_round(lecture_round.id, coordinator)
    lecture, _token = submit(program, candidates=choices(GOOD_DAY))
    assert entry_of(lecture.id) is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"last_day": FIRST_DAY - timedelta(days=1)}, "last_day"),
        ({"closes_on": FIRST_DAY}, "closes_on"),
        ({"closes_on": date(2026, 11, 1)}, "closes_on"),
        ({"per_day": 0}, "per_day"),
        ({"per_day": 21}, "per_day"),
    ],
)
def test_a_round_breaking_a_rule_is_refused_next_to_its_field(frozen, coordinator, overrides, field):
    with pytest.raises(DomainError) as refused:
        make_round(coordinator, **overrides)
    assert field in {e.field for e in refused.value.errors}
    assert db.session.scalar(sa.select(sa.func.count(LectureRound.id))) == 0


def test_rounds_never_share_a_day(frozen, coordinator):
    make_round(coordinator)
    with pytest.raises(DomainError) as refused:
        make_round(coordinator, name="重なり", first_day=LAST_DAY, last_day=LAST_DAY + timedelta(days=5))
    assert refused.value.field == "first_day"
    make_round(
        coordinator, name="次", first_day=LAST_DAY + timedelta(days=1), last_day=LAST_DAY + timedelta(days=5)
    )


def test_the_database_refuses_a_round_closing_after_its_first_day(frozen, coordinator):
    db.session.add(
        LectureRound(name="x", first_day=FIRST_DAY, last_day=LAST_DAY, closes_on=FIRST_DAY, per_day=1)
    )
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def served(program, school, day: date) -> None:
    """A lecture held at `school` on `day`."""
    make_request(program, starts_at=at(day, 10, 30), status="completed", school_id=school.id)


@pytest.fixture
def busy_round(frozen, coordinator, program):
    """Four requests for 3 December (one a day): a school never served, one served in 2024,
    one served in 2026 that also accepts 4 December, and one served in 2026 asking only
    for 3 December; the round closed."""
    lecture_round = make_round(coordinator)
    never, long_ago, recent, latest = (
        make_school(name) for name in ("未訪問小", "久しぶり小", "最近小", "直近小")
    )
    served(program, long_ago, date(2024, 6, 10))
    served(program, recent, date(2026, 5, 12))
    served(program, latest, date(2026, 7, 8))
    made = {}
    for key, school, days in [
        ("latest", latest, (GOOD_DAY,)),
        ("recent", recent, (GOOD_DAY, NEXT_DAY)),
        ("long_ago", long_ago, (GOOD_DAY,)),
        ("never", never, (GOOD_DAY,)),
    ]:
        lecture, _token = submit(
            program, school=school, candidates=choices(*days), contact_email=f"{key}@example.jp"
        )
        made[key] = lecture.id
    services.close_round(lecture_round.id, coordinator)
    return lecture_round.id, made


def test_allocation_follows_the_rule_and_notes_each_requests_day(app, busy_round, coordinator):
    round_id, made = busy_round
    result = services.allocate_round(round_id, coordinator)
    assert (result.allocated, result.not_allocated) == (2, 2)
    entries = {key: entry_of(request_id) for key, request_id in made.items()}
    assert [entries[k].position for k in ("never", "long_ago", "recent", "latest")] == [1, 2, 3, 4]
    assert (entries["never"].allocated_day, entries["never"].allocated_rank) == (GOOD_DAY, 1)
    assert (entries["recent"].allocated_day, entries["recent"].allocated_rank) == (NEXT_DAY, 2)
    assert entries["long_ago"].outcome == entries["latest"].outcome == EntryOutcome.NOT_ALLOCATED
    statuses = {entry.request.status for entry in entries.values()}
    assert statuses == {LectureStatus.SUBMITTED}  # staff schedule the allocated ones with lecturers


def test_allocation_emails_each_school_its_outcome(app, busy_round, coordinator):
    round_id, _made = busy_round
    services.allocate_round(round_id, coordinator)
    allocated = outbox(app, to="never@example.jp", template="lectures/round_allocated_to_teacher")
    assert len(allocated) == 1 and "12月3日" in allocated[0].body_text and allocated[0].body_html
    offered = outbox(app, to="latest@example.jp", template="lectures/round_not_allocated_to_teacher")
    assert (
        len(offered) == 1
        and "オンライン" in offered[0].body_text
        and "/lectures/request" in offered[0].body_text
    )
    assert not outbox(app, to="latest@example.jp", template="lectures/round_allocated_to_teacher")


def test_allocation_records_the_seed_and_the_inputs_digest_and_reruns_identically(busy_round, coordinator):
    round_id, _made = busy_round
    services.allocate_round(round_id, coordinator)
    db.session.rollback()
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "lecture_round.allocate"))
    lecture_round = services.get_round(round_id)
    assert entry.details["seed"] == lecture_round.seed and len(lecture_round.seed) == 32
    assert entry.details["inputs_digest"] == lecture_round.inputs_digest
    again = services.rerun(lecture_round, entry.details["seed"])
    assert again.inputs_intact and again.same_as_recorded
    assert "未訪問小" not in str(lecture_round.inputs)  # schools by id, no names or contacts


def test_a_round_is_allocated_only_once(busy_round, coordinator):
    round_id, _made = busy_round
    services.allocate_round(round_id, coordinator)
    with pytest.raises(DomainError, match="すでに割り当て済み"):
        services.allocate_round(round_id, coordinator)
    db.session.rollback()
    assert (
        db.session.scalar(
            sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.action == "lecture_round.allocate")
        )
        == 1
    )


def test_an_open_round_must_be_closed_before_allocating(frozen, coordinator):
    lecture_round = make_round(coordinator)
    with pytest.raises(DomainError, match="受付を締め切って"):
        services.allocate_round(lecture_round.id, coordinator)
    db.session.rollback()
    assert db.session.get(LectureRound, lecture_round.id).status == RoundStatus.OPEN


def test_lectures_already_booked_on_a_day_take_its_room(frozen, coordinator, program):
    lecture_round = make_round(coordinator, per_day=2)
    make_request(program, starts_at=at(GOOD_DAY, 14, 0), status="scheduled")
    ids = [submit(program, school=make_school(), candidates=choices(GOOD_DAY))[0].id for _ in range(2)]
    services.close_round(lecture_round.id, coordinator)
    services.allocate_round(lecture_round.id, coordinator)
    outcomes = sorted(entry_of(i).outcome for i in ids)
    assert outcomes == [EntryOutcome.ALLOCATED, EntryOutcome.NOT_ALLOCATED]


def test_a_request_cancelled_before_the_allocation_takes_no_part(app, frozen, coordinator, program):
    lecture_round = make_round(coordinator)
    cancelled, _token = submit(program, candidates=choices(GOOD_DAY), contact_email="gone@example.jp")
    services.cancel_by_school(cancelled.id, "行事のため")
    kept, _token = submit(program, school=make_school(), candidates=choices(GOOD_DAY))
    services.close_round(lecture_round.id, coordinator)
    services.allocate_round(lecture_round.id, coordinator)
    assert entry_of(kept.id).outcome == EntryOutcome.ALLOCATED
    gone = entry_of(cancelled.id)
    assert gone.outcome == EntryOutcome.NOT_ALLOCATED and gone.position is None
    assert not outbox(app, to="gone@example.jp", template="lectures/round_not_allocated_to_teacher")


def test_the_teachers_page_says_the_request_is_in_a_round(client, frozen, coordinator, program):
    make_round(coordinator)
    _lecture, token = submit(program, candidates=choices(GOOD_DAY))
    page = client.get(f"/lectures/manage/{token}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "part of the round “2学期 繁忙期”" in page


def test_a_request_waiting_for_its_round_cannot_be_scheduled_or_given_other_dates(
    frozen, coordinator, program, lecturer
):
    lecture_round = make_round(coordinator)
    lecture, _token = submit(program, candidates=choices(GOOD_DAY))
    booking = services.BookingData(at(GOOD_DAY, 10, 30), (lecturer.id,))
    with pytest.raises(DomainError, match="一括調整「2学期 繁忙期」の対象"):
        services.schedule_request(lecture.id, booking, coordinator)
    proposal = services.ProposalData((at(NEXT_DAY, 10, 30),), (lecturer.id,), "ご提案です。")
    with pytest.raises(DomainError, match="一括調整「2学期 繁忙期」の対象"):
        services.propose_dates(lecture.id, proposal, coordinator)
    services.close_round(lecture_round.id, coordinator)
    services.allocate_round(lecture_round.id, coordinator)
    services.schedule_request(lecture.id, booking, coordinator)
    assert entry_of(lecture.id).request.status == LectureStatus.SCHEDULED


def test_a_request_outside_rounds_is_scheduled_as_before(frozen, coordinator, program, lecturer):
    make_round(coordinator)
    lecture, _token = submit(program, candidates=choices(date(2027, 1, 14)))
    services.schedule_request(
        lecture.id, services.BookingData(at(date(2027, 1, 14), 10, 30), (lecturer.id,)), coordinator
    )
    assert entry_of(lecture.id) is None


def test_the_staff_page_of_a_request_shows_its_round(frozen, coordinator_client, coordinator, program):
    make_round(coordinator)
    lecture, _token = submit(program, candidates=choices(GOOD_DAY))
    page = coordinator_client.get(f"/staff/lectures/{lecture.id}", headers={"Accept-Language": "en"})
    assert "waiting for the allocation" in page.get_data(as_text=True)


def test_a_day_made_a_blackout_day_after_the_requests_gets_no_lecture(frozen, coordinator, program):
    lecture_round = make_round(coordinator)
    lecture, _token = submit(program, candidates=choices(GOOD_DAY, NEXT_DAY))
    add_blackout_day(GOOD_DAY, "局の行事", coordinator)
    services.close_round(lecture_round.id, coordinator)
    services.allocate_round(lecture_round.id, coordinator)
    entry = entry_of(lecture.id)
    assert (entry.allocated_day, entry.allocated_rank) == (NEXT_DAY, 2)
