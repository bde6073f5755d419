"""Offers: the student's view and answer, places passed down the waiting list, withdrawals, deadlines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from booking.audit.services import record
from booking.core.errors import DomainError
from booking.core.i18n import format_datetime
from booking.core.time import utcnow
from booking.db import write_lock
from booking.extensions import db
from booking.review import services as review_services
from booking.selection import notifications
from booking.selection.models import Decision
from booking.selection.services.places import (
    decision_of,
    free_place,
    waitlist_ranks,
    waitlisted,
)
from booking.staff.models import User
from booking.youth.models import (
    Application,
    ApplicationStatus,
    ChangedBy,
    Cohort,
)
from booking.youth.services import lock_cohort, new_student_link


@dataclass
class OfferView:
    """What the student's page shows about the result and the offer."""

    status: ApplicationStatus
    decision: Decision | None
    can_answer: bool
    waitlist_rank: int | None
    has_calendar: bool


def offer_view(application: Application, now: datetime | None = None) -> OfferView | None:
    """The result as the student sees it, or None before the results are published."""
    if application.cohort.results_published_at is None or application.is_draft:
        return None
    now = now or utcnow()
    decision = decision_of(application)
    rank = waitlist_ranks(application.cohort).get(application.id)
    return OfferView(
        status=application.status,
        decision=decision,
        can_answer=decision is not None and decision.offer_is_open(now),
        waitlist_rank=rank,
        has_calendar=application.status == ApplicationStatus.CONFIRMED,
    )


def offers_awaiting_answer() -> dict[int, int]:
    """cohort id -> offers made after publication that the student has not answered yet."""
    return dict(
        db.session.execute(
            sa.select(Application.cohort_id, sa.func.count())
            .join(Cohort, Cohort.id == Application.cohort_id)
            .where(Cohort.results_published_at.is_not(None), Application.status == ApplicationStatus.ACCEPTED)
            .group_by(Application.cohort_id)
        ).all()
    )


review_services.AWAITING_ANSWERS.append(offers_awaiting_answer)


def _fill_places(cohort: Cohort, now: datetime, actor: User | None) -> list[Application]:
    """Offer every free place to the next on the waiting list (with consent), in order."""
    promoted: list[Application] = []
    waiting = [(a, d) for a, d in waitlisted(cohort) if a.can_be_offered_a_place()]
    while waiting:
        number = free_place(cohort)
        if number is None:
            break
        application, decision = waiting.pop(0)
        decision.waitlist_position = None
        db.session.flush()
        decision.place_number = number
        decision.make_offer(now, cohort.offer_days)
        application.offer_place(
            by=ChangedBy.STAFF if actor else ChangedBy.SYSTEM, actor=actor, note="from the waiting list"
        )
        db.session.flush()
        notifications.offered_from_waitlist(application, decision, new_student_link(application))
        record(
            actor,
            "selection.offer.promote",
            "youth_application",
            application.id,
            code=application.code,
            place=number,
            deadline=decision.offer_deadline_at.isoformat(),
        )
        promoted.append(application)
    return promoted


def _leave_place(application: Application, decision: Decision, now: datetime, actor: User | None):
    """After a decline, an expiry or a withdrawal: free the place and pass it on."""
    cohort = application.cohort
    decision.free_place()
    decision.waitlist_position = None
    db.session.flush()
    promoted = _fill_places(cohort, now, actor)
    notifications.place_passed(cohort, application, promoted)
    return promoted


def answer_offer(application: Application, accept: bool, now: datetime | None = None) -> list[Application]:
    """The selected student accepts or declines the place before the deadline.

    A decline passes the place to the next on the waiting list at once; coordinators are told.
    """
    with write_lock():
        now = now or utcnow()
        lock_cohort(application.cohort_id)  # held to the commit: one answer or change at a time
        application = db.session.get(Application, application.id, populate_existing=True)
        decision = decision_of(application)
        if application.status == ApplicationStatus.CONFIRMED and accept:
            raise DomainError(_("You have already accepted your place."))
        if (
            decision is None
            or application.status != ApplicationStatus.ACCEPTED
            or decision.offered_at is None
        ):
            raise DomainError(_("There is no offer to answer on this application."))
        if not decision.offer_is_open(now):
            raise DomainError(
                _(
                    "The deadline to answer passed on %(date)s, so the place has gone to another student.",
                    date=format_datetime(decision.offer_deadline_at),
                )
            )
        if accept and not application.can_be_offered_a_place():
            raise DomainError(
                _(
                    "The place cannot be accepted without your guardian's consent. Please contact us "
                    "about your application."
                )
            )
        decision.answered_at = now
        promoted: list[Application] = []
        if accept:
            application.accept_place()
            notifications.confirmed(application, decision, new_student_link(application))
            record(None, "selection.offer.accept", "youth_application", application.id, code=application.code)
        else:
            application.decline_place()
            notifications.declined(application, decision)
            record(
                None, "selection.offer.decline", "youth_application", application.id, code=application.code
            )
            promoted = _leave_place(application, decision, now, None)
        db.session.commit()
    return promoted


def withdraw(application: Application, actor: User) -> list[Application]:
    """Staff record that a student leaves (after the results): the place or waiting spot is freed."""
    with write_lock():
        now = utcnow()
        cohort = lock_cohort(application.cohort_id)
        application = db.session.get(Application, application.id, populate_existing=True)
        if cohort.results_published_at is None:
            raise DomainError(_("Before the results are published, change the decision instead."))
        decision = decision_of(application)
        held = application.holds_place
        application.withdraw(actor)
        record(actor, "selection.offer.withdraw", "youth_application", application.id, code=application.code)
        promoted: list[Application] = []
        if decision is not None:
            if held:
                promoted = _leave_place(application, decision, now, actor)
            else:
                decision.waitlist_position = None
        db.session.commit()
    return promoted


def send_offer_reminders(now: datetime | None = None) -> str:
    """Expire offers past their deadline (passing the place on), and remind once before it."""
    now = now or utcnow()
    expired = reminded = promoted = 0
    with write_lock():
        cohort_ids = db.session.scalars(
            sa.select(Application.cohort_id)
            .join(Cohort, Cohort.id == Application.cohort_id)
            .where(Application.status == ApplicationStatus.ACCEPTED, Cohort.results_published_at.is_not(None))
            .distinct()
            .order_by(Application.cohort_id)
        ).all()
        for cohort_id in cohort_ids:
            lock_cohort(cohort_id)  # then read the offers: no answer can slip in between
        open_offers = list(
            db.session.execute(
                sa.select(Application, Decision)
                .join(Decision, Decision.application_id == Application.id)
                .where(
                    Application.cohort_id.in_(cohort_ids),
                    Application.status == ApplicationStatus.ACCEPTED,
                    Decision.offer_deadline_at.is_not(None),
                )
                .options(joinedload(Application.applicant))
                .order_by(Decision.offer_deadline_at, Application.id)
                .execution_options(populate_existing=True)
            ).all()
        )
        for application, decision in open_offers:
            if now >= decision.offer_deadline_at:
                application.expire_offer()
                notifications.expired(application, decision)
                record(
                    None, "selection.offer.expire", "youth_application", application.id, code=application.code
                )
                promoted += len(_leave_place(application, decision, now, None))
                expired += 1
            elif decision.reminder_sent_at is None and now >= decision.reminder_due_at:
                sent = notifications.offer_reminder(application, decision, new_student_link(application))
                decision.reminder_sent_at = now
                if sent:
                    record(
                        None,
                        "selection.offer.remind",
                        "youth_application",
                        application.id,
                        code=application.code,
                    )
                    reminded += 1
        db.session.commit()
    return (
        f"Youth selection: {reminded} offer reminder(s) queued, {expired} offer(s) expired, "
        f"{promoted} place(s) offered from the waiting list."
    )
