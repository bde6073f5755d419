"""Signing in: good and bad credentials, rate limits, safe redirects, idle expiry."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from flask.testing import FlaskClient

from booking.core.auth import Role
from booking.core.time import utcnow
from booking.extensions import db
from booking.staff.models import User
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.helpers import run_together

REFUSED = "メールアドレスまたはパスワードが正しくありません。"


@pytest.fixture
def coordinator(ctx):
    return make_user(Role.COORDINATOR, email="coord@example.jp")


def test_good_credentials_sign_in_and_open_the_dashboard(client, coordinator):
    response = client.post("/staff/login", data={"email": "coord@example.jp", "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200


def test_email_is_matched_without_regard_to_case_or_full_width_letters(client, coordinator):
    response = client.post(
        "/staff/login", data={"email": "ＣＯＯＲＤ@example.jp", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("email", "password"),
    [("coord@example.jp", "wrong password!"), ("nobody@example.jp", DEFAULT_PASSWORD)],
    ids=["wrong-password", "unknown-email"],
)
def test_wrong_password_and_unknown_email_get_the_same_message(client, coordinator, email, password):
    response = client.post("/staff/login", data={"email": email, "password": password})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert REFUSED in html
    assert client.get("/staff/").status_code == 302  # still signed out


def test_empty_fields_get_a_message_next_to_each(client):
    response = client.post("/staff/login", data={"email": "", "password": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="email-error"' in html and 'id="password-error"' in html
    assert 'aria-describedby="email-error"' in html
    assert 'href="#email"' in html  # the summary links to the field


def test_deactivated_user_is_refused(ctx, client):
    make_user(Role.ADMIN, email="gone@example.jp", active=False)
    response = client.post("/staff/login", data={"email": "gone@example.jp", "password": DEFAULT_PASSWORD})
    assert response.status_code == 422
    assert "無効" in response.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302


def test_invited_user_without_password_cannot_sign_in(ctx, client):
    make_user(Role.LECTURER, email="invited@example.jp", password=None)
    response = client.post(
        "/staff/login", data={"email": "invited@example.jp", "password": "anything at all"}
    )
    assert response.status_code == 422
    assert REFUSED in response.get_data(as_text=True)


def test_sixth_failure_within_a_minute_gets_429_with_when_to_retry(client, coordinator):
    for _ in range(5):
        response = client.post(
            "/staff/login", data={"email": "coord@example.jp", "password": "wrong password!"}
        )
        assert response.status_code == 422
    response = client.post("/staff/login", data={"email": "coord@example.jp", "password": DEFAULT_PASSWORD})
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert "試行回数が上限に達しました" in html
    assert "後にもう一度お試しください" in html  # says when to try again
    assert int(response.headers["Retry-After"]) <= 60


def test_successful_sign_ins_do_not_count_towards_the_limit(client, coordinator):
    for _ in range(7):
        response = client.post(
            "/staff/login", data={"email": "coord@example.jp", "password": DEFAULT_PASSWORD}
        )
        assert response.status_code == 302
        client.post("/staff/logout")


def test_limit_is_per_address(client, app, coordinator):
    for _ in range(5):
        client.post(
            "/staff/login",
            data={"email": "coord@example.jp", "password": "wrong password!"},
            environ_base={"REMOTE_ADDR": "192.0.2.1"},
        )
    blocked = client.post(
        "/staff/login",
        data={"email": "coord@example.jp", "password": DEFAULT_PASSWORD},
        environ_base={"REMOTE_ADDR": "192.0.2.1"},
    )
    other = app.test_client().post(
        "/staff/login",
        data={"email": "coord@example.jp", "password": DEFAULT_PASSWORD},
        environ_base={"REMOTE_ADDR": "192.0.2.2"},
    )
    assert blocked.status_code == 429
    assert other.status_code == 302


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "http:/evil.example",
        "javascript:alert(1)",
    ],
)
def test_next_pointing_outside_the_site_is_ignored(client, coordinator, next_url):
    response = client.post(
        "/staff/login", data={"email": "coord@example.jp", "password": DEFAULT_PASSWORD, "next": next_url}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/"


def test_next_inside_the_site_is_followed(client, coordinator):
    response = client.get("/staff/outbox/")
    assert response.status_code == 302
    assert "/staff/login?next=" in response.headers["Location"]
    response = client.post(
        "/staff/login",
        data={"email": "coord@example.jp", "password": DEFAULT_PASSWORD, "next": "/staff/outbox/"},
    )
    assert response.headers["Location"] == "/staff/outbox/"


def test_sign_in_starts_a_fresh_session(client, coordinator):
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    client.post("/staff/login", data={"email": "coord@example.jp", "password": DEFAULT_PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_fresh"] is True


def test_session_expires_after_thirty_idle_minutes(client, coordinator):
    with time_machine.travel(utcnow(), tick=False) as traveller:
        client.post("/staff/login", data={"email": "coord@example.jp", "password": DEFAULT_PASSWORD})
        traveller.shift(timedelta(minutes=29))
        assert client.get("/staff/").status_code == 200  # activity keeps it alive
        traveller.shift(timedelta(minutes=29))
        assert client.get("/staff/").status_code == 200
        traveller.shift(timedelta(minutes=31))
        response = client.get("/staff/")
        assert response.status_code == 302
        assert "/staff/login" in response.headers["Location"]
        assert "30分間操作がなかったため" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_session_ends_twelve_hours_after_sign_in_even_when_active(client, coordinator):
    with time_machine.travel(utcnow(), tick=False) as traveller:
        client.post("/staff/login", data={"email": "coord@example.jp", "password": DEFAULT_PASSWORD})
        elapsed = timedelta()
        while client.get("/staff/").status_code == 200 and elapsed < timedelta(hours=24):
            traveller.shift(timedelta(minutes=29))
            elapsed += timedelta(minutes=29)
        assert timedelta(hours=12) <= elapsed < timedelta(hours=12, minutes=29)


def test_signing_out_ends_the_session(client, coordinator):
    client.post("/staff/login", data={"email": "coord@example.jp", "password": DEFAULT_PASSWORD})
    assert client.post("/staff/logout").status_code == 302
    assert client.get("/staff/").status_code == 302


def test_deactivation_ends_open_sessions(app, client, coordinator):
    client.post("/staff/login", data={"email": "coord@example.jp", "password": DEFAULT_PASSWORD})
    assert client.get("/staff/").status_code == 200
    with app.app_context():
        user = db.session.get(User, coordinator.id)
        user.active = False
        user.end_sessions()
        db.session.commit()
    assert client.get("/staff/").status_code == 302


def test_staff_signing_in_at_the_same_moment_all_get_in(app, ctx):
    """Sign-in writes the time of the last sign-in; concurrent writers must queue, not fail."""
    for n in range(6):
        make_user(Role.COORDINATOR, email=f"c{n}@example.jp")

    def open_page(n: int) -> FlaskClient:
        client = app.test_client()
        client.get("/staff/login")
        return client

    def sign_in(n: int, client: FlaskClient) -> int:
        # Each from their own address: six attempts at once from one address are more than
        # the sign-in limit lets through before any of them has finished (tested elsewhere).
        response = client.post(
            "/staff/login",
            data={"email": f"c{n}@example.jp", "password": DEFAULT_PASSWORD},
            environ_base={"REMOTE_ADDR": f"192.0.2.{10 + n}"},
        )
        return response.status_code

    assert run_together(6, sign_in, prepare=open_page) == [302] * 6
