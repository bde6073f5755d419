"""Applying: drafts, submissions and changes made through the public form."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from booking.audit.services import record
from booking.core.errors import DomainError
from booking.core.i18n import LANGUAGES
from booking.core.time import utcnow
from booking.core.tokens import derived_key, hash_token
from booking.db import write_lock
from booking.extensions import db
from booking.schools.models import School, SchoolType
from booking.youth import notifications
from booking.youth.models import (
    GRADES,
    Applicant,
    Application,
    ApplicationStatus,
    Audience,
    ChangedBy,
    Cohort,
)
from booking.youth.rules import eligible_grades_message, essay_length_message, normalise_email
from booking.youth.services.links import ask_guardian, issue_link, revoke_links
from booking.youth.services.locking import lock_cohort
from booking.youth.services.public import window_message

SCHOOL_TYPES = {SchoolType.HIGH, SchoolType.OTHER}


@dataclass(frozen=True)
class ApplicationData:
    family_name: str = ""
    given_name: str = ""
    family_name_kana: str = ""
    given_name_kana: str = ""
    school_id: int | None = None
    school_name: str = ""
    grade: int | None = None
    email: str = ""
    phone: str = ""
    guardian_name: str = ""
    guardian_relationship: str = ""
    guardian_email: str = ""
    guardian_phone: str = ""
    essay: str = ""
    attest_eligibility: bool = False
    attest_schedule: bool = False
    privacy_consent: bool = False


@dataclass(frozen=True)
class Saved:
    application: Application
    # A fresh private link for the student, to send the browser to ("" when none was made).
    token: str
    submitted_now: bool = False
    # The same form had already been sent: nothing new was made, and no new link either.
    repeated: bool = False


# A form's hidden key recognises the same form sent again for this long, as for lectures.
SUBMISSION_KEY_WINDOW = timedelta(hours=24)
SUBMISSION_KEY_MAX_LENGTH = 64


class SubmissionKeyRefused(DomainError):
    """The form's hidden key is not one the form makes: the view gives the form a new one."""


def _submission_key_hash(key: str | None) -> str | None:
    """The SHA-256 kept for a form's key (the key itself is never stored)."""
    if not key:
        return None
    if len(key) > SUBMISSION_KEY_MAX_LENGTH:
        raise SubmissionKeyRefused(
            _("This form could not be recognised. Check what you entered and send it again.")
        )
    return hash_token(key)


# The label that derives the email key from SECRET_KEY when EMAIL_HASH_KEY is not set
# (migration 0008 derives it the same way).
EMAIL_KEY_LABEL = b"booking youth email key"


def _email_hash_key() -> bytes:
    explicit = current_app.config.get("EMAIL_HASH_KEY")
    if explicit:
        return explicit.encode("utf-8")
    return derived_key(EMAIL_KEY_LABEL)


def email_key(email: str) -> str:
    """The student's address, normalised and keyed (HMAC-SHA256): without the key, a list of
    addresses cannot be tested against the stored values."""
    return hmac.new(_email_hash_key(), normalise_email(email).encode("utf-8"), hashlib.sha256).hexdigest()


def _problems(cohort: Cohort, data: ApplicationData) -> list[DomainError]:
    """The cohort's rules a submission must meet (the form shows the same messages first)."""
    problems: list[DomainError] = []
    required = {
        "family_name": _("Enter your family name."),
        "given_name": _("Enter your given name."),
        "family_name_kana": _("Enter your family name in kana."),
        "given_name_kana": _("Enter your given name in kana."),
        "email": _("Enter your email address."),
        "phone": _("Enter your phone number."),
        "guardian_name": _("Enter your guardian's name."),
        "guardian_relationship": _("Enter how your guardian is related to you."),
        "guardian_email": _("Enter your guardian's email address."),
        "guardian_phone": _("Enter your guardian's phone number."),
    }
    for name, message in required.items():
        if not getattr(data, name):
            problems.append(DomainError(message, field=name))
    if data.school_id is None and not data.school_name:
        problems.append(
            DomainError(_("Choose your school, or “My school is not in this list”."), field="school_id")
        )
    if not cohort.is_eligible_grade(data.grade):
        problems.append(DomainError(eligible_grades_message(cohort), field="grade"))
    if data.email and normalise_email(data.email) == normalise_email(data.guardian_email):
        problems.append(
            DomainError(
                _("Enter your guardian's own address: it must differ from your email address."),
                field="guardian_email",
            )
        )
    message = essay_length_message(cohort, data.essay)
    if message:
        problems.append(DomainError(message, field="essay"))
    attestations = {
        "attest_eligibility": _("Confirm that you can apply."),
        "attest_schedule": _("Confirm that you can take part on every date."),
        "privacy_consent": _("Agree to the handling of personal information to apply."),
    }
    for name, message in attestations.items():
        if not getattr(data, name):
            problems.append(DomainError(message, field=name))
    return problems


def _check_school(data: ApplicationData) -> None:
    if data.school_id is None:
        return
    school = db.session.get(School, data.school_id)
    if school is None or not school.active or school.school_type not in SCHOOL_TYPES:
        raise DomainError(_("Choose your school from the list."), field="school_id")


def duplicate_message() -> str:
    return _(
        "An application with this email address has already been sent for this year's training. "
        "Each student can apply once. To change it, use the private link we emailed you; we can "
        "send that link again."
    )


def _fill(application: Application, data: ApplicationData) -> None:
    applicant = application.applicant
    for name in (
        "family_name",
        "given_name",
        "family_name_kana",
        "given_name_kana",
        "school_name",
        "phone",
        "guardian_name",
        "guardian_relationship",
        "guardian_phone",
        "attest_eligibility",
        "attest_schedule",
        "privacy_consent",
    ):
        setattr(applicant, name, getattr(data, name))
    applicant.school_id = data.school_id
    if data.school_id is not None:
        applicant.school_name = ""
    applicant.grade = data.grade if data.grade in GRADES else None
    applicant.email = normalise_email(data.email)
    applicant.guardian_email = normalise_email(data.guardian_email)
    application.set_essay(data.essay)


def _by_submission_key(key_hash: str) -> Application | None:
    return db.session.scalar(sa.select(Application).where(Application.submission_key_hash == key_hash))


def save_draft(
    cohort: Cohort,
    data: ApplicationData,
    *,
    application: Application | None = None,
    submission_key: str | None = None,
    language: str = "ja",
) -> Saved:
    """Keep a draft, new or started before: only an address to send its link to is needed.

    A new draft gets a private link by email. A form sent twice (same `submission_key`)
    gives back the draft the first one made.
    """
    return _save(_keep_draft, cohort, data, application, submission_key, language)


def submit_application(
    cohort: Cohort,
    data: ApplicationData,
    *,
    application: Application | None = None,
    submission_key: str | None = None,
    language: str = "ja",
) -> Saved:
    """Send an application, new or a draft until now: every rule applies.

    It gets its applicant code and a private link; the student is emailed and the guardian
    asked for consent. A form sent twice (same `submission_key`) gives back the application
    the first one made.
    """
    return _save(_send, cohort, data, application, submission_key, language)


@dataclass
class _Change:
    """A draft or a submission under way, under the cohort's lock."""

    cohort: Cohort
    data: ApplicationData
    application: Application | None  # None: a new one
    key_hash: str | None
    language: str
    now: datetime


def _save(
    step: Callable[[_Change], Saved],
    cohort: Cohort,
    data: ApplicationData,
    application: Application | None,
    submission_key: str | None,
    language: str,
) -> Saved:
    """What a draft and a submission share: the same form recognised, the lock, the window."""
    key_hash, again = _sent_before(submission_key) if application is None else (None, None)
    if again is not None:
        return again
    with write_lock():
        now = utcnow()
        cohort, application = _open_for_changes(cohort.id, application, now)
        if application is not None and not application.is_draft:
            # Sent meanwhile (the same form twice): never put back to a draft, every rule applies.
            return _update(cohort, application, data, now)
        return step(_Change(cohort, data, application, key_hash, language, now))


def _keep_draft(change: _Change) -> Saved:
    _check_school(change.data)
    if not change.data.email:
        raise DomainError(draft_email_message(), field="email")
    application, token = change.application, ""
    if application is None:
        application = _new_application(change.cohort, change.key_hash, change.language)
        _fill(application, change.data)
        token = issue_link(application, Audience.STUDENT)
        db.session.flush()
        notifications.draft_saved(application, token)
    else:
        _fill(application, change.data)
    return _commit(change.key_hash) or Saved(application, token)


def _send(change: _Change) -> Saved:
    cohort, data, application = change.cohort, change.data, change.application
    _check_submission(cohort, data, application)
    if application is None:
        application = _new_application(cohort, change.key_hash, change.language)
    _fill(application, data)
    token = issue_link(application, Audience.STUDENT)
    application.submit(cohort.next_applicant_code(), email_key(data.email), change.now)
    db.session.flush()
    notifications.submitted(application, token)
    ask_guardian(application)
    record(None, "youth.application.submit", "youth_application", application.id, code=application.code)
    return _commit(change.key_hash) or Saved(application, token, submitted_now=True)


def update_application(application: Application, data: ApplicationData) -> Saved:
    """Change a sent application until the window closes: every rule applies.

    The student is told of the change; a new guardian address asks the new guardian afresh.
    """
    with write_lock():
        now = utcnow()
        cohort, application = _open_for_changes(application.cohort_id, application, now)
        return _update(cohort, application, data, now)


def _sent_before(submission_key: str | None) -> tuple[str | None, Saved | None]:
    """The hash kept for a new form's key, and what that form made if it was sent before."""
    key_hash = _submission_key_hash(submission_key)
    existing = _by_submission_key(key_hash) if key_hash else None
    return key_hash, _again(existing) if existing is not None else None


def _open_for_changes(
    cohort_id: int, application: Application | None, now: datetime
) -> tuple[Cohort, Application | None]:
    """The cohort (its row locked: applicant numbers are taken one at a time) and the
    application read afresh, refused unless both still take changes."""
    cohort = lock_cohort(cohort_id)
    if application is not None:
        application = db.session.get(Application, application.id, populate_existing=True)
        if not application.can_edit(now):
            raise DomainError(window_message(cohort, now) or _("This application can no longer be changed."))
    if not cohort.can_accept_applications(now):
        raise DomainError(window_message(cohort, now))
    return cohort, application


def _check_submission(cohort: Cohort, data: ApplicationData, application: Application | None) -> None:
    """Every rule a sent application meets, and one application per student."""
    _check_school(data)
    problems = _problems(cohort, data)
    if problems:
        raise DomainError.several(problems)
    _check_not_duplicate(cohort, data.email, application)


def _new_application(cohort: Cohort, key_hash: str | None, language: str) -> Application:
    application = Application(
        cohort=cohort,
        status=ApplicationStatus.DRAFT,
        submission_key_hash=key_hash,
        applicant=Applicant(language=language if language in LANGUAGES else "ja"),
    )
    db.session.add(application)
    return application


def _update(cohort: Cohort, application: Application, data: ApplicationData, now: datetime) -> Saved:
    """The change to a sent application, under the cohort's lock; then the commit."""
    _check_submission(cohort, data, application)
    old_guardian_email = application.applicant.guardian_email
    _fill(application, data)
    # The same form sent again (a double click) changes nothing: nothing to record or announce.
    if _changed(application):
        application.email_key = email_key(data.email)
        db.session.flush()
        if application.applicant.guardian_email != old_guardian_email:
            revoke_links(application, Audience.GUARDIAN)
            application.reset_consent(by=ChangedBy.STUDENT)
            ask_guardian(application)
        notifications.updated(application)
        record(None, "youth.application.update", "youth_application", application.id, code=application.code)
    return _commit(None) or Saved(application, "")


def _commit(key_hash: str | None) -> Saved | None:
    """Commit; when the database refuses, the same form's first record, else a duplicate."""
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        existing = _by_submission_key(key_hash) if key_hash else None
        if existing is not None:
            return _again(existing)
        raise DomainError(duplicate_message(), field="email") from None
    return None


def _changed(application: Application) -> bool:
    session = db.session()
    return session.is_modified(application) or session.is_modified(application.applicant)


def _again(existing: Application) -> Saved:
    """The same form arrived again: the record it already made, and no new private link.

    The link went by email with the first; minting one per resent form would let whoever
    holds the form's key open the application again and again. After a day the key is no
    longer recognised as the same form: the sender is told to use the emailed link.
    """
    if utcnow() - existing.created_at > SUBMISSION_KEY_WINDOW:
        raise DomainError(
            _(
                "This form was already sent. Please use the private link in the email we sent you; "
                "we can send that link again."
            ),
            field="email",
        )
    return Saved(existing, "", repeated=True)


def draft_email_message() -> str:
    return _("To save a draft, enter your email address: the link to come back to it is sent there.")


def _check_not_duplicate(cohort: Cohort, email: str, application: Application | None) -> None:
    stmt = sa.select(Application.id).where(
        Application.cohort_id == cohort.id, Application.email_key == email_key(email)
    )
    if application is not None:
        stmt = stmt.where(Application.id != application.id)
    if db.session.scalar(stmt) is not None:
        raise DomainError(duplicate_message(), field="email")
