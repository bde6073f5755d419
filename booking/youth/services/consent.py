"""The guardian's consent, and reminders to guardians who have not answered."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from booking.audit.services import record
from booking.core.batches import BATCH_SIZE, id_batches
from booking.core.errors import DomainError
from booking.core.time import utcnow
from booking.db import write_lock
from booking.extensions import db
from booking.youth import notifications
from booking.youth.models import (
    NEEDING_CONSENT,
    Application,
    ApplicationStatus,
    Audience,
    ChangedBy,
    Cohort,
    ConsentStatus,
)
from booking.youth.services.links import issue_link
from booking.youth.services.locking import lock_cohort

# Called with an application whose decision is taken back because its guardian withdrew
# consent before publication: selection frees its place or its spot on the waiting list.
DECISION_TAKEN_BACK: list[Callable[[Application], None]] = []


def consent_closed_message() -> str:
    return _("The results have been published: the answer can no longer be changed.")


def answer_consent(application: Application, decision: ConsentStatus, signed_name: str) -> None:
    """The guardian's answer, with the typed name as signature and the time.

    The cohort's row is locked first, as selection locks it to decide and to publish: an
    answer and a publication never cross. A refusal before publication takes back a place
    or a spot on the waiting list already decided.
    """
    if not signed_name.strip():
        raise DomainError(_("Type your full name to sign your answer."), field="signed_name")
    with write_lock():
        cohort = lock_cohort(application.cohort_id)
        application = db.session.get(Application, application.id, populate_existing=True)
        if not cohort.can_change_consent():
            raise DomainError(consent_closed_message())
        applicant = application.applicant  # loaded before the changes: no flush in between
        application.record_consent(decision, utcnow())
        applicant.consent_signed_name = signed_name.strip()
        if decision != ConsentStatus.GIVEN and application.status in NEEDING_CONSENT:
            taken_back = application.status
            application.take_back_decision(by=ChangedBy.GUARDIAN, note="consent withdrawn")
            for release in DECISION_TAKEN_BACK:
                release(application)
            record(
                None,
                "youth.decision.taken_back",
                "youth_application",
                application.id,
                code=application.code,
                decision=taken_back.value,
            )
        notifications.consent_recorded(application)
        record(None, "youth.consent", "youth_application", application.id, consent=decision.value)
        db.session.commit()


def send_consent_reminders(now: datetime | None = None, batch_size: int = BATCH_SIZE) -> str:
    """Remind guardians who have not answered, the cohort's set days before the window closes; once."""
    now = now or utcnow()
    queued = 0
    with write_lock():
        # A list, not a cursor: the batches below commit (and expire) as they go.
        cohorts = db.session.scalars(
            sa.select(Cohort).where(Cohort.opens_at <= now, Cohort.closes_at > now)
        ).all()
        for cohort in cohorts:
            if now < cohort.closes_at - timedelta(days=cohort.consent_reminder_days):
                continue
            waiting = sa.select(Application.id).where(
                Application.cohort_id == cohort.id,
                Application.status == ApplicationStatus.SUBMITTED,
                Application.consent_status == ConsentStatus.PENDING,
            )
            for ids in id_batches(waiting, Application.id, batch_size):  # each batch committed
                applications = db.session.scalars(
                    sa.select(Application)
                    .where(Application.id.in_(ids))
                    .options(joinedload(Application.applicant))
                    .order_by(Application.id)
                )
                for application in applications:
                    if notifications.consent_reminder_queued(application):
                        continue
                    notifications.consent_reminder(application, issue_link(application, Audience.GUARDIAN))
                    queued += 1
                db.session.commit()
        db.session.commit()
    return f"Youth training: {queued} consent reminder(s) to guardians queued."
