"""A live server and Debian's Chromium driven by Playwright.

`live_server` serves the app over plain HTTP; `https_server` serves it as production does,
behind a proxy that terminates HTTPS (tests/e2e/https_proxy.py), for `https_page`.

Without Chromium the browser tests are skipped, except in CI (CI=true), where a missing
browser fails the run.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from booking import create_app
from booking.config import TestConfig
from booking.extensions import db
from tests.e2e.https_proxy import https_proxy, make_certificate
from tests.factories import DEFAULT_PASSWORD
from tests.smtp import free_port

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    found = shutil.which(CHROMIUM) or (CHROMIUM if Path(CHROMIUM).exists() else None)
    if found is None:
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message + "; browser tests must run in CI")
        pytest.skip(message)
    return found


@pytest.fixture(scope="session")
def live_app(app: Flask) -> Iterator[Flask]:
    """The app as a browser meets it: same database as the tests, CSRF on."""

    class Live(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        WTF_CSRF_ENABLED = True

    live = create_app(Live)
    yield live
    with live.app_context():
        db.engine.dispose()


def buffered(app):
    """Read each response whole before the server writes it.

    A browser that navigates away mid-download drops the connection; the development
    server then leaves a static file open, and its ResourceWarning would fail whichever
    test is running. Buffering closes every response's file before anything is sent.
    """

    def wsgi(environ, start_response):
        iterable = app(environ, start_response)
        try:
            return [b"".join(iterable)]
        finally:
            if hasattr(iterable, "close"):
                iterable.close()

    return wsgi


@pytest.fixture(scope="session")
def live_server(live_app: Flask) -> Iterator[str]:
    port = free_port()
    server = make_server("127.0.0.1", port, buffered(live_app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser(chromium_path: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def sign_in(page, email: str, password: str = DEFAULT_PASSWORD) -> None:
    """Sign a staff member in through the sign-in form."""
    page.goto("/staff/login")
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン").click()


def open_page(browser, base_url: str, request, **options):
    """A fresh browser profile, Japanese first as most visitors are; a screenshot at the end."""
    context = browser.new_context(base_url=base_url, locale="ja-JP", timezone_id="Asia/Tokyo", **options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}.png"), full_page=True)
    context.close()


DESKTOP = {"viewport": {"width": 1280, "height": 900}}
# A phone-sized window (iPhone 13 / Pixel class).
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}


@pytest.fixture
def page(browser, live_server, request):
    yield from open_page(browser, live_server, request, **DESKTOP)


@pytest.fixture
def phone_page(browser, live_server, request):
    yield from open_page(browser, live_server, request, **PHONE)


@pytest.fixture(scope="session")
def https_app(app: Flask, https_port: int) -> Iterator[Flask]:
    """The app configured as in production behind its HTTPS proxy: the proxy's headers
    trusted, an https BASE_URL, secure cookies, CSRF on (and strict about the Referer)."""

    class Production(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        WTF_CSRF_ENABLED = True
        PROXY_COUNT = 1
        BASE_URL = f"https://127.0.0.1:{https_port}"
        SESSION_COOKIE_SECURE = True

    production = create_app(Production)
    yield production
    with production.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def https_port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def https_server(https_app: Flask, https_port: int, tmp_path_factory) -> Iterator[str]:
    """https://127.0.0.1:<port>: a TLS-terminating proxy in front of the app, both on loopback."""
    cert, key = make_certificate(tmp_path_factory.mktemp("tls"))
    backend = free_port()
    server = make_server("127.0.0.1", backend, buffered(https_app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    with https_proxy(https_port, backend, cert, key):
        yield https_app.config["BASE_URL"]
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def https_page(browser, https_server, request):
    """A desktop browser on the site served over HTTPS (the certificate is the run's own)."""
    yield from open_page(browser, https_server, request, ignore_https_errors=True, **DESKTOP)


@pytest.fixture
def https_phone_page(browser, https_server, request):
    yield from open_page(browser, https_server, request, ignore_https_errors=True, **PHONE)
