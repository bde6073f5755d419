"""Youth training lines of the staff dashboard's to-do list: guardians' consents and
students' answers to offered places still awaited, per cohort."""

from __future__ import annotations

from collections.abc import Iterator

from flask import url_for
from flask_babel import gettext as _

from booking.core.navigation import TodoItem, Urgency, register_todo
from booking.youth.models import ApplicationStatus, ConsentStatus
from booking.youth.services.todo import todo_by_cohort
from booking.youth.staff_views import COORDINATOR


def youth_items(user) -> Iterator[TodoItem]:
    for row in todo_by_cohort():
        cohort = row.cohort
        yield TodoItem(
            label=_(
                "%(cohort)s: guardians' consent not yet given: %(n)d", cohort=cohort.title(), n=row.consents
            ),
            count=row.consents,
            url=url_for(
                "youth.staff_applications",
                cohort_id=cohort.id,
                status=ApplicationStatus.SUBMITTED.value,
                consent=ConsentStatus.PENDING.value,
            ),
            urgency=Urgency.CONSENTS_AWAITING,
        )
        yield TodoItem(
            label=_(
                "%(cohort)s: offered places not yet answered: %(n)d", cohort=cohort.title(), n=row.offers
            ),
            count=row.offers,
            url=url_for(
                "youth.staff_applications", cohort_id=cohort.id, status=ApplicationStatus.ACCEPTED.value
            ),
            urgency=Urgency.OFFERS_AWAITING,
        )


register_todo("youth", COORDINATOR, youth_items)
