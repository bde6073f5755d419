"""The teacher's "none of these dates suit": new candidates instead of the proposed dates."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from flask_babel import gettext as _

from booking.audit.services import record
from booking.core.errors import DomainError
from booking.core.time import jst_to_utc
from booking.db import write_lock
from booking.extensions import db
from booking.lectures import notifications
from booking.lectures.models import Action, LectureRequest, LectureStatus
from booking.lectures.services.common import lock_request
from booking.lectures.services.requests import Candidate, coordinators, request_problems


@dataclass(frozen=True)
class OtherDatesData:
    candidates: tuple[Candidate, ...]  # first choice first, as on the request form
    message: str = ""


class Asked(enum.Enum):
    ASKED = "asked"
    ALREADY = "already"  # the same answer had already been received (a resent form)


def candidate_problems(candidates: tuple[Candidate, ...] | list[Candidate]) -> list[DomainError]:
    """The request form's rules for dates (lead time, horizon, weekends, holidays, blackout
    days, school hours), each next to its field."""
    return request_problems(None, None, None, None, candidates)


def _already_asked(lecture: LectureRequest, starts: list[str]) -> bool:
    """The school's latest move was this very answer (the same form sent again)."""
    if lecture.status != LectureStatus.SUBMITTED or not lecture.events:
        return False
    last = lecture.events[-1]
    return (
        last.by_school
        and last.details.get("action") == Action.ASK_OTHER_DATES.value
        and last.details.get("starts_at") == starts
    )


def ask_other_dates(request_id: int, data: OtherDatesData) -> Asked:
    """None of the proposed dates suit the school: its new candidates replace the old, the
    proposals are withdrawn, the request is received again and the coordinators are told.

    Sending the same answer again changes nothing; any other answer once the request has
    moved on is refused with a message.
    """
    errors = candidate_problems(data.candidates)
    if not data.candidates:
        errors.insert(0, DomainError(_("Enter the date of your first choice."), field="candidate_1_date"))
    if errors:
        raise DomainError.several(errors)
    with write_lock():
        lecture = lock_request(request_id)
        times = [
            (start, start + lecture.program.duration)
            for start in (jst_to_utc(c.day, c.at) for c in sorted(data.candidates, key=lambda c: c.rank))
        ]
        if _already_asked(lecture, [start.isoformat() for start, _end in times]):
            return Asked.ALREADY
        lecture.ask_other_dates(times, data.message)
        notifications.other_dates_asked(lecture, data.message, coordinators())
        record(None, "lecture.ask_other_dates", "lecture_request", lecture.id, candidates=len(times))
        db.session.commit()
    return Asked.ASKED
