"""Outreach lectures: the catalog, schools' requests, scheduling with lecturers, the inbox.

Every use case checks its rules, calls the request's verbs, writes the audit entry and
queues the emails, then commits once. Writes that read before they write run as the
only writer (`write_lock()`, BEGIN IMMEDIATE on SQLite) and, on PostgreSQL, lock the rows
they depend on (the request, the days being scheduled, the fiscal year's counter).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import joinedload, selectinload

from booking.audit.services import record
from booking.core.auth import Role
from booking.core.errors import DomainError
from booking.core.i18n import LANGUAGES
from booking.core.numbers import parse_digits
from booking.core.time import JST, fiscal_year, jst_to_utc, today_jst, utcnow
from booking.core.tokens import hash_token, new_token
from booking.db import write_lock
from booking.extensions import db
from booking.lectures import notifications
from booking.lectures.models import (
    BOOKED_STATUSES,
    OPEN_STATUSES,
    Action,
    GradeBand,
    LectureAssignment,
    LectureEvent,
    LectureFormat,
    LectureLink,
    LectureRequest,
    LecturerUnavailability,
    LectureSlot,
    LectureStatus,
    MeetingHost,
    OnlinePlatform,
    Program,
    ReferenceCounter,
    SlotKind,
)
from booking.lectures.rules import slot_problems
from booking.lectures.scheduling import Booking, clashes, conflicting_lectures, days_to_lock, lock_days
from booking.notifications.models import OutboxEmail
from booking.schools.models import School, SchoolType
from booking.settings.services import current_settings
from booking.staff.models import User, UserRole


class Refused(DomainError):
    """Several reasons at once, each meant for its own field."""

    def __init__(self, errors: list[DomainError]) -> None:
        super().__init__(errors[0].message, field=errors[0].field)
        self.errors = errors


def errors_of(error: DomainError) -> list[DomainError]:
    return list(getattr(error, "errors", [error]))


# A booking saved by someone else in the same instant, caught by the database itself.
def _clash_in_database() -> DomainError:
    return DomainError(
        _(
            "Someone else has just booked this lecturer at a time that clashes with this one. "
            "Nothing was changed: look at the lecturer's diary and choose again."
        ),
        field="lecturer_ids",
    )


def _flush_booking() -> None:
    try:
        db.session.flush()
    except sa.exc.IntegrityError as error:
        db.session.rollback()
        raise _clash_in_database() from error


def _commit_booking() -> None:
    try:
        db.session.commit()
    except sa.exc.IntegrityError as error:
        db.session.rollback()
        raise _clash_in_database() from error


# Catalog ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgramData:
    title_ja: str
    title_en: str
    summary_ja: str
    summary_en: str
    target_grades: tuple[GradeBand, ...]
    duration_minutes: int
    offers_in_person: bool
    offers_online: bool
    max_audience: int
    active: bool = True
    position: int = 0


def active_programs() -> list[Program]:
    return list(
        db.session.scalars(
            sa.select(Program).where(Program.active.is_(True)).order_by(Program.position, Program.id)
        )
    )


def all_programs() -> list[Program]:
    return list(
        db.session.scalars(sa.select(Program).order_by(Program.active.desc(), Program.position, Program.id))
    )


def get_program(program_id: int) -> Program | None:
    return db.session.get(Program, program_id)


def _apply_program(program: Program, data: ProgramData) -> None:
    if not (data.offers_in_person or data.offers_online):
        raise DomainError(_("Offer the lecture in person, online, or both."), field="formats")
    program.title_ja, program.title_en = data.title_ja, data.title_en
    program.summary_ja, program.summary_en = data.summary_ja, data.summary_en
    program.target_grades = [band.value for band in data.target_grades]
    program.duration_minutes = data.duration_minutes
    program.offers_in_person, program.offers_online = data.offers_in_person, data.offers_online
    program.max_audience = data.max_audience
    program.active = data.active
    program.position = data.position


def create_program(data: ProgramData, actor: User) -> Program:
    program = Program()
    _apply_program(program, data)
    db.session.add(program)
    db.session.flush()
    record(actor, "lecture_program.create", "lecture_program", program.id)
    db.session.commit()
    return program


def update_program(program: Program, data: ProgramData, actor: User) -> None:
    _apply_program(program, data)
    record(actor, "lecture_program.update", "lecture_program", program.id, active=data.active)
    db.session.commit()


# Requests from schools -------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    rank: int  # 1 to 3: the school's first to third choice
    day: date
    at: time  # Japan time


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


# A form sent again (a double click, a reload) within this time leads back to its request.
RESEND_WINDOW = timedelta(hours=24)


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
    if school_id is not None:
        school = db.session.get(School, school_id)
        if school is None or not school.active:
            errors.append(
                DomainError(
                    _("Choose your school from the list, or “My school is not in the list”."),
                    field="school_id",
                )
            )
    settings = current_settings()
    now = utcnow()
    for candidate in candidates:
        for problem in slot_problems(candidate.day, candidate.at, settings, now):
            part = "time" if problem.about_time else "date"
            errors.append(DomainError(problem.message, field=f"candidate_{candidate.rank}_{part}"))
    return errors


def _check_request(data: RequestData) -> tuple[Program, School | None]:
    """Every rule the request breaks, each next to its field (raises Refused)."""
    errors = request_problems(
        data.program_id, data.format, data.audience_size, data.school_id, data.candidates
    )
    if data.program_id is None:
        errors.insert(0, DomainError(_("Choose a lecture from the list."), field="program_id"))
    if errors:
        raise Refused(errors)
    program = db.session.get(Program, data.program_id)
    school = db.session.get(School, data.school_id) if data.school_id is not None else None
    return program, school


def next_reference_number(year: int) -> int:
    """The next reference number of fiscal year `year`, taken atomically.

    One statement (an upsert) bumps the year's counter and returns it; on PostgreSQL the
    counter row stays locked until the submission commits, so numbers are never shared.
    """
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(ReferenceCounter)
        .values(fiscal_year=year, last_number=1)
        .on_conflict_do_update(
            index_elements=[ReferenceCounter.fiscal_year],
            set_={"last_number": ReferenceCounter.last_number + 1},
        )
        .returning(ReferenceCounter.last_number)
    )
    return db.session.execute(statement).scalar_one()


def add_link(lecture: LectureRequest) -> str:
    """A new private link to the request's page (the caller commits); only its hash is kept."""
    token, digest = new_token()
    db.session.add(LectureLink(request=lecture, token_hash=digest))
    return token


def _by_submission(key_hash: str) -> LectureRequest | None:
    return db.session.scalar(sa.select(LectureRequest).where(LectureRequest.submission_key_hash == key_hash))


def _resubmitted(existing: LectureRequest) -> Submitted:
    if utcnow() - existing.created_at > RESEND_WINDOW:
        raise DomainError(
            _(
                "This form was already sent, as request %(reference)s. "
                "Please use the link in the email we sent you.",
                reference=existing.reference,
            )
        )
    request_id = existing.id
    with write_lock():
        existing = db.session.get(LectureRequest, request_id)
        token = add_link(existing)
        db.session.commit()
    return Submitted(existing, token, repeated=True)


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
                notes=data.notes,
            )
            if data.format == LectureFormat.ONLINE:
                lecture.online_platform = data.online_platform
                lecture.meeting_link_by = data.meeting_link_by
                lecture.connection_test = data.connection_test
            else:
                lecture.venue, lecture.equipment = data.venue, data.equipment
            for candidate in data.candidates:
                starts_at = jst_to_utc(candidate.day, candidate.at)
                lecture.slots.append(
                    LectureSlot(
                        kind=SlotKind.REQUESTED,
                        rank=candidate.rank,
                        starts_at=starts_at,
                        ends_at=starts_at + program.duration,
                    )
                )
            lecture.record_submission()
            db.session.add(lecture)
            db.session.flush()
            token = add_link(lecture)
            notifications.submitted(lecture, token, coordinators())
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
            selectinload(LectureRequest.assignments).joinedload(LectureAssignment.lecturer),
            selectinload(LectureRequest.events),
            selectinload(LectureRequest.feedback),
        )
    )


def coordinators() -> list[User]:
    """Who hears about new requests and what schools do: every active coordinator."""
    from booking.staff.services import users_with_role

    return users_with_role(Role.COORDINATOR)


def lock_request(request_id: int) -> LectureRequest:
    """The request, locked for the rest of the transaction (PostgreSQL; SQLite is serialised)."""
    lecture = db.session.scalar(
        sa.select(LectureRequest)
        .where(LectureRequest.id == request_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if lecture is None:
        raise DomainError(_("This request no longer exists."))
    return lecture


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
        _flush_booking()
        token = add_link(lecture)
        notifications.scheduled(lecture, token, lecturers)
        notifications.date_chosen(lecture, coordinators())
        record(None, "lecture.choose_date", "lecture_request", lecture.id)
        _commit_booking()
    return lecture


# Staff actions ---------------------------------------------------------------------


@dataclass(frozen=True)
class BookingData:
    starts_at: datetime  # aware
    lecturer_ids: tuple[int, ...]
    message: str = ""  # to the school (the reason, for a reschedule)
    override_reason: str = ""  # given: lead-time and school-day rules may be broken


@dataclass(frozen=True)
class ProposalData:
    times: tuple[datetime, ...]  # aware; one to three
    lecturer_ids: tuple[int, ...]
    message: str
    override_reason: str = ""


def active_lecturers() -> list[User]:
    from booking.staff.services import users_with_role

    return users_with_role(Role.LECTURER)


def _lecturers(ids: tuple[int, ...]) -> list[User]:
    if not ids:
        raise DomainError(_("Choose at least one lecturer."), field="lecturer_ids")
    found = list(
        db.session.scalars(
            sa.select(User)
            .join(UserRole)
            .where(User.id.in_(ids), User.active.is_(True), UserRole.role == Role.LECTURER)
            .order_by(User.name)
        )
    )
    if len(found) != len(set(ids)):
        raise DomainError(_("Choose lecturers from the list."), field="lecturer_ids")
    return found


def _rule_errors(
    starts_at: datetime, override_reason: str, field: str
) -> tuple[list[DomainError], list[str]]:
    """Calendar rules the staff-chosen start breaks, and the ones the override lets pass."""
    local = starts_at.astimezone(JST)
    errors: list[DomainError] = []
    overridden: list[str] = []
    for problem in slot_problems(local.date(), local.time(), current_settings(), utcnow()):
        if problem.overridable and override_reason:
            overridden.append(problem.rule.value)
        elif problem.overridable:
            errors.append(
                DomainError(
                    problem.message
                    + " "
                    + _("To book it all the same, tick “Book outside the usual rules” and give the reason."),
                    field=field,
                )
            )
        else:
            errors.append(DomainError(problem.message, field=field))
    return errors, overridden


def _book(lecture: LectureRequest, data: BookingData, actor: User, action: Action) -> list[User]:
    """Check everything for booking `lecture` as `data` says, under the locks; then book it."""
    lecture.ensure_can(action)
    lecturers = _lecturers(data.lecturer_ids)
    errors, overridden = _rule_errors(data.starts_at, data.override_reason, "starts_at")
    settings = current_settings()
    booking = Booking(
        data.starts_at,
        data.starts_at + lecture.program.duration,
        settings.buffer_minutes(lecture.is_online),
        tuple(lecturers),
        lecture.id,
    )
    lock_days(days_to_lock(booking))
    errors += clashes(booking, settings)
    if errors:
        raise Refused(errors)
    verb = lecture.schedule if action == Action.SCHEDULE else lecture.reschedule
    verb(
        booking.starts_at,
        booking.ends_at,
        lecturers,
        booking.buffer_minutes,
        actor,
        note=data.message,
        internal_note=data.override_reason if overridden else "",
        overridden=overridden,
    )
    _flush_booking()
    return lecturers


def schedule_request(request_id: int, data: BookingData, actor: User) -> LectureRequest:
    with write_lock():
        lecture = lock_request(request_id)
        lecturers = _book(lecture, data, actor, Action.SCHEDULE)
        token = add_link(lecture)
        notifications.scheduled(lecture, token, lecturers)
        record(actor, "lecture.schedule", "lecture_request", lecture.id, override=bool(data.override_reason))
        _commit_booking()
    return lecture


def reschedule_request(request_id: int, data: BookingData, actor: User) -> LectureRequest:
    with write_lock():
        lecture = lock_request(request_id)
        before = {a.lecturer_id: a.lecturer for a in lecture.assignments}
        previous_start = lecture.starts_at
        lecturers = _book(lecture, data, actor, Action.RESCHEDULE)
        kept = [u for u in lecturers if u.id in before]
        added = [u for u in lecturers if u.id not in before]
        removed = [u for uid, u in before.items() if uid not in {x.id for x in lecturers}]
        token = add_link(lecture)
        notifications.rescheduled(lecture, token, previous_start, kept, added, removed)
        record(
            actor, "lecture.reschedule", "lecture_request", lecture.id, override=bool(data.override_reason)
        )
        _commit_booking()
    return lecture


def propose_dates(request_id: int, data: ProposalData, actor: User) -> LectureRequest:
    """Offer the school other dates; the school picks one through its link."""
    with write_lock():
        lecture = lock_request(request_id)
        lecture.ensure_can(Action.PROPOSE)
        lecturers = _lecturers(data.lecturer_ids)
        settings = current_settings()
        errors: list[DomainError] = []
        overridden: set[str] = set()
        times = []
        for index, starts_at in enumerate(data.times, start=1):
            found, passed = _rule_errors(starts_at, data.override_reason, f"date_{index}")
            overridden.update(passed)
            booking = Booking(
                starts_at,
                starts_at + lecture.program.duration,
                settings.buffer_minutes(lecture.is_online),
                tuple(lecturers),
                lecture.id,
            )
            found += [DomainError(e.message, field=f"date_{index}") for e in clashes(booking, settings)]
            errors += found
            times.append((booking.starts_at, booking.ends_at))
        if errors:
            raise Refused(errors)
        lecture.propose(
            times,
            lecturers,
            data.message,
            actor,
            internal_note=data.override_reason if overridden else "",
            overridden=sorted(overridden),
        )
        db.session.flush()
        token = add_link(lecture)
        notifications.proposed(lecture, token)
        record(actor, "lecture.propose", "lecture_request", lecture.id, dates=len(times))
        db.session.commit()
    return lecture


def decline_request(request_id: int, reason: str, actor: User) -> LectureRequest:
    with write_lock():
        lecture = lock_request(request_id)
        lecture.decline(reason, actor)
        token = add_link(lecture)
        notifications.declined(lecture, token)
        record(actor, "lecture.decline", "lecture_request", lecture.id)
        db.session.commit()
    return lecture


def cancel_request(request_id: int, reason: str, actor: User) -> LectureRequest:
    with write_lock():
        lecture = lock_request(request_id)
        lecturers = lecture.lecturers
        was_scheduled = lecture.cancel(reason, actor)
        token = add_link(lecture)
        notifications.cancelled(lecture, token, lecturers if was_scheduled else [], was_scheduled, [])
        record(actor, "lecture.cancel", "lecture_request", lecture.id, by="staff")
        db.session.commit()
    return lecture


def complete_request(request_id: int, actual_audience: int, notes: str, actor: User) -> LectureRequest:
    with write_lock():
        lecture = lock_request(request_id)
        lecture.complete(actual_audience, notes, actor, utcnow())
        if lecture.contact_email:
            # The teacher is asked for feedback in the same transaction as the lecture is recorded.
            notifications.feedback_requested(lecture, add_link(lecture))
        record(actor, "lecture.complete", "lecture_request", lecture.id, actual_audience=actual_audience)
        db.session.commit()
    return lecture


def resend_link(request_id: int, actor: User) -> LectureRequest:
    """Email the teacher a new private link, to the address on file.

    Staff never read a teacher's link; one who lost it gets it again this way. Links sent
    earlier keep working. The audit entry holds ids only.
    """
    with write_lock():
        lecture = lock_request(request_id)
        if not lecture.contact_email:
            raise DomainError(_("This request no longer has the teacher's email address."))
        notifications.link_resent(lecture, add_link(lecture))
        record(actor, "lecture.link.resend", "lecture_request", lecture.id)
        db.session.commit()
    return lecture


# Staff reading ---------------------------------------------------------------------


def get_request(request_id: int) -> LectureRequest | None:
    return db.session.scalar(
        sa.select(LectureRequest)
        .where(LectureRequest.id == request_id)
        .options(
            joinedload(LectureRequest.program),
            joinedload(LectureRequest.school),
            selectinload(LectureRequest.slots),
            selectinload(LectureRequest.assignments).joinedload(LectureAssignment.lecturer),
            selectinload(LectureRequest.events).joinedload(LectureEvent.actor),
            selectinload(LectureRequest.proposed_lecturers),
            selectinload(LectureRequest.feedback),
        )
    )


def view_request(lecture: LectureRequest, actor: User) -> None:
    """Staff opened a request's details (the teacher's contacts): it is recorded."""
    record(actor, "lecture.view", "lecture_request", lecture.id)
    db.session.commit()


def lecturer_names(events: list[LectureEvent]) -> dict[int, str]:
    """Names of the lecturers the history mentions, in one query."""
    ids = {i for event in events for i in event.details.get("lecturer_ids", [])}
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(User.id, User.name).where(User.id.in_(ids))).all())


SORTS = ("newest", "oldest", "date", "reference", "school")


@dataclass(frozen=True)
class InboxFilters:
    status: LectureStatus | None = None
    fiscal_year: int | None = None
    format: LectureFormat | None = None
    program_id: int | None = None
    school_id: int | None = None
    q: str = ""
    sort: str = "newest"

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> InboxFilters:
        """Filters from a query string; anything unknown is ignored rather than refused."""

        def number(name: str) -> int | None:
            value = (args.get(name) or "").strip()
            return parse_digits(value)

        status = args.get("status")
        fmt = args.get("format")
        sort = args.get("sort") or "newest"
        return cls(
            status=LectureStatus(status) if status in {s.value for s in LectureStatus} else None,
            fiscal_year=number("fiscal_year"),
            format=LectureFormat(fmt) if fmt in {f.value for f in LectureFormat} else None,
            program_id=number("program"),
            school_id=number("school"),
            q=(args.get("q") or "").strip()[:100],
            sort=sort if sort in SORTS else "newest",
        )


def _first_choice():
    return (
        sa.select(LectureSlot.starts_at)
        .where(LectureSlot.request_id == LectureRequest.id, LectureSlot.kind == SlotKind.REQUESTED)
        .order_by(LectureSlot.rank)
        .limit(1)
        .scalar_subquery()
    )


def _inbox_query(filters: InboxFilters) -> sa.Select:
    stmt = sa.select(LectureRequest).options(
        joinedload(LectureRequest.program),
        selectinload(LectureRequest.slots),
        selectinload(LectureRequest.assignments).joinedload(LectureAssignment.lecturer),
    )
    if filters.status is not None:
        stmt = stmt.where(LectureRequest.status == filters.status)
    if filters.fiscal_year is not None:
        stmt = stmt.where(LectureRequest.fiscal_year == filters.fiscal_year)
    if filters.format is not None:
        stmt = stmt.where(LectureRequest.format == filters.format)
    if filters.program_id is not None:
        stmt = stmt.where(LectureRequest.program_id == filters.program_id)
    if filters.school_id is not None:
        stmt = stmt.where(LectureRequest.school_id == filters.school_id)
    if filters.q:
        like = f"%{filters.q}%"
        stmt = stmt.where(
            sa.or_(
                LectureRequest.reference.ilike(like),
                LectureRequest.school_name.ilike(like),
                LectureRequest.contact_name.ilike(like),
                LectureRequest.grade.ilike(like),
            )
        )
    when = sa.func.coalesce(LectureRequest.starts_at, _first_choice())
    order = {
        "newest": [LectureRequest.created_at.desc(), LectureRequest.id.desc()],
        "oldest": [LectureRequest.created_at, LectureRequest.id],
        "date": [when, LectureRequest.id],
        "reference": [LectureRequest.fiscal_year, LectureRequest.number],
        "school": [LectureRequest.school_name, LectureRequest.id],
    }[filters.sort]
    return stmt.order_by(*order)


def list_requests(filters: InboxFilters, page: int = 1, per_page: int = 50) -> Pagination:
    return db.paginate(_inbox_query(filters), page=page, per_page=per_page, error_out=False)


def export_requests(filters: InboxFilters, actor: User) -> list[LectureRequest]:
    """Every request the filters match, for a download; the export is recorded.

    The audit entry is committed before the rows are loaded: a commit expires what the
    session holds, and rows loaded before it would each be fetched again, one by one.
    """
    query = _inbox_query(filters)
    count = db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
    record(actor, "lecture.export", "lecture_request", None, rows=count)
    db.session.commit()
    return list(db.session.scalars(query.options(selectinload(LectureRequest.feedback))))


def fiscal_years() -> list[int]:
    years = set(db.session.scalars(sa.select(LectureRequest.fiscal_year).distinct()))
    years.add(fiscal_year(today_jst()))
    return sorted(years, reverse=True)


def status_counts() -> dict[LectureStatus, int]:
    rows = db.session.execute(
        sa.select(LectureRequest.status, sa.func.count()).group_by(LectureRequest.status)
    ).all()
    counts = dict.fromkeys(LectureStatus, 0)
    counts.update(dict(rows))
    return counts


def requested_schools() -> list[School]:
    """Directory schools that have asked for lectures (for the inbox filter)."""
    return list(
        db.session.scalars(
            sa.select(School)
            .where(
                School.id.in_(
                    sa.select(LectureRequest.school_id).where(LectureRequest.school_id.is_not(None))
                )
            )
            .order_by(School.name_kana, School.name)
        )
    )


# Lecturers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LecturerSummary:
    lecturer: User
    upcoming: int
    next_start: datetime | None


def lecturer_overview() -> list[LecturerSummary]:
    lecturers = active_lecturers()
    now = utcnow()
    rows = db.session.execute(
        sa.select(LectureAssignment.lecturer_id, sa.func.count(), sa.func.min(LectureAssignment.starts_at))
        .join(LectureAssignment.request)
        .where(
            LectureAssignment.active.is_(True),
            LectureAssignment.starts_at >= now,
            LectureRequest.status == LectureStatus.SCHEDULED,
        )
        .group_by(LectureAssignment.lecturer_id)
    ).all()
    found = {lecturer_id: (count, first) for lecturer_id, count, first in rows}
    return [LecturerSummary(u, *found.get(u.id, (0, None))) for u in lecturers]


def get_lecturer(user_id: int) -> User | None:
    user = db.session.get(User, user_id)
    return user if user is not None and user.has_role(Role.LECTURER) else None


@dataclass
class Diary:
    upcoming: list[LectureAssignment] = field(default_factory=list)
    past: list[LectureAssignment] = field(default_factory=list)
    unavailable: list[LecturerUnavailability] = field(default_factory=list)


def diary(lecturer: User, past_limit: int = 20) -> Diary:
    """A lecturer's booked lectures (upcoming, then the most recent past) and time off."""
    now = utcnow()
    base = (
        sa.select(LectureAssignment)
        .join(LectureAssignment.request)
        .options(joinedload(LectureAssignment.request).joinedload(LectureRequest.program))
        .where(
            LectureAssignment.lecturer_id == lecturer.id,
            LectureAssignment.active.is_(True),
            LectureRequest.status.in_(BOOKED_STATUSES),
        )
    )
    upcoming = db.session.scalars(
        base.where(LectureAssignment.ends_at >= now).order_by(LectureAssignment.starts_at)
    )
    past = db.session.scalars(
        base.where(LectureAssignment.ends_at < now)
        .order_by(LectureAssignment.starts_at.desc())
        .limit(past_limit)
    )
    unavailable = db.session.scalars(
        sa.select(LecturerUnavailability)
        .where(LecturerUnavailability.lecturer_id == lecturer.id, LecturerUnavailability.ends_at >= now)
        .order_by(LecturerUnavailability.starts_at)
    )
    return Diary(list(upcoming), list(past), list(unavailable))


@dataclass(frozen=True)
class PeriodData:
    starts_at: datetime
    ends_at: datetime
    reason: str = ""


def add_unavailability(lecturer: User, data: PeriodData, actor: User) -> list[LectureAssignment]:
    """Record time off; returns the lecturer's booked lectures inside it, which need a new plan."""
    if data.ends_at <= data.starts_at:
        raise DomainError(_("The end must be after the start."), field="end_date")
    period = LecturerUnavailability(
        lecturer_id=lecturer.id,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        reason=data.reason,
        created_by_id=actor.id,
    )
    db.session.add(period)
    db.session.flush()
    record(actor, "lecturer.unavailable_add", "user", lecturer.id, period_id=period.id)
    affected = conflicting_lectures(lecturer.id, data.starts_at, data.ends_at)
    db.session.commit()
    return affected


def get_unavailability(period_id: int) -> LecturerUnavailability | None:
    return db.session.get(LecturerUnavailability, period_id)


def remove_unavailability(period: LecturerUnavailability, actor: User) -> None:
    record(actor, "lecturer.unavailable_remove", "user", period.lecturer_id, period_id=period.id)
    db.session.delete(period)
    db.session.commit()


# The dashboard ----------------------------------------------------------------------


def waiting_count() -> int:
    """Requests staff have to act on (received, not yet answered)."""
    return db.session.scalar(
        sa.select(sa.func.count(LectureRequest.id)).where(LectureRequest.status == LectureStatus.SUBMITTED)
    )


def lectures_between(start: datetime, end: datetime) -> list[LectureRequest]:
    return list(
        db.session.scalars(
            sa.select(LectureRequest)
            .options(
                joinedload(LectureRequest.program),
                selectinload(LectureRequest.assignments).joinedload(LectureAssignment.lecturer),
            )
            .where(
                LectureRequest.status == LectureStatus.SCHEDULED,
                LectureRequest.starts_at >= start,
                LectureRequest.starts_at < end,
            )
            .order_by(LectureRequest.starts_at)
        )
    )


# Retention ---------------------------------------------------------------------------


def purge_personal_data(now: datetime | None = None) -> str:
    """Remove the teachers' contact details from closed requests once the fiscal year
    after the lecture (or the request) has ended, keeping everything the record counts.

    The school, the program, the dates, the audience, the history and the satisfaction
    score stay; the contact name, email, phone and the school's free text (notes, feedback
    comments, the reasons the teacher typed in the history) go, the private links stop
    working, and the emails about the request (queued, sent or failed) are deleted.
    """
    now = now or utcnow()
    cutoff = fiscal_year(now.astimezone(JST).date()) - 2  # the last fiscal year to clear
    first_day_after = date(cutoff + 1, 4, 1)
    requests = list(
        db.session.scalars(
            sa.select(LectureRequest)
            .options(
                selectinload(LectureRequest.links),
                selectinload(LectureRequest.feedback),
                selectinload(LectureRequest.events),
            )
            .where(
                LectureRequest.status.not_in(OPEN_STATUSES),
                LectureRequest.fiscal_year <= cutoff,
                sa.or_(LectureRequest.lecture_day.is_(None), LectureRequest.lecture_day < first_day_after),
                LectureRequest.contact_email != "",
            )
        )
    )
    for lecture in requests:
        lecture.contact_name = ""
        lecture.contact_email = ""
        lecture.contact_phone = ""
        lecture.notes = ""
        lecture.links.clear()
        if lecture.feedback is not None:
            lecture.feedback.comments = ""
        for event in lecture.events:
            if event.by_school:
                if event.to_status == LectureStatus.CANCELLED:
                    lecture.closed_reason = ""
                event.note = ""
    if requests:
        db.session.execute(
            sa.delete(OutboxEmail).where(
                OutboxEmail.related_type == notifications.RELATED,
                OutboxEmail.related_id.in_([str(lecture.id) for lecture in requests]),
            )
        )
        record(
            None,
            "lecture.purge_personal_data",
            "lecture_request",
            None,
            requests=len(requests),
            up_to_fiscal_year=cutoff,
        )
    db.session.commit()
    return (
        f"Lecture requests: contact details removed from {len(requests)} closed request(s) up to FY{cutoff}."
    )
