"""Horizontal bar charts of the track record, laid out for SVG drawn on the server.

Each row is a label line ("2019年度") with one or more bars under it, every bar directly
labelled at its end with what it is and its number ("オンライン 8"), so nothing depends on
colour: the series differ by pattern too, and the words say it. Bar lengths are
percentages of the chart's width, so the chart follows the width of the page while the
text keeps its size; heights are in pixels. The longest bar takes BAR_SHARE of the width
and leaves the rest for its label.

The same figures are shown in a table beside each chart; `Chart.description` states them
in words as the chart's text alternative.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext

from booking.core.i18n import current_language
from booking.lectures.models import LectureFormat
from booking.records.services import TrackRecord
from booking.records.study_tours import StudyTourRecord
from booking.schools.coverage import ReachCount, ReachFigures

BAR_SHARE = 58.0  # per cent of the width for the longest bar
LABEL_LINE = 20  # px from a row's top to the bottom of its label line
BAR_HEIGHT = 16
BAR_GAP = 4
ROW_GAP = 14

IN_PERSON, ONLINE = "in-person", "online"
AUDIENCE, SCHOOLS = "audience", "schools"
APPLICATIONS, PARTICIPANTS = "applications", "participants"
# Series drawn with a hatch pattern rather than a solid fill.
HATCHED = frozenset({ONLINE, APPLICATIONS})


def number(value: int) -> str:
    """1234 -> "1,234" (Japanese and English group digits alike)."""
    return f"{value:,}"


@dataclass(frozen=True)
class Bar:
    series: str
    value: int | None  # None: not recorded, no bar is drawn
    label: str  # written at the bar's end
    width: float  # per cent of the chart's width
    y: int  # px from the top of the chart

    @property
    def hatched(self) -> bool:
        return self.series in HATCHED

    @property
    def label_y(self) -> int:
        return self.y + BAR_HEIGHT - 4


@dataclass(frozen=True)
class Row:
    label: str
    note: str  # after the label, e.g. the year's total
    y: int  # baseline of the label line
    bars: tuple[Bar, ...]
    description: str  # the row in words


@dataclass(frozen=True)
class Chart:
    key: str  # unique on the page: names the ids (chart-<key>-…) of its title, description, patterns
    title: str
    rows: tuple[Row, ...]
    legend: tuple[tuple[str, str], ...]  # (series, what it shows)
    height: int

    @property
    def bar_height(self) -> int:
        return BAR_HEIGHT

    @property
    def description(self) -> str:
        separator = "" if current_language() == "ja" else " "
        return separator.join(row.description for row in self.rows)

    @property
    def patterns(self) -> list[str]:
        """The hatched series this chart draws (each needs a pattern in the SVG)."""
        drawn = {bar.series for row in self.rows for bar in row.bars if bar.hatched}
        return sorted(drawn)


@dataclass(frozen=True)
class RowSpec:
    label: str
    note: str
    description: str
    bars: tuple[tuple[str, int | None, str], ...]  # (series, value, label)


def build(
    key: str,
    title: str,
    specs: list[RowSpec],
    legend: tuple[tuple[str, str], ...] = (),
    full: int | None = None,
) -> Chart:
    """Lay out rows of bars: lengths against the largest value (or `full`, e.g. 100 for
    percentages), rows stacked downwards."""
    largest = full or max((value or 0 for spec in specs for _s, value, _l in spec.bars), default=0)
    rows, top = [], 0
    for spec in specs:
        bars, y = [], top + LABEL_LINE + BAR_GAP
        for series, value, label in spec.bars:
            width = round(BAR_SHARE * (value or 0) / largest, 2) if largest else 0.0
            bars.append(Bar(series, value, label, width, y))
            y += BAR_HEIGHT + BAR_GAP
        rows.append(Row(spec.label, spec.note, top + LABEL_LINE - 6, tuple(bars), spec.description))
        top = y - BAR_GAP + ROW_GAP
    return Chart(key, title, tuple(rows), legend, max(top - ROW_GAP + 2, 0))


def year_label(record: TrackRecord, year: int) -> str:
    if record.is_current(year):
        return _("FY %(year)d (so far)", year=year)
    return _("FY %(year)d", year=year)


def _lectures(count: int) -> str:
    return ngettext("%(count)s lecture", "%(count)s lectures", count, count=number(count))


def _people(count: int) -> str:
    return ngettext("%(count)s person", "%(count)s people", count, count=number(count))


def lectures_by_format(record: TrackRecord) -> Chart:
    in_person, online = LectureFormat.IN_PERSON.label, LectureFormat.ONLINE.label
    specs = []
    for year in record.lecture_years:
        label = year_label(record, year.fiscal_year)
        total = _("%(lectures)s in all", lectures=_lectures(year.held))
        in_person_text = _("%(format)s: %(count)s", format=in_person, count=number(year.in_person))
        online_text = _("%(format)s: %(count)s", format=online, count=number(year.online))
        description = _(
            "%(year)s: %(total)s (%(first)s, %(second)s).",
            year=label,
            total=total,
            first=in_person_text,
            second=online_text,
        )
        bars = ((IN_PERSON, year.in_person, in_person_text), (ONLINE, year.online, online_text))
        specs.append(RowSpec(label, total, description, bars))
    return build(
        "lectures-by-format",
        _("Lectures held per fiscal year, at the school and online"),
        specs,
        ((IN_PERSON, in_person), (ONLINE, online)),
    )


def audience_by_year(record: TrackRecord) -> Chart:
    specs = []
    for year in record.lecture_years:
        label = year_label(record, year.fiscal_year)
        people = _people(year.audience)
        description = _("%(label)s: %(value)s.", label=label, value=people)
        specs.append(RowSpec(label, "", description, ((AUDIENCE, year.audience, people),)))
    return build("audience", _("Audience per fiscal year"), specs)


def lectures_by_school_type(record: TrackRecord) -> Chart:
    specs = []
    for school_type in record.school_types:
        held = record.held_at(school_type)
        count = _lectures(held)
        description = _("%(label)s: %(value)s.", label=school_type.label, value=count)
        specs.append(RowSpec(school_type.label, "", description, ((SCHOOLS, held, count),)))
    return build("school-types", _("Lectures held by type of school, all years"), specs)


def youth_cohorts(record: TrackRecord) -> Chart:
    specs = []
    for cohort in record.cohorts:
        # A cohort is one program, not a year's tally: it is under way rather than "so far".
        label = _("FY %(year)d", year=cohort.fiscal_year)
        note = (
            _("Program not begun yet")
            if not cohort.begun
            else _("Program under way")
            if cohort.in_progress
            else ""
        )
        if cohort.applications is None:
            applied = _("Applications: not recorded")
        else:
            applied = _("Applications: %(count)s", count=number(cohort.applications))
        if cohort.begun:
            took_part = _("Participants: %(count)s", count=number(cohort.participants))
        else:
            took_part = _("Participants: counted once the program begins")
        # The destination is in the table and in the words, not in the drawing: a long
        # name would not fit a phone's width on one line of SVG text.
        description = _(
            "%(year)s, %(destination)s: %(first)s, %(second)s.",
            year=label,
            destination=cohort.destination(),
            first=applied,
            second=took_part,
        )
        bars = ((APPLICATIONS, cohort.applications, applied), (PARTICIPANTS, cohort.participants, took_part))
        specs.append(RowSpec(label, note, description, bars))
    return build(
        "youth",
        _("Youth training: applications and participants"),
        specs,
        ((APPLICATIONS, _("Applications received")), (PARTICIPANTS, _("Participants"))),
    )


def reached_text(group: ReachCount) -> str:
    """ "12 of 15 schools (80%)": the words of a coverage bar and table cell."""
    return ngettext(
        "%(reached)s of %(num)d school (%(percent)d%%)",
        "%(reached)s of %(num)d schools (%(percent)d%%)",
        group.schools,
        reached=number(group.reached),
        percent=group.percent,
    )


def _coverage(key: str, title: str, groups: list[tuple[str, ReachCount]]) -> Chart:
    specs = []
    for label, group in groups:
        # The bar's own words stay short to fit a phone; the description says it in full.
        short = _(
            "%(percent)d%% (%(reached)s/%(num)s)",
            percent=group.percent,
            reached=number(group.reached),
            num=number(group.schools),
        )
        description = _("%(label)s: %(value)s.", label=label, value=reached_text(group))
        specs.append(RowSpec(label, "", description, ((SCHOOLS, group.percent, short),)))
    return build(key, title, specs, full=100)


def coverage_by_ward(figures: ReachFigures) -> Chart:
    groups = [(group.key or _("Ward not set"), group) for group in figures.by_ward]
    return _coverage(
        "coverage-wards",
        _("Schools reached in the last three fiscal years, by ward"),
        groups,
    )


def coverage_by_school_type(figures: ReachFigures) -> Chart:
    groups = [
        (str(group.school_type.label) if group.school_type else group.key, group)
        for group in figures.by_school_type
    ]
    return _coverage(
        "coverage-types",
        _("Schools reached in the last three fiscal years, by type of school"),
        groups,
    )


VISITORS = "visitors"
# The country chart draws this many countries; the others share one row (the table lists all).
COUNTRY_ROWS = 12


def _tours(count: int) -> str:
    return ngettext("%(count)s study tour", "%(count)s study tours", count, count=number(count))


def study_tours_by_year(record: TrackRecord, tours: StudyTourRecord) -> Chart:
    specs = []
    for year in tours.years:
        label = year_label(record, year.fiscal_year)
        held, people = _tours(year.tours), _people(year.visitors)
        description = _("%(year)s: %(tours)s, %(people)s.", year=label, tours=held, people=people)
        specs.append(RowSpec(label, held, description, ((VISITORS, year.visitors, people),)))
    return build("study-tours", _("Study-tour visitors per fiscal year"), specs)


def visitors_by_country(tours: StudyTourRecord) -> Chart:
    shown, others = tours.countries[:COUNTRY_ROWS], tours.countries[COUNTRY_ROWS:]
    rows = [(country.name(), country.visitors) for country in shown]
    if others:
        rows.append((_("Other countries and regions"), sum(country.visitors for country in others)))
    specs = []
    for name, visitors in rows:
        people = _people(visitors)
        description = _("%(label)s: %(value)s.", label=name, value=people)
        specs.append(RowSpec(name, "", description, ((VISITORS, visitors, people),)))
    return build("visitor-countries", _("Study-tour visitors by country or region, all years"), specs)
