"""Japan's national holidays by name, in the reader's language.

The jpholiday library knows every national holiday but names it in Japanese only; the
names below are the Cabinet Office's English ones. A substitute holiday (振替休日) comes
from jpholiday as "<the holiday's name> 振替休日" and is named after its holiday.
"""

from __future__ import annotations

from datetime import date

import jpholiday
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

SUBSTITUTE_SUFFIX = " 振替休日"

# Every name jpholiday gives (substitute holidays aside), with its English name. The
# Japanese catalog translates each English name back to the Japanese one.
HOLIDAY_NAMES = {
    "元日": _l("New Year's Day"),
    "成人の日": _l("Coming of Age Day"),
    "建国記念の日": _l("National Foundation Day"),
    "天皇誕生日": _l("The Emperor's Birthday"),
    "春分の日": _l("Vernal Equinox Day"),
    "昭和の日": _l("Showa Day"),
    "憲法記念日": _l("Constitution Memorial Day"),
    "みどりの日": _l("Greenery Day"),
    "こどもの日": _l("Children's Day"),
    "海の日": _l("Marine Day"),
    "山の日": _l("Mountain Day"),
    "敬老の日": _l("Respect for the Aged Day"),
    "秋分の日": _l("Autumnal Equinox Day"),
    "体育の日": _l("Health and Sports Day"),
    "スポーツの日": _l("Sports Day"),
    "文化の日": _l("Culture Day"),
    "勤労感謝の日": _l("Labour Thanksgiving Day"),
    "国民の休日": _l("Citizens' Holiday"),
    # One-off holidays of the imperial household.
    "天皇の即位の日": _l("Day of the Emperor's Enthronement"),
    "即位礼正殿の儀": _l("Enthronement Ceremony"),
    "即位の礼正殿の儀": _l("Enthronement Ceremony of Emperor Akihito"),
    "昭和天皇の大喪の礼": _l("Funeral Ceremony of Emperor Showa"),
    "皇太子・明仁親王の結婚の儀": _l("Wedding of Crown Prince Akihito"),
    "皇太子・皇太子徳仁親王の結婚の儀": _l("Wedding of Crown Prince Naruhito"),
}


def translated_name(japanese: str) -> str:
    """A holiday's name as jpholiday gives it, in the current language.

    A name the table does not know (a holiday added after this was written) is shown
    as jpholiday gives it rather than not at all.
    """
    if japanese.endswith(SUBSTITUTE_SUFFIX):
        holiday = japanese.removesuffix(SUBSTITUTE_SUFFIX)
        if holiday in HOLIDAY_NAMES:
            return _("Substitute holiday for %(name)s", name=HOLIDAY_NAMES[holiday])
        return japanese
    name = HOLIDAY_NAMES.get(japanese)
    return str(name) if name is not None else japanese


def holiday_name(day: date) -> str | None:
    """The national holiday on `day`, named in the current language; None on other days."""
    japanese = jpholiday.is_holiday_name(day)
    return translated_name(japanese) if japanese else None
