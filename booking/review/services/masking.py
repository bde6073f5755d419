"""Masked essays: the text reviewers read, and the phrases coordinators mask by hand.

Every page that shows an essay to a reviewer takes its text from `masked_essay`, which
reads the applicant's name, school and guardian here, on the server, and returns only the
masked text: the personal data never reaches the reviewer's page.

Coordinators may add or remove manual masks until the review starts, that is until the
first reviewer is assigned to any essay of the cohort: from then on every reviewer reads
the same text from their first look to the last. The automatic masks need no such limit
(they are computed afresh each time, from the applicant's data).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from booking.audit.services import record
from booking.core.errors import DomainError
from booking.db import write_lock
from booking.extensions import db
from booking.review.masking import (
    Identity,
    Term,
    apply_spans,
    count_spans,
    find_spans,
    normalise,
    terms_for,
    worth_masking,
)
from booking.review.models import EssayMask, Review
from booking.review.services.cohorts import REVIEWABLE, _check_not_published
from booking.staff.models import User
from booking.youth.models import Applicant, Application, Cohort
from booking.youth.services import lock_cohort

# Enough for every name a coordinator may find in one essay; more is a sign of a wrong tool.
MAX_MASKS_PER_ESSAY = 50
PHRASE_MAX_CHARS = 100


def _identity(applicant: Applicant | None, phrases: list[str]) -> Identity:
    if applicant is None:
        return Identity(phrases=tuple(phrases))
    schools = [applicant.school_name]
    if applicant.school is not None:
        schools += [applicant.school.name, applicant.school.name_kana]
    return Identity(
        family_name=applicant.family_name,
        given_name=applicant.given_name,
        family_name_kana=applicant.family_name_kana,
        given_name_kana=applicant.given_name_kana,
        school_names=tuple(s for s in schools if s),
        guardian_name=applicant.guardian_name,
        phrases=tuple(phrases),
    )


def _applicants(application_ids: list[int]) -> dict[int, Applicant]:
    if not application_ids:
        return {}
    found = db.session.scalars(
        sa.select(Applicant)
        .where(Applicant.application_id.in_(application_ids))
        .options(joinedload(Applicant.school))
    )
    return {a.application_id: a for a in found}


def _manual_masks(application_ids: list[int]) -> dict[int, list[EssayMask]]:
    found: dict[int, list[EssayMask]] = {i: [] for i in application_ids}
    if application_ids:
        for mask in db.session.scalars(
            sa.select(EssayMask)
            .where(EssayMask.application_id.in_(application_ids))
            .order_by(EssayMask.created_at, EssayMask.id)
        ):
            found[mask.application_id].append(mask)
    return found


def identity_of(application_id: int) -> Identity:
    """The words to mask in this application's essay (its applicant's and the manual ones)."""
    applicant = _applicants([application_id]).get(application_id)
    phrases = [m.phrase for m in _manual_masks([application_id])[application_id]]
    return _identity(applicant, phrases)


def masked_essay(application: Application) -> str:
    """The essay as a reviewer reads it: the student's name, school, guardian and manual masks as ■■."""
    return apply_spans(
        application.essay, find_spans(application.essay, terms_for(identity_of(application.id)))
    )


def masks_editable(cohort: Cohort) -> bool:
    """Manual masks may change until the first reviewer is assigned, and never after publication."""
    if cohort.results_published_at is not None:
        return False
    return not db.session.scalar(sa.select(sa.exists().where(Review.cohort_id == cohort.id)))


@dataclass
class MaskRow:
    """One essay on the list: how many spans are masked automatically and by hand."""

    application: Application
    automatic: int
    manual: int


def mask_list(cohort: Cohort) -> list[MaskRow]:
    """Every essay reviewers will read, by code, with its masks counted (three queries)."""
    applications = list(
        db.session.scalars(
            sa.select(Application)
            .where(Application.cohort_id == cohort.id, Application.status.in_(REVIEWABLE))
            .order_by(Application.code)
        )
    )
    ids = [a.id for a in applications]
    applicants = _applicants(ids)
    manual = _manual_masks(ids)
    rows = []
    for application in applications:
        automatic = terms_for(_identity(applicants.get(application.id), []))
        rows.append(
            MaskRow(
                application,
                len(find_spans(application.essay, automatic)),
                len(manual[application.id]),
            )
        )
    return rows


@dataclass
class MaskedPassage:
    """A passage of the essay the automatic masks cover, what it is, and how often it occurs."""

    text: str
    kind: str
    count: int


@dataclass
class MaskOverview:
    """One essay for the coordinator: the text reviewers will read, and what is masked in it."""

    application: Application
    masked: str
    automatic: list[MaskedPassage]
    checked: int
    manual: list[tuple[EssayMask, int]] = field(default_factory=list)
    editable: bool = False


def _reviewable(cohort: Cohort, application_id: int) -> Application | None:
    return db.session.scalar(
        sa.select(Application).where(
            Application.id == application_id,
            Application.cohort_id == cohort.id,
            Application.status.in_(REVIEWABLE),
        )
    )


def _passages(essay: str, terms: list[Term]) -> list[MaskedPassage]:
    found: dict[str, MaskedPassage] = {}
    for start, end, kind in find_spans(essay, terms):
        text = " ".join(essay[start:end].split())
        passage = found.setdefault(text, MaskedPassage(text, kind, 0))
        passage.count += 1
    return list(found.values())


def view_masks(cohort: Cohort, application_id: int, actor: User) -> MaskOverview | None:
    """The essay, its masks and the words they come from, for a coordinator; the viewing is audited."""
    application = _reviewable(cohort, application_id)
    if application is None:
        return None
    # Audited first: a commit after loading would expire every row the page then reads.
    record(actor, "review.masks.view", "youth_application", application.id, code=application.code)
    db.session.commit()
    return mask_overview(cohort, application_id)


def mask_overview(cohort: Cohort, application_id: int) -> MaskOverview | None:
    application = _reviewable(cohort, application_id)
    if application is None:
        return None
    applicant = _applicants([application.id]).get(application.id)
    manual = _manual_masks([application.id])[application.id]
    automatic = terms_for(_identity(applicant, []))
    everything = terms_for(_identity(applicant, [m.phrase for m in manual]))
    return MaskOverview(
        application=application,
        masked=apply_spans(application.essay, find_spans(application.essay, everything)),
        automatic=_passages(application.essay, automatic),
        checked=len(automatic),
        manual=[(m, count_spans(application.essay, Term("manual", m.phrase))) for m in manual],
        editable=masks_editable(cohort),
    )


def _check_editable(cohort: Cohort) -> None:
    _check_not_published(cohort)
    if not masks_editable(cohort):
        raise DomainError(
            _("The review has started (reviewers are assigned): the masks can no longer change.")
        )


def add_mask(cohort: Cohort, application_id: int, phrase: str, actor: User) -> EssayMask:
    """Mask every occurrence of a phrase in one essay, before the review starts."""
    phrase = phrase.strip(" \t\u3000")
    key = normalise(phrase)
    with write_lock():
        cohort = lock_cohort(cohort.id)
        _check_editable(cohort)
        application = _reviewable(cohort, application_id)
        if application is None:
            raise DomainError(_("This essay is not among those to review."))
        if not key:
            raise DomainError(_("Type the words to mask, as they appear in the essay."), field="phrase")
        if len(phrase) > PHRASE_MAX_CHARS or len(key) > 2 * PHRASE_MAX_CHARS:
            raise DomainError(
                _("Mask at most %(num)d characters at a time.", num=PHRASE_MAX_CHARS), field="phrase"
            )
        if not worth_masking(key, "manual"):
            raise DomainError(_("Type at least two characters (a single kanji is enough)."), field="phrase")
        if not count_spans(application.essay, Term("manual", phrase)):
            raise DomainError(
                _("These words do not appear in the essay. Copy them from the text as they are written."),
                field="phrase",
            )
        masks = _manual_masks([application.id])[application.id]
        if any(m.phrase_key == key for m in masks):
            raise DomainError(_("These words are already masked."), field="phrase")
        if len(masks) >= MAX_MASKS_PER_ESSAY:
            raise DomainError(
                _("An essay can have at most %(num)d masks added by hand.", num=MAX_MASKS_PER_ESSAY)
            )
        mask = EssayMask(application_id=application.id, phrase=phrase, phrase_key=key, created_by_id=actor.id)
        db.session.add(mask)
        try:
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            raise DomainError(_("These words are already masked."), field="phrase") from None
        # The phrase is personal data: the audit keeps its length and the mask's id only.
        record(
            actor,
            "review.mask.add",
            "youth_application",
            application.id,
            code=application.code,
            mask_id=mask.id,
            characters=len(phrase),
        )
        db.session.commit()
    return mask


def remove_mask(cohort: Cohort, application_id: int, mask_id: int, actor: User) -> None:
    """Take a manual mask off an essay, before the review starts."""
    with write_lock():
        cohort = lock_cohort(cohort.id)
        _check_editable(cohort)
        mask = db.session.get(EssayMask, mask_id)
        application = _reviewable(cohort, application_id)
        if mask is None or application is None or mask.application_id != application.id:
            raise DomainError(_("This mask no longer exists."))
        record(
            actor,
            "review.mask.remove",
            "youth_application",
            application.id,
            code=application.code,
            mask_id=mask.id,
            characters=len(mask.phrase),
        )
        db.session.delete(mask)
        db.session.commit()
