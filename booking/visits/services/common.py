"""What the visit use cases share: the request's lock and the organiser's private links."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from booking.core.errors import DomainError
from booking.core.tokens import new_token
from booking.extensions import db
from booking.staff.models import User
from booking.visits.models import VisitLink, VisitRequest


def add_link(visit: VisitRequest) -> str:
    """A new private link to the request's page (the caller commits); only its hash is kept."""
    token, digest = new_token()
    db.session.add(VisitLink(request=visit, token_hash=digest))
    return token


def lock_request(request_id: int) -> VisitRequest:
    """The request, locked for the rest of the transaction (PostgreSQL; SQLite is serialised)."""
    visit = db.session.scalar(
        sa.select(VisitRequest)
        .where(VisitRequest.id == request_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if visit is None:
        raise DomainError(_("This request no longer exists."))
    return visit


def coordinators() -> list[User]:
    """Who hears about new visit requests and what organisers do: every active coordinator."""
    from booking.core.auth import Role
    from booking.staff.services import users_with_role

    return users_with_role(Role.COORDINATOR)
