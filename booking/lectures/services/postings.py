"""Where lecturers are based: in Japan, except during their postings abroad.

A posting (e.g. to Phnom Penh, from a day, until a day or until further notice) does not
stop online lectures; a lecture at a school is not booked for a lecturer abroad that day
unless a coordinator overrides it with a reason (services/staff_actions.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from booking.audit.services import record
from booking.core.errors import DomainError
from booking.core.i18n import format_date
from booking.core.time import today_jst
from booking.db import write_lock
from booking.extensions import db
from booking.scheduling.models import Posting
from booking.staff.models import User


@dataclass(frozen=True)
class PostingData:
    place: str
    first_day: date
    last_day: date | None = None  # None: until further notice


def postings_of(lecturer: User) -> list[Posting]:
    """The lecturer's postings abroad that are not over, first first."""
    return list(
        db.session.scalars(
            sa.select(Posting)
            .where(
                Posting.person_id == lecturer.id,
                sa.or_(Posting.last_day.is_(None), Posting.last_day >= today_jst()),
            )
            .order_by(Posting.first_day)
        )
    )


def _problems(lecturer: User, data: PostingData) -> list[DomainError]:
    problems = []
    if not data.place.strip():
        problems.append(DomainError(_("Enter the place, e.g. Phnom Penh."), field="place"))
    if data.last_day is not None and data.last_day < data.first_day:
        problems.append(DomainError(_("The last day must not be before the first day."), field="last_day"))
    elif data.last_day is not None and data.last_day < today_jst():
        problems.append(DomainError(_("This posting is already over."), field="last_day"))
    if problems:
        return problems
    for other in postings_of(lecturer):
        if other.overlaps(data.first_day, data.last_day):
            message = _(
                "This overlaps the posting to %(place)s from %(date)s. Remove that one first, "
                "or choose other days.",
                place=other.place,
                date=format_date(other.first_day),
            )
            problems.append(DomainError(message, field="first_day"))
    return problems


def add_posting(lecturer: User, data: PostingData, actor: User) -> Posting:
    """Record that the lecturer is based abroad for these days (audited, ids only)."""
    with write_lock():
        problems = _problems(lecturer, data)
        if problems:
            raise DomainError.several(problems)
        posting = Posting(
            person_id=lecturer.id,
            place=data.place.strip(),
            first_day=data.first_day,
            last_day=data.last_day,
            created_by_id=actor.id,
        )
        db.session.add(posting)
        db.session.flush()
        record(actor, "lecturer.posting_add", "user", lecturer.id, posting_id=posting.id)
        db.session.commit()
    return posting


def get_posting(posting_id: int) -> Posting | None:
    return db.session.get(Posting, posting_id)


def remove_posting(posting: Posting, actor: User) -> None:
    record(actor, "lecturer.posting_remove", "user", posting.person_id, posting_id=posting.id)
    db.session.delete(posting)
    db.session.commit()
