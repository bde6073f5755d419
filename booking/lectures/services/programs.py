"""The catalog: the lectures schools can ask for, kept by staff."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from booking.audit.services import record
from booking.core.cache import cached_value
from booking.core.errors import DomainError
from booking.core.i18n import localised
from booking.extensions import db
from booking.lectures.models import GradeBand, LectureFormat, Program
from booking.staff.models import User


@dataclass(frozen=True)
class ProgramData:
    title_ja: str
    title_en: str
    summary_ja: str
    summary_en: str
    target_grades: tuple[GradeBand, ...]
    duration_minutes: int
    offers_in_person: bool
    offers_online: bool
    max_audience: int
    active: bool = True
    position: int = 0


def active_programs() -> list[Program]:
    return list(
        db.session.scalars(
            sa.select(Program).where(Program.active.is_(True)).order_by(Program.position, Program.id)
        )
    )


@dataclass(frozen=True)
class ProgramChoice:
    """An active program as the request form offers it: plain values, safe to keep across requests."""

    id: int
    title_ja: str
    title_en: str
    formats: tuple[LectureFormat, ...]

    def title(self, language: str | None = None) -> str:
        return localised(self, "title", language)


def program_choices() -> tuple[ProgramChoice, ...]:
    """The active programs to choose from; on a cached page, read only after a change."""
    return cached_value(
        "lectures.program_choices",
        lambda: tuple(
            ProgramChoice(p.id, p.title_ja, p.title_en, tuple(p.formats)) for p in active_programs()
        ),
    )


def all_programs() -> list[Program]:
    return list(
        db.session.scalars(sa.select(Program).order_by(Program.active.desc(), Program.position, Program.id))
    )


def get_program(program_id: int) -> Program | None:
    return db.session.get(Program, program_id)


def _apply_program(program: Program, data: ProgramData) -> None:
    if not (data.offers_in_person or data.offers_online):
        raise DomainError(_("Offer the lecture in person, online, or both."), field="formats")
    program.title_ja, program.title_en = data.title_ja, data.title_en
    program.summary_ja, program.summary_en = data.summary_ja, data.summary_en
    program.target_grades = [band.value for band in data.target_grades]
    program.duration_minutes = data.duration_minutes
    program.offers_in_person, program.offers_online = data.offers_in_person, data.offers_online
    program.max_audience = data.max_audience
    program.active = data.active
    program.position = data.position


def create_program(data: ProgramData, actor: User) -> Program:
    program = Program()
    _apply_program(program, data)
    db.session.add(program)
    db.session.flush()
    record(actor, "lecture_program.create", "lecture_program", program.id)
    db.session.commit()
    return program


def update_program(program: Program, data: ProgramData, actor: User) -> None:
    _apply_program(program, data)
    record(actor, "lecture_program.update", "lecture_program", program.id, active=data.active)
    db.session.commit()
