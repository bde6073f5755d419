"""Retention: deleting applicants' personal data after the fiscal year that follows their cohort."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from booking.audit.services import record
from booking.core.time import JST, fiscal_year, utcnow
from booking.db import write_lock
from booking.extensions import db
from booking.notifications.models import OutboxEmail
from booking.youth.models import (
    AccessLink,
    Applicant,
    Application,
    ApplicationStatus,
    Cohort,
)

PERSONAL_FIELDS = (
    "family_name",
    "given_name",
    "family_name_kana",
    "given_name_kana",
    "school_name",
    "email",
    "phone",
    "guardian_name",
    "guardian_relationship",
    "guardian_email",
    "guardian_phone",
    "consent_signed_name",
)


def purge_personal_data(now: datetime | None = None) -> str:
    """Delete applicants' personal data once the fiscal year after their cohort's has ended.

    Codes, statuses, consent states, schools and grades stay, so the counts of the track
    record are kept; names, contacts, typed signatures, the essays and the keyed hash of
    the student's address go, every private link stops working, and the emails about the
    applications (queued, sent or failed) are deleted with them.
    """
    now = now or utcnow()
    current_year = fiscal_year(now.astimezone(JST).date())
    purged = 0
    with write_lock():
        cohorts = db.session.scalars(
            sa.select(Cohort).where(
                Cohort.fiscal_year <= current_year - 2, Cohort.personal_data_purged_at.is_(None)
            )
        )
        for cohort in cohorts:
            ids = sa.select(Application.id).where(Application.cohort_id == cohort.id).scalar_subquery()
            db.session.execute(
                sa.delete(OutboxEmail).where(
                    sa.or_(
                        sa.and_(
                            OutboxEmail.related_type == "youth_application",
                            OutboxEmail.related_id.in_(
                                sa.select(sa.cast(Application.id, sa.String)).where(
                                    Application.cohort_id == cohort.id
                                )
                            ),
                        ),
                        sa.and_(
                            OutboxEmail.related_type == "youth_cohort",
                            OutboxEmail.related_id == str(cohort.id),
                        ),
                    )
                )
            )
            db.session.execute(
                sa.update(Applicant)
                .where(Applicant.application_id.in_(ids))
                .values({name: "" for name in PERSONAL_FIELDS})
            )
            db.session.execute(
                sa.update(Application)
                .where(Application.cohort_id == cohort.id)
                .values(essay="", submission_key_hash=None, email_key=None, purged_at=now)
            )
            db.session.execute(
                sa.update(AccessLink).where(AccessLink.application_id.in_(ids)).values(revoked_at=now)
            )
            db.session.execute(
                sa.delete(Application).where(
                    Application.cohort_id == cohort.id, Application.status == ApplicationStatus.DRAFT
                )
            )
            cohort.personal_data_purged_at = now
            record(None, "youth.cohort.purge", "youth_cohort", cohort.id, fiscal_year=cohort.fiscal_year)
            purged += 1
        db.session.commit()
    return f"Youth training: personal data of {purged} past cohort(s) deleted."
