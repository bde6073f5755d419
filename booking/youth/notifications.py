"""Every email the youth training sends: to the student, to the guardian.

Services call these in their transaction; each writes the outbox row (see
booking.notifications) and nothing else calls `queue_email` for the youth training.

The private link sent again (`link_again`) is written so that a known and an unknown
address cost the same. "Send my link again" must not tell by its timing whether an address
has applied. So the same work is done either way: the email is rendered, and the private
link and the outbox row are written by INSERT ... SELECT from the application's row, which
for an unknown address selects nothing. The statements are the same; only the rows they
write differ.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app

from booking.core.time import utcnow
from booking.core.urls import absolute_url
from booking.extensions import db
from booking.notifications.models import EmailStatus, OutboxEmail
from booking.notifications.services import queue_email, render_email
from booking.youth.models import AccessLink, Application, ApplicationStatus, Audience, Cohort, applicant_code

LINK_TEMPLATE = "youth/link_to_student"


def _context(application: Application, link: str | None = None) -> dict[str, Any]:
    return {
        "application": application,
        "applicant": application.applicant,
        "cohort": application.cohort,
        "link": link,
    }


def _student_page(token: str) -> str:
    return absolute_url("youth.application", token=token)


def _to_student(application: Application, template: str, link: str | None = None) -> None:
    queue_email(
        application.applicant.email,
        f"youth/{template}_to_student",
        application.applicant.language,
        _context(application, link),
        related=("youth_application", application.id),
    )


def draft_saved(application: Application, token: str) -> None:
    """A new draft: the link to come back to it."""
    _to_student(application, "draft_saved", _student_page(token))


def submitted(application: Application, token: str) -> None:
    """The application is sent: its code and the student's private link."""
    _to_student(application, "submitted", _student_page(token))


def updated(application: Application) -> None:
    _to_student(application, "updated")


def link_sent_again(application: Application, token: str) -> None:
    """Staff sent the student a fresh private link."""
    _to_student(application, "link", _student_page(token))


def consent_recorded(application: Application) -> None:
    """The student is told of the guardian's answer."""
    _to_student(application, "consent_recorded")


def _to_guardian(application: Application, template: str, token: str, dedupe_key: str | None = None) -> None:
    """To the guardian, with their own private link (to the consent page)."""
    queue_email(
        application.applicant.guardian_email,
        f"youth/{template}_to_guardian",
        application.applicant.language,
        _context(application, absolute_url("youth.consent", token=token)),
        dedupe_key=dedupe_key,
        related=("youth_application", application.id),
    )


def consent_requested(application: Application, token: str) -> None:
    """The guardian is asked to consent."""
    _to_guardian(application, "consent_request", token)


def _consent_reminder_key(application: Application) -> str:
    return f"youth:consent-reminder:{application.id}"


def consent_reminder_queued(application: Application) -> bool:
    """The guardian was reminded already (each guardian is reminded once)."""
    key = _consent_reminder_key(application)
    return db.session.scalar(sa.select(OutboxEmail.id).where(OutboxEmail.dedupe_key == key)) is not None


def consent_reminder(application: Application, token: str) -> None:
    """The guardian has not answered yet: a reminder with a fresh consent link, once."""
    _to_guardian(application, "consent_reminder", token, _consent_reminder_key(application))


def _typed(value: object, column: sa.Column) -> sa.BindParameter:
    return sa.literal(value, column.type)


def link_again(
    cohort: Cohort, application: Application | None, address: str, token_hash: str, link: str, language: str
) -> None:
    """Write the link and its email for `application`, or the same statements writing nothing."""
    # Without an application, a stand-in of the same shape is rendered (and never stored).
    shown = application or Application(
        status=ApplicationStatus.SUBMITTED, code=applicant_code(cohort.fiscal_year, 0)
    )
    rendered = render_email(
        LINK_TEMPLATE, language, {"application": shown, "applicant": None, "cohort": cohort, "link": link}
    )
    target = sa.bindparam("target_id", application.id if application else None, type_=sa.Integer)
    now = utcnow()
    links = AccessLink.__table__.c
    db.session.execute(
        sa.insert(AccessLink).from_select(
            ["application_id", "audience", "token_hash", "created_at"],
            sa.select(
                Application.id,
                _typed(Audience.STUDENT, links.audience),
                _typed(token_hash, links.token_hash),
                _typed(now, links.created_at),
            ).where(Application.id == target),
        )
    )
    emails = OutboxEmail.__table__.c
    domain = urlsplit(current_app.config["BASE_URL"]).hostname or "booking.local"
    values = {
        "message_id": f"<{uuid.uuid4().hex}@{domain}>",
        "recipient": address,
        "language": language,
        "template": LINK_TEMPLATE,
        "subject": rendered.subject,
        "body_text": rendered.text,
        "body_html": rendered.html,
        "status": EmailStatus.QUEUED,
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
        "related_type": "youth_application",
    }
    db.session.execute(
        sa.insert(OutboxEmail).from_select(
            [*values, "related_id"],
            sa.select(
                *(_typed(value, emails[name]) for name, value in values.items()),
                sa.cast(Application.id, sa.String),
            ).where(Application.id == target),
        )
    )
