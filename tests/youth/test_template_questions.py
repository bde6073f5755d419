"""The youth and selection templates ask a status its question; they never compare its string."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
FOLDERS = ("youth", "selection", "emails/youth", "emails/selection")
# `status == 'accepted'`, `state != 'open'`, `consent_status in ('given', ...)`, `mark == 'present'`
STRING_COMPARISON = re.compile(r"\b(status|state|consent_status|mark)\s*(==|!=|in|not in)\s*[('\"]")


def test_youth_and_selection_templates_ask_enum_properties_not_status_strings():
    files = [path for folder in FOLDERS for path in sorted((TEMPLATES / folder).rglob("*.*"))]
    assert len(files) > 30  # the templates were found
    found = [
        f"{path.relative_to(TEMPLATES)}:{number}: {match.group(0)}"
        for path in files
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        for match in STRING_COMPARISON.finditer(line)
    ]
    assert found == []
