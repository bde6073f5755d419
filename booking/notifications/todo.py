"""Outbox lines of the staff dashboard's to-do list: emails that failed, and stuck ones."""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from booking.core.navigation import TodoItem, Urgency, register_todo
from booking.core.time import utcnow
from booking.extensions import db
from booking.notifications.models import EmailStatus, OutboxEmail
from booking.notifications.sender import stuck_condition
from booking.notifications.staff_views import OUTBOX_ROLES


def problem_counts() -> tuple[int, int]:
    """Failed emails and emails stuck in "sending", in one query."""
    failed, stuck = db.session.execute(
        sa.select(
            sa.func.count(OutboxEmail.id).filter(OutboxEmail.status == EmailStatus.FAILED),
            sa.func.count(OutboxEmail.id).filter(stuck_condition(utcnow())),
        ).where(OutboxEmail.status.in_([EmailStatus.FAILED, EmailStatus.SENDING]))
    ).one()
    return failed or 0, stuck or 0


def outbox_items(user) -> Iterator[TodoItem]:
    failed, stuck = problem_counts()
    yield TodoItem(
        label=_("Emails that could not be delivered: %(n)d", n=failed),
        count=failed,
        url=url_for("notifications.outbox", status=EmailStatus.FAILED.value),
        urgency=Urgency.FAILED_EMAILS,
    )
    yield TodoItem(
        label=_("Emails stuck while sending: %(n)d", n=stuck),
        count=stuck,
        url=url_for("notifications.outbox", status="stuck"),
        urgency=Urgency.STUCK_EMAILS,
    )


register_todo("notifications", OUTBOX_ROLES, outbox_items)
