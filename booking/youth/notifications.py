"""The private link sent again, written so that a known and an unknown address cost the same.

"Send my link again" must not tell by its timing whether an address has applied. So the
same work is done either way: the email is rendered, and the private link and the outbox
row are written by INSERT ... SELECT from the application's row, which for an unknown
address selects nothing. The statements are the same; only the rows they write differ.
"""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app

from booking.core.time import utcnow
from booking.extensions import db
from booking.notifications.models import EmailStatus, OutboxEmail
from booking.notifications.services import render_email
from booking.youth.models import AccessLink, Application, ApplicationStatus, Audience, Cohort, applicant_code

LINK_TEMPLATE = "youth/link_to_student"


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
