"""What staff do to a request: schedule, reschedule, propose other dates, decline,
cancel, record as held, and send the teacher's link again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from booking.audit.services import record
from booking.core.auth import Role
from booking.core.errors import DomainError
from booking.core.time import JST, utcnow
from booking.db import write_lock
from booking.extensions import db
from booking.lectures import notifications
from booking.lectures.models import Action, LectureRequest
from booking.lectures.rules import slot_problems
from booking.lectures.scheduling import Booking, abroad_refusals, clashes, days_to_lock, lock_days
from booking.lectures.services.common import add_link, commit_booking, flush_booking, lock_request
from booking.settings.services import Settings, current_settings
from booking.staff.models import User, UserRole


@dataclass(frozen=True)
class BookingData:
    starts_at: datetime  # aware
    lecturer_ids: tuple[int, ...]
    message: str = ""  # to the school (the reason, for a reschedule)
    override_reason: str = ""  # given: lead-time and school-day rules, and a lecturer abroad, may pass


@dataclass(frozen=True)
class ProposalData:
    times: tuple[datetime, ...]  # aware; one to three
    lecturer_ids: tuple[int, ...]
    message: str
    override_reason: str = ""


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


def _rule_errors(starts_at: datetime, override: bool, field: str) -> tuple[list[DomainError], list[str]]:
    """Calendar rules the staff-chosen start breaks, and the ones the override lets pass."""
    local = starts_at.astimezone(JST)
    errors: list[DomainError] = []
    overridden: list[str] = []
    for problem in slot_problems(local.date(), local.time(), current_settings(), utcnow()):
        if problem.overridable and override:
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


# Recorded in the history's "overridden" list when a lecturer abroad is booked all the same.
LECTURER_ABROAD = "lecturer_abroad"


def _abroad_errors(
    lecture: LectureRequest, booking: Booking, override: bool
) -> tuple[list[DomainError], list[str]]:
    """A lecture at a school with a lecturer based abroad that day: refused, or let pass
    with the override's reason.
    """
    if lecture.is_online:
        return [], []
    refusals = abroad_refusals(booking)
    if refusals and override:
        return [], [LECTURER_ABROAD]
    hint = _("To book it all the same, tick “Book outside the usual rules” and give the reason.")
    return [DomainError(f"{message} {hint}", field="lecturer_ids") for message in refusals], []


def _booking(
    lecture: LectureRequest, starts_at: datetime, lecturers: list[User], settings: Settings
) -> Booking:
    """`lecture` held from `starts_at` by `lecturers`, with its format's buffer."""
    return Booking(
        starts_at,
        starts_at + lecture.program.duration,
        settings.buffer_minutes(lecture.is_online),
        tuple(lecturers),
        lecture.id,
    )


def _book(lecture: LectureRequest, data: BookingData, actor: User, action: Action) -> list[User]:
    """Check everything for booking `lecture` as `data` says, under the locks; then book it."""
    lecture.ensure_can(action)
    lecturers = _lecturers(data.lecturer_ids)
    errors, overridden = _rule_errors(data.starts_at, bool(data.override_reason), "starts_at")
    settings = current_settings()
    booking = _booking(lecture, data.starts_at, lecturers, settings)
    lock_days(days_to_lock(booking))
    abroad, passed = _abroad_errors(lecture, booking, bool(data.override_reason))
    errors += abroad
    overridden += passed
    errors += clashes(booking, settings)
    if errors:
        raise DomainError.several(errors)
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
    flush_booking()
    return lecturers


def schedule_request(request_id: int, data: BookingData, actor: User) -> LectureRequest:
    with write_lock():
        lecture = lock_request(request_id)
        lecturers = _book(lecture, data, actor, Action.SCHEDULE)
        token = add_link(lecture)
        notifications.scheduled(lecture, token, lecturers)
        record(actor, "lecture.schedule", "lecture_request", lecture.id, override=bool(data.override_reason))
        commit_booking()
    return lecture


def reschedule_request(request_id: int, data: BookingData, actor: User) -> LectureRequest:
    with write_lock():
        lecture = lock_request(request_id)
        before = {a.person_id: a.person for a in lecture.assignments}
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
        commit_booking()
    return lecture


def _proposal_errors(
    lecture: LectureRequest, times: Sequence[datetime], lecturers: list[User], override: bool
) -> tuple[list[DomainError], set[str]]:
    """Every rule the dates break, each next to its date (`date_1`... in the order given),
    and the rules the override lets pass."""
    settings = current_settings()
    errors: list[DomainError] = []
    overridden: set[str] = set()
    for index, starts_at in enumerate(times, start=1):
        found, passed = _rule_errors(starts_at, override, f"date_{index}")
        overridden.update(passed)
        booking = _booking(lecture, starts_at, lecturers, settings)
        found += [DomainError(e.message, field=f"date_{index}") for e in clashes(booking, settings)]
        abroad, passed = _abroad_errors(lecture, booking, override)
        # Said once, however many of the dates it concerns (it names the lecturer, not a date).
        found += [e for e in abroad if e.message not in {f.message for f in errors + found}]
        overridden.update(passed)
        errors += found
    return errors, overridden


def proposal_problems(
    request_id: int, times: Sequence[datetime], lecturer_ids: tuple[int, ...], override: bool
) -> list[DomainError]:
    """The rules proposing `times` would break, saving nothing; lecturers not given are not judged.

    Shown beside a propose form's own mistakes, so staff see everything in one pass.
    """
    lecture = db.session.get(LectureRequest, request_id)
    if lecture is None:
        return [DomainError(_("This request no longer exists."))]
    errors: list[DomainError] = []
    lecturers: list[User] = []
    if lecturer_ids:
        try:
            lecturers = _lecturers(lecturer_ids)
        except DomainError as error:
            errors.append(error)
    found, _overridden = _proposal_errors(lecture, times, lecturers, override)
    return errors + found


def propose_dates(request_id: int, data: ProposalData, actor: User) -> LectureRequest:
    """Offer the school other dates; the school picks one through its link."""
    with write_lock():
        lecture = lock_request(request_id)
        lecture.ensure_can(Action.PROPOSE)
        errors: list[DomainError] = []
        lecturers: list[User] = []
        try:
            lecturers = _lecturers(data.lecturer_ids)
        except DomainError as error:
            errors.append(error)  # the dates are still judged, so every reason comes at once
        found, overridden = _proposal_errors(lecture, data.times, lecturers, bool(data.override_reason))
        errors += found
        if errors:
            raise DomainError.several(errors)
        times = [(starts_at, starts_at + lecture.program.duration) for starts_at in data.times]
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
