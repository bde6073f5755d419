"""What organisers do: send a visit request, follow it through the private link, take one
of the dates staff proposed, cancel, and answer the feedback form after the visit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from booking.audit.services import record
from booking.core.errors import DomainError
from booking.core.i18n import LANGUAGES
from booking.core.references import next_number
from booking.core.submissions import already_sent, link_again
from booking.core.time import fiscal_year, jst_to_utc, today_jst, utcnow
from booking.core.tokens import hash_token
from booking.db import write_lock
from booking.extensions import db
from booking.settings.services import current_settings
from booking.visits import countries, notifications
from booking.visits.models import (
    Action,
    Facility,
    Interpretation,
    ReferenceCounter,
    SlotKind,
    VisitLink,
    VisitRequest,
    VisitSlot,
    VisitStatus,
)
from booking.visits.rules import slot_problems, visit_minutes
from booking.visits.services.common import add_link, coordinators, lock_request
from booking.visits.services.facilities import hold_facilities
from booking.visits.services.visitors import forget as forget_visitor_list


@dataclass(frozen=True)
class Candidate:
    rank: int  # 1 to 3: the organiser's first to third choice
    day: date
    at: time  # Japan time


@dataclass(frozen=True)
class VisitData:
    organisation: str
    country: str  # ISO 3166 alpha-2
    contact_name: str
    contact_email: str
    contact_phone: str
    purpose: str
    group_size: int
    facility_ids: tuple[int, ...]
    candidates: tuple[Candidate, ...]
    submission_key: str
    languages: str = ""
    interpretation: Interpretation = Interpretation.NONE
    accessibility: str = ""
    notes: str = ""
    language: str = "en"
    time_zone: str | None = None


@dataclass(frozen=True)
class Submitted:
    visit: VisitRequest
    token: str  # for the redirect to the organiser's page; only its hash is stored
    repeated: bool = False  # the same form had already been sent: nothing new was made


def _facilities(ids: tuple[int, ...] | list[int]) -> list[Facility]:
    if not ids:
        return []
    found = db.session.scalars(sa.select(Facility).where(Facility.id.in_(ids), Facility.active)).all()
    return sorted(found, key=lambda f: (f.position, f.id))


def request_problems(
    facility_ids: tuple[int, ...] | list[int] | None,
    group_size: int | None,
    candidates: tuple[Candidate, ...] | list[Candidate],
) -> list[DomainError]:
    """The rules a request breaks, each next to its field; values not given are not judged.

    Used on submission, and beside the form's own mistakes when a form comes back with
    other mistakes too, so the organiser sees everything at once.
    """
    errors: list[DomainError] = []
    facilities = _facilities(facility_ids or [])
    if facility_ids and len(facilities) != len(set(facility_ids)):
        errors.append(DomainError(_("Choose facilities from the list."), field="facilities"))
        return errors
    if facilities and group_size is not None:
        smallest = min(facilities, key=lambda f: f.capacity)
        if group_size > smallest.capacity:
            errors.append(
                DomainError(
                    _(
                        "The %(facility)s receives up to %(n)d visitors at once. For a larger group, "
                        "please tell us in the notes and we will suggest splitting it, or choose "
                        "other facilities.",
                        facility=smallest.name,
                        n=smallest.capacity,
                    ),
                    field="group_size",
                )
            )
    if not facilities:
        return errors
    lead_days = current_settings().visit_lead_days
    now = utcnow()
    for candidate in candidates:
        for problem in slot_problems(candidate.day, candidate.at, facilities, lead_days, now):
            part = "time" if problem.about_time else "date"
            message = _("Choice %(n)d: %(problem)s", n=candidate.rank, problem=problem.message)
            errors.append(DomainError(message, field=f"candidate_{candidate.rank}_{part}"))
    return errors


def next_reference_number(year: int) -> int:
    """The next reference number of fiscal year `year`, taken atomically."""
    return next_number(ReferenceCounter, year)


def _by_submission(key_hash: str) -> VisitRequest | None:
    return already_sent(VisitRequest, key_hash)


def _resubmitted(existing: VisitRequest) -> Submitted:
    return Submitted(*link_again(existing, add_link), repeated=True)


def _check(data: VisitData) -> None:
    errors = []
    if data.country not in countries.country_codes():
        errors.append(DomainError(_("Choose the country or region from the list."), field="country"))
    if not data.facility_ids:
        errors.append(DomainError(_("Choose at least one facility."), field="facilities"))
    if not data.candidates:
        errors.append(DomainError(_("Enter the date."), field="candidate_1_date"))
    errors += request_problems(data.facility_ids, data.group_size, data.candidates)
    if errors:
        raise DomainError.several(errors)


def submit_request(data: VisitData) -> Submitted:
    """Save an organiser's request with a reference number, and queue the emails about it."""
    key_hash = hash_token(data.submission_key)
    existing = _by_submission(key_hash)
    if existing is not None:
        return _resubmitted(existing)
    _check(data)
    try:
        with write_lock():
            facilities = _facilities(data.facility_ids)
            length = timedelta(minutes=visit_minutes(facilities))
            year = fiscal_year(today_jst())
            number = next_reference_number(year)
            visit = VisitRequest(
                reference=f"V-{year}-{number:04d}",
                fiscal_year=year,
                number=number,
                submission_key_hash=key_hash,
                status=VisitStatus.SUBMITTED,
                organisation=data.organisation,
                country=data.country,
                contact_name=data.contact_name,
                contact_email=data.contact_email,
                contact_phone=data.contact_phone,
                purpose=data.purpose,
                group_size=data.group_size,
                languages=data.languages,
                interpretation=data.interpretation,
                accessibility=data.accessibility,
                notes=data.notes,
                language=data.language if data.language in LANGUAGES else "en",
                time_zone=countries.zone_for(data.country, data.time_zone),
                submitted_at=utcnow(),
            )
            visit.facilities = facilities
            for candidate in data.candidates:
                starts_at = jst_to_utc(candidate.day, candidate.at)
                visit.slots.append(
                    VisitSlot(
                        kind=SlotKind.REQUESTED,
                        rank=candidate.rank,
                        starts_at=starts_at,
                        ends_at=starts_at + length,
                    )
                )
            visit.record_submission()
            db.session.add(visit)
            db.session.flush()
            token = add_link(visit)
            notifications.received(visit, token, coordinators())
            record(None, "visit.submit", "visit_request", visit.id, country=data.country)
            db.session.commit()
    except sa.exc.IntegrityError:
        # The same form sent twice at the same moment: the other one made the request.
        existing = _by_submission(key_hash)
        if existing is None:
            raise
        return _resubmitted(existing)
    return Submitted(visit, token)


def find_by_token(token: str) -> VisitRequest | None:
    """The request a private link opens, or None (the caller answers 404 either way)."""
    if not token or len(token) > 128:
        return None
    return db.session.scalar(
        sa.select(VisitRequest)
        .join(VisitLink)
        .where(VisitLink.token_hash == hash_token(token))
        .options(
            selectinload(VisitRequest.facilities),
            selectinload(VisitRequest.slots),
            selectinload(VisitRequest.events),
            selectinload(VisitRequest.feedback),
        )
    )


def cancel_by_organiser(request_id: int, reason: str) -> VisitRequest:
    """The organiser cancels through the private link; a booked visit frees its facilities
    (and its guides, through the staff diary's hook)."""
    with write_lock():
        visit = lock_request(request_id)
        was_scheduled = visit.cancel(reason, actor=None, by_organiser=True)
        forget_visitor_list(visit)
        _release_staff(visit)
        token = add_link(visit)
        notifications.cancelled(visit, token, was_scheduled, coordinators())
        record(None, "visit.cancel", "visit_request", visit.id, by="organiser")
        db.session.commit()
    return visit


def choose_proposed_date(request_id: int, slot_id: int) -> VisitRequest:
    """The organiser takes one of the dates staff proposed: the visit is scheduled and its
    facilities are held."""
    with write_lock():
        visit = lock_request(request_id)
        visit.ensure_can(Action.CHOOSE_DATE)
        slot = visit.slot(slot_id)
        if slot is None or slot.kind != SlotKind.PROPOSED:
            raise DomainError(_("Choose one of the dates we proposed."), field="slot_id")
        if slot.starts_at <= utcnow():
            raise DomainError(_("This date has passed. Please choose another one."), field="slot_id")
        starts_at, ends_at = slot.starts_at, slot.ends_at
        try:
            hold_facilities(visit, starts_at, ends_at)
        except DomainError as error:
            # Who else visits stays private: the organiser only learns the date is gone.
            raise DomainError(
                _(
                    "Sorry, this date has just been taken. Please choose another one, "
                    "or contact us and we will find a new date."
                ),
                field="slot_id",
            ) from error
        visit.schedule(starts_at, ends_at, None, by_organiser=True)
        _book_staff(visit)
        token = add_link(visit)
        notifications.scheduled(visit, token)
        notifications.date_chosen(visit, coordinators())
        record(None, "visit.choose_date", "visit_request", visit.id)
        db.session.commit()
    return visit


@dataclass
class StaffDiaryHooks:
    """How the organiser's choices reach the staff diary (guides, a staff interpreter), which
    the staff side of the feature keeps: it sets these at import. Each takes the locked visit,
    in the caller's transaction; `book_proposed` raises DomainError when a guide is no longer free.
    """

    book_proposed: Callable[[VisitRequest], None] = lambda visit: None
    release: Callable[[VisitRequest], None] = lambda visit: None


STAFF_DIARY = StaffDiaryHooks()


def _book_staff(visit: VisitRequest) -> None:
    STAFF_DIARY.book_proposed(visit)


def _release_staff(visit: VisitRequest) -> None:
    STAFF_DIARY.release(visit)


class Saved(StrEnum):
    CREATED = "created"
    CHANGED = "changed"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class FeedbackData:
    satisfaction: int
    comments: str


def give_feedback(request_id: int, data: FeedbackData, now: datetime | None = None) -> Saved:
    """The organiser's answers after the visit: first given, changed, or the same again."""
    with write_lock():
        visit = lock_request(request_id)
        before = (visit.feedback.satisfaction, visit.feedback.comments) if visit.feedback else None
        if before == (data.satisfaction, data.comments):
            db.session.rollback()
            return Saved.UNCHANGED
        visit.give_feedback(data.satisfaction, data.comments, now or utcnow())
        record(None, "visit.feedback", "visit_request", visit.id, satisfaction=data.satisfaction)
        db.session.commit()
    return Saved.CREATED if before is None else Saved.CHANGED
