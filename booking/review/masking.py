"""Masking the applicant's own identifying words in an essay before a reviewer reads it.

A pure function of the essay and a few strings (no database, no request): `mask_essay(text,
identity)` returns the text with every span that spells the student's name, their school or
their guardian's name replaced by ``■■``, and `find_spans` says where those spans are.

What is masked (the automatic masks):

- **The student's name**, kanji and kana: family + given and given + family, each name alone,
  the kana in hiragana or katakana whichever the essay uses (the two are matched as one), with
  any spaces (half- or full-width, or a line break) or a middle dot between the parts, or none.
- **The guardian's name**: the whole name, and its parts when it is written with a space
  (「山田 花子」 → 「山田」「花子」) or starts with the student's family name.
- **The school**: its name as written (directory name, kana, or the name the student typed),
  and its common forms, built by these rules:

  1. The founder prefix may be left out or shortened: 「福岡県立」「北九州市立」「国立」「私立」
     「公立」 (a place name followed by 県立, 府立, 都立, 道立, 市立, 町立, 村立 or 区立) →
     none, or 「県立」「市立」… alone (「福岡県立小倉高等学校」 → 「小倉高等学校」「県立小倉高等学校」);
     the same in kana (「ふくおかけんりつ」 → none or 「けんりつ」).
  2. The kind of school may be shortened: 「高等学校」 → 「高校」「高」; 「中学校」 → 「中学」「中」;
     「高等専門学校」 → 「高専」; 「中等教育学校」 → 「中等」; 「特別支援学校」 → 「支援学校」;
     in kana 「こうとうがっこう」 → 「こうこう」.
  3. The school's bare place name (「小倉」) is **not** masked on its own: it is usually also
     the name of a town or a ward, which the essay may name for other reasons.

- **Manual masks**: any further phrase a coordinator adds; all its occurrences are masked.

How the text is matched: each character (with the combining marks that follow it, so a
half-width ｶﾞ is one) is normalised with NFKC (full-width letters and digits, half-width
kana), katakana are read as hiragana, letters are case-folded, a few kanji variants that
are hard to type (髙, 﨑) are read as their common form, and spaces and middle dots are left
out; the words to mask are normalised the same way. The spans found are then masked in the
**original** text, so everything else keeps its width, line breaks and punctuation.

How a span is masked: each span (overlapping or touching spans merged into one) becomes one
``■■``, whatever its length, so the mask says nothing about how long the name is.

Names in Latin letters (a student may write their name in romaji if the form holds it so)
are matched case-insensitively and as whole words only.

Over-masking is preferred to a leak: a one-character kanji name (「林」「舞」) masks every
such character. Words too short to identify anyone are skipped: a single kana, letter or
digit, or a single kanji of the school's forms (「高」 alone is never a word to mask).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

MASK = "■■"

# Characters left out when matching: every kind of space and the middle dots between the
# parts of a name written in katakana.
_SKIPPED = frozenset(" \t\r\n\u3000\u00a0・･·‧")
# Kanji variants read as their common form (people often type the common one).
_VARIANTS = str.maketrans({"髙": "高", "﨑": "崎", "𠮷": "吉", "德": "徳"})
_HALF_WIDTH_MARKS = frozenset("\uff9e\uff9f")

_FOUNDER = re.compile(
    r"^(?:.{1,6}?(?:県|府|都|道|市|町|村|区)立|国立|私立|公立"
    r"|.{1,12}?(?:けん|ふ|と|どう|し|ちょう|まち|そん|むら|く)りつ|こくりつ|しりつ|こうりつ)"
)
_FOUNDER_SHORT = re.compile(r"(県|府|都|道|市|町|村|区)立$|(けん|し)りつ$")
# The kind of school at the end of its name, and its short forms (longest first).
_KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("高等専門学校", ("高専",)),
    ("中等教育学校", ("中等",)),
    ("特別支援学校", ("支援学校",)),
    ("高等学校", ("高校", "高")),
    ("中学校", ("中学", "中")),
    ("小学校", ("小",)),
    ("こうとうがっこう", ("こうこう",)),
    ("ちゅうがっこう", ("ちゅうがく",)),
)


@dataclass(frozen=True)
class Identity:
    """The words of one application to mask: the student's, the school's, the guardian's."""

    family_name: str = ""
    given_name: str = ""
    family_name_kana: str = ""
    given_name_kana: str = ""
    school_names: tuple[str, ...] = ()
    guardian_name: str = ""
    phrases: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Term:
    """One word to mask and why (``kind``: student, school, guardian or manual)."""

    kind: str
    text: str


def _unit_key(unit: str) -> str:
    text = unicodedata.normalize("NFKC", unit).translate(_VARIANTS).casefold()
    return "".join(_hiragana(ch) for ch in text if ch not in _SKIPPED)


def _hiragana(ch: str) -> str:
    code = ord(ch)
    # Katakana ァ..ヶ sit 0x60 above their hiragana; ヽヾ too.
    if 0x30A1 <= code <= 0x30F6 or code in (0x30FD, 0x30FE):
        return chr(code - 0x60)
    return ch


def _units(text: str) -> Iterable[tuple[int, int]]:
    """(start, end) of each character with the combining marks that follow it."""
    start = 0
    for index in range(1, len(text) + 1):
        if index == len(text) or not (unicodedata.combining(text[index]) or text[index] in _HALF_WIDTH_MARKS):
            yield start, index
            start = index


def normalise(text: str) -> str:
    """The form in which words are compared: NFKC, hiragana, case-folded, no spaces."""
    return "".join(_unit_key(text[a:b]) for a, b in _units(text))


def _keyed(text: str) -> tuple[str, list[tuple[int, int]]]:
    """The normalised text and, for each of its characters, the span of the original it came from."""
    key: list[str] = []
    origin: list[tuple[int, int]] = []
    for start, end in _units(text):
        for ch in _unit_key(text[start:end]):
            key.append(ch)
            origin.append((start, end))
    return "".join(key), origin


def _is_kanji(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith(("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH"))


def worth_masking(key: str, kind: str) -> bool:
    """Whether a normalised word is long enough to identify anyone."""
    if not key:
        return False
    if len(key) == 1:
        # One kanji is a name (「林」); one kana, letter or digit identifies nobody.
        return kind in ("student", "guardian", "manual") and _is_kanji(key)
    return True


def _parts(name: str) -> list[str]:
    return [part for part in re.split(r"[\s\u3000・･]+", name) if part]


def school_forms(name: str) -> list[str]:
    """The school's name and its common forms, by the rules in the module's docstring."""
    name = unicodedata.normalize("NFKC", name).strip()
    if not name:
        return []
    compact = "".join(_hiragana(ch) for ch in "".join(_parts(name)))
    founders = [""]
    core = compact
    founder = _FOUNDER.match(compact)
    if founder:
        core = compact[founder.end() :]
        short = _FOUNDER_SHORT.search(founder.group())
        founders += [founder.group()] + ([short.group()] if short else [])
    bodies = [core]
    for kind, shorts in _KINDS:
        if core.endswith(kind) and len(core) > len(kind):
            stem = core[: -len(kind)]
            bodies += [stem + short for short in shorts]
            break
    forms = {compact}
    forms.update(prefix + body for prefix in founders for body in bodies)
    return sorted(forms, key=lambda f: (-len(f), f))


def terms_for(identity: Identity) -> list[Term]:
    """Every word to mask for this identity, longest first (duplicates once)."""
    terms: list[Term] = []
    student = [
        (identity.family_name, identity.given_name),
        (identity.family_name_kana, identity.given_name_kana),
    ]
    for family, given in student:
        family, given = family.strip(), given.strip()
        terms += [
            Term("student", family + given),
            Term("student", given + family),
            Term("student", family),
            Term("student", given),
        ]
    for school in identity.school_names:
        terms += [Term("school", form) for form in school_forms(school)]
    guardian = identity.guardian_name.strip()
    if guardian:
        terms.append(Term("guardian", guardian))
        parts = _parts(guardian)
        if len(parts) > 1:
            terms += [Term("guardian", part) for part in parts]
            terms.append(Term("guardian", "".join(reversed(parts))))
        else:
            family = identity.family_name.strip()
            if family and guardian.startswith(family) and len(guardian) > len(family):
                terms.append(Term("guardian", guardian[len(family) :]))
    terms += [Term("manual", phrase) for phrase in identity.phrases]
    seen: set[str] = set()
    kept: list[Term] = []
    for term in sorted(terms, key=lambda t: -len(normalise(t.text))):
        key = normalise(term.text)
        if key in seen or not worth_masking(key, term.kind):
            continue
        seen.add(key)
        kept.append(term)
    return kept


def find_spans(text: str, terms: Sequence[Term]) -> list[tuple[int, int, str]]:
    """(start, end, kind) in the original text of every occurrence, overlapping ones merged."""
    key, origin = _keyed(text)
    hits: list[tuple[int, int, str]] = []
    for term in terms:
        needle = normalise(term.text)
        if not needle:
            continue
        at = key.find(needle)
        while at != -1:
            start, end = origin[at][0], origin[at + len(needle) - 1][1]
            if _whole_word(text, start, end):
                hits.append((start, end, term.kind))
            at = key.find(needle, at + 1)
    hits.sort()
    merged: list[tuple[int, int, str]] = []
    for start, end, kind in hits:
        if merged and start <= merged[-1][1] + _gap(text, merged[-1][1], start):
            last = merged[-1]
            merged[-1] = (last[0], max(last[1], end), last[2])
        else:
            merged.append((start, end, kind))
    return merged


def _latin(ch: str) -> bool:
    return unicodedata.normalize("NFKC", ch).isascii() and ch.isalnum()


def _whole_word(text: str, start: int, end: int) -> bool:
    """A name in Latin letters is a word of its own (「Ken」 is not masked inside 「taken」)."""
    if _latin(text[start]) and start > 0 and _latin(text[start - 1]):
        return False
    return not (_latin(text[end - 1]) and end < len(text) and _latin(text[end]))


def _gap(text: str, end: int, start: int) -> int:
    """Spaces between two spans count as touching (「山田　■■」 would still hint at a name)."""
    between = text[end:start]
    return len(between) if between and all(ch in " \t\u3000\u00a0" for ch in between) else 0


def apply_spans(text: str, spans: Sequence[tuple[int, int, str]]) -> str:
    pieces: list[str] = []
    position = 0
    for start, end, _kind in spans:
        pieces += [text[position:start], MASK]
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def mask_essay(text: str, identity: Identity) -> str:
    """The essay with the identity's words masked as ■■ (one per span)."""
    return apply_spans(text, find_spans(text, terms_for(identity)))


def count_spans(text: str, term: Term) -> int:
    """How many spans of the text this one word masks."""
    return len(find_spans(text, [term]))
