"""No log line holds a private link's token or a staff search, whatever the encoding."""

from __future__ import annotations

import logging
import threading
import urllib.request
from datetime import timedelta
from types import SimpleNamespace

import pytest
from werkzeug.serving import make_server

from booking.core.logs import TokenRedactingFilter
from booking.core.redaction import mask_private_links, mask_token_like
from booking.extensions import db
from booking.lectures import services as lecture_services
from tests.factories.lectures import make_program, make_request
from tests.smtp import free_port

TOKEN = "fqBmx28ypmTVQAxfvOn7pasQEOmKx-b3IzRR6DMO7AQ"
# The same token with its first character percent-encoded: the router decodes it, so it opens the page.
ENCODED = f"%{ord(TOKEN[0]):02X}{TOKEN[1:]}"
ENCODED_LOWER = f"{TOKEN[:-1]}%{ord(TOKEN[-1]):02x}"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (f'"GET /lectures/manage/{TOKEN} HTTP/1.1" 200', '"GET /lectures/manage/[token] HTTP/1.1" 200'),
        (f"GET /lectures/manage/{TOKEN}/calendar.ics", "GET /lectures/manage/[token]/calendar.ics"),
        (f"POST /youth/applications/{TOKEN}", "POST /youth/applications/[token]"),
        (f"GET /youth/applications/{TOKEN}/calendar.ics", "GET /youth/applications/[token]/calendar.ics"),
        (f"GET /youth/consent/{TOKEN}?x=1", "GET /youth/consent/[token]?[query]"),
        (f"GET /staff/set-password/{TOKEN}", "GET /staff/set-password/[token]"),
        (f"GET /lectures/manage/{ENCODED} HTTP/1.1", "GET /lectures/manage/[token] HTTP/1.1"),
        (f"GET /youth/consent/{ENCODED_LOWER}", "GET /youth/consent/[token]"),
        (f"GET //youth/consent/{TOKEN}/", "GET /youth/consent/[token]/"),
        # Past the route's end the token is still found: its longest leading route decides.
        (f"GET /lectures/manage/{TOKEN}/nothing-here", "GET /lectures/manage/[token]/nothing-here"),
        (f"GET /Lectures/Manage/{TOKEN}", "GET /lectures/manage/[token]"),
        (
            f'"https://booking.example/youth/applications/{TOKEN}"',
            '"https://booking.example/youth/applications/[token]"',
        ),
        ("GET /staff/youth/applications/17", "GET /staff/youth/applications/17"),  # ids stay
        (
            "GET /staff/lectures/?q=%E5%B1%B1%E7%94%B0&page=2 HTTP/1.1",
            "GET /staff/lectures/?page=2&[query] HTTP/1.1",
        ),
        ("GET /staff/lectures/?page=Yamada", "GET /staff/lectures/?[query]"),
    ],
)
def test_private_links_and_queries_are_masked_by_route(app, line, expected):
    assert mask_private_links(line, app.url_map, drop_queries=True) == expected


def test_a_path_that_is_no_route_is_left_alone(app):
    line = 'File "/srv/booking/wsgi.py", line 3, on 2026/12/3 in /records/abc'
    assert mask_private_links(line, app.url_map, drop_queries=True) == line


@pytest.fixture
def private_link(ctx):
    """A teacher's real private link (the token, as the teacher got it)."""
    lecture = make_request(make_program())
    token = lecture_services.add_link(lecture)
    db.session.commit()
    return token


def _served(app, path: str) -> int:
    """Ask the development server (as `flask run` serves) for `path`; its status code."""
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
            return response.status
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def _token_forms(token: str) -> list[str]:
    return [token, f"%{ord(token[0]):02X}{token[1:]}", f"%{ord(token[0]):02x}{token[1:]}", token[1:]]


def test_a_percent_encoded_token_opens_the_page_and_is_not_in_the_access_log(app, private_link, caplog):
    encoded = f"%{ord(private_link[0]):02X}{private_link[1:]}"
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        assert _served(app, f"/lectures/manage/{encoded}") == 200
    lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert any("/lectures/manage/[token]" in line for line in lines), lines
    for form in _token_forms(private_link):
        assert form not in caplog.text


def test_a_staff_search_is_not_in_the_access_log(app, caplog):
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        _served(app, "/staff/lectures/?q=%E5%B1%B1%E7%94%B0%E8%8A%B1%E5%AD%90&page=2")
    lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert any("/staff/lectures/?page=2&[query]" in line for line in lines), lines
    assert "%E5%B1%B1" not in caplog.text and "山田" not in caplog.text


@pytest.mark.parametrize("encoded", [False, True], ids=["plain", "percent-encoded"])
def test_an_error_on_a_private_page_is_logged_without_its_token(
    app, private_link, caplog, monkeypatch, encoded
):
    def broken(token: str):
        raise RuntimeError(f"could not open /lectures/manage/{token}")

    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    monkeypatch.setattr(lecture_services, "find_by_token", broken)
    path_token = f"%{ord(private_link[0]):02X}{private_link[1:]}" if encoded else private_link
    with caplog.at_level(logging.ERROR, logger=app.logger.name):
        response = app.test_client().get(f"/lectures/manage/{path_token}")
    assert response.status_code == 500
    errors = [r for r in caplog.records if r.name == app.logger.name]
    assert errors and errors[0].exc_info, "Flask logs the exception through the app's logger"
    assert "Exception on /lectures/manage/[token] [GET]" in caplog.text
    assert "could not open /lectures/manage/[token]" in caplog.text  # the traceback too
    for form in _token_forms(private_link):
        assert form not in caplog.text


def test_gunicorn_access_log_holds_no_token_referer_or_query(app, private_link):
    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(self.format(record))

    config = Config()
    config.set("accesslog", "-")
    config.set("access_log_format", '%(h)s "%(r)s" %(s)s "%(f)s" %(U)s %(q)s')
    gunicorn_log = Logger(config)
    handler = Keep()
    gunicorn_log.access_log.addHandler(handler)
    try:
        encoded = f"%{ord(private_link[0]):02X}{private_link[1:]}"
        environ = {
            "REQUEST_METHOD": "GET",
            "RAW_URI": f"/lectures/manage/{encoded}/calendar.ics?q=Yamada",
            "PATH_INFO": f"/lectures/manage/{private_link}/calendar.ics",
            "QUERY_STRING": "q=Yamada",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_REFERER": f"https://booking.example/lectures/manage/{private_link}",
        }
        response = SimpleNamespace(status="200 OK", sent=10, headers=[])
        gunicorn_log.access(response, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=5))
    finally:
        gunicorn_log.access_log.removeHandler(handler)
        for extra in list(gunicorn_log.access_log.handlers):
            if getattr(extra, "_gunicorn", False):
                gunicorn_log.access_log.removeHandler(extra)
    (line,) = records
    assert "/lectures/manage/[token]/calendar.ics?[query]" in line
    assert "https://booking.example/lectures/manage/[token]" in line
    assert "Yamada" not in line
    for form in _token_forms(private_link):
        assert form not in line


@pytest.mark.parametrize(
    "line",
    [
        f"GET /youth/./applications/{TOKEN} HTTP/1.1",
        f"GET /youth/x/../applications/{TOKEN} HTTP/1.1",
        f"GET /static/../lectures/manage/{TOKEN} HTTP/1.1",
        f"GET /x/lectures/manage/{TOKEN} HTTP/1.1",
        f"GET /lecture/manage/{TOKEN} HTTP/1.1",
        f"GET /lectures/manage/'{TOKEN} HTTP/1.1",
        f'GET /lectures/manage/"{TOKEN} HTTP/1.1',
        f"GET /lectures/manage/<{ENCODED} HTTP/1.1",
        f"{TOKEN}, 127.0.0.1 - - GET / HTTP/1.1",  # a forwarded-for header a client filled in
    ],
)
def test_a_token_on_a_path_no_route_matches_is_still_kept_out_of_the_log(app, line):
    """The route decides first; what no route matches loses anything that looks like a token."""
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, line, (), None)
    assert TokenRedactingFilter().filter(record)
    message = record.getMessage()
    assert TOKEN not in message and TOKEN[1:] not in message and TOKEN[:-1] not in message
    assert "[token]" in message


def test_code_names_and_digests_are_not_taken_for_tokens():
    line = (
        "in test_a_guardian_refusing_while_the_coordinator_publishes "
        "sha256=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
    )
    assert mask_token_like(line) == line
