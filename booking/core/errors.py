"""Errors that services raise for a person to read, and the app's HTTP error pages."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    """A rule of the service refused the action; the message is meant for a person.

    `field` names the form field the message belongs next to, when there is one. A service
    that checks several rules at once raises `DomainError.several(errors)`: `errors` lists
    every message (a single error lists itself), so a view shows them all in one pass.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.errors: list[DomainError] = [self]

    @classmethod
    def several(cls, errors: list[DomainError]) -> DomainError:
        """One error carrying `errors` (at least one), the first standing for them all."""
        combined = cls(errors[0].message, field=errors[0].field)
        combined.errors = list(errors)
        return combined

    def __str__(self) -> str:
        return str(self.message)


class InvalidTransition(DomainError):
    """A status change the workflow's table of allowed moves does not contain."""


def _error_page(code: int):
    def handler(error: HTTPException):
        retry_after = None
        if code == 429:
            from booking.core.ratelimit import seconds_until_retry

            retry_after = seconds_until_retry()
        response = render_template(f"errors/{code}.html", error=error, retry_after=retry_after)
        return response, code

    return handler


def register_error_pages(app: Flask) -> None:
    for code in (400, 403, 404, 405, 429, 500, 503):
        app.register_error_handler(code, _error_page(code))


# Page titles for the error pages, kept here so every language has them in one place.
def error_title(code: int) -> str:
    titles = {
        400: _("The request could not be understood"),
        403: _("You do not have access to this page"),
        404: _("Page not found"),
        405: _("This action is not allowed here"),
        429: _("Too many attempts"),
        500: _("Something went wrong on our side"),
        503: _("The service is temporarily unavailable"),
    }
    return titles.get(code, _("Error"))
