"""Asking for a new password tells nothing about which staff accounts exist.

Known and unknown addresses get the same bytes after the same SQL statements; one address
gets at most one email per window; a pending invitation keeps working; a client asking too
often is refused.
"""

from __future__ import annotations

import re

import sqlalchemy as sa

from booking.audit.models import AuditEntry
from booking.core.auth import Role
from booking.extensions import db
from booking.staff.services import NewUser, invite_user
from tests.factories import make_user
from tests.helpers import count_queries, outbox

LINK = re.compile(r"http://booking\.test(/staff/set-password/[A-Za-z0-9_\-]+)")


def ask(client, address: str):
    return client.post("/staff/forgot-password", data={"email": address})


def page_after(client, response) -> str:
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    return re.sub(r'name="csrf_token" value="[^"]*"', "", page)


def reset_emails(app, to: str | None = None):
    return outbox(app, to=to, template="staff/password_reset_to_user")


def test_known_and_unknown_addresses_get_the_same_bytes_after_the_same_statements(app, ctx):
    make_user(Role.LECTURER, email="known@example.jp")
    ask(app.test_client(), "warm-up@example.jp")  # first-request work (templates) out of the way

    answers, statements, pages = {}, {}, {}
    for address in ("known@example.jp", "unknown@example.jp"):
        client = app.test_client()
        with count_queries(app) as counter:
            answers[address] = ask(client, address)
        statements[address] = counter.statements
        pages[address] = page_after(client, answers[address])

    known, unknown = answers["known@example.jp"], answers["unknown@example.jp"]
    assert (known.status_code, known.headers["Location"]) == (
        unknown.status_code,
        unknown.headers["Location"],
    )
    assert known.get_data() == unknown.get_data()
    assert pages["known@example.jp"] == pages["unknown@example.jp"]
    assert "新しいパスワードを設定するリンクをお送りします" in pages["known@example.jp"]
    assert len(statements["known@example.jp"]) == len(statements["unknown@example.jp"])
    assert statements["known@example.jp"] == statements["unknown@example.jp"]  # the very same SQL
    assert [e.recipient for e in reset_emails(app)] == ["known@example.jp"]


def test_two_quick_requests_queue_one_email(app, ctx):
    make_user(Role.LECTURER, email="known@example.jp")
    client = app.test_client()
    first, second = ask(client, "known@example.jp"), ask(client, " Known@Example.jp ")
    assert first.status_code == second.status_code == 302
    assert first.get_data() == second.get_data()
    assert len(reset_emails(app, "known@example.jp")) == 1


def test_reset_link_sets_the_password_and_replaces_an_earlier_reset_link(app, ctx):
    make_user(Role.LECTURER, email="known@example.jp")
    client = app.test_client()
    ask(client, "known@example.jp")
    (email,) = reset_emails(app)
    path = LINK.search(email.body_text).group(1)
    assert client.get(path).status_code == 200
    response = client.post(path, data={"password": "a brand new password", "confirm": "a brand new password"})
    assert response.status_code == 302
    login = app.test_client().post(
        "/staff/login", data={"email": "known@example.jp", "password": "a brand new password"}
    )
    assert login.status_code == 302
    db.session.rollback()
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "user.reset_requested"))
    assert entry.details == {"sent": True}


def test_forgot_password_leaves_a_pending_invitation_working(app, ctx):
    admin = make_user(Role.ADMIN, email="admin@example.jp")
    invite_user(NewUser(email="new@example.jp", name="新人 太郎", roles={Role.LECTURER}), admin)
    (invitation,) = outbox(app, to="new@example.jp")
    path = LINK.search(invitation.body_text).group(1)

    client = app.test_client()
    assert ask(client, "new@example.jp").status_code == 302

    assert len(outbox(app, to="new@example.jp")) == 1  # nothing new
    assert client.get(path).status_code == 200
    response = client.post(path, data={"password": "a brand new password", "confirm": "a brand new password"})
    assert response.status_code == 302


def test_inactive_account_gets_no_email(app, ctx):
    make_user(Role.LECTURER, email="gone@example.jp", active=False)
    ask(app.test_client(), "gone@example.jp")
    assert reset_emails(app) == []


def test_a_client_asking_too_often_is_refused(app, ctx):
    make_user(Role.LECTURER, email="known@example.jp")
    limit = int(app.config["PASSWORD_RESET_LIMIT"].split()[0])
    client = app.test_client()
    for n in range(limit):
        assert ask(client, f"someone{n}@example.jp").status_code == 302
    assert ask(client, "known@example.jp").status_code == 429
    assert reset_emails(app) == []
