"""Every POST route refuses a request without a CSRF token."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask

from booking import create_app
from booking.config import TestConfig
from booking.extensions import db


@pytest.fixture
def strict_app(app) -> Iterator[Flask]:
    class Strict(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        WTF_CSRF_ENABLED = True

    strict = create_app(Strict)
    yield strict
    with strict.app_context():
        db.engine.dispose()


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
