"""Busy-term rounds: open one, collect the requests for its dates, close it, allocate it
once by the bureau's rule (see lectures/rounds.py), and re-run an allocation from its seed.

Allocated requests stay "received" with the allocated date noted on the round's entry:
staff then schedule them with lecturers as usual. Schools not allocated are offered an
online lecture or the next round, by email.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from booking.audit.services import record
from booking.core.errors import DomainError
from booking.core.i18n import format_date
from booking.core.time import to_zone, today_jst, utcnow
from booking.db import write_lock
from booking.extensions import db
from booking.lectures import notifications, rounds
from booking.lectures.models import BOOKED_STATUSES, LectureRequest, LectureStatus
from booking.lectures.round_models import (
    ROUND_PER_DAY_MAX,
    EntryOutcome,
    LectureRound,
    LectureRoundEntry,
    RoundStatus,
)
from booking.lectures.rules import is_lecture_day
from booking.lectures.services.common import add_link
from booking.settings.services import current_settings
from booking.staff.models import User


@dataclass(frozen=True)
class RoundData:
    name: str
    first_day: date
    last_day: date
    closes_on: date
    per_day: int


@dataclass(frozen=True)
class Allocated:
    round: LectureRound
    allocated: int
    not_allocated: int


def round_problems(data: RoundData, today: date) -> list[DomainError]:
    """The rules a new round breaks, each next to its field."""
    errors = []
    if data.last_day < data.first_day:
        errors.append(DomainError(_("The last day must not be before the first day."), field="last_day"))
    if data.closes_on < today:
        errors.append(DomainError(_("The closing day must not be in the past."), field="closes_on"))
    if data.closes_on >= data.first_day:
        errors.append(
            DomainError(_("Requests must close before the round's first lecture day."), field="closes_on")
        )
    if not 1 <= data.per_day <= ROUND_PER_DAY_MAX:
        errors.append(DomainError(_("Enter a number from 1 to %(n)d.", n=ROUND_PER_DAY_MAX), field="per_day"))
    if not errors:
        overlapping = db.session.scalar(
            sa.select(LectureRound).where(
                LectureRound.first_day <= data.last_day, LectureRound.last_day >= data.first_day
            )
        )
        if overlapping is not None:
            errors.append(
                DomainError(
                    _(
                        "These days overlap the round “%(name)s” (%(first)s to %(last)s). "
                        "A day belongs to one round at most.",
                        name=overlapping.name,
                        first=format_date(overlapping.first_day),
                        last=format_date(overlapping.last_day),
                    ),
                    field="first_day",
                )
            )
    return errors


def open_round(data: RoundData, actor: User) -> LectureRound:
    """Open a round: from now on, requests whose first choice falls in its days join it."""
    with write_lock():
        errors = round_problems(data, today_jst())
        if errors:
            raise DomainError.several(errors)
        lecture_round = LectureRound(
            name=data.name,
            first_day=data.first_day,
            last_day=data.last_day,
            closes_on=data.closes_on,
            per_day=data.per_day,
            status=RoundStatus.OPEN,
            created_by_id=actor.id,
        )
        db.session.add(lecture_round)
        db.session.flush()
        record(actor, "lecture_round.open", "lecture_round", lecture_round.id)
        db.session.commit()
    return lecture_round


def collect(lecture: LectureRequest, first_choice: date) -> LectureRound | None:
    """Put a request just made into the open round its first choice falls in, if any (the
    caller commits). The round's row is share-locked, so it cannot close or be allocated
    while the request joins it."""
    lecture_round = db.session.scalar(
        sa.select(LectureRound)
        .where(
            LectureRound.status == RoundStatus.OPEN,
            LectureRound.first_day <= first_choice,
            LectureRound.last_day >= first_choice,
            LectureRound.closes_on >= today_jst(),
        )
        .with_for_update(read=True)
    )
    if lecture_round is not None:
        db.session.add(LectureRoundEntry(round=lecture_round, request=lecture))
    return lecture_round


def round_of(lecture: LectureRequest) -> LectureRoundEntry | None:
    """The request's place in a round, if it is in one."""
    return db.session.scalar(
        sa.select(LectureRoundEntry)
        .where(LectureRoundEntry.request_id == lecture.id)
        .options(joinedload(LectureRoundEntry.round))
    )


def can_schedule_now(lecture: LectureRequest, entry: LectureRoundEntry | None) -> bool:
    """Whether staff may schedule the request now: its status allows it and no round holds it."""
    return lecture.can_schedule() and (entry is None or entry.lets_book())


def can_propose_now(lecture: LectureRequest, entry: LectureRoundEntry | None) -> bool:
    """Whether staff may propose other dates now: its status allows it and no round holds it."""
    return lecture.can_propose() and (entry is None or entry.lets_book())


def ensure_not_waiting_for_round(lecture: LectureRequest) -> None:
    """Refuse to schedule (or propose dates for) a request its round has not allocated yet:
    in a round, dates go by the rule, not by who is handled first."""
    entry = round_of(lecture)
    if entry is not None and not entry.lets_book():
        raise DomainError(
            _(
                "This request is part of the round “%(name)s”: schedule it once the round is allocated "
                "(requests close on %(closes)s).",
                name=entry.round.name,
                closes=format_date(entry.round.closes_on),
            )
        )


def list_rounds() -> list[tuple[LectureRound, int]]:
    """Every round, latest first, with how many requests it collected."""
    counted = (
        sa.select(LectureRound, sa.func.count(LectureRoundEntry.id))
        .outerjoin(LectureRoundEntry)
        .group_by(LectureRound.id)
        .order_by(LectureRound.first_day.desc())
    )
    return [(lecture_round, count) for lecture_round, count in db.session.execute(counted)]


def rounds_to_allocate(today: date) -> int:
    """Rounds past their closing day and not allocated yet (closed or not)."""
    return db.session.scalar(
        sa.select(sa.func.count(LectureRound.id)).where(
            LectureRound.status != RoundStatus.ALLOCATED, LectureRound.closes_on < today
        )
    )


def get_round(round_id: int) -> LectureRound | None:
    return db.session.scalar(
        sa.select(LectureRound)
        .where(LectureRound.id == round_id)
        .options(
            selectinload(LectureRound.entries)
            .joinedload(LectureRoundEntry.request)
            .selectinload(LectureRequest.slots),
            joinedload(LectureRound.allocated_by),
        )
    )


def _lock_round(round_id: int) -> LectureRound:
    lecture_round = db.session.scalar(
        sa.select(LectureRound)
        .where(LectureRound.id == round_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if lecture_round is None:
        raise DomainError(_("This round no longer exists."))
    return lecture_round


def close_round(round_id: int, actor: User) -> LectureRound:
    """Stop collecting: requests sent from now on are handled first come, first served."""
    with write_lock():
        lecture_round = _lock_round(round_id)
        if not lecture_round.can_close():
            raise DomainError(_("This round is already closed."))
        lecture_round.close(utcnow())
        record(actor, "lecture_round.close", "lecture_round", lecture_round.id)
        db.session.commit()
    return lecture_round


def school_of(lecture: LectureRequest) -> str:
    """Who a request is for, the same for every request of one school (no name kept: a
    school typed in is known by a digest of its name)."""
    if lecture.school_id is not None:
        return f"school:{lecture.school_id}"
    return _typed_school(lecture.school_name)


def _typed_school(name: str) -> str:
    return "typed:" + hashlib.sha256("".join(name.split()).encode()).hexdigest()[:16]


def _last_served(lectures: list[LectureRequest]) -> dict[str, date]:
    """The day of each school's last held lecture (schools never served are absent)."""
    held = sa.func.max(LectureRequest.lecture_day)
    done = LectureRequest.status == LectureStatus.COMPLETED
    ids = {lecture.school_id for lecture in lectures if lecture.school_id is not None}
    names = {lecture.school_name for lecture in lectures if lecture.school_id is None}
    last: dict[str, date] = {}
    if ids:
        by_id = sa.select(LectureRequest.school_id, held).where(done, LectureRequest.school_id.in_(ids))
        for school_id, day in db.session.execute(by_id.group_by(LectureRequest.school_id)):
            last[f"school:{school_id}"] = day
    if names:
        by_name = sa.select(LectureRequest.school_name, held).where(
            done, LectureRequest.school_id.is_(None), LectureRequest.school_name.in_(names)
        )
        for name, day in db.session.execute(by_name.group_by(LectureRequest.school_name)):
            key = _typed_school(name)
            last[key] = max(day, last.get(key, day))
    return last


def _booked_per_day(first: date, last: date) -> dict[date, int]:
    counted = (
        sa.select(LectureRequest.lecture_day, sa.func.count(LectureRequest.id))
        .where(
            LectureRequest.status.in_(BOOKED_STATUSES),
            LectureRequest.lecture_day.between(first, last),
        )
        .group_by(LectureRequest.lecture_day)
    )
    return {day: count for day, count in db.session.execute(counted)}


def _inputs(lecture_round: LectureRound, taking_part: list[LectureRoundEntry]) -> dict:
    """The allocation's inputs as plain data: the requests, their schools' last lecture, their
    choices in the round's days, and the room each of those days still has."""
    lectures = [entry.request for entry in taking_part]
    last = _last_served(lectures)
    entries = []
    for lecture in lectures:
        choices = tuple(
            rounds.Choice(slot.rank, to_zone(slot.starts_at).date())
            for slot in lecture.candidates
            if lecture_round.covers(to_zone(slot.starts_at).date())
        )
        school = school_of(lecture)
        entries.append(rounds.Entry(lecture.reference, school, last.get(school), choices))
    settings = current_settings()
    per_day = min(lecture_round.per_day, settings.daily_cap)
    booked = _booked_per_day(lecture_round.first_day, lecture_round.last_day)
    today = today_jst()

    def room(day: date) -> int:
        # A day that has passed, or became a blackout day since the request, has none.
        if day <= today or not is_lecture_day(day, settings):
            return 0
        return max(0, per_day - booked.get(day, 0))

    capacity = {day: room(day) for day in {choice.day for entry in entries for choice in entry.choices}}
    return rounds.inputs_to_data(entries, capacity)


def allocate_round(round_id: int, actor: User) -> Allocated:
    """Allocate a closed round, once: draw the seed, apply the rule, note each request's
    date (or none), write the seed and the inputs' digest to the audit log, email the schools.
    """
    with write_lock():
        lecture_round = _lock_round(round_id)
        if lecture_round.status == RoundStatus.ALLOCATED:
            raise DomainError(_("This round has already been allocated. An allocation is never run twice."))
        if not lecture_round.can_allocate():
            raise DomainError(_("Close the round before allocating it."))
        entries = list(
            db.session.scalars(
                sa.select(LectureRoundEntry)
                .where(LectureRoundEntry.round_id == lecture_round.id)
                .options(joinedload(LectureRoundEntry.request).selectinload(LectureRequest.slots))
                .order_by(LectureRoundEntry.id)
            )
        )
        taking_part = [e for e in entries if e.request.status == LectureStatus.SUBMITTED]
        inputs = _inputs(lecture_round, taking_part)
        seed = secrets.token_hex(16)
        digest = rounds.digest(inputs)
        outcomes = {o.key: o for o in rounds.allocate(*rounds.inputs_from_data(inputs), seed)}
        for entry in entries:
            outcome = outcomes.get(entry.request.reference)
            if outcome is None:  # cancelled or answered before the allocation: not part of it
                entry.outcome = EntryOutcome.NOT_ALLOCATED
                continue
            entry.position = outcome.position
            if outcome.choice is not None:
                entry.outcome = EntryOutcome.ALLOCATED
                entry.allocated_rank, entry.allocated_day = outcome.choice.rank, outcome.choice.day
                notifications.round_allocated(entry.request, add_link(entry.request), entry)
            else:
                entry.outcome = EntryOutcome.NOT_ALLOCATED
                notifications.round_not_allocated(entry.request, add_link(entry.request), lecture_round)
        now = utcnow()
        lecture_round.allocate(seed, inputs, digest, actor, now)
        given = sum(1 for o in outcomes.values() if o.allocated)
        record(
            actor,
            "lecture_round.allocate",
            "lecture_round",
            lecture_round.id,
            seed=seed,
            inputs_digest=digest,
            allocated=given,
            not_allocated=len(outcomes) - given,
        )
        db.session.commit()
    return Allocated(lecture_round, given, len(outcomes) - given)


@dataclass(frozen=True)
class Rerun:
    seed: str
    outcomes: list[rounds.Outcome]
    inputs_intact: bool  # the kept inputs still have the recorded digest
    same_as_recorded: bool


def rerun(lecture_round: LectureRound, seed: str) -> Rerun:
    """The allocation run again on the round's kept inputs with `seed` (nothing is saved)."""
    if lecture_round.inputs is None:
        raise DomainError(_("This round has not been allocated yet."))
    outcomes = rounds.allocate(*rounds.inputs_from_data(lecture_round.inputs), seed)
    recorded = {
        e.request.reference: (e.position, e.allocated_rank, e.allocated_day)
        for e in lecture_round.entries
        if e.position is not None
    }
    again = {
        o.key: (o.position, *((o.choice.rank, o.choice.day) if o.choice else (None, None))) for o in outcomes
    }
    return Rerun(
        seed=seed,
        outcomes=outcomes,
        inputs_intact=rounds.digest(lecture_round.inputs) == lecture_round.inputs_digest,
        same_as_recorded=recorded == again,
    )
