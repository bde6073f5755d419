"""The school directory: listing, editing, and importing a CSV all or nothing."""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import selectinload

from booking.audit.services import record
from booking.core.errors import DomainError
from booking.core.forms import normalise_phone
from booking.core.input_guard import has_unusable_characters
from booking.extensions import db
from booking.schools.models import WARDS, School, SchoolPeriod, SchoolType
from booking.schools.periods import Period, parse_schedule, schedule_problem
from booking.staff.models import User

# Directory order: school types from the youngest pupils up, wards as the city lists them.
TYPE_ORDER = sa.case({t: i for i, t in enumerate(SchoolType)}, value=School.school_type)
WARD_ORDER = sa.case({w: i for i, w in enumerate(WARDS)}, value=School.ward, else_=len(WARDS))
DIRECTORY_ORDER = (TYPE_ORDER, WARD_ORDER, School.name_kana, School.name)


@dataclass(frozen=True)
class SchoolData:
    name: str
    school_type: SchoolType
    ward: str = ""
    address: str = ""
    name_kana: str = ""
    phone: str = ""
    periods: tuple[Period, ...] = ()  # the bell schedule, when given; empty: left as it is


def list_schools(
    school_type: str | None = None,
    ward: str | None = None,
    query: str | None = None,
    include_inactive: bool = True,
    page: int = 1,
    per_page: int = 50,
) -> Pagination:
    stmt = sa.select(School)
    if school_type in {t.value for t in SchoolType}:
        stmt = stmt.where(School.school_type == SchoolType(school_type))
    if ward:
        stmt = stmt.where(School.ward == ward)
    if query:
        like = f"%{query.strip()}%"
        stmt = stmt.where(
            sa.or_(School.name.ilike(like), School.name_kana.ilike(like), School.address.ilike(like))
        )
    if not include_inactive:
        stmt = stmt.where(School.active.is_(True))
    stmt = stmt.order_by(School.active.desc(), *DIRECTORY_ORDER)
    stmt = stmt.options(selectinload(School.periods))
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def active_schools(types: set[SchoolType] | None = None) -> list[School]:
    """Schools to choose from on public forms, in directory order."""
    stmt = sa.select(School).where(School.active.is_(True))
    if types:
        stmt = stmt.where(School.school_type.in_(types))
    return list(db.session.scalars(stmt.order_by(*DIRECTORY_ORDER)))


def get_school(school_id: int) -> School | None:
    return db.session.get(School, school_id)


def _check_unique(name: str, exclude_id: int | None = None) -> None:
    stmt = sa.select(School.id).where(School.name == name)
    if exclude_id is not None:
        stmt = stmt.where(School.id != exclude_id)
    if db.session.scalar(stmt) is not None:
        raise DomainError(_("A school with this name is already in the directory."), field="name")


def create_school(data: SchoolData, actor: User) -> School:
    _check_unique(data.name)
    school = School(
        name=data.name,
        school_type=data.school_type,
        ward=data.ward,
        address=data.address,
        name_kana=data.name_kana,
        phone=data.phone,
    )
    db.session.add(school)
    db.session.flush()
    record(actor, "school.create", "school", school.id)
    db.session.commit()
    return school


def update_school(school: School, data: SchoolData, active: bool, actor: User) -> None:
    _check_unique(data.name, exclude_id=school.id)
    school.name = data.name
    school.school_type = data.school_type
    school.ward = data.ward
    school.address = data.address
    school.name_kana = data.name_kana
    school.phone = data.phone
    school.active = active
    record(actor, "school.update", "school", school.id, active=active)
    db.session.commit()


def _set_periods(school: School, periods: tuple[Period, ...]) -> None:
    school.periods = [
        SchoolPeriod(number=p.number, starts_at=p.starts_at, ends_at=p.ends_at) for p in periods
    ]


def save_periods(school: School, periods: tuple[Period, ...], actor: User) -> None:
    """Give the school its own bell schedule (numbered 1, 2, 3…, in order, not overlapping)."""
    problem = schedule_problem(periods)
    if problem:
        raise DomainError(_("The periods cannot be saved: %(problem)s.", problem=problem))
    # The old rows go first: the new ones reuse their numbers.
    school.periods = []
    db.session.flush()
    _set_periods(school, periods)
    record(actor, "school.periods", "school", school.id, periods=len(periods))
    db.session.commit()


def reset_periods(school: School, actor: User) -> None:
    """The school goes back to its type's default bell schedule."""
    school.periods = []
    record(actor, "school.periods", "school", school.id, periods=0)
    db.session.commit()


# CSV import ------------------------------------------------------------------

HEADER_ALIASES = {
    "name": ("name", "学校名", "名称"),
    "school_type": ("type", "school_type", "種別", "学校種別", "校種"),
    "ward": ("ward", "区", "行政区"),
    "address": ("address", "住所", "所在地"),
    "name_kana": ("name_kana", "kana", "ふりがな", "よみがな", "学校名かな", "学校名（かな）"),
    "phone": ("phone", "電話番号", "電話"),
    "periods": ("periods", "校時", "日課表"),
}
REQUIRED_COLUMNS = {"name": "学校名 (name)", "school_type": "種別 (type)"}

TYPE_ALIASES = {
    SchoolType.ELEMENTARY: ("elementary", "小学校"),
    SchoolType.JUNIOR_HIGH: ("junior_high", "junior high", "中学校"),
    SchoolType.HIGH: ("high", "高等学校", "高校"),
    SchoolType.SPECIAL_NEEDS: ("special_needs", "special needs", "特別支援学校"),
    SchoolType.OTHER: ("other", "その他"),
}
_TYPE_LOOKUP = {alias: school_type for school_type, aliases in TYPE_ALIASES.items() for alias in aliases}


@dataclass(frozen=True)
class RowError:
    line: int  # 1 is the header; 0 means the file as a whole
    message: str


@dataclass
class ImportResult:
    rows: list[SchoolData] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    added: int = 0
    updated: int = 0


class ImportRejected(DomainError):
    """The file had problems; nothing was imported."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(_("Nothing was imported: correct the rows below and upload the file again."))
        self.errors = errors


def _column_length(column: str) -> int:
    return School.__table__.c[column].type.length


def _shown(value: str) -> str:
    """A cell quoted back in a message, cut short."""
    return value if len(value) <= 30 else value[:30] + "…"


def _clean(value: str | None) -> str:
    return unicodedata.normalize("NFKC", value or "").strip()


def decode_csv(data: bytes) -> str:
    """Text of a CSV saved as UTF-8 (with or without BOM) or Shift_JIS (as Excel in Japan does)."""
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportRejected(
        [RowError(0, _("The file is not text in UTF-8 or Shift_JIS. Save it as CSV and try again."))]
    )


def parse_csv(data: bytes) -> ImportResult:
    """Check every row; the result lists all problems, or every row ready to import."""
    result = ImportResult()
    text = decode_csv(data)
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        result.errors.append(RowError(0, _("The file is empty.")))
        return result
    except csv.Error:
        result.errors.append(
            RowError(0, _("The file could not be read as CSV. Save it as CSV and try again."))
        )
        return result
    try:
        return _parse_rows(result, header, reader)
    except csv.Error:
        result.errors = [
            RowError(
                reader.line_num, _("This row could not be read as CSV. Save the file as CSV and try again.")
            )
        ]
        result.rows = []
        return result


def _parse_rows(result: ImportResult, header: list[str], reader) -> ImportResult:
    columns: dict[str, int] = {}
    for index, title in enumerate(header):
        key = _clean(title).lower()
        for column, aliases in HEADER_ALIASES.items():
            if key in aliases:
                columns[column] = index
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        names = ", ".join(REQUIRED_COLUMNS[c] for c in missing)
        result.errors.append(
            RowError(1, _("The first row must name the columns; missing: %(names)s.", names=names))
        )
        return result

    seen: dict[str, int] = {}
    types_accepted = "、".join(
        aliases[1] if len(aliases) > 1 else aliases[0] for aliases in TYPE_ALIASES.values()
    )
    for line, values in enumerate(reader, start=2):
        if not any(_clean(v) for v in values):
            continue

        def value(column: str, values=values) -> str:
            index = columns.get(column)
            return _clean(values[index]) if index is not None and index < len(values) else ""

        problems: list[str] = []
        if any(has_unusable_characters(v) or "\n" in v or "\r" in v for v in values):
            result.errors.append(
                RowError(line, _("the row contains line breaks or control characters that cannot be stored"))
            )
            continue
        name = value("name")
        if not name:
            problems.append(_("the school name is empty"))
        elif len(name) > _column_length("name"):
            problems.append(
                _("the school name is longer than %(max)d characters", max=_column_length("name"))
            )
        elif name in seen:
            problems.append(_("the same school is also on row %(line)d", line=seen[name]))
        raw_type = value("school_type")
        school_type = _TYPE_LOOKUP.get(raw_type.lower())
        if school_type is None:
            problems.append(
                _(
                    "the type “%(value)s” is not one of: %(accepted)s",
                    value=_shown(raw_type),
                    accepted=types_accepted,
                )
            )
        ward = value("ward")
        if ward and ward not in WARDS:
            problems.append(_("the ward “%(value)s” is not a ward of the city", value=_shown(ward)))
        phone = value("phone")
        if phone:
            normalised = normalise_phone(phone)
            if normalised is None:
                problems.append(
                    _("the phone number “%(value)s” is not a phone number in Japan", value=_shown(phone))
                )
            phone = normalised or phone
        periods: tuple[Period, ...] = ()
        if value("periods"):
            try:
                # The cell as typed: width is forgiven there, but ² is not a 2.
                periods = parse_schedule(values[columns["periods"]])
            except ValueError as error:
                problems.append(_("the periods: %(problem)s", problem=str(error)))
        for column, label in (("address", _("the address")), ("name_kana", _("the name in kana"))):
            if len(value(column)) > _column_length(column):
                problems.append(
                    _(
                        "%(what)s is longer than %(max)d characters",
                        what=label,
                        max=_column_length(column),
                    )
                )
        if problems:
            result.errors.append(RowError(line, "; ".join(problems)))
            continue
        seen[name] = line
        result.rows.append(
            SchoolData(
                name=name,
                school_type=school_type,
                ward=ward,
                address=value("address"),
                name_kana=value("name_kana"),
                phone=phone,
                periods=periods,
            )
        )
    if not result.rows and not result.errors:
        result.errors.append(RowError(0, _("The file has no schools in it.")))
    return result


def import_schools(data: bytes, actor: User) -> ImportResult:
    """Add new schools and update known ones (matched by name), all in one transaction."""
    result = parse_csv(data)
    if result.errors:
        raise ImportRejected(result.errors)
    existing = {
        s.name: s
        for s in db.session.scalars(
            sa.select(School).where(School.name.in_([row.name for row in result.rows]))
        )
    }
    for row in result.rows:
        school = existing.get(row.name)
        if school is None:
            school = School(
                name=row.name,
                school_type=row.school_type,
                ward=row.ward,
                address=row.address,
                name_kana=row.name_kana,
                phone=row.phone,
            )
            db.session.add(school)
            result.added += 1
        else:
            school.school_type, school.ward, school.address = row.school_type, row.ward, row.address
            school.name_kana, school.phone, school.active = row.name_kana, row.phone, True
            result.updated += 1
        if row.periods:
            if school.periods:
                school.periods = []
                db.session.flush()
            _set_periods(school, row.periods)
    record(actor, "school.import", "school", None, added=result.added, updated=result.updated)
    db.session.commit()
    return result


SEARCH_RESULTS = 20  # a page of matches stays small whatever the directory's size
_HIRAGANA_TO_KATAKANA = {code: code + 0x60 for code in range(ord("ぁ"), ord("ゖ") + 1)}


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_schools(text: str, limit: int = SEARCH_RESULTS) -> list[School]:
    """Active schools whose name, reading or ward holds every word of `text`, in directory order.

    At most `limit`; nothing for empty text. Width (NFKC) and hiragana/katakana do not matter.
    """
    words = unicodedata.normalize("NFKC", (text or "")[:100]).split()[:5]
    if not words:
        return []
    stmt = sa.select(School).where(School.active.is_(True))
    for word in words:
        pattern = _like(word)
        stmt = stmt.where(
            sa.or_(
                School.name.ilike(pattern, escape="\\"),
                School.name_kana.like(_like(word.translate(_HIRAGANA_TO_KATAKANA)), escape="\\"),
                School.ward.like(pattern, escape="\\"),
            )
        )
    return list(db.session.scalars(stmt.order_by(*DIRECTORY_ORDER).limit(limit)))
