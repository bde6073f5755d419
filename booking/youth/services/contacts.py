"""Staff correct a student's or guardian's contact details (email address, phone number).

A family phones in a mistyped address: staff correct it on the application. The audit
entry names the fields that changed, never their old or new values. An address that
changes takes its private links with it: the links sent to the old address stop working
and a fresh one goes to the new address (for the guardian, the consent request, while
consent can still be given; the answer already recorded stays).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from booking.audit.services import record
from booking.core.errors import DomainError
from booking.db import write_lock
from booking.extensions import db
from booking.staff.models import User
from booking.youth import notifications
from booking.youth.models import Application, Audience
from booking.youth.rules import normalise_email
from booking.youth.services.applying import duplicate_message, email_key
from booking.youth.services.links import ask_guardian, issue_link, revoke_links, sent_application

CONTACT_FIELDS = ("email", "phone", "guardian_email", "guardian_phone")


@dataclass(frozen=True)
class ContactData:
    email: str
    phone: str
    guardian_email: str
    guardian_phone: str


def correct_contacts(application_id: int, data: ContactData, actor: User) -> list[str]:
    """Save the corrected contacts; the names of the fields that changed (none: nothing saved)."""
    values = {
        "email": normalise_email(data.email),
        "phone": data.phone.strip(),
        "guardian_email": normalise_email(data.guardian_email),
        "guardian_phone": data.guardian_phone.strip(),
    }
    if values["email"] == values["guardian_email"]:
        raise DomainError(_("The guardian's address must differ from the student's."), field="guardian_email")
    with write_lock():
        application = sent_application(application_id)
        if application.purged_at is not None:
            raise DomainError(_("This application's personal data has been deleted."))
        applicant = application.applicant
        changed = [name for name in CONTACT_FIELDS if getattr(applicant, name) != values[name]]
        if not changed:
            db.session.rollback()
            return []
        if "email" in changed:
            key = email_key(values["email"])
            taken = db.session.scalar(
                sa.select(Application.id).where(
                    Application.cohort_id == application.cohort_id,
                    Application.email_key == key,
                    Application.id != application.id,
                )
            )
            if taken is not None:
                raise DomainError(duplicate_message(), field="email")
            application.email_key = key
        for name in changed:
            setattr(applicant, name, values[name])
        if "email" in changed:
            revoke_links(application, Audience.STUDENT)
            notifications.link_sent_again(application, issue_link(application, Audience.STUDENT))
        if "guardian_email" in changed:
            revoke_links(application, Audience.GUARDIAN)
            if application.can_answer_consent():
                ask_guardian(application)
        record(
            actor,
            "youth.application.contacts",
            "youth_application",
            application.id,
            code=application.code,
            fields=changed,
        )
        try:
            db.session.commit()
        except sa.exc.IntegrityError:
            # Another application took the same address meanwhile: one per student stands.
            db.session.rollback()
            raise DomainError(duplicate_message(), field="email") from None
    return changed
