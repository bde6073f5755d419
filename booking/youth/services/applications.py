"""Staff: the lists, pages and exports of a cohort's applications."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import joinedload, selectinload

from booking.audit.services import record
from booking.core.batches import streamed
from booking.extensions import db
from booking.schools.models import School
from booking.staff.models import User
from booking.youth.models import (
    GRADES,
    Applicant,
    Application,
    ApplicationStatus,
    Cohort,
    ConsentStatus,
)


@dataclass(frozen=True)
class ApplicationFilters:
    status: str | None = None
    consent: str | None = None
    grade: int | None = None
    school_id: int | None = None
    query: str | None = None

    def as_details(self) -> dict[str, Any]:
        """The filters for an audit entry: known choices only, never the free-text search.

        Whatever else the query string holds (it is typed by hand as easily) is left out.
        """
        choices = {
            "status": self.status if self.status in {s.value for s in ApplicationStatus} else None,
            "consent": self.consent if self.consent in {s.value for s in ConsentStatus} else None,
            "grade": self.grade if self.grade in GRADES else None,
        }
        return {k: v for k, v in choices.items() if v} | ({"searched": True} if self.query else {})


def _applications_query(cohort: Cohort, filters: ApplicationFilters) -> sa.Select:
    stmt = (
        sa.select(Application)
        .join(Applicant)
        .where(Application.cohort_id == cohort.id, Application.status != ApplicationStatus.DRAFT)
        .options(joinedload(Application.applicant).joinedload(Applicant.school))
    )
    if filters.status in {s.value for s in ApplicationStatus} - {"draft"}:
        stmt = stmt.where(Application.status == ApplicationStatus(filters.status))
    if filters.consent in {s.value for s in ConsentStatus}:
        stmt = stmt.where(Application.consent_status == ConsentStatus(filters.consent))
    if filters.grade in GRADES:
        stmt = stmt.where(Applicant.grade == filters.grade)
    if filters.school_id:
        stmt = stmt.where(Applicant.school_id == filters.school_id)
    if filters.query:
        like = f"%{filters.query.strip()}%"
        stmt = stmt.where(
            sa.or_(
                Application.code.ilike(like),
                Applicant.family_name.ilike(like),
                Applicant.given_name.ilike(like),
                Applicant.family_name_kana.ilike(like),
                Applicant.given_name_kana.ilike(like),
                Applicant.school_name.ilike(like),
            )
        )
    return stmt.order_by(Application.code)


def list_applications(
    cohort: Cohort, filters: ApplicationFilters, page: int = 1, per_page: int = 50
) -> Pagination:
    return db.paginate(_applications_query(cohort, filters), page=page, per_page=per_page, error_out=False)


def view_applications(cohort: Cohort, filters: ApplicationFilters, page: int, actor: User) -> Pagination:
    """The staff list of a cohort's applications (names, schools); the viewing is audited.

    The entry holds the filters and the page, and whether a search was used, never its text.
    """
    # Audited first: a commit after loading would expire every row the page then reads.
    record(actor, "youth.applications.view", "youth_cohort", cohort.id, page=page, **filters.as_details())
    db.session.commit()
    return list_applications(cohort, filters, page=page)


def application_summary(cohort: Cohort) -> dict[str, int]:
    """Counts for the list's heading: applications, consent states, drafts in progress."""
    rows = db.session.execute(
        sa.select(Application.status, Application.consent_status, sa.func.count())
        .where(Application.cohort_id == cohort.id)
        .group_by(Application.status, Application.consent_status)
    ).all()
    summary = {"applications": 0, "drafts": 0} | {s.value: 0 for s in ConsentStatus}
    for status, consent, n in rows:
        if status == ApplicationStatus.DRAFT:
            summary["drafts"] += n
        else:
            summary["applications"] += n
            summary[consent.value] += n
    return summary


def schools_in(cohort: Cohort) -> list[School]:
    """The schools that applications of this cohort come from, for the filter."""
    return list(
        db.session.scalars(
            sa.select(School)
            .join(Applicant, Applicant.school_id == School.id)
            .join(Application)
            .where(Application.cohort_id == cohort.id, Application.status != ApplicationStatus.DRAFT)
            .distinct()
            .order_by(School.name)
        )
    )


EXPORT_HEADER = (
    "code",
    "status",
    "submitted_at",
    "family_name",
    "given_name",
    "family_name_kana",
    "given_name_kana",
    "school",
    "grade",
    "email",
    "phone",
    "guardian_name",
    "guardian_relationship",
    "guardian_email",
    "guardian_phone",
    "consent",
    "consent_answered_at",
    "essay_chars",
)


# Rows an export reads from the database at a time (a server-side cursor on PostgreSQL).
EXPORT_BATCH = 500


def export_applications(
    cohort: Cohort, filters: ApplicationFilters, fmt: str, actor: User
) -> Iterator[list[Any]]:
    """The rows of the export (the essays themselves are not exported), read EXPORT_BATCH at a
    time as the download streams; the export is audited first.
    """
    query = _applications_query(cohort, filters)
    count = db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
    record(
        actor,
        "youth.applications.export",
        "youth_cohort",
        cohort.id,
        format=fmt,
        rows=count,
        **filters.as_details(),
    )
    db.session.commit()
    return (_export_row(application) for application in streamed(query, EXPORT_BATCH))


def _export_row(application: Application) -> list[Any]:
    applicant = application.applicant
    return [
        application.code,
        application.status.label,
        application.submitted_at,
        applicant.family_name,
        applicant.given_name,
        applicant.family_name_kana,
        applicant.given_name_kana,
        applicant.school_label,
        applicant.grade,
        applicant.email,
        applicant.phone,
        applicant.guardian_name,
        applicant.guardian_relationship,
        applicant.guardian_email,
        applicant.guardian_phone,
        application.consent_status.label,
        application.consent_answered_at,
        application.essay_chars,
    ]


def export_header() -> list[str]:
    labels = {
        "code": _("Applicant code"),
        "status": _("Status"),
        "submitted_at": _("Sent at"),
        "family_name": _("Family name"),
        "given_name": _("Given name"),
        "family_name_kana": _("Family name in kana"),
        "given_name_kana": _("Given name in kana"),
        "school": _("School"),
        "grade": _("Year"),
        "email": _("Email address"),
        "phone": _("Phone number"),
        "guardian_name": _("Guardian's name"),
        "guardian_relationship": _("Relationship"),
        "guardian_email": _("Guardian's email address"),
        "guardian_phone": _("Guardian's phone number"),
        "consent": _("Guardian's consent"),
        "consent_answered_at": _("Answered at"),
        "essay_chars": _("Essay length (characters)"),
    }
    return [labels[column] for column in EXPORT_HEADER]


def view_application(application_id: int, actor: User) -> Application | None:
    """One application with its personal data and essay, for staff; the viewing is audited."""
    application = db.session.scalar(
        sa.select(Application)
        .where(Application.id == application_id, Application.status != ApplicationStatus.DRAFT)
        .options(
            joinedload(Application.applicant).joinedload(Applicant.school),
            joinedload(Application.cohort),
            selectinload(Application.history),
        )
    )
    if application is None:
        return None
    record(actor, "youth.application.view", "youth_application", application.id, code=application.code)
    db.session.commit()
    return application
