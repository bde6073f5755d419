"""Keep private-link tokens and staff searches out of every log line.

A token in a URL is a key to a teacher's, student's or guardian's page; whoever reads the
logs must not be able to open those pages. One filter, on the access loggers (development
server and gunicorn) and on the app's own logger (where Flask writes "Exception on /path"),
masks the token of every private link by route (booking.core.redaction) and reduces query
strings to a page number: a search for a student's name is personal data.

A database error is logged with its message. The engine hides the bound parameters
(hide_parameters in booking.config), but PostgreSQL's own message adds a DETAIL line that
quotes the row (`Key (email)=(hanako@example.jp) already exists`, `Failing row contains
(...)`): that line is cut from the message; code that needs it still has `orig.diag`.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Flask
from werkzeug.routing import Map

from booking.core.redaction import LOG_MARKER, drop_query, mask_private_links, mask_token_like

ACCESS_LOGGERS = ("werkzeug", "gunicorn.access")
ERROR_LOGGERS = ("gunicorn.error",)
# gunicorn's access-log atoms that hold a bare query string (no "?" before it to find).
QUERY_ATOMS = ("q", "{query_string}e")


class TokenRedactingFilter(logging.Filter):
    """Rewrites a record's message and traceback with private links masked."""

    def __init__(self) -> None:
        super().__init__()
        self.url_map: Map | None = None
        self.base_path = ""

    def redact(self, text: str) -> str:
        if self.url_map is not None:
            text = mask_private_links(text, self.url_map, LOG_MARKER, self.base_path, drop_queries=True)
        # What no route matched (a mangled link, a header a client filled in) still loses
        # anything that looks like a token.
        return mask_token_like(text, LOG_MARKER)

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, dict):
            for atom in QUERY_ATOMS:
                if record.args.get(atom):
                    record.args[atom] = drop_query("?" + str(record.args[atom]))[1:]
        message = record.getMessage()
        redacted = self.redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text when it is set: the traceback is written masked too.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def install_token_redaction(app: Flask) -> None:
    """Put the filter on each logger once (create_app may run many times), bound to `app`'s routes."""
    base_path = urlsplit(app.config.get("BASE_URL", "")).path
    for name in (*ACCESS_LOGGERS, *ERROR_LOGGERS, app.logger.name):
        logger = logging.getLogger(name)
        found = next((f for f in logger.filters if isinstance(f, TokenRedactingFilter)), None)
        if found is None:
            found = TokenRedactingFilter()
            logger.addFilter(found)
        found.url_map, found.base_path = app.url_map, base_path


def _without_detail(text: str) -> str:
    return text.split("\nDETAIL:", 1)[0]


def redact_database_error(context: sa.engine.ExceptionContext) -> None:
    """Drop the DETAIL line (which quotes stored values) from a database error's message."""
    original = context.original_exception
    text = str(original)
    if "\nDETAIL:" not in text:
        return
    original.args = (_without_detail(text),)
    wrapped = context.sqlalchemy_exception
    if wrapped is not None:
        wrapped.args = tuple(_without_detail(a) if isinstance(a, str) else a for a in wrapped.args)


def install_database_error_redaction() -> None:
    if not sa.event.contains(sa.Engine, "handle_error", redact_database_error):
        sa.event.listen(sa.Engine, "handle_error", redact_database_error)
