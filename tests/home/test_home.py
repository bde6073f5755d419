"""The public front: home page, health check, security headers."""

from __future__ import annotations

import re

import pytest

from booking import create_app
from booking.config import TestConfig


def test_home_page_is_japanese_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="ja">' in html
    assert "出前講座" in html
    assert "上下水道ユース研修" in html


def test_home_page_in_english_after_switching(client):
    response = client.get("/language/en?next=/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Outreach lectures for schools" in html


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["status"] == "ok"
    assert response.json["database"] == "ok"


def test_healthz_is_503_when_the_database_is_down(tmp_path):
    class Unreachable(TestConfig):
        # A port where nothing listens: the connection is refused at once.
        SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=2"

    app = create_app(Unreachable)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {
        "status": "error",
        "database": "unavailable",
        "ratelimit": "ok",
        "time": response.json["time"],
    }


@pytest.mark.parametrize("path", ["/", "/staff/login", "/privacy", "/does-not-exist"])
def test_every_page_sends_security_headers(client, path):
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cache-Control"] == "no-store"


def test_pages_load_nothing_from_other_sites(client):
    for path in ["/", "/staff/login", "/privacy", "/accessibility"]:
        html = client.get(path).get_data(as_text=True)
        external = re.findall(r'(?:src|href)="(https?:)?//[^"]+"', html)
        assert external == [], (path, external)
        assert "style=" not in html, path  # the CSP forbids inline styles


def test_static_assets_may_be_cached(client):
    with client.get("/static/css/site.css") as response:
        assert response.status_code == 200
        assert response.headers.get("Cache-Control") != "no-store"
