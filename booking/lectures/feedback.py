"""The teacher's feedback after a held lecture, and what staff read of it.

A teacher answers on the private page once the lecture is recorded as held: satisfaction
from 1 to 5 (in words) and optional comments. The answers can be changed for
`FEEDBACK_EDIT_DAYS` days after they were first sent; the database keeps one answer per
lecture (a unique request_id), so a form sent twice never makes two. Feedback holds no
personal data of minors: reading it is not written to the audit log, and the staff pages
that show it never show the teacher's contact details.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import joinedload

from booking.audit.services import record
from booking.core.errors import DomainError
from booking.core.feedback import FEEDBACK_COMMENTS_MAX, SATISFACTION_LABELS
from booking.core.time import fiscal_year_bounds, utcnow
from booking.db import write_lock
from booking.extensions import db
from booking.lectures.models import (
    LectureFeedback,
    LectureRequest,
    LectureStatus,
    Program,
)
from booking.lectures.services import lock_request
from booking.scheduling.models import StaffBooking
from booking.staff.models import User


@dataclass(frozen=True)
class FeedbackData:
    satisfaction: int
    comments: str = ""


class Saved(enum.StrEnum):
    CREATED = "created"
    CHANGED = "changed"
    UNCHANGED = "unchanged"  # the same answers again: a form sent twice


def _check(data: FeedbackData) -> None:
    if data.satisfaction not in SATISFACTION_LABELS:
        raise DomainError(_("Choose one of the five answers."), field="satisfaction")
    if len(data.comments) > FEEDBACK_COMMENTS_MAX:
        raise DomainError(
            _(
                "Please shorten the comments to %(max)d characters (they are %(length)d now).",
                max=FEEDBACK_COMMENTS_MAX,
                length=len(data.comments),
            ),
            field="comments",
        )


def give_feedback(request_id: int, data: FeedbackData, now: datetime | None = None) -> Saved:
    """Save the teacher's answers (or the change to them) for a held lecture."""
    _check(data)
    now = now or utcnow()
    try:
        with write_lock():
            lecture = lock_request(request_id)  # two sends of the form take turns here
            before = lecture.feedback
            if before is not None and (before.satisfaction, before.comments) == (
                data.satisfaction,
                data.comments,
            ):
                db.session.rollback()
                return Saved.UNCHANGED
            lecture.give_feedback(data.satisfaction, data.comments, now)
            action = "lecture.feedback" if before is None else "lecture.feedback_change"
            record(None, action, "lecture_request", lecture.id, satisfaction=data.satisfaction)
            db.session.commit()
    except sa.exc.IntegrityError:
        # Another send of the same form saved first (the unique request_id had the last word).
        return Saved.UNCHANGED
    return Saved.CREATED if before is None else Saved.CHANGED


# What staff read -----------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    answers: int
    held: int  # lectures held in the period (answered or not)
    average: float | None
    counts: dict[int, int]  # satisfaction -> answers

    @property
    def response_rate(self) -> float | None:
        return self.answers / self.held if self.held else None

    def share(self, score: int) -> float:
        return self.counts.get(score, 0) / self.answers if self.answers else 0.0


@dataclass(frozen=True)
class ProgramAverage:
    program: Program
    answers: int
    average: float


def _held(fiscal_year: int | None, lecturer: User | None) -> sa.Select:
    """Held lectures, of one fiscal year (by the lecture's day) and one lecturer if given."""
    stmt = sa.select(LectureRequest.id).where(LectureRequest.status == LectureStatus.COMPLETED)
    if fiscal_year is not None:
        start, end = fiscal_year_bounds(fiscal_year)
        stmt = stmt.where(LectureRequest.starts_at >= start, LectureRequest.starts_at < end)
    if lecturer is not None:
        stmt = stmt.where(
            LectureRequest.id.in_(
                sa.select(StaffBooking.subject_id).where(
                    StaffBooking.person_id == lecturer.id, StaffBooking.active.is_(True)
                )
            )
        )
    return stmt


def summary(fiscal_year: int | None = None, lecturer: User | None = None) -> Summary:
    """How satisfied schools were, counted in SQL: answers per score, average, response rate."""
    held = _held(fiscal_year, lecturer).subquery()
    rows = db.session.execute(
        sa.select(LectureFeedback.satisfaction, sa.func.count())
        .where(LectureFeedback.request_id.in_(sa.select(held.c.id)))
        .group_by(LectureFeedback.satisfaction)
    ).all()
    counts = {score: 0 for score in sorted(SATISFACTION_LABELS, reverse=True)}
    counts.update(dict(rows))
    answers = sum(counts.values())
    total = sum(score * n for score, n in counts.items())
    held_count = db.session.scalar(sa.select(sa.func.count()).select_from(held))
    return Summary(answers, held_count, total / answers if answers else None, counts)


def program_averages(fiscal_year: int | None = None, lecturer: User | None = None) -> list[ProgramAverage]:
    held = _held(fiscal_year, lecturer).subquery()
    rows = db.session.execute(
        sa.select(Program, sa.func.count(LectureFeedback.id), sa.func.avg(LectureFeedback.satisfaction))
        .join(LectureRequest, LectureRequest.program_id == Program.id)
        .join(LectureFeedback, LectureFeedback.request_id == LectureRequest.id)
        .where(LectureRequest.id.in_(sa.select(held.c.id)))
        .group_by(Program.id)
        .order_by(Program.position, Program.id)
    ).all()
    return [ProgramAverage(program, answers, float(average)) for program, answers, average in rows]


def answers(
    fiscal_year: int | None = None, lecturer: User | None = None, page: int = 1, per_page: int = 30
) -> Pagination:
    """The answers themselves, newest first, with their lecture (never the teacher's contacts)."""
    held = _held(fiscal_year, lecturer).subquery()
    query = (
        sa.select(LectureFeedback)
        .where(LectureFeedback.request_id.in_(sa.select(held.c.id)))
        .options(
            joinedload(LectureFeedback.request).joinedload(LectureRequest.program),
            joinedload(LectureFeedback.request)
            .selectinload(LectureRequest.assignments)
            .joinedload(StaffBooking.person),
        )
        .order_by(LectureFeedback.submitted_at.desc(), LectureFeedback.id.desc())
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
