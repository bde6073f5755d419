"""Access logs never hold a private link's token."""

from __future__ import annotations

import logging

import pytest

from booking.core.logs import redact_tokens

TOKEN = "fqBmx28ypmTVQAxfvOn7pasQEOmKx-b3IzRR6DMO7AQ"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (f'"GET /lectures/manage/{TOKEN} HTTP/1.1" 200', '"GET /lectures/manage/[token] HTTP/1.1" 200'),
        (f"GET /lectures/manage/{TOKEN}/calendar.ics", "GET /lectures/manage/[token]/calendar.ics"),
        (f"POST /youth/applications/{TOKEN}", "POST /youth/applications/[token]"),
        (f"GET /youth/consent/{TOKEN}?x=1", "GET /youth/consent/[token]?x=1"),
        (f"GET /staff/set-password/{TOKEN}", "GET /staff/set-password/[token]"),
        ("GET /staff/youth/applications/17", "GET /staff/youth/applications/17"),  # ids stay
    ],
)
def test_tokens_are_redacted(line, expected):
    assert redact_tokens(line) == expected


@pytest.mark.parametrize("logger_name", ["werkzeug", "gunicorn.access"])
def test_the_access_loggers_redact(app, caplog, logger_name):
    with caplog.at_level(logging.INFO, logger=logger_name):
        logging.getLogger(logger_name).info(
            '127.0.0.1 - - "%s %s HTTP/1.1" 200 -', "GET", f"/youth/consent/{TOKEN}"
        )
    assert TOKEN not in caplog.text
    assert "/youth/consent/[token]" in caplog.text
