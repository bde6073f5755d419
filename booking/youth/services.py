"""The youth training's use cases: applying, drafts, private links, consent, reminders, staff lists."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import joinedload, selectinload

from booking.audit.services import record
from booking.core.errors import DomainError
from booking.core.i18n import LANGUAGES, current_language, format_datetime
from booking.core.time import JST, fiscal_year, utcnow
from booking.core.tokens import hash_token, new_token
from booking.core.urls import absolute_url
from booking.db import write_lock
from booking.extensions import db
from booking.notifications.models import OutboxEmail
from booking.notifications.services import queue_email
from booking.schools.models import School, SchoolType
from booking.staff.models import User
from booking.youth import notifications
from booking.youth.models import (
    GRADES,
    NEEDING_CONSENT,
    AccessLink,
    Applicant,
    Application,
    ApplicationStatus,
    Audience,
    Cohort,
    CohortEvent,
    ConsentStatus,
    EventKind,
    WindowState,
)
from booking.youth.rules import eligible_grades_message, essay_length_message, normalise_email

SCHOOL_TYPES = {SchoolType.HIGH, SchoolType.OTHER}


class ApplicationRejected(DomainError):
    """Several rules refused the application; each problem names its field."""

    def __init__(self, problems: list[DomainError]) -> None:
        super().__init__(problems[0].message, field=problems[0].field)
        self.problems = problems


# Cohorts for the public ----------------------------------------------------------------


def featured_cohort(now: datetime | None = None) -> Cohort | None:
    """The cohort /youth/ is about: the open one, else the next to open, else the latest."""
    now = now or utcnow()
    options = selectinload(Cohort.events)
    open_now = db.session.scalar(
        sa.select(Cohort)
        .where(Cohort.opens_at <= now, Cohort.closes_at > now)
        .order_by(Cohort.closes_at)
        .options(options)
        .limit(1)
    )
    if open_now is not None:
        return open_now
    upcoming = db.session.scalar(
        sa.select(Cohort).where(Cohort.opens_at > now).order_by(Cohort.opens_at).options(options).limit(1)
    )
    if upcoming is not None:
        return upcoming
    return db.session.scalar(sa.select(Cohort).order_by(Cohort.fiscal_year.desc()).options(options).limit(1))


def past_cohorts(exclude: Cohort | None = None) -> list[Cohort]:
    """Earlier cohorts whose program is over, newest first, with their participant counts.

    A cohort whose window has closed but whose dates are still ahead (selection under way)
    is not past yet.
    """
    now = utcnow()
    running = sa.select(CohortEvent.cohort_id).where(CohortEvent.ends_at > now)
    stmt = (
        sa.select(Cohort)
        .where(Cohort.closes_at <= now, Cohort.id.not_in(running))
        .order_by(Cohort.fiscal_year.desc())
    )
    if exclude is not None:
        stmt = stmt.where(Cohort.id != exclude.id)
    return list(db.session.scalars(stmt))


def window_message(cohort: Cohort, now: datetime | None = None) -> str | None:
    """Why applications are not taken now, or None while the window is open."""
    state = cohort.window_state(now or utcnow())
    if state == WindowState.NOT_YET_OPEN:
        return _("Applications open on %(date)s.", date=format_datetime(cohort.opens_at))
    if state == WindowState.CLOSED:
        return _(
            "Applications closed on %(date)s. Nothing could be saved; what you wrote is shown "
            "below so that you can keep a copy.",
            date=format_datetime(cohort.closes_at),
        )
    return None


# Applying --------------------------------------------------------------------------------


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
    secret = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    return hmac.new(secret, EMAIL_KEY_LABEL, hashlib.sha256).digest()


def email_key(email: str) -> str:
    """The student's address, normalised and keyed (HMAC-SHA256): without the key, a list of
    addresses cannot be tested against the stored values."""
    return hmac.new(_email_hash_key(), normalise_email(email).encode("utf-8"), hashlib.sha256).hexdigest()


def application_for_token(token: str, audience: Audience) -> Application | None:
    """The application a private link opens, or None for any wrong, revoked or other link."""
    return db.session.scalar(
        sa.select(Application)
        .join(AccessLink, AccessLink.application_id == Application.id)
        .where(
            AccessLink.token_hash == hash_token(token),
            AccessLink.audience == audience,
            AccessLink.revoked_at.is_(None),
        )
        .options(joinedload(Application.applicant))
    )


def _issue_link(application: Application, audience: Audience) -> str:
    token, digest = new_token()
    db.session.add(AccessLink(application=application, audience=audience, token_hash=digest))
    return token


def _revoke_links(application: Application, audience: Audience) -> None:
    db.session.execute(
        sa.update(AccessLink)
        .where(
            AccessLink.application_id == application.id,
            AccessLink.audience == audience,
            AccessLink.revoked_at.is_(None),
        )
        .values(revoked_at=utcnow())
    )


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


def _links_context(application: Application, student_token: str | None) -> dict[str, Any]:
    return {
        "application": application,
        "applicant": application.applicant,
        "cohort": application.cohort,
        "link": absolute_url("youth.application", token=student_token) if student_token else None,
    }


def _queue_guardian_request(application: Application) -> None:
    applicant = application.applicant
    token = _issue_link(application, Audience.GUARDIAN)
    queue_email(
        applicant.guardian_email,
        "youth/consent_request_to_guardian",
        applicant.language,
        {**_links_context(application, None), "link": absolute_url("youth.consent", token=token)},
        related=("youth_application", application.id),
    )


def save_application(
    cohort: Cohort,
    data: ApplicationData,
    *,
    submit: bool,
    application: Application | None = None,
    submission_key: str | None = None,
    language: str = "ja",
) -> Saved:
    """Create or change a draft or an application; with `submit`, every rule applies.

    A form sent twice (same `submission_key`) gives back the record the first one made.
    """
    if application is not None and not application.is_draft:
        submit = True  # a sent application is never put back to a draft: every rule applies
    key_hash = _submission_key_hash(submission_key) if application is None else None
    if key_hash:
        existing = _by_submission_key(key_hash)
        if existing is not None:
            return _again(existing)
    with write_lock():
        now = utcnow()
        # The cohort row is locked for the rest of the transaction (PostgreSQL): applicant
        # numbers are taken one at a time.
        cohort = db.session.get(Cohort, cohort.id, with_for_update=True, populate_existing=True)
        if application is not None:
            application = db.session.get(Application, application.id, populate_existing=True)
            if not application.can_edit(now):
                raise DomainError(
                    window_message(cohort, now) or _("This application can no longer be changed.")
                )
        if not cohort.can_accept_applications(now):
            raise DomainError(window_message(cohort, now))
        _check_school(data)
        if submit:
            problems = _problems(cohort, data)
            if problems:
                raise ApplicationRejected(problems)
            _check_not_duplicate(cohort, data.email, application)
        elif not data.email:
            raise DomainError(draft_email_message(), field="email")

        new = application is None
        if new:
            application = Application(
                cohort=cohort,
                status=ApplicationStatus.DRAFT,
                submission_key_hash=key_hash,
                applicant=Applicant(language=language if language in LANGUAGES else "ja"),
            )
            db.session.add(application)
        old_guardian_email = application.applicant.guardian_email
        was_draft = application.is_draft
        _fill(application, data)
        token = _issue_link(application, Audience.STUDENT) if new or (submit and was_draft) else ""
        submitted_now = False

        if submit and was_draft:
            application.submit(cohort.next_applicant_code(), email_key(data.email), now)
            submitted_now = True
            db.session.flush()
            queue_email(
                application.applicant.email,
                "youth/submitted_to_student",
                application.applicant.language,
                _links_context(application, token),
                related=("youth_application", application.id),
            )
            _queue_guardian_request(application)
            record(
                None, "youth.application.submit", "youth_application", application.id, code=application.code
            )
        elif not was_draft and not _changed(application):
            pass  # the same form sent again (a double click): nothing to record or announce
        elif not was_draft:
            application.email_key = email_key(data.email)
            db.session.flush()
            if application.applicant.guardian_email != old_guardian_email:
                _revoke_links(application, Audience.GUARDIAN)
                application.reset_consent(by="student")
                _queue_guardian_request(application)
            queue_email(
                application.applicant.email,
                "youth/updated_to_student",
                application.applicant.language,
                _links_context(application, None),
                related=("youth_application", application.id),
            )
            record(
                None, "youth.application.update", "youth_application", application.id, code=application.code
            )
        elif new:
            db.session.flush()
            queue_email(
                application.applicant.email,
                "youth/draft_saved_to_student",
                application.applicant.language,
                _links_context(application, token),
                related=("youth_application", application.id),
            )
        try:
            db.session.commit()
        except sa.exc.IntegrityError:
            db.session.rollback()
            if key_hash and application is not None and new:
                existing = _by_submission_key(key_hash)
                if existing is not None:
                    return _again(existing)
            raise DomainError(duplicate_message(), field="email") from None
    return Saved(application, token, submitted_now)


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


def resend_link(cohort: Cohort, email: str) -> None:
    """Email a fresh private link to the address on file, when it has an application or draft.

    Silent either way, and the same work either way (see youth.notifications): the answer
    and its timing say nothing about whether the address has applied. The link opens the
    application, or else the latest draft.
    """
    address = normalise_email(email)
    if not address:
        return
    with write_lock():
        rows = list(
            db.session.scalars(
                sa.select(Application)
                .join(Applicant)
                .where(Application.cohort_id == cohort.id, Applicant.email == address)
                .options(joinedload(Application.applicant))
                .order_by(Application.id)
            )
        )
        submitted = [a for a in rows if not a.is_draft]
        target = (submitted or rows or [None])[-1]
        token, digest = new_token()
        notifications.link_again(
            cohort,
            target,
            address,
            digest,
            absolute_url("youth.application", token=token),
            target.applicant.language if target is not None else current_language(),
        )
        # Written for every request, known address or not (no address in it).
        record(None, "youth.link.request", "youth_cohort", cohort.id)
        db.session.commit()


def _sent_application(application_id: int) -> Application:
    """A sent application with its applicant, fresh from the database (under the write lock)."""
    application = db.session.scalar(
        sa.select(Application)
        .where(Application.id == application_id, Application.status != ApplicationStatus.DRAFT)
        .options(joinedload(Application.applicant), joinedload(Application.cohort))
        .execution_options(populate_existing=True)
    )
    if application is None:
        raise DomainError(_("This application no longer exists."))
    return application


def send_student_link_again(application_id: int, actor: User) -> Application:
    """Staff send the student a fresh private link, to the address on file.

    Staff never read a student's or guardian's link; one who lost it gets it again this
    way. Links sent earlier keep working. The audit entry holds ids only.
    """
    with write_lock():
        application = _sent_application(application_id)
        if not application.applicant.email:
            raise DomainError(_("This application no longer has the student's email address."))
        token = _issue_link(application, Audience.STUDENT)
        queue_email(
            application.applicant.email,
            "youth/link_to_student",
            application.applicant.language,
            _links_context(application, token),
            related=("youth_application", application.id),
        )
        record(actor, "youth.link.resend", "youth_application", application.id, audience="student")
        db.session.commit()
    return application


def send_consent_link_again(application_id: int, actor: User) -> Application:
    """Staff send the guardian a fresh consent link, while the guardian can still answer."""
    with write_lock():
        application = _sent_application(application_id)
        if not application.can_answer_consent():
            raise DomainError(_("The results have been published: the answer can no longer be changed."))
        if not application.applicant.guardian_email:
            raise DomainError(_("This application no longer has the guardian's email address."))
        _queue_guardian_request(application)
        record(actor, "youth.link.resend", "youth_application", application.id, audience="guardian")
        db.session.commit()
    return application


# Consent ---------------------------------------------------------------------------------


# Called with an application whose decision is taken back because its guardian withdrew
# consent before publication: selection frees its place or its spot on the waiting list.
DECISION_TAKEN_BACK: list[Callable[[Application], None]] = []


def consent_closed_message() -> str:
    return _("The results have been published: the answer can no longer be changed.")


def answer_consent(application: Application, decision: ConsentStatus, signed_name: str) -> None:
    """The guardian's answer, with the typed name as signature and the time.

    The cohort's row is locked first, as selection locks it to decide and to publish: an
    answer and a publication never cross. A refusal before publication takes back a place
    or a spot on the waiting list already decided.
    """
    if not signed_name.strip():
        raise DomainError(_("Type your full name to sign your answer."), field="signed_name")
    with write_lock():
        cohort = db.session.get(Cohort, application.cohort_id, with_for_update=True, populate_existing=True)
        application = db.session.get(Application, application.id, populate_existing=True)
        if not cohort.can_change_consent():
            raise DomainError(consent_closed_message())
        applicant = application.applicant  # loaded before the changes: no flush in between
        application.record_consent(decision, utcnow())
        applicant.consent_signed_name = signed_name.strip()
        if decision != ConsentStatus.GIVEN and application.status in NEEDING_CONSENT:
            taken_back = application.status
            application.take_back_decision(by="guardian", note="consent withdrawn")
            for release in DECISION_TAKEN_BACK:
                release(application)
            record(
                None,
                "youth.decision.taken_back",
                "youth_application",
                application.id,
                code=application.code,
                decision=taken_back.value,
            )
        queue_email(
            application.applicant.email,
            "youth/consent_recorded_to_student",
            application.applicant.language,
            _links_context(application, None),
            related=("youth_application", application.id),
        )
        record(None, "youth.consent", "youth_application", application.id, consent=decision.value)
        db.session.commit()


def send_consent_reminders(now: datetime | None = None) -> str:
    """Remind guardians who have not answered, the cohort's set days before the window closes; once."""
    now = now or utcnow()
    queued = 0
    with write_lock():
        cohorts = db.session.scalars(sa.select(Cohort).where(Cohort.opens_at <= now, Cohort.closes_at > now))
        for cohort in cohorts:
            if now < cohort.closes_at - timedelta(days=cohort.consent_reminder_days):
                continue
            waiting = db.session.scalars(
                sa.select(Application)
                .where(
                    Application.cohort_id == cohort.id,
                    Application.status == ApplicationStatus.SUBMITTED,
                    Application.consent_status == ConsentStatus.PENDING,
                )
                .options(joinedload(Application.applicant))
                .order_by(Application.id)
            )
            for application in waiting:
                key = f"youth:consent-reminder:{application.id}"
                if db.session.scalar(sa.select(OutboxEmail.id).where(OutboxEmail.dedupe_key == key)):
                    continue
                token = _issue_link(application, Audience.GUARDIAN)
                queue_email(
                    application.applicant.guardian_email,
                    "youth/consent_reminder_to_guardian",
                    application.applicant.language,
                    {**_links_context(application, None), "link": absolute_url("youth.consent", token=token)},
                    dedupe_key=key,
                    related=("youth_application", application.id),
                )
                queued += 1
        db.session.commit()
    return f"Youth training: {queued} consent reminder(s) to guardians queued."


# Retention ----------------------------------------------------------------------------------

PERSONAL_FIELDS = (
    "family_name",
    "given_name",
    "family_name_kana",
    "given_name_kana",
    "school_name",
    "email",
    "phone",
    "guardian_name",
    "guardian_relationship",
    "guardian_email",
    "guardian_phone",
    "consent_signed_name",
)


def purge_personal_data(now: datetime | None = None) -> str:
    """Delete applicants' personal data once the fiscal year after their cohort's has ended.

    Codes, statuses, consent states, schools and grades stay, so the counts of the track
    record are kept; names, contacts, typed signatures, the essays and the keyed hash of
    the student's address go, every private link stops working, and the emails about the
    applications (queued, sent or failed) are deleted with them.
    """
    now = now or utcnow()
    current_year = fiscal_year(now.astimezone(JST).date())
    purged = 0
    with write_lock():
        cohorts = db.session.scalars(
            sa.select(Cohort).where(
                Cohort.fiscal_year <= current_year - 2, Cohort.personal_data_purged_at.is_(None)
            )
        )
        for cohort in cohorts:
            ids = sa.select(Application.id).where(Application.cohort_id == cohort.id).scalar_subquery()
            db.session.execute(
                sa.delete(OutboxEmail).where(
                    sa.or_(
                        sa.and_(
                            OutboxEmail.related_type == "youth_application",
                            OutboxEmail.related_id.in_(
                                sa.select(sa.cast(Application.id, sa.String)).where(
                                    Application.cohort_id == cohort.id
                                )
                            ),
                        ),
                        sa.and_(
                            OutboxEmail.related_type == "youth_cohort",
                            OutboxEmail.related_id == str(cohort.id),
                        ),
                    )
                )
            )
            db.session.execute(
                sa.update(Applicant)
                .where(Applicant.application_id.in_(ids))
                .values({name: "" for name in PERSONAL_FIELDS})
            )
            db.session.execute(
                sa.update(Application)
                .where(Application.cohort_id == cohort.id)
                .values(essay="", submission_key_hash=None, email_key=None, purged_at=now)
            )
            db.session.execute(
                sa.update(AccessLink).where(AccessLink.application_id.in_(ids)).values(revoked_at=now)
            )
            db.session.execute(
                sa.delete(Application).where(
                    Application.cohort_id == cohort.id, Application.status == ApplicationStatus.DRAFT
                )
            )
            cohort.personal_data_purged_at = now
            record(None, "youth.cohort.purge", "youth_cohort", cohort.id, fiscal_year=cohort.fiscal_year)
            purged += 1
        db.session.commit()
    return f"Youth training: personal data of {purged} past cohort(s) deleted."


# Staff: cohorts and events ---------------------------------------------------------------


@dataclass(frozen=True)
class CohortData:
    fiscal_year: int
    title_ja: str
    destination_ja: str
    opens_at: datetime
    closes_at: datetime
    essay_prompt_ja: str
    title_en: str = ""
    destination_en: str = ""
    description_ja: str = ""
    description_en: str = ""
    places: int = 6
    waitlist_length: int = 3
    eligible_grades: tuple[int, ...] = (1, 2)
    essay_prompt_en: str = ""
    essay_min_chars: int = 600
    essay_max_chars: int = 800
    reviewers_per_application: int = 2
    offer_days: int = 7
    consent_reminder_days: int = 5


def list_cohorts() -> list[tuple[Cohort, int]]:
    """Every cohort, newest first, with its number of applications (drafts not counted)."""
    counts = (
        sa.select(Application.cohort_id, sa.func.count().label("n"))
        .where(Application.status != ApplicationStatus.DRAFT)
        .group_by(Application.cohort_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(Cohort, sa.func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.cohort_id == Cohort.id)
        .order_by(Cohort.fiscal_year.desc())
    ).all()
    return [(cohort, n) for cohort, n in rows]


def get_cohort(cohort_id: int) -> Cohort | None:
    return db.session.get(Cohort, cohort_id)


def _check_cohort(data: CohortData, exclude_id: int | None = None) -> None:
    if data.opens_at >= data.closes_at:
        raise DomainError(_("The window must close after it opens."), field="closes_date")
    if data.essay_min_chars > data.essay_max_chars:
        raise DomainError(_("The maximum must not be below the minimum."), field="essay_max_chars")
    stmt = sa.select(Cohort.id).where(Cohort.fiscal_year == data.fiscal_year)
    if exclude_id is not None:
        stmt = stmt.where(Cohort.id != exclude_id)
    if db.session.scalar(stmt) is not None:
        raise DomainError(_("There is already a cohort for this fiscal year."), field="fiscal_year")


def _apply_cohort(cohort: Cohort, data: CohortData) -> None:
    for name, value in data.__dict__.items():
        setattr(cohort, name, list(value) if name == "eligible_grades" else value)


def create_cohort(data: CohortData, actor: User) -> Cohort:
    _check_cohort(data)
    cohort = Cohort()
    _apply_cohort(cohort, data)
    db.session.add(cohort)
    db.session.flush()
    record(actor, "youth.cohort.create", "youth_cohort", cohort.id, fiscal_year=data.fiscal_year)
    db.session.commit()
    return cohort


def update_cohort(cohort: Cohort, data: CohortData, actor: User) -> None:
    _check_cohort(data, exclude_id=cohort.id)
    _apply_cohort(cohort, data)
    record(actor, "youth.cohort.update", "youth_cohort", cohort.id)
    db.session.commit()


@dataclass(frozen=True)
class EventData:
    kind: EventKind
    title_ja: str
    starts_at: datetime
    ends_at: datetime
    title_en: str = ""
    place_ja: str = ""
    place_en: str = ""


def _check_event(data: EventData) -> None:
    if data.ends_at <= data.starts_at:
        raise DomainError(_("The event must end after it starts."), field="end_date")


def add_event(cohort: Cohort, data: EventData, actor: User) -> CohortEvent:
    _check_event(data)
    event = CohortEvent(cohort=cohort, **data.__dict__)
    db.session.add(event)
    db.session.flush()
    record(actor, "youth.event.create", "youth_cohort", cohort.id, event_id=event.id)
    db.session.commit()
    return event


def update_event(event: CohortEvent, data: EventData, actor: User) -> None:
    _check_event(data)
    for name, value in data.__dict__.items():
        setattr(event, name, value)
    event.sequence += 1
    record(actor, "youth.event.update", "youth_cohort", event.cohort_id, event_id=event.id)
    db.session.commit()


def delete_event(event: CohortEvent, actor: User) -> None:
    record(actor, "youth.event.delete", "youth_cohort", event.cohort_id, event_id=event.id)
    db.session.delete(event)
    db.session.commit()


# Staff: applications ---------------------------------------------------------------------


@dataclass(frozen=True)
class ApplicationFilters:
    status: str | None = None
    consent: str | None = None
    grade: int | None = None
    school_id: int | None = None
    query: str | None = None

    def as_details(self) -> dict[str, Any]:
        """The filters for an audit entry: known choices only, never the free-text search.

        Whatever else the query string holds (it is typed by hand as easily) is left out.
        """
        choices = {
            "status": self.status if self.status in {s.value for s in ApplicationStatus} else None,
            "consent": self.consent if self.consent in {s.value for s in ConsentStatus} else None,
            "grade": self.grade if self.grade in GRADES else None,
        }
        return {k: v for k, v in choices.items() if v} | ({"searched": True} if self.query else {})


def _applications_query(cohort: Cohort, filters: ApplicationFilters) -> sa.Select:
    stmt = (
        sa.select(Application)
        .join(Applicant)
        .where(Application.cohort_id == cohort.id, Application.status != ApplicationStatus.DRAFT)
        .options(joinedload(Application.applicant).joinedload(Applicant.school))
    )
    if filters.status in {s.value for s in ApplicationStatus} - {"draft"}:
        stmt = stmt.where(Application.status == ApplicationStatus(filters.status))
    if filters.consent in {s.value for s in ConsentStatus}:
        stmt = stmt.where(Application.consent_status == ConsentStatus(filters.consent))
    if filters.grade in GRADES:
        stmt = stmt.where(Applicant.grade == filters.grade)
    if filters.school_id:
        stmt = stmt.where(Applicant.school_id == filters.school_id)
    if filters.query:
        like = f"%{filters.query.strip()}%"
        stmt = stmt.where(
            sa.or_(
                Application.code.ilike(like),
                Applicant.family_name.ilike(like),
                Applicant.given_name.ilike(like),
                Applicant.family_name_kana.ilike(like),
                Applicant.given_name_kana.ilike(like),
                Applicant.school_name.ilike(like),
            )
        )
    return stmt.order_by(Application.code)


def list_applications(
    cohort: Cohort, filters: ApplicationFilters, page: int = 1, per_page: int = 50
) -> Pagination:
    return db.paginate(_applications_query(cohort, filters), page=page, per_page=per_page, error_out=False)


def view_applications(cohort: Cohort, filters: ApplicationFilters, page: int, actor: User) -> Pagination:
    """The staff list of a cohort's applications (names, schools); the viewing is audited.

    The entry holds the filters and the page, and whether a search was used, never its text.
    """
    # Audited first: a commit after loading would expire every row the page then reads.
    record(actor, "youth.applications.view", "youth_cohort", cohort.id, page=page, **filters.as_details())
    db.session.commit()
    return list_applications(cohort, filters, page=page)


def application_summary(cohort: Cohort) -> dict[str, int]:
    """Counts for the list's heading: applications, consent states, drafts in progress."""
    rows = db.session.execute(
        sa.select(Application.status, Application.consent_status, sa.func.count())
        .where(Application.cohort_id == cohort.id)
        .group_by(Application.status, Application.consent_status)
    ).all()
    summary = {"applications": 0, "drafts": 0} | {s.value: 0 for s in ConsentStatus}
    for status, consent, n in rows:
        if status == ApplicationStatus.DRAFT:
            summary["drafts"] += n
        else:
            summary["applications"] += n
            summary[consent.value] += n
    return summary


def schools_in(cohort: Cohort) -> list[School]:
    """The schools that applications of this cohort come from, for the filter."""
    return list(
        db.session.scalars(
            sa.select(School)
            .join(Applicant, Applicant.school_id == School.id)
            .join(Application)
            .where(Application.cohort_id == cohort.id, Application.status != ApplicationStatus.DRAFT)
            .distinct()
            .order_by(School.name)
        )
    )


EXPORT_HEADER = (
    "code",
    "status",
    "submitted_at",
    "family_name",
    "given_name",
    "family_name_kana",
    "given_name_kana",
    "school",
    "grade",
    "email",
    "phone",
    "guardian_name",
    "guardian_relationship",
    "guardian_email",
    "guardian_phone",
    "consent",
    "consent_answered_at",
    "essay_chars",
)


def export_applications(
    cohort: Cohort, filters: ApplicationFilters, fmt: str, actor: User
) -> list[list[Any]]:
    """The rows of the export (the essays themselves are not exported); the export is audited."""
    rows = []
    for application in db.session.scalars(_applications_query(cohort, filters)).unique():
        applicant = application.applicant
        rows.append(
            [
                application.code,
                application.status.label,
                application.submitted_at,
                applicant.family_name,
                applicant.given_name,
                applicant.family_name_kana,
                applicant.given_name_kana,
                applicant.school_label,
                applicant.grade,
                applicant.email,
                applicant.phone,
                applicant.guardian_name,
                applicant.guardian_relationship,
                applicant.guardian_email,
                applicant.guardian_phone,
                application.consent_status.label,
                application.consent_answered_at,
                application.essay_chars,
            ]
        )
    record(
        actor,
        "youth.applications.export",
        "youth_cohort",
        cohort.id,
        format=fmt,
        rows=len(rows),
        **filters.as_details(),
    )
    db.session.commit()
    return rows


def export_header() -> list[str]:
    labels = {
        "code": _("Applicant code"),
        "status": _("Status"),
        "submitted_at": _("Sent at"),
        "family_name": _("Family name"),
        "given_name": _("Given name"),
        "family_name_kana": _("Family name in kana"),
        "given_name_kana": _("Given name in kana"),
        "school": _("School"),
        "grade": _("Year"),
        "email": _("Email address"),
        "phone": _("Phone number"),
        "guardian_name": _("Guardian's name"),
        "guardian_relationship": _("Relationship"),
        "guardian_email": _("Guardian's email address"),
        "guardian_phone": _("Guardian's phone number"),
        "consent": _("Guardian's consent"),
        "consent_answered_at": _("Answered at"),
        "essay_chars": _("Essay length (characters)"),
    }
    return [labels[column] for column in EXPORT_HEADER]


def view_application(application_id: int, actor: User) -> Application | None:
    """One application with its personal data and essay, for staff; the viewing is audited."""
    application = db.session.scalar(
        sa.select(Application)
        .where(Application.id == application_id, Application.status != ApplicationStatus.DRAFT)
        .options(
            joinedload(Application.applicant).joinedload(Applicant.school),
            joinedload(Application.cohort),
            selectinload(Application.history),
        )
    )
    if application is None:
        return None
    record(actor, "youth.application.view", "youth_application", application.id, code=application.code)
    db.session.commit()
    return application


# The dashboard -----------------------------------------------------------------------------


def dashboard_figures() -> dict[str, Any] | None:
    cohort = featured_cohort()
    if cohort is None:
        return None
    return {"cohort": cohort, "summary": application_summary(cohort), "state": cohort.window_state(utcnow())}
