"""Private links: opening an application by its link, and sending links again."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from booking.audit.services import record
from booking.core.errors import DomainError
from booking.core.i18n import current_language
from booking.core.ratelimit import first_in_window
from booking.core.time import utcnow
from booking.core.tokens import hash_token, new_token
from booking.core.urls import absolute_url
from booking.db import write_lock
from booking.extensions import db
from booking.staff.models import User
from booking.youth import notifications
from booking.youth.models import (
    AccessLink,
    Applicant,
    Application,
    ApplicationStatus,
    Audience,
    Cohort,
)
from booking.youth.rules import normalise_email


def application_for_token(token: str, audience: Audience) -> Application | None:
    """The application a private link opens, or None for any wrong, revoked or other link."""
    return db.session.scalar(
        sa.select(Application)
        .join(AccessLink, AccessLink.application_id == Application.id)
        .where(
            AccessLink.token_hash == hash_token(token),
            AccessLink.audience == audience,
            AccessLink.revoked_at.is_(None),
        )
        .options(joinedload(Application.applicant))
    )


def issue_link(application: Application, audience: Audience) -> str:
    token, digest = new_token()
    db.session.add(AccessLink(application=application, audience=audience, token_hash=digest))
    return token


def new_student_link(application: Application) -> str:
    """A fresh private link to the student's page, as a full address (only its hash is stored)."""
    return absolute_url("youth.application", token=issue_link(application, Audience.STUDENT))


def revoke_links(application: Application, audience: Audience) -> None:
    db.session.execute(
        sa.update(AccessLink)
        .where(
            AccessLink.application_id == application.id,
            AccessLink.audience == audience,
            AccessLink.revoked_at.is_(None),
        )
        .values(revoked_at=utcnow())
    )


def ask_guardian(application: Application) -> None:
    """Ask the guardian for consent, with a fresh consent link."""
    notifications.consent_requested(application, issue_link(application, Audience.GUARDIAN))


# Emails of "send my link again" per address; further requests are answered the same.
LINK_EMAILS_PER_ADDRESS = "1 per 15 minutes"


def resend_link(cohort: Cohort, email: str) -> None:
    """Email a fresh private link to the address on file, when it has an application or draft.

    Silent either way, and the same work either way (see youth.notifications): the answer
    and its timing say nothing about whether the address has applied. The link opens the
    application, or else the latest draft. One email per address in LINK_EMAILS_PER_ADDRESS,
    known or not: nobody can flood a student's inbox or pile up live links.
    """
    address = normalise_email(email)
    if not address or not first_in_window("youth-link", address, LINK_EMAILS_PER_ADDRESS):
        return
    with write_lock():
        rows = list(
            db.session.scalars(
                sa.select(Application)
                .join(Applicant)
                .where(Application.cohort_id == cohort.id, Applicant.email == address)
                .options(joinedload(Application.applicant))
                .order_by(Application.id)
            )
        )
        submitted = [a for a in rows if not a.is_draft]
        target = (submitted or rows or [None])[-1]
        token, digest = new_token()
        notifications.link_again(
            cohort,
            target,
            address,
            digest,
            absolute_url("youth.application", token=token),
            target.applicant.language if target is not None else current_language(),
        )
        # Written for every request, known address or not (no address in it).
        record(None, "youth.link.request", "youth_cohort", cohort.id)
        db.session.commit()


def sent_application(application_id: int) -> Application:
    """A sent application with its applicant, fresh from the database (under the write lock)."""
    application = db.session.scalar(
        sa.select(Application)
        .where(Application.id == application_id, Application.status != ApplicationStatus.DRAFT)
        .options(joinedload(Application.applicant), joinedload(Application.cohort))
        .execution_options(populate_existing=True)
    )
    if application is None:
        raise DomainError(_("This application no longer exists."))
    return application


def send_student_link_again(application_id: int, actor: User) -> Application:
    """Staff send the student a fresh private link, to the address on file.

    Staff never read a student's or guardian's link; one who lost it gets it again this
    way. Links sent earlier keep working. The audit entry holds ids only.
    """
    with write_lock():
        application = sent_application(application_id)
        if not application.applicant.email:
            raise DomainError(_("This application no longer has the student's email address."))
        notifications.link_sent_again(application, issue_link(application, Audience.STUDENT))
        record(actor, "youth.link.resend", "youth_application", application.id, audience="student")
        db.session.commit()
    return application


def send_consent_link_again(application_id: int, actor: User) -> Application:
    """Staff send the guardian a fresh consent link, while the guardian can still answer."""
    with write_lock():
        application = sent_application(application_id)
        if not application.can_answer_consent():
            raise DomainError(_("The results have been published: the answer can no longer be changed."))
        if not application.applicant.guardian_email:
            raise DomainError(_("This application no longer has the guardian's email address."))
        ask_guardian(application)
        record(actor, "youth.link.resend", "youth_application", application.id, audience="guardian")
        db.session.commit()
    return application
