"""How an application's text is read: essay length as a Japanese 作文 counts it, and kana.

Pure functions shared by the form (to show the message next to the field), the service
(which has the last word) and the tests. The live counter in static/js/youth.js counts
the same way; when the two ever differ, the server decides.
"""

from __future__ import annotations

import re
import unicodedata

import jaconv
from flask_babel import gettext as _

# Spaces and line breaks of every kind, full-width space (U+3000) included, and the
# zero-width no-break space some editors leave behind.
_NOT_COUNTED = re.compile(r"[\s\ufeff]")

# Full-width katakana, the prolonged sound mark, the middle dot (for names of other
# origins) and the iteration marks.
_KATAKANA = re.compile(r"[\u30a1-\u30f6\u30fc\u30fb\u30fd\u30fe]+")


def essay_length(text: str | None) -> int:
    """Characters after NFC normalisation, line breaks and spaces not counted."""
    if not text:
        return 0
    return len(_NOT_COUNTED.sub("", unicodedata.normalize("NFC", text)))


def normalise_kana(text: str | None) -> str:
    """Half-width katakana and hiragana become full-width katakana; spaces are dropped."""
    if not text:
        return ""
    value = jaconv.h2z(text.strip(" \t\r\n\u3000"), kana=True, ascii=False, digit=False)
    value = jaconv.hira2kata(unicodedata.normalize("NFC", value))
    return re.sub(r"[\s\u3000]+", "", value)


def is_katakana(text: str) -> bool:
    return bool(text) and _KATAKANA.fullmatch(text) is not None


def normalise_email(email: str | None) -> str:
    return unicodedata.normalize("NFKC", email or "").strip().lower()


def grade_label(grade: int) -> str:
    return _("Year %(n)d", n=grade)


def grade_list(grades: list[int] | None) -> str:
    """e.g. 1年生、2年生 / Year 1, Year 2"""
    from booking.core.i18n import current_language

    separator = "、" if current_language() == "ja" else ", "
    return separator.join(grade_label(g) for g in sorted(grades or []))


def eligible_grades_message(cohort: object) -> str:
    return _(
        "This year's training is open to students in: %(grades)s.", grades=grade_list(cohort.eligible_grades)
    )


def essay_length_message(cohort: object, text: str | None) -> str | None:
    """The message for an essay outside the cohort's length, with the count, or None."""
    count = essay_length(text)
    if cohort.essay_min_chars <= count <= cohort.essay_max_chars:
        return None
    values = {"count": count, "min": cohort.essay_min_chars, "max": cohort.essay_max_chars}
    if count < cohort.essay_min_chars:
        return _(
            "The essay is too short: now %(count)d characters / %(min)d–%(max)d characters. "
            "Spaces and line breaks are not counted.",
            **values,
        )
    return _(
        "The essay is too long: now %(count)d characters / %(min)d–%(max)d characters. "
        "Spaces and line breaks are not counted.",
        **values,
    )
