"""Interview times: the coordinator's slots, the student's pick (first come), the .ics, reminders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from booking.audit.services import record
from booking.core.errors import DomainError
from booking.core.i18n import format_datetime
from booking.core.time import utcnow
from booking.db import write_lock
from booking.extensions import db
from booking.interview import notifications
from booking.interview.models import InterviewBooking, InterviewSlot, ShortlistEntry
from booking.interview.services.round import has_interview, shortlist_entry
from booking.staff.models import User
from booking.youth.models import Application, Cohort
from booking.youth.services import lock_cohort, new_student_link

# The reminder goes this long before the interview (by `flask send-reminders`).
REMINDER_BEFORE = timedelta(days=2)
LARGEST_CAPACITY = 50


@dataclass(frozen=True)
class SlotData:
    starts_at: datetime
    ends_at: datetime
    online: bool
    capacity: int
    place_ja: str = ""
    place_en: str = ""
    meeting_url: str = ""


def slots_for(cohort: Cohort) -> list[InterviewSlot]:
    return list(
        db.session.scalars(
            sa.select(InterviewSlot)
            .where(InterviewSlot.cohort_id == cohort.id)
            .order_by(InterviewSlot.starts_at, InterviewSlot.id)
        )
    )


def get_slot(cohort: Cohort, slot_id: int) -> InterviewSlot | None:
    slot = db.session.get(InterviewSlot, slot_id)
    return slot if slot is not None and slot.cohort_id == cohort.id else None


def _check_meeting_url(url: str) -> None:
    if url and not url.startswith("https://"):
        raise DomainError(_("Enter the meeting link starting with https://."), field="meeting_url")


def _check_slot(data: SlotData, now: datetime) -> None:
    errors = []
    if data.ends_at <= data.starts_at:
        errors.append(DomainError(_("The interview must end after it starts."), field="end_time"))
    if data.starts_at <= now:
        errors.append(DomainError(_("Choose a time in the future."), field="day"))
    if not 1 <= data.capacity <= LARGEST_CAPACITY:
        errors.append(
            DomainError(
                _("Enter a number of students from 1 to %(n)d.", n=LARGEST_CAPACITY), field="capacity"
            )
        )
    if not data.online and not data.place_ja:
        errors.append(DomainError(_("Enter the place, or choose online."), field="place_ja"))
    try:
        _check_meeting_url(data.meeting_url)
    except DomainError as error:
        errors.append(error)
    if errors:
        raise DomainError.several(errors)


def add_slot(cohort: Cohort, data: SlotData, actor: User) -> InterviewSlot:
    _check_slot(data, utcnow())
    with write_lock():
        cohort = lock_cohort(cohort.id)
        if not has_interview(cohort):
            raise DomainError(_("Turn the interview round on first."))
        if cohort.results_published_at is not None:
            raise DomainError(_("The results are published: the interview round can no longer change."))
        slot = InterviewSlot(cohort_id=cohort.id, **data.__dict__)
        db.session.add(slot)
        db.session.flush()
        record(actor, "interview.slot.create", "youth_cohort", cohort.id, slot_id=slot.id)
        db.session.commit()
    return slot


def set_meeting_url(slot: InterviewSlot, url: str, actor: User) -> None:
    """Give (or change) an online slot's meeting link; students see it on their page."""
    _check_meeting_url(url)
    with write_lock():
        slot = db.session.get(InterviewSlot, slot.id, with_for_update=True, populate_existing=True)
        if not slot.online:
            raise DomainError(_("Only an online interview has a meeting link."), field="meeting_url")
        slot.meeting_url = url
        record(actor, "interview.slot.link", "youth_cohort", slot.cohort_id, slot_id=slot.id)
        db.session.commit()


def delete_slot(slot: InterviewSlot, actor: User) -> None:
    with write_lock():
        slot = db.session.get(InterviewSlot, slot.id, with_for_update=True, populate_existing=True)
        if slot.booked:
            raise DomainError(_("Students have picked this time, so it cannot be removed."))
        record(actor, "interview.slot.delete", "youth_cohort", slot.cohort_id, slot_id=slot.id)
        db.session.delete(slot)
        db.session.commit()


# The student's side ------------------------------------------------------------------------------


def booking_for(application: Application) -> InterviewBooking | None:
    return db.session.scalar(
        sa.select(InterviewBooking)
        .where(InterviewBooking.application_id == application.id)
        .options(joinedload(InterviewBooking.slot))
    )


@dataclass
class InterviewView:
    """What the student's private page shows of the interview."""

    booking: InterviewBooking | None
    slots: list[InterviewSlot]
    can_change: bool
    now: datetime

    @property
    def open_slots(self) -> list[InterviewSlot]:
        return [s for s in self.slots if s.starts_at > self.now]

    @property
    def can_move(self) -> bool:
        """Whether another time than the booked one could be taken now (a place left, not closed)."""
        current = self.booking.slot_id if self.booking is not None else None
        return self.can_change and any(s.id != current and s.can_be_picked(self.now) for s in self.open_slots)


def student_view(application: Application, now: datetime | None = None) -> InterviewView | None:
    """The interview on the student's page: for invited students, until the results are out."""
    cohort = application.cohort
    if cohort.results_published_at is not None or not has_interview(cohort):
        return None
    entry = shortlist_entry(application)
    if entry is None or entry.invited_at is None:
        return None
    now = now or utcnow()
    booking = booking_for(application)
    return InterviewView(
        booking=booking,
        slots=slots_for(cohort),
        can_change=booking is None or booking.slot.is_changeable(now),
        now=now,
    )


def _lock_slots(ids: set[int]) -> dict[int, InterviewSlot]:
    """The slots' rows locked in id order (two picks crossing never deadlock), read afresh."""
    return {
        slot.id: slot
        for slot in db.session.scalars(
            sa.select(InterviewSlot)
            .where(InterviewSlot.id.in_(ids))
            .order_by(InterviewSlot.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    }


def _too_late(slot: InterviewSlot) -> DomainError:
    return DomainError(
        _(
            "This time can no longer be picked: choices close 24 hours before the interview (%(date)s).",
            date=format_datetime(slot.pick_cutoff),
        ),
        field="slot_id",
    )


def pick_slot(application: Application, slot_id: int | None, now: datetime | None = None) -> InterviewBooking:
    """Book the student's interview time, or change it; first come, never above a slot's capacity.

    The slots' rows are locked before their counts are read, so two students taking the last
    seat at once are served one after the other and the second is told the time is full; the
    CHECK on `booked` and the unique booking per application hold even if that were missed.
    """
    now = now or utcnow()
    try:
        with write_lock():
            cohort = db.session.get(Cohort, application.cohort_id, populate_existing=True)
            if cohort.results_published_at is not None or not has_interview(cohort):
                raise DomainError(_("Interview times can no longer be picked."))
            entry = db.session.scalar(
                sa.select(ShortlistEntry).where(ShortlistEntry.application_id == application.id)
            )
            if entry is None or entry.invited_at is None:
                raise DomainError(_("Interview times can no longer be picked."))
            booking = db.session.scalar(
                sa.select(InterviewBooking).where(InterviewBooking.application_id == application.id)
            )
            wanted = {slot_id} if slot_id else set()
            slots = _lock_slots(wanted | ({booking.slot_id} if booking else set()))
            slot = slots.get(slot_id) if slot_id else None
            if slot is None or slot.cohort_id != cohort.id:
                raise DomainError(_("Choose one of the times listed."), field="slot_id")
            if booking is not None and booking.slot_id == slot.id:
                return booking
            if booking is not None and not slots[booking.slot_id].is_changeable(now):
                raise _too_late(slots[booking.slot_id])
            if not slot.is_changeable(now):
                raise _too_late(slot)
            if booking is None:
                slot.take()
                booking = InterviewBooking(application_id=application.id, slot=slot, booked_at=now)
                db.session.add(booking)
                action = "interview.slot.pick"
            else:
                booking.move_to(slot, now)
                action = "interview.slot.change"
            db.session.flush()
            application = db.session.get(Application, application.id)
            notifications.confirmed(application, booking, new_student_link(application))
            record(None, action, "youth_application", application.id, code=application.code, slot_id=slot.id)
            db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise DomainError(
            _("This time was just taken by someone else. Please choose another time."), field="slot_id"
        ) from None
    return booking


def calendar_for(application: Application, language: str) -> bytes | None:
    booking = booking_for(application)
    if booking is None or application.cohort.results_published_at is not None:
        return None
    return notifications.calendar_file(application, booking, language)


def send_interview_reminders(now: datetime | None = None) -> str:
    """Remind each student with a booked interview (and the guardian) once, REMINDER_BEFORE it."""
    now = now or utcnow()
    reminded = 0
    with write_lock():
        due = list(
            db.session.scalars(
                sa.select(InterviewBooking)
                .join(InterviewSlot, InterviewSlot.id == InterviewBooking.slot_id)
                .join(Cohort, Cohort.id == InterviewSlot.cohort_id)
                .where(
                    InterviewBooking.reminded_at.is_(None),
                    InterviewSlot.starts_at > now,
                    InterviewSlot.starts_at <= now + REMINDER_BEFORE,
                    Cohort.results_published_at.is_(None),
                )
                .options(
                    joinedload(InterviewBooking.slot),
                    joinedload(InterviewBooking.application).joinedload(Application.applicant),
                )
                .order_by(InterviewBooking.id)
                .with_for_update(of=InterviewBooking)
            ).unique()
        )
        for booking in due:
            notifications.reminder(booking.application, booking, new_student_link(booking.application))
            booking.reminded_at = now
            reminded += 1
        db.session.commit()
    return f"Interview reminders queued: {reminded}"
