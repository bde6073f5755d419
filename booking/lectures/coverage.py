"""The lectures as the school directory's coverage reads them, and the inbox's mark.

A lecture held (completed) reaches its school; one scheduled is the school's next. The
coverage module in `schools` cannot import the lectures, so it is given this source.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from booking.core.time import today_jst
from booking.lectures.models import LectureRequest, LectureStatus
from booking.schools.coverage import reach_case, reach_since, register_lecture_source


def lectures_by_school() -> sa.Select:
    """(school_id, starts_at, held) of every lecture held or scheduled at a directory school."""
    return sa.select(
        LectureRequest.school_id,
        LectureRequest.starts_at,
        (LectureRequest.status == LectureStatus.COMPLETED).label("held"),
    ).where(
        LectureRequest.school_id.is_not(None),
        LectureRequest.starts_at.is_not(None),
        LectureRequest.status.in_((LectureStatus.COMPLETED, LectureStatus.SCHEDULED)),
    )


register_lecture_source(lectures_by_school)


def school_reach() -> sa.ColumnElement[str | None]:
    """SQL, per request, of how far its school is reached (a `Reach` value), computed in the
    request's own query; NULL for a school typed in rather than chosen from the directory."""
    other = aliased(LectureRequest)
    last_held = (
        sa.select(sa.func.max(other.starts_at))
        .where(other.school_id == LectureRequest.school_id, other.status == LectureStatus.COMPLETED)
        .correlate(LectureRequest)
        .scalar_subquery()
    )
    return sa.case(
        (LectureRequest.school_id.is_(None), sa.null()),
        else_=reach_case(last_held, reach_since(today_jst())),
    )
