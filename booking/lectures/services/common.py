"""What the lecture use cases share: the refusal with several reasons, the request's lock,
the teacher's private links, and the database's last word on a clashing booking.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask_babel import gettext as _

from booking.core.errors import DomainError
from booking.core.tokens import new_token
from booking.extensions import db
from booking.lectures.models import LectureLink, LectureRequest


def _write_booking(write: Callable[[], None]) -> None:
    """Flush or commit a booking; one saved by someone else in the same instant, caught by
    the database itself, comes back as a message for a person.
    """
    try:
        write()
    except sa.exc.IntegrityError as error:
        db.session.rollback()
        raise DomainError(
            _(
                "Someone else has just booked this lecturer at a time that clashes with this one. "
                "Nothing was changed: look at the lecturer's diary and choose again."
            ),
            field="lecturer_ids",
        ) from error


def flush_booking() -> None:
    _write_booking(db.session.flush)


def commit_booking() -> None:
    _write_booking(db.session.commit)


def add_link(lecture: LectureRequest) -> str:
    """A new private link to the request's page (the caller commits); only its hash is kept."""
    token, digest = new_token()
    db.session.add(LectureLink(request=lecture, token_hash=digest))
    return token


def lock_request(request_id: int) -> LectureRequest:
    """The request, locked for the rest of the transaction (PostgreSQL; SQLite is serialised)."""
    lecture = db.session.scalar(
        sa.select(LectureRequest)
        .where(LectureRequest.id == request_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if lecture is None:
        raise DomainError(_("This request no longer exists."))
    return lecture
