"""Study-tour lines of the staff dashboard's to-do list, and the staff menu's entries.

Coordinators: new requests, proposals an organiser has not answered (and how long the
oldest has waited), visits held but not recorded. Each line leads to the inbox narrowed
to exactly those requests.
"""

from __future__ import annotations

from collections.abc import Iterator

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from booking.core.auth import Role
from booking.core.i18n import format_datetime
from booking.core.navigation import TodoItem, Urgency, register_nav, register_todo
from booking.core.time import utcnow
from booking.staff.models import User
from booking.visits.access import VISIT_STAFF
from booking.visits.models import VisitStatus
from booking.visits.services.todo import todo_counts

register_nav("visit_staff.inbox", _l("Study tours"), VISIT_STAFF, order=115, prefixes=("/staff/visits/",))
register_nav("visit_staff.mine", _l("My study tours"), (Role.GUIDE,), order=116)


def _waited(days: int) -> str:
    if days < 1:
        return _("the oldest was sent less than a day ago")
    return ngettext("the oldest has waited %(num)d day", "the oldest has waited %(num)d days", days)


def coordinator_items(user: User) -> Iterator[TodoItem]:
    now = utcnow()
    counts = todo_counts(now)
    first = counts.first_without_guide_at
    yield TodoItem(
        label=_("Study tours ahead without a guide: %(n)d", n=counts.without_guide),
        count=counts.without_guide,
        url=url_for("visit_staff.inbox", no_guide="1", sort="date"),
        urgency=Urgency.TIME_OFF_CLASH,  # a date that stands without its staff
        detail=_("the first on %(date)s", date=format_datetime(first)) if first is not None else "",
    )
    yield TodoItem(
        label=_("New study tour requests to answer: %(n)d", n=counts.new_requests),
        count=counts.new_requests,
        url=url_for("visit_staff.inbox", status=VisitStatus.SUBMITTED.value, sort="oldest"),
        urgency=Urgency.NEW_REQUESTS,
    )
    oldest = counts.oldest_proposal_at
    yield TodoItem(
        label=_("Study tour dates waiting for the organiser's answer: %(n)d", n=counts.proposals),
        count=counts.proposals,
        url=url_for("visit_staff.inbox", status=VisitStatus.PROPOSED.value, sort="oldest"),
        urgency=Urgency.PROPOSALS_AWAITING_TEACHER,
        detail=_waited((now - oldest).days) if oldest is not None else "",
    )
    yield TodoItem(
        label=_("Study tours held but not recorded yet: %(n)d", n=counts.to_record),
        count=counts.to_record,
        url=url_for("visit_staff.inbox", status=VisitStatus.SCHEDULED.value, unrecorded="1", sort="date"),
        urgency=Urgency.LECTURES_TO_RECORD,
    )


register_todo("visits", VISIT_STAFF, coordinator_items)
