"""The round's settings and the shortlist: on or off, weights, size, interviewers, who is invited."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from booking.audit.services import record
from booking.core.auth import Role
from booking.core.errors import DomainError
from booking.core.time import utcnow
from booking.db import write_lock
from booking.extensions import db
from booking.interview import notifications
from booking.interview.models import Interviewer, InterviewRound, InterviewSlot, ShortlistEntry
from booking.review import services as review_services
from booking.review.ranking import Standing
from booking.staff.models import User, UserRole
from booking.youth.models import Application, Cohort
from booking.youth.services import lock_cohort, new_student_link

INTERVIEWER_ROLES = (Role.REVIEWER, Role.COORDINATOR)


@dataclass(frozen=True)
class RoundSettings:
    enabled: bool
    essay_weight: int
    interview_weight: int
    shortlist_size: int
    interviewer_ids: frozenset[int]


def round_for(cohort: Cohort) -> InterviewRound | None:
    return db.session.scalar(sa.select(InterviewRound).where(InterviewRound.cohort_id == cohort.id))


def has_interview(cohort: Cohort) -> bool:
    """The cohort selects in two stages: essays, then an interview for a shortlist."""
    found = round_for(cohort)
    return found is not None and found.enabled


def interviewer_choices() -> list[User]:
    """Active staff who may interview: reviewers and coordinators."""
    return list(
        db.session.scalars(
            sa.select(User)
            .where(
                User.active.is_(True),
                User.id.in_(sa.select(UserRole.user_id).where(UserRole.role.in_(INTERVIEWER_ROLES))),
            )
            .order_by(User.name, User.id)
        )
    )


def interviewer_ids(cohort: Cohort) -> set[int]:
    return set(db.session.scalars(sa.select(Interviewer.user_id).where(Interviewer.cohort_id == cohort.id)))


def is_interviewer(cohort_id: int, user: User) -> bool:
    return (
        db.session.scalar(
            sa.select(Interviewer.id).where(
                Interviewer.cohort_id == cohort_id, Interviewer.user_id == user.id
            )
        )
        is not None
    )


def _check_settings(data: RoundSettings) -> None:
    errors = []
    if not 0 <= data.essay_weight <= 100:
        errors.append(DomainError(_("Enter a weight from 0 to 100."), field="essay_weight"))
    if not 0 <= data.interview_weight <= 100:
        errors.append(DomainError(_("Enter a weight from 0 to 100."), field="interview_weight"))
    if not errors and data.essay_weight + data.interview_weight != 100:
        errors.append(
            DomainError(
                _(
                    "The two weights must add up to 100 (they add up to %(sum)d now).",
                    sum=data.essay_weight + data.interview_weight,
                ),
                field="interview_weight",
            )
        )
    if not 1 <= data.shortlist_size <= 500:
        errors.append(DomainError(_("Enter a shortlist size from 1 to 500."), field="shortlist_size"))
    allowed = {u.id for u in interviewer_choices()}
    if not data.interviewer_ids <= allowed:
        errors.append(DomainError(_("Choose interviewers from the list."), field="interviewers"))
    if errors:
        raise DomainError.several(errors)


def save_settings(cohort: Cohort, data: RoundSettings, actor: User) -> InterviewRound:
    """Turn the round on or off and set its weights, shortlist size and interviewers."""
    _check_settings(data)
    with write_lock():
        cohort = lock_cohort(cohort.id)
        if cohort.results_published_at is not None:
            raise DomainError(_("The results are published: the interview round can no longer change."))
        found = round_for(cohort) or InterviewRound(cohort_id=cohort.id)
        if not data.enabled and found.enabled and _invited_count(cohort) > 0:
            raise DomainError(
                _("Invitations have gone out, so the interview round cannot be turned off."), field="enabled"
            )
        found.enabled = data.enabled
        found.essay_weight = data.essay_weight
        found.interview_weight = data.interview_weight
        found.shortlist_size = data.shortlist_size
        db.session.add(found)
        current = {
            i.user_id: i
            for i in db.session.scalars(sa.select(Interviewer).where(Interviewer.cohort_id == cohort.id))
        }
        for user_id in set(current) - data.interviewer_ids:
            db.session.delete(current[user_id])
        for user_id in sorted(data.interviewer_ids - set(current)):
            db.session.add(Interviewer(cohort_id=cohort.id, user_id=user_id))
        record(
            actor,
            "interview.settings.update",
            "youth_cohort",
            cohort.id,
            enabled=data.enabled,
            essay_weight=data.essay_weight,
            interview_weight=data.interview_weight,
            shortlist_size=data.shortlist_size,
            interviewers=sorted(data.interviewer_ids),
        )
        db.session.commit()
    return found


def _invited_count(cohort: Cohort) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(ShortlistEntry)
        .where(ShortlistEntry.cohort_id == cohort.id, ShortlistEntry.invited_at.is_not(None))
    )


# The shortlist ----------------------------------------------------------------------------------


@dataclass
class ShortlistRow:
    application: Application
    standing: Standing
    entry: ShortlistEntry | None


def shortlist_board(cohort: Cohort) -> list[ShortlistRow]:
    """Every reviewed application in essay-ranking order, with its place on the shortlist if any."""
    board = review_services.ranking(cohort)
    entries = {
        e.application_id: e
        for e in db.session.scalars(sa.select(ShortlistEntry).where(ShortlistEntry.cohort_id == cohort.id))
    }
    return [ShortlistRow(r.application, r.standing, entries.get(r.application.id)) for r in board.rows]


def shortlisted_entries(cohort: Cohort) -> list[ShortlistEntry]:
    return list(
        db.session.scalars(
            sa.select(ShortlistEntry)
            .where(ShortlistEntry.cohort_id == cohort.id)
            .options(joinedload(ShortlistEntry.application).joinedload(Application.applicant))
            .order_by(ShortlistEntry.application_id)
        )
    )


def shortlist_entry(application: Application) -> ShortlistEntry | None:
    return db.session.scalar(sa.select(ShortlistEntry).where(ShortlistEntry.application_id == application.id))


def not_shortlisted(application: Application) -> bool:
    """The cohort interviewed a shortlist and this application was not on it."""
    return (
        has_interview(application.cohort)
        and _invited_count(application.cohort) > 0
        and shortlist_entry(application) is None
    )


def _check_open(cohort: Cohort) -> None:
    found = round_for(cohort)
    if found is None or not found.enabled:
        raise DomainError(_("Turn the interview round on first."))
    if cohort.results_published_at is not None:
        raise DomainError(_("The results are published: the interview round can no longer change."))
    if not review_services.is_closed(cohort):
        raise DomainError(_("Close the review first: the shortlist follows the final essay ranking."))


def draw_shortlist(cohort: Cohort, actor: User) -> int:
    """Fill the shortlist from the top of the essay ranking, up to the round's size.

    Those already invited and those a coordinator added by hand stay; the rest are drawn again.
    Only applications with the guardian's consent are drawn. How many are on it afterwards.
    """
    with write_lock():
        cohort = lock_cohort(cohort.id)
        _check_open(cohort)
        size = round_for(cohort).shortlist_size
        kept = []
        for entry in db.session.scalars(
            sa.select(ShortlistEntry).where(ShortlistEntry.cohort_id == cohort.id)
        ):
            if entry.invited_at is None and not entry.by_hand:
                db.session.delete(entry)
            else:
                kept.append(entry.application_id)
        db.session.flush()
        count = len(kept)
        for row in sorted(
            (r for r in review_services.ranking(cohort).rows if r.standing.rank is not None),
            key=lambda r: r.standing.rank,
        ):
            if count >= size:
                break
            if row.application.id in kept or not row.application.can_be_offered_a_place():
                continue
            db.session.add(ShortlistEntry(cohort_id=cohort.id, application_id=row.application.id))
            count += 1
        record(actor, "interview.shortlist.draw", "youth_cohort", cohort.id, size=count)
        db.session.commit()
    return count


def _reviewable(cohort: Cohort, application_id: int) -> Application:
    application = db.session.get(Application, application_id)
    if (
        application is None
        or application.cohort_id != cohort.id
        or application.status not in review_services.REVIEWABLE
    ):
        raise DomainError(_("Choose an application from the list."))
    return application


def add_to_shortlist(cohort: Cohort, application_id: int, actor: User) -> None:
    with write_lock():
        cohort = lock_cohort(cohort.id)
        _check_open(cohort)
        application = _reviewable(cohort, application_id)
        if not application.can_be_offered_a_place():
            raise DomainError(
                _("%(code)s cannot be shortlisted: its guardian has not consented.", code=application.code)
            )
        if shortlist_entry(application) is None:
            db.session.add(ShortlistEntry(cohort_id=cohort.id, application_id=application.id, by_hand=True))
            record(
                actor, "interview.shortlist.add", "youth_application", application.id, code=application.code
            )
        db.session.commit()


def remove_from_shortlist(cohort: Cohort, application_id: int, actor: User) -> None:
    with write_lock():
        cohort = lock_cohort(cohort.id)
        _check_open(cohort)
        application = _reviewable(cohort, application_id)
        entry = shortlist_entry(application)
        if entry is None:
            return
        if not entry.can_be_removed():
            raise DomainError(
                _(
                    "%(code)s has been invited to the interview and stays on the shortlist.",
                    code=application.code,
                )
            )
        db.session.delete(entry)
        record(
            actor, "interview.shortlist.remove", "youth_application", application.id, code=application.code
        )
        db.session.commit()


def send_invitations(cohort: Cohort, actor: User) -> int:
    """Invite every shortlisted student not yet invited (student and guardian); how many."""
    with write_lock():
        cohort = lock_cohort(cohort.id)
        _check_open(cohort)
        slots = list(
            db.session.scalars(
                sa.select(InterviewSlot)
                .where(InterviewSlot.cohort_id == cohort.id, InterviewSlot.starts_at > utcnow())
                .order_by(InterviewSlot.starts_at, InterviewSlot.id)
            )
        )
        if not slots:
            raise DomainError(_("Add the interview times first: the invitation lists them."))
        now = utcnow()
        invited = 0
        for entry in shortlisted_entries(cohort):
            if entry.invited_at is not None:
                continue
            notifications.invitation(entry.application, slots, new_student_link(entry.application))
            entry.invited_at = now
            invited += 1
        if invited == 0:
            raise DomainError(_("Everyone on the shortlist has been invited already."))
        record(actor, "interview.invitations.send", "youth_cohort", cohort.id, invited=invited)
        db.session.commit()
    return invited


def cohorts_overview() -> list[tuple[Cohort, InterviewRound | None]]:
    """Every cohort, newest first, with its interview round if it has one."""
    rows = db.session.execute(
        sa.select(Cohort, InterviewRound)
        .outerjoin(InterviewRound, InterviewRound.cohort_id == Cohort.id)
        .order_by(Cohort.fiscal_year.desc())
    )
    return [(cohort, found) for cohort, found in rows]
