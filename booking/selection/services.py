"""Selection's use cases: decisions, the email preview, publication, offers, participants.

The places are the scarce thing. Every change that takes or frees one locks the cohort's
row first (PostgreSQL: SELECT ... FOR UPDATE; SQLite: BEGIN IMMEDIATE through write_lock),
then counts under that lock; the unique (cohort, place number) constraint is the last word.
A place freed after the results are out goes at once to the next on the waiting list.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import joinedload, selectinload

from booking.audit.services import record
from booking.core.auth import Role
from booking.core.errors import DomainError
from booking.core.i18n import current_language, format_datetime
from booking.core.time import utcnow
from booking.core.tokens import new_token
from booking.core.urls import absolute_url
from booking.db import write_lock
from booking.extensions import db
from booking.notifications.ics import CalendarEvent, build_calendar, ics_attachment
from booking.notifications.services import RenderedEmail, queue_email, render_email
from booking.review import services as review_services
from booking.selection.models import ActivityReport, Attendance, AttendanceStatus, Decision
from booking.staff.models import User
from booking.staff.services import users_with_role
from booking.youth import services as youth_services
from booking.youth.models import (
    DECISIONS,
    HOLDING_A_PLACE,
    AccessLink,
    Applicant,
    Application,
    ApplicationStatus,
    Audience,
    Cohort,
    CohortEvent,
)

DECIDABLE = (ApplicationStatus.SUBMITTED, *DECISIONS)


def _lock_cohort(cohort_id: int) -> Cohort:
    """The cohort, its row locked until the commit (PostgreSQL); call inside write_lock()."""
    return db.session.get(Cohort, cohort_id, with_for_update=True, populate_existing=True)


def _decisions(cohort: Cohort) -> dict[int, Decision]:
    return {
        d.application_id: d
        for d in db.session.scalars(sa.select(Decision).where(Decision.cohort_id == cohort.id))
    }


def _decision_for(application: Application) -> Decision:
    found = db.session.scalar(sa.select(Decision).where(Decision.application_id == application.id))
    if found is None:
        found = Decision(application=application, cohort_id=application.cohort_id)
        db.session.add(found)
    return found


def _release_decision(application: Application) -> None:
    """A decision taken back before publication: its place or waiting spot is free again."""
    decision = decision_of(application)
    if decision is not None:
        decision.place_number = None
        decision.waitlist_position = None


youth_services.DECISION_TAKEN_BACK.append(_release_decision)


def get_application(application_id: int) -> Application | None:
    return db.session.get(Application, application_id)


def decision_of(application: Application) -> Decision | None:
    return db.session.scalar(sa.select(Decision).where(Decision.application_id == application.id))


def _places_held(cohort: Cohort) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Application)
        .where(Application.cohort_id == cohort.id, Application.status.in_(HOLDING_A_PLACE))
    )


def _free_place_number(cohort: Cohort) -> int | None:
    taken = set(
        db.session.scalars(
            sa.select(Decision.place_number).where(
                Decision.cohort_id == cohort.id, Decision.place_number.is_not(None)
            )
        )
    )
    return next((n for n in range(1, cohort.places + 1) if n not in taken), None)


def _waitlisted(cohort: Cohort) -> list[tuple[Application, Decision]]:
    rows = db.session.execute(
        sa.select(Application, Decision)
        .join(Decision, Decision.application_id == Application.id)
        .where(Application.cohort_id == cohort.id, Application.status == ApplicationStatus.WAITLISTED)
        .order_by(Decision.waitlist_position, Application.code)
    ).all()
    return [(a, d) for a, d in rows]


def _full_message(cohort: Cohort) -> str:
    return ngettext(
        "The only place is already given. Put this application on the waiting list, or change "
        "another decision first.",
        "All %(num)d places are already given. Put this application on the waiting list, or change "
        "another decision first.",
        cohort.places,
    )


# Decisions ----------------------------------------------------------------------------------------


@dataclass
class DecisionRow:
    application: Application
    standing: Any  # review.ranking.Standing
    decision: Decision | None


@dataclass
class Board:
    cohort: Cohort
    rows: list[DecisionRow]
    waitlist: list[DecisionRow]
    review_closed: bool
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def places_left(self) -> int:
        return max(0, self.cohort.places - self.counts.get("held", 0))


def board(cohort: Cohort) -> Board:
    """The ranking with each application's decision, and the waiting list in its order."""
    ranking = review_services.ranking(cohort)
    decisions = _decisions(cohort)
    rows = [DecisionRow(r.application, r.standing, decisions.get(r.application.id)) for r in ranking.rows]
    counts = {s.value: 0 for s in ApplicationStatus}
    for row in rows:
        counts[row.application.status.value] += 1
    counts["held"] = sum(counts[s.value] for s in HOLDING_A_PLACE)
    waitlist = sorted(
        (r for r in rows if r.application.status == ApplicationStatus.WAITLISTED and r.decision),
        key=lambda r: (r.decision.waitlist_position or 0, r.application.code),
    )
    return Board(cohort, rows, waitlist, review_services.is_closed(cohort), counts)


def _check_not_published(cohort: Cohort) -> None:
    if cohort.results_published_at is not None:
        raise DomainError(
            _(
                "The results were published on %(date)s: decisions can no longer change.",
                date=format_datetime(cohort.results_published_at),
            )
        )


def decide(cohort: Cohort, application_id: int, decision: ApplicationStatus, actor: User) -> None:
    """Accept, waitlist, not select, or take the decision back (SUBMITTED), before publication.

    Never more accepted than the cohort's places, never a place or the waiting list without
    the guardian's consent. Two coordinators giving the last place at once: the cohort's row
    lock makes the second wait, then count the first's acceptance and be refused.
    """
    if decision not in DECIDABLE:
        raise DomainError(_("Choose a decision."))
    try:
        with write_lock():
            cohort = _lock_cohort(cohort.id)
            _check_not_published(cohort)
            application = db.session.get(Application, application_id, populate_existing=True)
            if (
                application is None
                or application.cohort_id != cohort.id
                or application.status not in DECIDABLE
            ):
                raise DomainError(_("This application cannot be decided on."))
            if application.status == decision:
                return
            needs_consent = decision in (ApplicationStatus.ACCEPTED, ApplicationStatus.WAITLISTED)
            if needs_consent and not application.can_be_offered_a_place():
                raise DomainError(
                    _(
                        "%(code)s cannot be given a place or put on the waiting list: its guardian "
                        "has not consented.",
                        code=application.code,
                    )
                )
            row = _decision_for(application)
            row.place_number = None
            row.waitlist_position = None
            db.session.flush()
            if decision == ApplicationStatus.ACCEPTED:
                number = _free_place_number(cohort)
                if _places_held(cohort) >= cohort.places or number is None:
                    raise DomainError(_full_message(cohort))
                row.place_number = number
            elif decision == ApplicationStatus.WAITLISTED:
                waiting = _waitlisted(cohort)
                if len(waiting) >= cohort.waitlist_length:
                    raise DomainError(
                        ngettext(
                            "The waiting list is full (%(num)d application). Lengthen it in the cohort's "
                            "settings, or take another application off it first.",
                            "The waiting list is full (%(num)d applications). Lengthen it in the cohort's "
                            "settings, or take another application off it first.",
                            cohort.waitlist_length,
                        )
                    )
                row.waitlist_position = max((d.waitlist_position or 0 for _a, d in waiting), default=0) + 1
            row.decided_at = utcnow()
            row.decided_by_id = actor.id
            application.decide(decision, actor)
            record(
                actor,
                "selection.decide",
                "youth_application",
                application.id,
                code=application.code,
                decision=decision.value,
                place=row.place_number,
                waitlist_position=row.waitlist_position,
            )
            db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        raise DomainError(_full_message(cohort)) from None


def decide_rest(cohort: Cohort, actor: User) -> int:
    """Mark every application still undecided as not selected."""
    with write_lock():
        cohort = _lock_cohort(cohort.id)
        _check_not_published(cohort)
        undecided = list(
            db.session.scalars(
                sa.select(Application).where(
                    Application.cohort_id == cohort.id, Application.status == ApplicationStatus.SUBMITTED
                )
            )
        )
        for application in undecided:
            row = _decision_for(application)
            row.decided_at = utcnow()
            row.decided_by_id = actor.id
            application.decide(ApplicationStatus.NOT_SELECTED, actor)
            record(
                actor,
                "selection.decide",
                "youth_application",
                application.id,
                code=application.code,
                decision=ApplicationStatus.NOT_SELECTED.value,
            )
        db.session.commit()
    return len(undecided)


def move_waitlisted(cohort: Cohort, application_id: int, up: bool, actor: User) -> None:
    """Swap an application with the one before (or after) it on the waiting list."""
    with write_lock():
        cohort = _lock_cohort(cohort.id)
        waiting = _waitlisted(cohort)
        index = next((i for i, (a, _d) in enumerate(waiting) if a.id == application_id), None)
        if index is None:
            raise DomainError(_("This application is not on the waiting list."))
        other = index - 1 if up else index + 1
        if 0 <= other < len(waiting):
            (app, mine), (_other_app, theirs) = waiting[index], waiting[other]
            first, second = mine.waitlist_position, theirs.waitlist_position
            mine.waitlist_position = None
            db.session.flush()
            theirs.waitlist_position = first
            db.session.flush()
            mine.waitlist_position = second
            record(
                actor,
                "selection.waitlist.move",
                "youth_application",
                app.id,
                code=app.code,
                position=other + 1,
            )
        db.session.commit()


# Preview and publication --------------------------------------------------------------------------


def publication_problems(cohort: Cohort) -> list[str]:
    """What stops the results from going out, each in words for the coordinator."""
    problems: list[str] = []
    if not review_services.is_closed(cohort):
        problems.append(_("Close the review first, so that no score changes after the decisions."))
    applications = list(
        db.session.scalars(
            sa.select(Application)
            .where(Application.cohort_id == cohort.id, Application.status.in_(DECIDABLE))
            .order_by(Application.code)
        )
    )
    undecided = [a.code for a in applications if a.status == ApplicationStatus.SUBMITTED]
    if undecided:
        problems.append(_("These applications have no decision yet: %(codes)s.", codes=", ".join(undecided)))
    no_consent = [
        a.code
        for a in applications
        if a.status in (ApplicationStatus.ACCEPTED, ApplicationStatus.WAITLISTED)
        and not a.can_be_offered_a_place()
    ]
    if no_consent:
        problems.append(
            _(
                "These applications are selected or waiting without the guardian's consent (it may "
                "have been withdrawn): %(codes)s.",
                codes=", ".join(no_consent),
            )
        )
    if not any(a.status == ApplicationStatus.ACCEPTED for a in applications):
        problems.append(_("No application is selected yet."))
    return problems


def _student_link(application: Application) -> str:
    """A fresh private link to the student's page (only its hash is stored)."""
    token, digest = new_token()
    db.session.add(AccessLink(application=application, audience=Audience.STUDENT, token_hash=digest))
    return absolute_url("youth.application", token=token)


def _result_context(application: Application, decision: Decision | None, link: str | None, rank: int | None):
    return {
        "application": application,
        "applicant": application.applicant,
        "cohort": application.cohort,
        "decision": decision,
        "status": application.status.value,
        "link": link,
        "waitlist_rank": rank,
    }


@dataclass
class PreviewItem:
    status: ApplicationStatus
    audience: str
    language: str
    count: int
    sample_code: str
    email: RenderedEmail


def preview(cohort: Cohort, actor: User) -> tuple[list[PreviewItem], int]:
    """One sample of every email publication will send (each kind, each language), and the total.

    The samples carry real names and addresses, so the viewing is audited.
    """
    now = utcnow()
    applications = _decided_applications(cohort)
    decisions = _decisions(cohort)
    ranks = _waitlist_ranks(cohort)
    groups: dict[tuple[ApplicationStatus, str, str], list[Application]] = {}
    for application in applications:
        for audience in ("student", "guardian"):
            key = (application.status, audience, application.applicant.language)
            groups.setdefault(key, []).append(application)
    items = []
    order = {s: i for i, s in enumerate(DECISIONS)}
    for (status, audience, language), members in sorted(
        groups.items(), key=lambda kv: (order[kv[0][0]], kv[0][1] == "guardian", kv[0][2])
    ):
        sample = members[0]
        decision = decisions.get(sample.id)
        if status == ApplicationStatus.ACCEPTED and decision is not None:
            # As it will read: the deadline counted from now.
            decision = Decision(offered_at=now, offer_deadline_at=now + _offer_delta(cohort))
        placeholder = absolute_url("youth.index") + "applications/(" + _("private link") + ")"
        context = _result_context(sample, decision, placeholder, ranks.get(sample.id))
        items.append(
            PreviewItem(
                status,
                audience,
                language,
                len(members),
                sample.code,
                render_email(f"selection/result_to_{audience}", language, context),
            )
        )
    record(actor, "selection.preview.view", "youth_cohort", cohort.id, samples=len(items))
    db.session.commit()
    return items, sum(item.count for item in items)


def _decided_applications(cohort: Cohort) -> list[Application]:
    """Applications with a decision, their applicants loaded, in code order."""
    return list(
        db.session.scalars(
            sa.select(Application)
            .where(Application.cohort_id == cohort.id, Application.status.in_(DECISIONS))
            .options(joinedload(Application.applicant))
            .order_by(Application.code)
        )
    )


def _offer_delta(cohort: Cohort) -> timedelta:
    return timedelta(days=cohort.offer_days)


def _waitlist_ranks(cohort: Cohort) -> dict[int, int]:
    return {a.id: n for n, (a, _d) in enumerate(_waitlisted(cohort), start=1)}


@dataclass(frozen=True)
class PublishReport:
    queued: int
    already: bool = False


def publish_results(cohort: Cohort, actor: User) -> PublishReport:
    """Email every student and guardian their result, in their language, in one action.

    Publishing again sends nothing: the cohort is published once, and every result email
    carries a dedupe key the outbox refuses twice.
    """
    with write_lock():
        now = utcnow()
        cohort = _lock_cohort(cohort.id)
        if cohort.results_published_at is not None:
            db.session.rollback()
            return PublishReport(0, already=True)
        problems = publication_problems(cohort)
        if problems:
            raise DomainError(" ".join(problems))
        cohort.results_published_at = now
        applications = _decided_applications(cohort)
        decisions = _decisions(cohort)
        ranks = _waitlist_ranks(cohort)
        queued = 0
        counts = {s.value: 0 for s in DECISIONS}
        for application in applications:
            decision = decisions.get(application.id) or _decision_for(application)
            if application.status == ApplicationStatus.ACCEPTED:
                decision.make_offer(now, cohort.offer_days)
            counts[application.status.value] += 1
            applicant = application.applicant
            context = _result_context(
                application, decision, _student_link(application), ranks.get(application.id)
            )
            for audience, address in (("student", applicant.email), ("guardian", applicant.guardian_email)):
                sent = queue_email(
                    address,
                    f"selection/result_to_{audience}",
                    applicant.language,
                    context,
                    dedupe_key=f"selection:result:{application.id}:{audience}",
                    related=("youth_application", application.id),
                )
                queued += sent is not None
        record(actor, "selection.publish", "youth_cohort", cohort.id, emails=queued, **counts)
        db.session.commit()
    return PublishReport(queued)


# Offers -------------------------------------------------------------------------------------------


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
    rank = _waitlist_ranks(application.cohort).get(application.id)
    return OfferView(
        status=application.status,
        decision=decision,
        can_answer=decision is not None and decision.offer_is_open(now),
        waitlist_rank=rank,
        has_calendar=application.status == ApplicationStatus.CONFIRMED,
    )


def _coordinators_told(cohort: Cohort, left: Application, reason: str, promoted: list[Application]) -> None:
    for coordinator in users_with_role(Role.COORDINATOR):
        queue_email(
            coordinator.email,
            "selection/place_passed_to_coordinator",
            coordinator.language,
            {
                "cohort": cohort,
                "left": left,
                "reason": reason,
                "promoted": promoted,
                "link": absolute_url("selection.participants", cohort_id=cohort.id),
                "user": coordinator,
            },
            dedupe_key=f"selection:place-passed:{left.id}:{coordinator.id}",
            related=("youth_cohort", cohort.id),
        )


def _fill_places(cohort: Cohort, now: datetime, actor: User | None) -> list[Application]:
    """Offer every free place to the next on the waiting list (with consent), in order."""
    promoted: list[Application] = []
    waiting = [(a, d) for a, d in _waitlisted(cohort) if a.can_be_offered_a_place()]
    while waiting and _places_held(cohort) < cohort.places:
        number = _free_place_number(cohort)
        if number is None:
            break
        application, decision = waiting.pop(0)
        decision.waitlist_position = None
        db.session.flush()
        decision.place_number = number
        decision.make_offer(now, cohort.offer_days)
        application.offer_place(by="staff" if actor else "system", actor=actor, note="from the waiting list")
        db.session.flush()
        applicant = application.applicant
        context = _result_context(application, decision, _student_link(application), None)
        for audience, address in (("student", applicant.email), ("guardian", applicant.guardian_email)):
            queue_email(
                address,
                f"selection/offer_to_{audience}",
                applicant.language,
                context,
                dedupe_key=f"selection:offer:{application.id}:{audience}",
                related=("youth_application", application.id),
            )
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


def _leave_place(
    application: Application, decision: Decision, reason: str, now: datetime, actor: User | None
):
    """After a decline, an expiry or a withdrawal: free the place and pass it on."""
    cohort = application.cohort
    decision.free_place()
    decision.waitlist_position = None
    db.session.flush()
    promoted = _fill_places(cohort, now, actor)
    _coordinators_told(cohort, application, reason, promoted)
    return promoted


def answer_offer(application: Application, accept: bool, now: datetime | None = None) -> list[Application]:
    """The selected student accepts or declines the place before the deadline.

    A decline passes the place to the next on the waiting list at once; coordinators are told.
    """
    with write_lock():
        now = now or utcnow()
        cohort = _lock_cohort(application.cohort_id)
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
        applicant = application.applicant
        promoted: list[Application] = []
        if accept:
            application.accept_place()
            attachment = ics_attachment(
                _calendar_events(cohort, applicant.language), "PUBLISH", "youth-training.ics"
            )
            context = _result_context(application, decision, _student_link(application), None)
            for audience, address in (("student", applicant.email), ("guardian", applicant.guardian_email)):
                queue_email(
                    address,
                    f"selection/confirmed_to_{audience}",
                    applicant.language,
                    context,
                    attachments=[attachment],
                    dedupe_key=f"selection:confirmed:{application.id}:{audience}",
                    related=("youth_application", application.id),
                )
            record(None, "selection.offer.accept", "youth_application", application.id, code=application.code)
        else:
            application.decline_place()
            queue_email(
                applicant.email,
                "selection/declined_to_student",
                applicant.language,
                _result_context(application, decision, None, None),
                dedupe_key=f"selection:declined:{application.id}",
                related=("youth_application", application.id),
            )
            record(
                None, "selection.offer.decline", "youth_application", application.id, code=application.code
            )
            promoted = _leave_place(application, decision, "declined", now, None)
        db.session.commit()
    return promoted


def withdraw(application: Application, actor: User) -> list[Application]:
    """Staff record that a student leaves (after the results): the place or waiting spot is freed."""
    with write_lock():
        now = utcnow()
        cohort = _lock_cohort(application.cohort_id)
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
                promoted = _leave_place(application, decision, "withdrawn", now, actor)
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
            _lock_cohort(cohort_id)  # then read the offers: no answer can slip in between
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
            applicant = application.applicant
            if now >= decision.offer_deadline_at:
                application.expire_offer()
                queue_email(
                    applicant.email,
                    "selection/expired_to_student",
                    applicant.language,
                    _result_context(application, decision, None, None),
                    dedupe_key=f"selection:expired:{application.id}",
                    related=("youth_application", application.id),
                )
                record(
                    None, "selection.offer.expire", "youth_application", application.id, code=application.code
                )
                promoted += len(_leave_place(application, decision, "expired", now, None))
                expired += 1
            elif decision.reminder_sent_at is None and now >= decision.reminder_due_at:
                sent = queue_email(
                    applicant.email,
                    "selection/offer_reminder_to_student",
                    applicant.language,
                    _result_context(application, decision, _student_link(application), None),
                    dedupe_key=f"selection:offer-reminder:{application.id}",
                    related=("youth_application", application.id),
                )
                decision.reminder_sent_at = now
                if sent is not None:
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


# Calendar -----------------------------------------------------------------------------------------


def _calendar_events(cohort: Cohort, language: str) -> list[CalendarEvent]:
    domain = urlsplit(current_app.config["BASE_URL"]).hostname or "booking.local"
    link = absolute_url("youth.index")
    return [
        CalendarEvent(
            uid=f"youth-event-{event.id}@{domain}",
            sequence=event.sequence,
            start=event.starts_at,
            end=event.ends_at,
            summary=f"{event.title(language)} ({cohort.title(language)})",
            description=cohort.title(language),
            location=event.place(language),
            url=link,
        )
        for event in cohort.events
    ]


def calendar_for(application: Application, language: str | None = None) -> bytes:
    """The program's events as one .ics (a VEVENT each, stable UIDs), for a participant."""
    return build_calendar(_calendar_events(application.cohort, language or current_language()), "PUBLISH")


def _events_digest(cohort: Cohort) -> str:
    state = ";".join(f"{e.id}:{e.sequence}" for e in cohort.events)
    return hashlib.sha256(state.encode()).hexdigest()[:16]


def send_calendar(cohort: Cohort, actor: User) -> int:
    """Email the program's calendar to every participant; unchanged events are not sent twice."""
    with write_lock():
        cohort = _lock_cohort(cohort.id)
        digest = _events_digest(cohort)
        sent = 0
        for application in _participants_query(cohort):
            applicant = application.applicant
            queued = queue_email(
                applicant.email,
                "selection/calendar_to_student",
                applicant.language,
                {**_result_context(application, None, _student_link(application), None)},
                attachments=[
                    ics_attachment(
                        _calendar_events(cohort, applicant.language), "PUBLISH", "youth-training.ics"
                    )
                ],
                dedupe_key=f"selection:calendar:{application.id}:{digest}",
                related=("youth_application", application.id),
            )
            sent += queued is not None
        record(actor, "selection.calendar.send", "youth_cohort", cohort.id, emails=sent)
        db.session.commit()
    return sent


# Participants and attendance ----------------------------------------------------------------------


def _participants_query(cohort: Cohort) -> list[Application]:
    return list(
        db.session.scalars(
            sa.select(Application)
            .where(Application.cohort_id == cohort.id, Application.status == ApplicationStatus.CONFIRMED)
            .options(joinedload(Application.applicant).joinedload(Applicant.school))
            .order_by(Application.code)
        )
    )


@dataclass
class Participants:
    confirmed: list[Application]
    offers: list[tuple[Application, Decision]]
    waitlist: list[tuple[Application, Decision]]
    ended: list[tuple[Application, Decision | None]]
    attendance: dict[tuple[int, int], AttendanceStatus]
    decisions: dict[int, Decision]


def participants(cohort: Cohort, actor: User) -> Participants:
    """Those taking part (with their details), open offers, the waiting list; the viewing is audited."""
    # Audited first: a commit after loading would expire every row the page then reads.
    taking_part = (
        sa.select(sa.func.count())
        .select_from(Application)
        .where(Application.cohort_id == cohort.id, Application.status == ApplicationStatus.CONFIRMED)
    )
    record(
        actor,
        "selection.participants.view",
        "youth_cohort",
        cohort.id,
        participants=db.session.scalar(taking_part),
    )
    db.session.commit()
    decisions = _decisions(cohort)
    applications = list(
        db.session.scalars(
            sa.select(Application)
            .where(
                Application.cohort_id == cohort.id,
                Application.status.in_(
                    [
                        ApplicationStatus.ACCEPTED,
                        ApplicationStatus.CONFIRMED,
                        ApplicationStatus.WAITLISTED,
                        ApplicationStatus.DECLINED,
                        ApplicationStatus.EXPIRED,
                        ApplicationStatus.WITHDRAWN,
                    ]
                ),
            )
            .options(joinedload(Application.applicant).joinedload(Applicant.school))
            .order_by(Application.code)
        )
    )
    confirmed = [a for a in applications if a.status == ApplicationStatus.CONFIRMED]
    offers = [
        (a, decisions[a.id])
        for a in applications
        if a.status == ApplicationStatus.ACCEPTED and a.id in decisions
    ]
    waitlist = sorted(
        [
            (a, decisions[a.id])
            for a in applications
            if a.status == ApplicationStatus.WAITLISTED and a.id in decisions
        ],
        key=lambda pair: (pair[1].waitlist_position or 0, pair[0].code),
    )
    ended = [
        (a, decisions.get(a.id))
        for a in applications
        if a.status in (ApplicationStatus.DECLINED, ApplicationStatus.EXPIRED, ApplicationStatus.WITHDRAWN)
    ]
    attendance = {
        (row.event_id, row.application_id): row.status
        for row in db.session.scalars(
            sa.select(Attendance).join(CohortEvent).where(CohortEvent.cohort_id == cohort.id)
        )
    }
    return Participants(confirmed, offers, waitlist, ended, attendance, decisions)


def program_over(cohort: Cohort, now: datetime | None = None) -> bool:
    """Every event of the program has ended: nobody joins, leaves or gets a calendar any more."""
    now = now or utcnow()
    return bool(cohort.events) and all(event.ends_at <= now for event in cohort.events)


def get_event(cohort: Cohort, event_id: int) -> CohortEvent | None:
    event = db.session.get(CohortEvent, event_id)
    return event if event is not None and event.cohort_id == cohort.id else None


def attendance_sheet(cohort: Cohort, event: CohortEvent) -> list[tuple[Application, AttendanceStatus | None]]:
    marks = {
        row.application_id: row.status
        for row in db.session.scalars(sa.select(Attendance).where(Attendance.event_id == event.id))
    }
    return [(a, marks.get(a.id)) for a in _participants_query(cohort)]


def view_attendance_sheet(
    cohort: Cohort, event: CohortEvent, actor: User
) -> list[tuple[Application, AttendanceStatus | None]]:
    """The attendance sheet (participants' names) as staff open it; the viewing is audited."""
    # Audited first: a commit after loading would expire every row the page then reads.
    record(actor, "selection.attendance.view", "youth_cohort", cohort.id, event_id=event.id)
    db.session.commit()
    return attendance_sheet(cohort, event)


def record_attendance(
    cohort: Cohort, event: CohortEvent, marks: dict[int, AttendanceStatus | None], actor: User
) -> None:
    """Keep who attended the event; only participants can be marked."""
    with write_lock():
        allowed = {a.id for a in _participants_query(cohort)}
        unknown = set(marks) - allowed
        if unknown:
            raise DomainError(_("Only participants can be marked."))
        current = {
            row.application_id: row
            for row in db.session.scalars(sa.select(Attendance).where(Attendance.event_id == event.id))
        }
        for application_id, status in marks.items():
            row = current.get(application_id)
            if status is None:
                if row is not None:
                    db.session.delete(row)
            elif row is None:
                db.session.add(
                    Attendance(
                        event_id=event.id,
                        application_id=application_id,
                        status=status,
                        recorded_by_id=actor.id,
                    )
                )
            else:
                row.status = status
                row.recorded_by_id = actor.id
        counts = {s.value: sum(1 for v in marks.values() if v == s) for s in AttendanceStatus}
        record(actor, "selection.attendance.record", "youth_cohort", cohort.id, event_id=event.id, **counts)
        db.session.commit()


# Activity reports ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportData:
    title_ja: str
    body_ja: str
    title_en: str = ""
    body_en: str = ""


def report_for(cohort: Cohort) -> ActivityReport | None:
    return db.session.scalar(sa.select(ActivityReport).where(ActivityReport.cohort_id == cohort.id))


def save_report(cohort: Cohort, data: ReportData, publish: bool | None, actor: User) -> ActivityReport:
    """Save the report's text; `publish` True shows it on /youth/, False takes it down."""
    with write_lock():
        report = report_for(cohort)
        if report is None:
            report = ActivityReport(cohort_id=cohort.id, title_ja=data.title_ja, body_ja=data.body_ja)
            db.session.add(report)
        for name, value in data.__dict__.items():
            setattr(report, name, value)
        report.updated_by_id = actor.id
        if publish is True and report.published_at is None:
            report.published_at = utcnow()
        elif publish is False:
            report.published_at = None
        db.session.flush()
        action = {True: "selection.report.publish", False: "selection.report.unpublish"}.get(
            publish, "selection.report.update"
        )
        record(actor, action, "youth_cohort", cohort.id, report_id=report.id)
        db.session.commit()
    return report


def published_reports() -> list[ActivityReport]:
    """Reports staff published, newest cohort first, for /youth/."""
    return list(
        db.session.scalars(
            sa.select(ActivityReport)
            .join(Cohort)
            .where(ActivityReport.published_at.is_not(None))
            .options(selectinload(ActivityReport.cohort))
            .order_by(Cohort.fiscal_year.desc())
        )
    )


def participant_counts(cohorts: Iterable[Cohort]) -> dict[int, int]:
    """Students who took part (accepted their place) per cohort run with this system."""
    ids = [c.id for c in cohorts]
    if not ids:
        return {}
    return dict(
        db.session.execute(
            sa.select(Application.cohort_id, sa.func.count())
            .where(
                Application.cohort_id.in_(ids),
                Application.status == ApplicationStatus.CONFIRMED,
            )
            .group_by(Application.cohort_id)
        ).all()
    )
