"""Every POST route refuses a request without a CSRF token, or sent from another site; over
HTTPS (behind the production proxy) a form from this site is accepted."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator

import pytest
from flask import Flask

from booking import create_app
from booking.config import TestConfig
from booking.extensions import db
from tests.factories import DEFAULT_PASSWORD


@pytest.fixture
def strict_app(app) -> Iterator[Flask]:
    class Strict(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        WTF_CSRF_ENABLED = True

    strict = create_app(Strict)
    yield strict
    with strict.app_context():
        db.engine.dispose()


@pytest.fixture
def proxied_app(app) -> Iterator[Flask]:
    """Configured as in production: behind one proxy that terminates HTTPS."""

    class Production(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        WTF_CSRF_ENABLED = True
        PROXY_COUNT = 1
        BASE_URL = "https://booking.example.jp"
        SESSION_COOKIE_SECURE = True

    proxied = create_app(Production)
    yield proxied
    with proxied.app_context():
        db.engine.dispose()


SITE = "https://booking.example.jp"
# What the proxy adds to each request it forwards.
VIA_PROXY = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}


def login_token(client) -> str:
    html = client.get("/staff/login", base_url=SITE, headers=VIA_PROXY).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def post_rules(app: Flask) -> list[str]:
    paths = []
    for rule in app.url_map.iter_rules():
        if "POST" in (rule.methods or set()):
            values = {arg: "1" for arg in rule.arguments}
            if "action" in rule.arguments:
                values["action"] = "activate"
            path = rule.rule
            for arg, value in values.items():
                path = re.sub(rf"<(?:[^:<>]+:)?{arg}(?:\([^)]*\))?>", value, path)
            paths.append(path)
    return sorted(paths)


def test_there_are_post_routes_to_check(strict_app):
    assert "/staff/login" in post_rules(strict_app)


def test_post_without_a_token_is_refused_everywhere(strict_app):
    client = strict_app.test_client()
    for path in post_rules(strict_app):
        response = client.post(path, data={"email": "a@example.jp", "password": "x" * 12})
        assert response.status_code == 400, path
        assert "もう一度" in response.get_data(as_text=True), path


def test_post_with_the_token_from_the_page_is_accepted(strict_app):
    client = strict_app.test_client()
    html = client.get("/staff/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    response = client.post(
        "/staff/login", data={"csrf_token": token, "email": "a@example.jp", "password": "wrong password!"}
    )
    assert response.status_code == 422  # reached the form's own checks


def test_post_with_the_token_but_from_another_origin_is_refused(strict_app):
    client = strict_app.test_client()
    html = client.get("/staff/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    data = {"csrf_token": token, "email": "a@example.jp", "password": "wrong password!"}
    for origin in ("https://elsewhere.example", "http://localhost.evil", "null"):
        response = client.post("/staff/login", data=data, headers={"Origin": origin})
        assert response.status_code == 400, origin
        assert "もう一度" in response.get_data(as_text=True)
    same_site = client.post("/staff/login", data=data, headers={"Origin": "http://localhost"})
    assert same_site.status_code == 422


def test_a_form_from_this_site_is_accepted_over_https(proxied_app):
    """The browser sends its Referer (same-origin policy) and Origin; both name this site."""
    client = proxied_app.test_client()
    token = login_token(client)
    response = client.post(
        "/staff/login",
        base_url=SITE,
        headers={**VIA_PROXY, "Origin": SITE, "Referer": f"{SITE}/staff/login"},
        data={"csrf_token": token, "email": "a@example.jp", "password": "wrong password!"},
    )
    assert response.status_code == 422  # reached the form's own checks


@pytest.mark.parametrize(
    "referer", [None, "https://elsewhere.example/staff/login", "http://booking.example.jp/staff/login"]
)
def test_over_https_a_form_without_a_referer_from_this_site_is_refused(proxied_app, referer):
    """Flask-WTF's strict Referer check stays on: pages send their Referer to this site only."""
    assert proxied_app.config.get("WTF_CSRF_SSL_STRICT", True)
    client = proxied_app.test_client()
    token = login_token(client)
    headers = {**VIA_PROXY, **({"Referer": referer} if referer else {})}
    response = client.post(
        "/staff/login",
        base_url=SITE,
        headers=headers,
        data={"csrf_token": token, "email": "a@example.jp", "password": "wrong password!"},
    )
    assert response.status_code == 400


def test_pages_send_referers_to_this_site_only(client):
    assert client.get("/").headers["Referrer-Policy"] == "same-origin"


def test_hsts_is_sent_over_https_only(proxied_app):
    client = proxied_app.test_client()
    secure = client.get("/", base_url=SITE, headers=VIA_PROXY)
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    plain = client.get("/", base_url=SITE, headers={"X-Forwarded-Proto": "http"})
    assert "Strict-Transport-Security" not in plain.headers


def test_the_session_cookie_is_secure_and_lax_over_https(proxied_app, ctx):
    from tests.factories import make_user

    make_user(email="coord@example.jp")
    client = proxied_app.test_client()
    token = login_token(client)
    response = client.post(
        "/staff/login",
        base_url=SITE,
        headers={**VIA_PROXY, "Origin": SITE, "Referer": f"{SITE}/staff/login"},
        data={"csrf_token": token, "email": "coord@example.jp", "password": DEFAULT_PASSWORD},
    )
    assert response.status_code == 302
    (cookie,) = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("booking_session=")]
    assert "; Secure" in cookie and "; HttpOnly" in cookie and "; SameSite=Lax" in cookie


def test_an_https_base_url_makes_cookies_secure():
    """Config reads the environment once, at import: run it as production starts it."""
    script = (
        "from booking.config import Config; "
        "print(Config.SESSION_COOKIE_SECURE, Config.SESSION_COOKIE_SAMESITE, Config.SESSION_COOKIE_HTTPONLY)"
    )
    env = {**os.environ, "BASE_URL": "https://booking.example.jp"}
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["True", "Lax", "True"]
