"""Writing and reading the audit log."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import joinedload

from booking.audit.models import AuditEntry
from booking.extensions import db
from booking.staff.models import User


def record(
    actor: User | None,
    action: str,
    subject_type: str | None = None,
    subject_id: object | None = None,
    **details: Any,
) -> AuditEntry:
    """Add an audit entry to the current transaction; the caller's commit keeps it."""
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        subject_type=subject_type,
        subject_id=None if subject_id is None else str(subject_id),
        details=details,
    )
    db.session.add(entry)
    return entry


def list_entries(
    action: str | None = None, actor_id: int | None = None, page: int = 1, per_page: int = 50
) -> Pagination:
    """Newest first, optionally narrowed to an action prefix (e.g. "user.") or one actor."""
    query = sa.select(AuditEntry).options(joinedload(AuditEntry.actor))
    if action:
        query = query.where(AuditEntry.action.startswith(action, autoescape=True))
    if actor_id:
        query = query.where(AuditEntry.actor_id == actor_id)
    query = query.order_by(AuditEntry.occurred_at.desc(), AuditEntry.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def action_names() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).distinct().order_by(AuditEntry.action)))
