"""A public form sent twice (a double click, a reload): the second sending makes nothing new.

Each request keeps the SHA-256 of its form's hidden key (`submission_key_hash`). Within
RESEND_WINDOW a form sent again leads back to the request it made, with a fresh private
link; later it is refused with the request's reference, so an old tab cannot be reused.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

import sqlalchemy as sa
from flask_babel import gettext as _

from booking.core.errors import DomainError
from booking.core.time import utcnow
from booking.db import write_lock
from booking.extensions import db

RESEND_WINDOW = timedelta(hours=24)

T = TypeVar("T")


def already_sent(model: type[T], key_hash: str) -> T | None:
    """The request of `model` that this form key already made, if any."""
    return db.session.scalar(sa.select(model).where(model.submission_key_hash == key_hash))


def link_again(existing: Any, add_link: Callable[[Any], str]) -> tuple[Any, str]:
    """The request a form sent again made, and a new private link to it (one commit)."""
    if utcnow() - existing.created_at > RESEND_WINDOW:
        raise DomainError(
            _(
                "This form was already sent, as request %(reference)s. "
                "Please use the link in the email we sent you.",
                reference=existing.reference,
            )
        )
    model, request_id = type(existing), existing.id
    with write_lock():
        existing = db.session.get(model, request_id)
        token = add_link(existing)
        db.session.commit()
    return existing, token
