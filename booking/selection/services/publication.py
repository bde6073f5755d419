"""The results: what stops them, the preview of their emails, and publishing them."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from booking.audit.services import record
from booking.core.errors import DomainError
from booking.core.time import utcnow
from booking.core.urls import absolute_url
from booking.db import write_lock
from booking.extensions import db
from booking.notifications.services import RenderedEmail
from booking.review import services as review_services
from booking.selection import notifications
from booking.selection.models import Decision, offer_deadline
from booking.selection.services.feedback import cohort_feedback
from booking.selection.services.places import (
    DECIDABLE,
    cohort_decisions,
    decision_for,
    waitlist_ranks,
)
from booking.staff.models import User
from booking.youth.models import (
    DECISIONS,
    Application,
    ApplicationStatus,
    Cohort,
)
from booking.youth.services import lock_cohort, new_student_link


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
    decisions = cohort_decisions(cohort)
    ranks = waitlist_ranks(cohort)
    feedback = cohort_feedback(cohort)
    groups: dict[tuple[ApplicationStatus, str, str], list[Application]] = {}
    for application in applications:
        for audience in notifications.AUDIENCES:
            key = (application.status, audience, application.applicant.language)
            groups.setdefault(key, []).append(application)
    items = []
    order = {s: i for i, s in enumerate(DECISIONS)}
    for (status, audience, language), members in sorted(
        groups.items(), key=lambda kv: (order[kv[0][0]], kv[0][1] == "guardian", kv[0][2])
    ):
        # A sample with a note, when one has it, so the note is read before it goes.
        sample = next((m for m in members if m.id in feedback and feedback[m.id].note), members[0])
        decision = decisions.get(sample.id)
        if status == ApplicationStatus.ACCEPTED and decision is not None:
            # As it will read: the deadline counted from today (Japan time).
            decision = Decision(offered_at=now, offer_deadline_at=offer_deadline(now, cohort.offer_days))
        placeholder = absolute_url("youth.index") + "applications/(" + _("private link") + ")"
        email = notifications.render_result(
            sample, decision, placeholder, ranks.get(sample.id), audience, language, feedback.get(sample.id)
        )
        items.append(PreviewItem(status, audience, language, len(members), sample.code, email))
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
        cohort = lock_cohort(cohort.id)
        if cohort.results_published_at is not None:
            db.session.rollback()
            return PublishReport(0, already=True)
        problems = publication_problems(cohort)
        if problems:
            raise DomainError(" ".join(problems))
        cohort.results_published_at = now
        applications = _decided_applications(cohort)
        decisions = cohort_decisions(cohort)
        ranks = waitlist_ranks(cohort)
        feedback = cohort_feedback(cohort)
        queued = 0
        counts = {s.value: 0 for s in DECISIONS}
        for application in applications:
            decision = decisions.get(application.id) or decision_for(application)
            if application.status == ApplicationStatus.ACCEPTED:
                decision.make_offer(now, cohort.offer_days)
            counts[application.status.value] += 1
            link = new_student_link(application)
            queued += notifications.result(
                application, decision, link, ranks.get(application.id), feedback.get(application.id)
            )
        record(actor, "selection.publish", "youth_cohort", cohort.id, emails=queued, **counts)
        db.session.commit()
    return PublishReport(queued)
