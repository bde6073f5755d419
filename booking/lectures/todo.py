"""Lecture lines of the staff dashboard's to-do list.

Coordinators: new requests, proposals a teacher has not answered (and how long the oldest
has waited), lectures held but not recorded. Lecturers: their own reports due.
lectures ahead with a lecturer on time off then, and online lectures soon without their
meeting link. Each line leads to the inbox narrowed to exactly those lectures.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from booking.core.auth import Role
from booking.core.i18n import format_datetime
from booking.core.navigation import TodoItem, Urgency, register_todo
from booking.core.time import utcnow
from booking.lectures import LECTURE_STAFF
from booking.lectures.models import LectureStatus
from booking.lectures.services.meetings import MISSING_LINK_WINDOW_DAYS
from booking.lectures.services.todo import reports_due, todo_counts
from booking.staff.models import User


def _waited(days: int) -> str:
    if days < 1:
        return _("the oldest was sent less than a day ago")
    return ngettext("the oldest has waited %(num)d day", "the oldest has waited %(num)d days", days)


def _soonest(starts_at: datetime | None) -> str:
    return _("the first on %(date)s", date=format_datetime(starts_at)) if starts_at is not None else ""


def coordinator_items(user: User) -> Iterator[TodoItem]:
    now = utcnow()
    counts = todo_counts(now)
    yield TodoItem(
        label=_("Lectures with a lecturer on time off: %(n)d", n=counts.time_off_clashes),
        count=counts.time_off_clashes,
        url=url_for("lectures.inbox", clash="1", sort="date"),
        urgency=Urgency.TIME_OFF_CLASH,
        detail=_soonest(counts.first_clash_at),
    )
    days = MISSING_LINK_WINDOW_DAYS
    yield TodoItem(
        label=ngettext(
            "Online lectures in the next %(num)d day without a meeting link: %(n)d",
            "Online lectures in the next %(num)d days without a meeting link: %(n)d",
            days,
            n=counts.missing_links,
        ),
        count=counts.missing_links,
        url=url_for("lectures.inbox", no_link="1", sort="date"),
        urgency=Urgency.MISSING_MEETING_LINK,
        detail=_soonest(counts.first_missing_link_at),
    )
    yield TodoItem(
        label=_("New requests to answer: %(n)d", n=counts.new_requests),
        count=counts.new_requests,
        url=url_for("lectures.inbox", status=LectureStatus.SUBMITTED.value, sort="oldest"),
        urgency=Urgency.NEW_REQUESTS,
    )
    oldest = counts.oldest_proposal_at
    yield TodoItem(
        label=_("Proposed dates waiting for the teacher's answer: %(n)d", n=counts.proposals),
        count=counts.proposals,
        url=url_for("lectures.inbox", status=LectureStatus.PROPOSED.value, sort="oldest"),
        urgency=Urgency.PROPOSALS_AWAITING_TEACHER,
        detail=_waited((now - oldest).days) if oldest is not None else "",
    )
    yield TodoItem(
        label=_("Lectures held but not recorded yet: %(n)d", n=counts.to_record),
        count=counts.to_record,
        url=url_for("lectures.inbox", status=LectureStatus.SCHEDULED.value, unrecorded="1", sort="date"),
        urgency=Urgency.LECTURES_TO_RECORD,
    )


def lecturer_items(user: User) -> Iterator[TodoItem]:
    due = reports_due(user, utcnow())
    yield TodoItem(
        label=_("My lectures to report on: %(n)d", n=len(due)),
        count=len(due),
        url=url_for("lectures.my_schedule"),
        urgency=Urgency.MY_REPORTS_DUE,
        entries=tuple(
            (
                f"{a.request.reference} {format_datetime(a.starts_at, zone=user.time_zone)} "
                f"{a.request.school_name}",
                "",
            )
            for a in due
        ),
    )


register_todo("lectures", LECTURE_STAFF, coordinator_items)
register_todo("lectures.reports", (Role.LECTURER,), lecturer_items)
