"""Error pages in both languages, in the site's layout."""

from __future__ import annotations

import pytest

from booking import create_app
from booking.config import TestConfig
from booking.core.auth import Role
from tests.factories import make_user


@pytest.mark.parametrize(("language", "title"), [("ja", "ページが見つかりません"), ("en", "Page not found")])
def test_not_found_page(client, language, title):
    response = client.get("/no/such/page", headers={"Accept-Language": language})
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert f"<h1>{title}</h1>" in html
    assert 'class="skip-link"' in html  # the full layout, not a bare error


def test_forbidden_page_explains_roles(app, ctx, login):
    make_user(Role.LECTURER, email="lect@example.jp")
    client = app.test_client()
    login(client, "lect@example.jp")
    response = client.get("/staff/users", headers={"Accept-Language": "en"})
    assert response.status_code == 403
    assert "You do not have access to this page" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("language", "title"),
    [("ja", "システムでエラーが発生しました"), ("en", "Something went wrong on our side")],
)
def test_server_error_page(language, title):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = "sqlite://"
        PROPAGATE_EXCEPTIONS = False

    broken = create_app(Config)

    @broken.route("/boom")
    def boom():
        raise RuntimeError("broken on purpose")

    response = broken.test_client().get("/boom", headers={"Accept-Language": language})
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert title in html
    assert "broken on purpose" not in html  # no internals shown


def test_method_not_allowed_page(client):
    response = client.post("/")
    assert response.status_code == 405
    assert "この操作はここではできません" in response.get_data(as_text=True)


def test_one_domain_error_carries_several_messages_each_with_its_field():
    from booking.core.errors import DomainError

    single = DomainError("Enter a date.", field="date_1")
    assert single.errors == [single]
    combined = DomainError.several([single, DomainError("Enter a time.", field="time_1")])
    assert (combined.message, combined.field) == ("Enter a date.", "date_1")
    assert [(e.message, e.field) for e in combined.errors] == [
        ("Enter a date.", "date_1"),
        ("Enter a time.", "time_1"),
    ]
