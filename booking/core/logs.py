"""Keep private-link tokens out of the server's access logs.

A token in a URL is a key to a teacher's, student's or guardian's page; whoever reads the
logs must not be able to open those pages. The filter rewrites the token part of such
paths before a log line is written, for the development server and for gunicorn.
"""

from __future__ import annotations

import logging
import re

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
