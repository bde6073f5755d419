"""What staff do to a study-tour request: propose dates, schedule it with guides (and an
interpreter), reschedule, decline, cancel, record as held.

Each use case runs as the only writer (`write_lock()`), locks the request, checks every rule
at once (opening hours, the facilities' room, the guides' diaries across programs), calls
the request's verb, books or frees the facilities and the staff, queues the emails, writes
the audit entry and commits once. The database has the last word on the facilities' room
(a trigger) and on a person's diary (booking.scheduling's constraint).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from booking.audit.services import record
from booking.core.auth import Role
from booking.core.errors import DomainError
from booking.core.time import JST, utcnow
from booking.db import write_lock
from booking.extensions import db
from booking.scheduling.models import BookingRole, Program
from booking.scheduling.services import Hold, book, describe_subjects, lock_days, problems, release
from booking.settings.services import current_settings
from booking.staff.models import User, UserRole
from booking.visits import notifications
from booking.visits.models import Action, VisitRequest, VisitStatus
from booking.visits.rules import slot_problems
from booking.visits.services.common import add_link, lock_request
from booking.visits.services.facilities import hold_facilities, release_facilities
from booking.visits.services.requests import STAFF_DIARY

# No buffer can be longer (the settings keep it so): bookings further apart cannot clash.
MAX_BUFFER = timedelta(minutes=240)


@dataclass(frozen=True)
class VisitBookingData:
    starts_at: datetime  # aware
    guide_ids: tuple[int, ...]
    interpreter_id: int | None = None  # a staff member, booked like a guide
    interpreter_name: str = ""  # an outside interpreter, a name only
    message: str = ""  # to the organiser (the reason, for a reschedule)


@dataclass(frozen=True)
class VisitProposalData:
    times: tuple[datetime, ...]  # aware; one to three
    message: str
    # Booked when the organiser takes one of the dates (none: assigned later by staff).
    guide_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class HeldData:
    actual_visitors: int
    countries: dict[str, int]  # alpha-2 → visitors; empty: all from the request's country
    note: str = ""


def _references(ids: list[int]) -> dict[int, str]:
    """How a clash message names study tours: by reference."""
    rows = db.session.execute(
        sa.select(VisitRequest.id, VisitRequest.reference).where(VisitRequest.id.in_(ids))
    ).all()
    return dict(rows)


describe_subjects(Program.VISIT, _references)


def _staff(ids: Sequence[int], role: Role | None, field: str, empty: str | None) -> list[User]:
    """Active users with these ids (holding `role` when given), in name order."""
    if not ids:
        if empty:
            raise DomainError(empty, field=field)
        return []
    query = sa.select(User).where(User.id.in_(ids), User.active.is_(True)).order_by(User.name)
    if role is not None:
        query = query.join(UserRole).where(UserRole.role == role)
    found = list(db.session.scalars(query))
    if len(found) != len(set(ids)):
        raise DomainError(_("Choose from the list."), field=field)
    return found


def guides(ids: Sequence[int]) -> list[User]:
    return _staff(ids, Role.GUIDE, "guide_ids", _("Choose at least one guide."))


def _hold(visit: VisitRequest, starts_at: datetime, ends_at: datetime, people: list[User]) -> Hold:
    return Hold(
        starts_at=starts_at,
        ends_at=ends_at,
        buffer_minutes=current_settings().buffer_minutes(False),  # in person: staff come to the facility
        people=tuple(people),
        program=Program.VISIT,
        subject_id=visit.id,
        in_person=True,
        role=BookingRole.GUIDE,
    )


def opening_problems(visit: VisitRequest, starts_at: datetime) -> list[str]:
    """Why the facilities cannot take the visit then: a day they are closed (weekday, national
    holiday, year-end), or hours it does not fit. Staff are not held to the lead time."""
    local = starts_at.astimezone(JST)
    return [p.message for p in slot_problems(local.date(), local.time(), visit.facilities, 0, utcnow())]


def _rule_errors(visit: VisitRequest, starts_at: datetime, field: str) -> list[DomainError]:
    return [DomainError(message, field=field) for message in opening_problems(visit, starts_at)]


def _days(starts_at: datetime, ends_at: datetime) -> list:
    """Japan-time days a booking from `starts_at` to `ends_at` could clash on (buffers included)."""
    first = (starts_at - MAX_BUFFER).astimezone(JST).date()
    last = (ends_at + MAX_BUFFER).astimezone(JST).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _book(visit: VisitRequest, data: VisitBookingData, actor: User, action: Action) -> list[User]:
    """Check everything for booking `visit` as `data` says, under the locks (the days, then
    the facilities), every reason at once; then book the facilities and the staff."""
    visit.ensure_can(action)
    errors: list[DomainError] = []
    people: list[User] = []
    interpreter: User | None = None
    try:
        people = guides(data.guide_ids)
    except DomainError as error:
        errors.append(error)
    if data.interpreter_id is not None:
        try:
            interpreter = _staff([data.interpreter_id], None, "interpreter_id", None)[0]
        except DomainError as error:
            errors.append(error)
    starts_at = data.starts_at
    ends_at = starts_at + visit.visit_length
    lock_days(_days(starts_at, ends_at))
    errors += _rule_errors(visit, starts_at, "starts_at")
    if people:
        errors += [
            DomainError(m, field="guide_ids") for m in problems(_hold(visit, starts_at, ends_at, people))
        ]
    if interpreter is not None:
        hold = _hold(visit, starts_at, ends_at, [interpreter])
        errors += [DomainError(m, field="interpreter_id") for m in problems(hold)]
    if not errors:
        try:
            hold_facilities(visit, starts_at, ends_at)
        except DomainError as error:
            errors += [DomainError(e.message, field="starts_at") for e in error.errors]
    if errors:
        raise DomainError.several(errors)
    # One hold for everyone: booking the record again replaces its earlier bookings, so the
    # guides and the interpreter are booked together, then each row says what its person does.
    everyone = people + ([interpreter] if interpreter is not None else [])
    for booking in book(_hold(visit, starts_at, ends_at, everyone)):
        is_interpreter = interpreter is not None and booking.person_id == interpreter.id
        booking.role = BookingRole.INTERPRETER if is_interpreter else BookingRole.GUIDE
    details = {
        "guide_ids": [u.id for u in people],
        "interpreter_ids": [interpreter.id] if interpreter else [],
    }
    visit.interpreter_name = data.interpreter_name
    if action == Action.SCHEDULE:
        visit.schedule(starts_at, ends_at, actor, note=data.message, details=details)
    else:
        visit.reschedule(starts_at, ends_at, actor, note=data.message, details=details)
    _flush()
    return people


def _flush(write=None) -> None:
    """Flush (or commit); a facility filled or a person booked by someone else in the same
    instant, caught by the database itself, comes back as a message for a person."""
    try:
        (write or db.session.flush)()
    except sa.exc.IntegrityError as error:
        db.session.rollback()
        raise DomainError(
            _(
                "Someone else has just booked a guide or a facility at a time that clashes with this one. "
                "Nothing was changed: look at the diaries and choose again."
            ),
            field="guide_ids",
        ) from error


def schedule_visit(request_id: int, data: VisitBookingData, actor: User) -> VisitRequest:
    with write_lock():
        visit = lock_request(request_id)
        people = _book(visit, data, actor, Action.SCHEDULE)
        notifications.scheduled(visit, add_link(visit))
        record(actor, "visit.schedule", "visit_request", visit.id, guides=len(people))
        _flush(db.session.commit)
    return visit


def reschedule_visit(request_id: int, data: VisitBookingData, actor: User) -> VisitRequest:
    with write_lock():
        visit = lock_request(request_id)
        previous_start = visit.starts_at
        people = _book(visit, data, actor, Action.RESCHEDULE)
        if visit.starts_at != previous_start:  # staff changed only: nothing for the organiser
            notifications.changed(visit, add_link(visit), previous_start)
        record(actor, "visit.reschedule", "visit_request", visit.id, guides=len(people))
        _flush(db.session.commit)
    return visit


def proposal_problems(
    visit: VisitRequest, times: Sequence[datetime], guide_ids: Sequence[int] = ()
) -> list[DomainError]:
    """The rules proposing `times` would break (each next to its date), saving nothing: the
    facilities' days and hours, and the chosen guides' diaries."""
    errors: list[DomainError] = []
    people: list[User] = []
    if guide_ids:
        try:
            people = guides(guide_ids)
        except DomainError as error:
            errors.append(error)
    for index, starts_at in enumerate(times, start=1):
        errors += _rule_errors(visit, starts_at, f"date_{index}")
        if people:
            hold = _hold(visit, starts_at, starts_at + visit.visit_length, people)
            errors += [DomainError(message, field=f"date_{index}") for message in problems(hold)]
    return errors


def propose_dates(request_id: int, data: VisitProposalData, actor: User) -> VisitRequest:
    """Offer the organiser other dates; they pick one through their link, and the guides
    chosen here are booked then (booking.visits.services.requests calls `book_proposed`)."""
    with write_lock():
        visit = lock_request(request_id)
        visit.ensure_can(Action.PROPOSE)
        errors = proposal_problems(visit, data.times, data.guide_ids)
        if errors:
            raise DomainError.several(errors)
        visit.propose(
            [(at, at + visit.visit_length) for at in data.times],
            data.message,
            actor,
            details={"guide_ids": list(data.guide_ids)},
        )
        db.session.flush()
        notifications.proposed(visit, add_link(visit))
        record(actor, "visit.propose", "visit_request", visit.id, dates=len(data.times))
        db.session.commit()
    return visit


def book_proposed(visit: VisitRequest) -> None:
    """The organiser took a proposed date (the visit is scheduled, in the caller's locked
    transaction): the guides proposed with it are booked, or DomainError if one is taken."""
    proposals = [e for e in visit.events if e.to_status == VisitStatus.PROPOSED]
    ids = (proposals[-1].details or {}).get("guide_ids", []) if proposals else []
    if not ids or visit.starts_at is None or visit.ends_at is None:
        return
    people = _staff(ids, Role.GUIDE, "guide_ids", None)
    book(_hold(visit, visit.starts_at, visit.ends_at, people))


def release_staff(visit: VisitRequest) -> None:
    """The organiser cancelled: the guides' and interpreter's time is free again."""
    release(Program.VISIT, visit.id)


STAFF_DIARY.book_proposed = book_proposed
STAFF_DIARY.release = release_staff


def _close(visit: VisitRequest) -> None:
    """Free what the visit held: the facilities, the guides' time, and the visitor list."""
    release_facilities(visit)
    release(Program.VISIT, visit.id)
    forget_visitor_list(visit)


def forget_visitor_list(visit: VisitRequest) -> None:
    """The visitor list is kept only until the visit is done or off (when the feature exists)."""
    try:
        from booking.visits.services.visitors import forget
    except ImportError:
        return
    forget(visit)


def decline_visit(request_id: int, reason: str, actor: User) -> VisitRequest:
    with write_lock():
        visit = lock_request(request_id)
        visit.decline(reason, actor)
        _close(visit)
        notifications.declined(visit, add_link(visit))
        record(actor, "visit.decline", "visit_request", visit.id)
        db.session.commit()
    return visit


def cancel_visit(request_id: int, reason: str, actor: User) -> VisitRequest:
    with write_lock():
        visit = lock_request(request_id)
        was_scheduled = visit.cancel(reason, actor)
        _close(visit)
        notifications.cancelled(visit, add_link(visit), was_scheduled)
        record(actor, "visit.cancel", "visit_request", visit.id, by="staff")
        db.session.commit()
    return visit


def complete_visit(request_id: int, data: HeldData, actor: User) -> VisitRequest:
    """Record the visit as held: visitors by country kept for the records, the list deleted.

    Counts given here stand; without them, those the visitor list gives (written when it is
    deleted), else every visitor under the group's country.
    """
    with write_lock():
        visit = lock_request(request_id)
        visit.ensure_can(Action.COMPLETE)
        by_country = dict(data.countries)
        if not by_country:
            forget_visitor_list(visit)
            db.session.flush()
            db.session.refresh(visit, ["countries"])
            by_country = {c.country: c.visitors for c in visit.countries} or {
                visit.country: data.actual_visitors
            }
        visit.complete(data.actual_visitors, by_country, data.note, actor)
        forget_visitor_list(visit)
        # The organiser is asked for feedback the next morning (booking.visits.reminders).
        record(actor, "visit.complete", "visit_request", visit.id, actual_visitors=data.actual_visitors)
        db.session.commit()
    return visit
