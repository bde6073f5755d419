"""What schools do: send a request, follow it through the private link, cancel it,
or take one of the dates staff proposed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import joinedload, selectinload

from booking.audit.services import record
from booking.core.auth import Role
from booking.core.errors import DomainError
from booking.core.i18n import LANGUAGES
from booking.core.references import next_number
from booking.core.submissions import already_sent, link_again
from booking.core.time import fiscal_year, jst_to_utc, today_jst, utcnow
from booking.core.tokens import hash_token
from booking.db import write_lock
from booking.extensions import db
from booking.lectures import notifications
from booking.lectures.models import (
    Action,
    LectureFormat,
    LectureLink,
    LectureRequest,
    LectureSlot,
    LectureStatus,
    MeetingHost,
    OnlinePlatform,
    Program,
    ReferenceCounter,
    SlotKind,
)
from booking.lectures.rules import slot_problems
from booking.lectures.scheduling import Booking, clashes, days_to_lock, lock_days
from booking.lectures.services import rounds
from booking.lectures.services.common import add_link, commit_booking, flush_booking, lock_request
from booking.scheduling.models import StaffBooking
from booking.schools.models import School, SchoolType
from booking.schools.periods import crosses_long_break, periods_label, periods_needed, run_span, schedule_of
from booking.settings.services import current_settings
from booking.staff.models import User


@dataclass(frozen=True)
class Candidate:
    rank: int  # 1 to 3: the school's first to third choice
    day: date
    at: time | None  # Japan time; None when given as periods
    periods: tuple[int, int] | None = None  # first and last period (校時) of the school's day


@dataclass(frozen=True)
class RequestData:
    program_id: int | None
    format: LectureFormat
    school_id: int | None  # None: a school typed in (school_name, school_address, school_type)
    school_name: str
    school_address: str
    school_type: SchoolType | None
    contact_name: str
    contact_email: str
    contact_phone: str
    grade: str
    audience_size: int
    candidates: tuple[Candidate, ...]
    submission_key: str
    class_count: int | None = None
    language: str = "ja"
    online_platform: OnlinePlatform | None = None
    meeting_link_by: MeetingHost | None = None
    connection_test: bool = False
    venue: str = ""
    equipment: str = ""
    notes: str = ""


@dataclass(frozen=True)
class Submitted:
    request: LectureRequest
    token: str  # for the redirect to the teacher's page; only its hash is stored
    repeated: bool = False  # the same form had already been sent: nothing new was made


def _periods_problem(candidate: Candidate, school: School | None, program: Program | None) -> str | None:
    """Why the candidate's periods cannot be read as times at this school, or None."""
    first, last = candidate.periods
    if school is None:
        return _("Periods can be chosen only for a school from the list. Give a start time instead.")
    periods = schedule_of(school)
    if run_span(periods, first, last) is None:
        return _(
            "This school's day has periods %(first)d to %(last)d. Choose periods from the list.",
            first=periods[0].number,
            last=periods[-1].number,
        )
    if crosses_long_break(periods, first, last):
        return _(
            "%(periods)s run across the lunch break. "
            "Choose periods before or after it, or give a start time.",
            periods=periods_label(first, last),
        )
    starts, ends = run_span(periods, first, last)
    taken = datetime.combine(candidate.day, ends) - datetime.combine(candidate.day, starts)
    if program is not None and taken < program.duration:
        needed = periods_needed(periods, first, program.duration_minutes)
        return ngettext(
            "This program takes %(minutes)d minutes: choose %(num)d period.",
            "This program takes %(minutes)d minutes: choose %(num)d consecutive periods.",
            needed,
            minutes=program.duration_minutes,
        )
    return None


def candidate_times(candidate: Candidate, school: School | None) -> tuple[time, time | None]:
    """When the candidate starts, and ends when given as periods (Japan time); the periods
    must have passed _periods_problem."""
    if candidate.periods is None:
        return candidate.at, None
    return run_span(schedule_of(school), *candidate.periods)


def request_problems(
    program_id: int | None,
    fmt: LectureFormat | None,
    audience_size: int | None,
    school_id: int | None,
    candidates: tuple[Candidate, ...] | list[Candidate],
) -> list[DomainError]:
    """The rules a request breaks, each next to its field; values not given are not judged.

    Used on submission, and to show these problems beside the form's own when a form
    comes back with other mistakes too, so the teacher sees everything at once.
    """
    errors: list[DomainError] = []
    program = db.session.get(Program, program_id) if program_id is not None else None
    if program_id is not None and (program is None or not program.active):
        errors.append(DomainError(_("Choose a lecture from the list."), field="program_id"))
        program = None
    if program is not None and fmt is not None and not program.offers(fmt):
        errors.append(
            DomainError(
                _(
                    "“%(title)s” is not given %(format)s. Choose “%(other)s”, or another lecture.",
                    title=program.title(),
                    format=_("online") if fmt == LectureFormat.ONLINE else _("at schools"),
                    other=program.formats[0].label,
                ),
                field="format",
            )
        )
    if program is not None and audience_size is not None and audience_size > program.max_audience:
        errors.append(
            DomainError(
                _(
                    "This lecture is for up to %(n)d listeners. For a larger audience, "
                    "please ask for two lectures or tell us in the notes.",
                    n=program.max_audience,
                ),
                field="audience_size",
            )
        )
    school = None
    if school_id is not None:
        school = db.session.get(School, school_id)
        if school is None or not school.active:
            school = None
            errors.append(
                DomainError(
                    _("Choose your school from the list, or “My school is not in the list”."),
                    field="school_id",
                )
            )
    settings = current_settings()
    now = utcnow()
    for candidate in candidates:
        if candidate.periods is not None:
            problem = _periods_problem(candidate, school, program)
            if problem:
                message = _("Choice %(n)d: %(problem)s", n=candidate.rank, problem=problem)
                errors.append(DomainError(message, field=f"candidate_{candidate.rank}_periods"))
                continue
        starts, _ends = candidate_times(candidate, school)
        for problem in slot_problems(candidate.day, starts, settings, now):
            part = "date" if not problem.about_time else "periods" if candidate.periods else "time"
            # Named after its choice: in the summary at the top, three alike would be a riddle.
            message = _("Choice %(n)d: %(problem)s", n=candidate.rank, problem=problem.message)
            errors.append(DomainError(message, field=f"candidate_{candidate.rank}_{part}"))
    return errors


def _check_request(data: RequestData) -> tuple[Program, School | None]:
    """Every rule the request breaks, each next to its field (raises DomainError.several)."""
    errors = request_problems(
        data.program_id, data.format, data.audience_size, data.school_id, data.candidates
    )
    if data.program_id is None:
        errors.insert(0, DomainError(_("Choose a lecture from the list."), field="program_id"))
    if errors:
        raise DomainError.several(errors)
    program = db.session.get(Program, data.program_id)
    school = db.session.get(School, data.school_id) if data.school_id is not None else None
    return program, school


def next_reference_number(year: int) -> int:
    """The next reference number of fiscal year `year`, taken atomically."""
    return next_number(ReferenceCounter, year)


def _by_submission(key_hash: str) -> LectureRequest | None:
    return already_sent(LectureRequest, key_hash)


def _resubmitted(existing: LectureRequest) -> Submitted:
    return Submitted(*link_again(existing, add_link), repeated=True)


def submit_request(data: RequestData) -> Submitted:
    """Save a school's request with a reference number, and queue the emails about it."""
    key_hash = hash_token(data.submission_key)
    existing = _by_submission(key_hash)
    if existing is not None:
        return _resubmitted(existing)
    program, school = _check_request(data)
    program_id = program.id
    try:
        with write_lock():
            program = db.session.get(Program, program_id)
            year = fiscal_year(today_jst())
            number = next_reference_number(year)
            lecture = LectureRequest(
                reference=f"L-{year}-{number:04d}",
                fiscal_year=year,
                number=number,
                submission_key_hash=key_hash,
                language=data.language if data.language in LANGUAGES else "ja",
                status=LectureStatus.SUBMITTED,
                program=program,
                format=data.format,
                school_id=school.id if school else None,
                school_name=school.name if school else data.school_name,
                school_address=school.address if school else data.school_address,
                school_type=school.school_type if school else (data.school_type or SchoolType.OTHER),
                contact_name=data.contact_name,
                contact_email=data.contact_email,
                contact_phone=data.contact_phone,
                grade=data.grade,
                audience_size=data.audience_size,
                class_count=data.class_count,
                notes=data.notes,
            )
            if data.format == LectureFormat.ONLINE:
                lecture.online_platform = data.online_platform
                lecture.meeting_link_by = data.meeting_link_by
                lecture.connection_test = data.connection_test
            else:
                lecture.venue, lecture.equipment = data.venue, data.equipment
            for candidate in data.candidates:
                starts, ends = candidate_times(candidate, school)
                starts_at = jst_to_utc(candidate.day, starts)
                lecture.slots.append(
                    LectureSlot(
                        kind=SlotKind.REQUESTED,
                        rank=candidate.rank,
                        starts_at=starts_at,
                        # Periods: the time the school gives, from the first period's start
                        # to the last one's end.
                        ends_at=jst_to_utc(candidate.day, ends) if ends else starts_at + program.duration,
                        period_from=candidate.periods[0] if candidate.periods else None,
                        period_to=candidate.periods[1] if candidate.periods else None,
                    )
                )
            lecture.record_submission()
            db.session.add(lecture)
            db.session.flush()
            token = add_link(lecture)
            first = min(data.candidates, key=lambda c: c.rank, default=None)
            lecture_round = rounds.collect(lecture, first.day) if first else None
            notifications.submitted(lecture, token, coordinators(), lecture_round)
            record(None, "lecture.submit", "lecture_request", lecture.id, format=data.format.value)
            db.session.commit()
    except sa.exc.IntegrityError:
        # The same form sent twice at the same moment: the other one made the request.
        existing = _by_submission(key_hash)
        if existing is None:
            raise
        return _resubmitted(existing)
    return Submitted(lecture, token)


def find_by_token(token: str) -> LectureRequest | None:
    """The request a private link opens, or None (the caller answers 404 either way)."""
    if not token or len(token) > 128:
        return None
    return db.session.scalar(
        sa.select(LectureRequest)
        .join(LectureLink)
        .where(LectureLink.token_hash == hash_token(token))
        .options(
            joinedload(LectureRequest.program),
            selectinload(LectureRequest.slots),
            selectinload(LectureRequest.assignments).joinedload(StaffBooking.person),
            selectinload(LectureRequest.events),
            selectinload(LectureRequest.feedback),
        )
    )


def coordinators() -> list[User]:
    """Who hears about new requests and what schools do: every active coordinator."""
    from booking.staff.services import users_with_role

    return users_with_role(Role.COORDINATOR)


def cancel_by_school(request_id: int, reason: str) -> LectureRequest:
    """The teacher cancels through the private link."""
    with write_lock():
        lecture = lock_request(request_id)
        lecturers = lecture.lecturers
        was_scheduled = lecture.cancel(reason, actor=None, by_school=True)
        token = add_link(lecture)
        notifications.cancelled(
            lecture, token, lecturers if was_scheduled else [], was_scheduled, coordinators()
        )
        record(None, "lecture.cancel", "lecture_request", lecture.id, by="school")
        db.session.commit()
    return lecture


def choose_proposed_date(request_id: int, slot_id: int) -> LectureRequest:
    """The teacher takes one of the dates staff proposed: the lecture is scheduled."""
    with write_lock():
        lecture = lock_request(request_id)
        lecture.ensure_can(Action.CHOOSE_DATE)
        slot = lecture.slot(slot_id)
        if slot is None or slot.kind != SlotKind.PROPOSED:
            raise DomainError(_("Choose one of the dates we proposed."), field="slot_id")
        if slot.starts_at <= utcnow():
            raise DomainError(_("This date has passed. Please choose another one."), field="slot_id")
        settings = current_settings()
        lecturers = [u for u in lecture.proposed_lecturers if u.active]
        if not lecturers:
            raise DomainError(_("This date can no longer be booked. Please contact us."), field="slot_id")
        booking = Booking(
            slot.starts_at,
            slot.ends_at,
            settings.buffer_minutes(lecture.is_online),
            tuple(lecturers),
            lecture.id,
        )
        lock_days(days_to_lock(booking))
        if clashes(booking, settings):
            # Staff details stay private: the teacher only learns the date is gone.
            raise DomainError(
                _(
                    "Sorry, this date has just been taken. Please choose another one, "
                    "or contact us and we will find a new date."
                ),
                field="slot_id",
            )
        lecture.schedule(
            slot.starts_at, slot.ends_at, lecturers, booking.buffer_minutes, actor=None, by_school=True
        )
        flush_booking()
        token = add_link(lecture)
        notifications.scheduled(lecture, token, lecturers)
        notifications.date_chosen(lecture, coordinators())
        record(None, "lecture.choose_date", "lecture_request", lecture.id)
        commit_booking()
    return lecture
