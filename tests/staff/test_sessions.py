"""Staff sessions live on the server: signing out, deactivation and expiry end them there."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from booking.core.auth import Role
from booking.core.time import utcnow
from booking.core.tokens import hash_token
from booking.extensions import db
from booking.staff import services
from booking.staff.models import StaffSession, User
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.helpers import count_queries

COOKIE = "booking_session"


@pytest.fixture
def coordinator(ctx):
    return make_user(Role.COORDINATOR, email="coord@example.jp")


def _sign_in(client, email: str = "coord@example.jp") -> None:
    response = client.post("/staff/login", data={"email": email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302


def _copy_cookie(source, target) -> None:
    """What someone who copied the browser's cookie would hold."""
    target.set_cookie(COOKIE, source.get_cookie(COOKIE).value)


def _sessions(app) -> list[StaffSession]:
    with app.app_context():
        return list(db.session.scalars(sa.select(StaffSession)))


def test_signed_out_cookie_is_refused(app, client, coordinator):
    _sign_in(client)
    copy = app.test_client()
    _copy_cookie(client, copy)
    assert copy.get("/staff/").status_code == 200  # the copy works while the session lives

    assert client.post("/staff/logout").status_code == 302

    response = copy.get("/staff/")
    assert response.status_code == 302
    assert "/staff/login" in response.headers["Location"]
    assert _sessions(app) == []


def test_signing_out_keeps_the_users_other_sessions(app, client, coordinator):
    _sign_in(client)
    other = app.test_client()
    _sign_in(other)

    client.post("/staff/logout")

    assert client.get("/staff/").status_code == 302
    assert other.get("/staff/").status_code == 200
    assert len(_sessions(app)) == 1


def test_deactivation_ends_every_session_of_the_user(app, client, coordinator):
    admin = make_user(Role.ADMIN, email="admin@example.jp")
    _sign_in(client)
    other = app.test_client()
    _sign_in(other)
    admin_client = app.test_client()
    _sign_in(admin_client, "admin@example.jp")

    with app.app_context():
        services.set_active(db.session.get(User, coordinator.id), False, db.session.get(User, admin.id))

    assert client.get("/staff/").status_code == 302
    assert other.get("/staff/").status_code == 302
    assert admin_client.get("/staff/").status_code == 200  # only the deactivated user's sessions end
    assert [row.user_id for row in _sessions(app)] == [admin.id]


def test_a_new_password_ends_every_session_of_the_user(app, client, coordinator):
    _sign_in(client)
    with app.app_context():
        user = db.session.get(User, coordinator.id)
        token = services._issue_token(user, services.TokenPurpose.RESET)
        db.session.commit()
        services.set_password_with_token(token, "a brand new password")
    assert client.get("/staff/").status_code == 302
    assert _sessions(app) == []


def test_only_the_hash_of_the_session_id_is_stored(app, client, coordinator):
    _sign_in(client)
    with client.session_transaction() as session:
        session_id = session["_user_id"]
    [row] = _sessions(app)
    assert row.token_hash == hash_token(session_id)
    assert session_id not in (row.token_hash, str(row.id), str(row.user_id))
    assert len(session_id) >= 22  # at least 128 random bits


def test_an_unknown_session_id_is_signed_out(app, client, coordinator):
    _sign_in(client)
    with client.session_transaction() as session:
        session["_user_id"] = "not-a-session-anyone-was-given"
    assert client.get("/staff/").status_code == 302
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_a_copied_cookie_shares_the_idle_limit_on_the_server(app, client, coordinator):
    """Idle time is kept on the server: a copy cannot revive a session its owner let lapse."""
    with time_machine.travel(utcnow(), tick=False) as traveller:
        _sign_in(client)
        copy = app.test_client()
        _copy_cookie(client, copy)
        traveller.shift(timedelta(minutes=31))
        response = copy.get("/staff/")
        assert response.status_code == 302
        assert "30分間操作がなかったため" in copy.get(response.headers["Location"]).get_data(as_text=True)
        assert client.get("/staff/").status_code == 302


def test_activity_through_one_copy_keeps_the_session_alive_for_both(app, client, coordinator):
    with time_machine.travel(utcnow(), tick=False) as traveller:
        _sign_in(client)
        copy = app.test_client()
        _copy_cookie(client, copy)
        traveller.shift(timedelta(minutes=20))
        assert copy.get("/staff/").status_code == 200
        traveller.shift(timedelta(minutes=20))
        assert client.get("/staff/").status_code == 200


def test_the_longest_session_ends_on_the_server_with_its_message(app, client, coordinator):
    with time_machine.travel(utcnow(), tick=False) as traveller:
        _sign_in(client)
        requests = 0
        response = client.get("/staff/")
        while response.status_code == 200 and requests < 30:
            traveller.shift(timedelta(minutes=29, seconds=59))
            response = client.get("/staff/")
            requests += 1
        assert response.status_code == 302
        assert requests == 25  # the first request after twelve hours
        html = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "12時間" in html


def _writes(counter) -> list[str]:
    return [s for s in counter.statements if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]


def test_page_views_within_a_minute_write_nothing(app, client, coordinator):
    with time_machine.travel(utcnow(), tick=False) as traveller:
        _sign_in(client)
        traveller.shift(timedelta(seconds=30))
        with count_queries(app) as counter:
            assert client.get("/staff/").status_code == 200
            traveller.shift(timedelta(seconds=29))
            assert client.get("/staff/").status_code == 200
        assert _writes(counter) == []

        traveller.shift(timedelta(seconds=2))  # a minute and a second after sign-in
        with count_queries(app) as counter:
            assert client.get("/staff/").status_code == 200
            assert client.get("/staff/").status_code == 200
        writes = _writes(counter)
        assert len(writes) == 1 and "staff_sessions" in writes[0]
    [row] = _sessions(app)
    assert row.last_seen_at == row.created_at + timedelta(seconds=61)


def test_signing_in_deletes_sessions_that_are_over(app, client, coordinator):
    with time_machine.travel(utcnow(), tick=False) as traveller:
        _sign_in(client)
        traveller.shift(timedelta(minutes=40))
        other = app.test_client()
        _sign_in(other)
        assert len(_sessions(app)) == 1
        assert other.get("/staff/").status_code == 200
