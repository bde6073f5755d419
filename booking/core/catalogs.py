"""The app's message catalogs: one per feature, under booking/<feature>/translations.

Each feature owns the messages of its code, its templates and its emails, so features
can be worked on side by side. English is the source language; Japanese is translated.

    python -m booking.core.catalogs update    # extract messages, update the .po files
    python -m booking.core.catalogs compile   # build the .mo files the app reads
    python -m booking.core.catalogs check     # list messages lacking a Japanese translation,
                                              # or translated two ways by two features
"""

from __future__ import annotations

import io
import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "booking"
TEMPLATES = ROOT / "templates"
TRANSLATED = ("ja",)
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "_l": None,
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "lazy_pgettext": ((1, "c"), 2),
}
METHODS = {".py": "python", ".html": "jinja2", ".txt": "jinja2"}
JINJA_OPTIONS = {"trimmed": "true"}


def features() -> list[str]:
    """Feature packages: folders of booking/ that are Python packages."""
    return sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists())


def source_files(feature: str) -> list[Path]:
    """The files whose messages belong to `feature`'s catalog."""
    roots = [PACKAGE / feature, TEMPLATES / feature, TEMPLATES / "emails" / feature]
    files: list[Path] = []
    if feature == "core":
        # The shared layout: top-level templates, macros, error pages, email layouts.
        files += [p for p in TEMPLATES.glob("*.*") if p.suffix in METHODS]
        files += [p for p in (TEMPLATES / "emails").glob("*.*") if p.suffix in METHODS]
        roots += [TEMPLATES / "macros", TEMPLATES / "errors"]
        files += [p for p in PACKAGE.glob("*.py")]
    for root in roots:
        if root.is_dir():
            files += [p for p in root.rglob("*") if p.suffix in METHODS and p.is_file()]
    return sorted(set(files))


def translation_dir(feature: str) -> Path:
    return PACKAGE / feature / "translations"


def translation_directories() -> list[str]:
    """Every feature's translations folder that exists, for BABEL_TRANSLATION_DIRECTORIES."""
    return [str(translation_dir(f)) for f in features() if translation_dir(f).is_dir()]


def extract(feature: str) -> Catalog:
    # A fixed creation date keeps the .po headers from changing on every update.
    catalog = Catalog(
        project="booking",
        msgid_bugs_address=None,
        charset="utf-8",
        creation_date=datetime(2026, 1, 1, tzinfo=UTC),
    )
    for path in source_files(feature):
        method = METHODS[path.suffix]
        options = JINJA_OPTIONS if method == "jinja2" else {}
        for lineno, message, comments, context in extract_from_file(
            method, str(path), keywords=KEYWORDS, options=options
        ):
            catalog.add(
                message,
                None,
                [(str(path.relative_to(ROOT)), lineno)],
                auto_comments=comments,
                context=context,
            )
    return catalog


def po_path(feature: str, language: str) -> Path:
    return translation_dir(feature) / language / "LC_MESSAGES" / "messages.po"


def update() -> None:
    """Extract every feature's messages and merge them into its .po files."""
    for feature in features():
        template = extract(feature)
        if not len(template):
            continue
        pot = translation_dir(feature) / "messages.pot"
        pot.parent.mkdir(parents=True, exist_ok=True)
        with pot.open("wb") as fh:
            write_po(fh, template, width=100, omit_header=False)
        for language in TRANSLATED:
            po = po_path(feature, language)
            if po.exists():
                args = [
                    "update",
                    "-i",
                    str(pot),
                    "-d",
                    str(pot.parent),
                    "-l",
                    language,
                    "--ignore-obsolete",
                    "--no-fuzzy-matching",
                    "-w",
                    "100",
                ]
            else:
                args = ["init", "-i", str(pot), "-d", str(pot.parent), "-l", language, "-w", "100"]
            CommandLineInterface().run(["pybabel", "-q", *args])
        pot.unlink()


def compile_all() -> None:
    for feature in features():
        for language in TRANSLATED:
            po = po_path(feature, language)
            if not po.exists():
                continue
            with po.open("rb") as fh:
                catalog = read_po(fh, locale=language)
            with po.with_suffix(".mo").open("wb") as fh:
                write_mo(fh, catalog)


def missing_translations() -> list[str]:
    """Each message in the source that lacks a finished Japanese translation."""
    problems: list[str] = []
    for feature in features():
        template = extract(feature)
        if not len(template):
            continue
        for language in TRANSLATED:
            po = po_path(feature, language)
            if not po.exists():
                problems.append(f"{feature}: no {language} catalog ({len(template)} messages)")
                continue
            with po.open("rb") as fh:
                catalog = read_po(fh, locale=language)
            for message in template:
                if not message.id:
                    continue
                found = catalog.get(message.id, message.context)
                where = message.locations[0] if message.locations else ("?", 0)
                label = f"{feature} {where[0]}:{where[1]} {message.id!r}"
                if found is None:
                    problems.append(f"{label}: not in {po.relative_to(ROOT)}")
                elif found.fuzzy:
                    problems.append(f"{label}: marked fuzzy")
                elif isinstance(found.string, tuple | list):
                    if not all(found.string):
                        problems.append(f"{label}: plural form untranslated")
                elif not found.string:
                    problems.append(f"{label}: untranslated")
    return problems


def conflicting_translations() -> list[str]:
    """Messages two features translate differently.

    The app merges every feature's catalog into one at run time, so a message both
    contain gets one translation: a different one in another catalog would silently
    change that feature's pages.
    """
    seen: dict[tuple[str, str | None], tuple[str, object]] = {}
    problems: list[str] = []
    for feature in features():
        po = po_path(feature, "ja")
        if not po.exists():
            continue
        with po.open("rb") as fh:
            catalog = read_po(fh, locale="ja")
        for message in catalog:
            if not message.id or not message.string:
                continue
            key = (message.id if isinstance(message.id, str) else message.id[0], message.context)
            value = message.string if isinstance(message.string, str) else tuple(message.string)
            if key in seen and seen[key][1] != value:
                problems.append(f"{key[0]!r}: {seen[key][0]} says {seen[key][1]!r}, {feature} says {value!r}")
            seen.setdefault(key, (feature, value))
    return problems


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else ""
    if command == "update":
        update()
    elif command == "compile":
        compile_all()
    elif command == "check":
        problems = missing_translations() + conflicting_translations()
        out = io.StringIO()
        for line in problems:
            print(line, file=out)
        sys.stdout.write(out.getvalue())
        return 1 if problems else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
