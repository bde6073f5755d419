"""Refuses a request whose input holds characters no person types, before any view runs.

NUL (which PostgreSQL cannot store), the other C0 and C1 control characters, lone surrogates
and U+FFFD (what undecodable bytes become) are refused in every form value, query value, file
name and path part: the whole class of "a stray byte gives a server error or a broken
export" ends here, not in each form. Tab, line feed and carriage return pass; single-line
fields refuse line breaks themselves (booking.core.forms.BaseForm). A whole number in the
path beyond what a database integer holds is a page that cannot exist: 404. A file sent to
a form that takes none is refused too (only views marked with `accepts_files` take files).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from flask import Flask, abort, current_app, request
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest

from booking.core.numbers import LARGEST_ID

F = TypeVar("F", bound=Callable[..., Any])

# C0 controls but tab, LF and CR; DEL and the C1 controls; surrogates; the replacement character.
UNUSABLE_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffd]")


class UnusableCharacters(BadRequest):
    """Input held characters that cannot be stored or shown; the page says so."""

    show_description = True


def has_unusable_characters(text: str) -> bool:
    return UNUSABLE_CHARACTERS.search(text) is not None


def _values() -> Iterable[str]:
    for _key, value in request.args.items(multi=True):
        yield _key
        yield value
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        for _key, value in request.form.items(multi=True):
            yield _key
            yield value
        for _key, upload in request.files.items(multi=True):
            yield upload.filename or ""
    for value in (request.view_args or {}).values():
        if isinstance(value, str):
            yield value


class UnexpectedFiles(BadRequest):
    """A file was sent to a form that takes none (a file in a text field would reach its
    validators as an object they cannot read); the page says so."""

    show_description = True


def accepts_files(view: F) -> F:
    """Mark a view whose form takes an uploaded file; every other view refuses files."""
    view.accepts_files = True  # type: ignore[attr-defined]
    return view


def refuse_unusable_input() -> None:
    """The first check of every request (see the module docstring)."""
    if request.files:
        view = current_app.view_functions.get(request.endpoint or "")
        if not getattr(view, "accepts_files", False):
            raise UnexpectedFiles(
                _("This form does not take files. Nothing was saved. Go back and type your answers instead.")
            )
    for value in (request.view_args or {}).values():
        if isinstance(value, int) and not 0 <= value <= LARGEST_ID:
            abort(404)
    if any(has_unusable_characters(value) for value in _values()):
        raise UnusableCharacters(
            _(
                "What you sent contains characters that cannot be used, such as invisible control "
                "characters copied from another program. Nothing was saved. Go back, type the text "
                "again without them, and send it once more."
            )
        )


def init_input_guard(app: Flask) -> None:
    # First of all before-request functions: nothing may act on input this refuses.
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_unusable_input)
