"""Reviewers and the schools they declare a conflict with."""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from booking.audit.services import record
from booking.core.auth import Role
from booking.core.errors import DomainError
from booking.db import write_lock
from booking.extensions import db
from booking.review.models import (
    DeclaredConflict,
)
from booking.schools.models import School, SchoolType
from booking.staff.models import User, UserRole


def reviewers(active_only: bool = True) -> list[User]:
    """Staff holding the reviewer role (outside judges hold only that role)."""
    stmt = sa.select(User).join(UserRole).where(UserRole.role == Role.REVIEWER)
    if active_only:
        stmt = stmt.where(User.active.is_(True))
    return list(db.session.scalars(stmt.order_by(User.name, User.id)))


def conflict_school_choices() -> list[School]:
    """Schools students apply from: high schools, then technical colleges and others."""
    return list(
        db.session.scalars(
            sa.select(School)
            .where(School.active.is_(True), School.school_type.in_([SchoolType.HIGH, SchoolType.OTHER]))
            .order_by(School.school_type, School.name_kana, School.name)
        )
    )


def declared_school_ids(reviewer: User) -> set[int]:
    return set(
        db.session.scalars(
            sa.select(DeclaredConflict.school_id).where(DeclaredConflict.reviewer_id == reviewer.id)
        )
    )


def declare_conflicts(reviewer: User, school_ids: set[int]) -> None:
    """Replace the schools a reviewer declares; the next assignment run respects them."""
    known = {s.id for s in conflict_school_choices()}
    unknown = school_ids - known
    if unknown:
        raise DomainError(_("Choose schools from the list."), field="schools")
    with write_lock():
        current = {
            c.school_id: c
            for c in db.session.scalars(
                sa.select(DeclaredConflict).where(DeclaredConflict.reviewer_id == reviewer.id)
            )
        }
        for school_id, row in current.items():
            if school_id not in school_ids:
                db.session.delete(row)
        for school_id in sorted(school_ids - set(current)):
            db.session.add(DeclaredConflict(reviewer_id=reviewer.id, school_id=school_id))
        record(reviewer, "review.conflicts.declare", "user", reviewer.id, schools=len(school_ids))
        db.session.commit()


def reviewers_with_conflicts() -> list[tuple[User, list[School]]]:
    """For coordinators: each reviewer with the schools they declared."""
    people = reviewers(active_only=False)
    declared: dict[int, list[School]] = defaultdict(list)
    for conflict in db.session.scalars(
        sa.select(DeclaredConflict).options(joinedload(DeclaredConflict.school)).order_by(DeclaredConflict.id)
    ):
        declared[conflict.reviewer_id].append(conflict.school)
    return [(person, declared.get(person.id, [])) for person in people]


def _declared() -> dict[int, set[int]]:
    found: dict[int, set[int]] = defaultdict(set)
    for reviewer_id, school_id in db.session.execute(
        sa.select(DeclaredConflict.reviewer_id, DeclaredConflict.school_id)
    ):
        found[reviewer_id].add(school_id)
    return found
