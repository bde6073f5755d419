"""Keep private-link tokens out of the server's access logs, and stored values out of errors.

A token in a URL is a key to a teacher's, student's or guardian's page; whoever reads the
logs must not be able to open those pages. The filter rewrites the token part of such
paths before a log line is written, for the development server and for gunicorn.

A database error is logged with its message. The engine hides the bound parameters
(hide_parameters in booking.config), but PostgreSQL's own message adds a DETAIL line that
quotes the row (`Key (email)=(hanako@example.jp) already exists`, `Failing row contains
(...)`): that line is cut from the message; code that needs it still has `orig.diag`.
"""

from __future__ import annotations

import logging
import re

import sqlalchemy as sa

# The path segments after which a private token follows (see the routes with <token>).
TOKEN_PATH = re.compile(r"/(manage|applications|consent|set-password)/[A-Za-z0-9_\-]{16,}")
ACCESS_LOGGERS = ("werkzeug", "gunicorn.access")


def redact_tokens(text: str) -> str:
    return TOKEN_PATH.sub(lambda m: f"/{m.group(1)}/[token]", text)


class TokenRedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_tokens(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


def install_token_redaction() -> None:
    """Add the filter to the access loggers once (create_app may run many times)."""
    for name in ACCESS_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, TokenRedactingFilter) for f in logger.filters):
            logger.addFilter(TokenRedactingFilter())


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
