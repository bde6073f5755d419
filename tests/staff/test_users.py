"""Administering users: invitations, set-password links, roles, deactivation, the CLI."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from booking.audit.models import AuditEntry
from booking.core.auth import Role
from booking.core.time import utcnow
from booking.extensions import db
from booking.notifications.models import OutboxEmail
from booking.staff.models import User, UserToken
from tests.factories import DEFAULT_PASSWORD, make_user

LINK = re.compile(r"http://booking\.test(/staff/set-password/[A-Za-z0-9_\-]+)")


@pytest.fixture
def admin_client(app, ctx, login):
    admin = make_user(Role.ADMIN, email="admin@example.jp", name="管理 花子")
    client = app.test_client()
    login(client, admin.email)
    client.admin_id = admin.id
    return client


def invite(client, **overrides):
    data = {
        "email": "new@example.jp",
        "name": "新人 太郎",
        "roles": ["lecturer", "reviewer"],
        "language": "ja",
        "time_zone": "Asia/Phnom_Penh",
    }
    data.update(overrides)
    return client.post("/staff/users/invite", data=data)


def set_password_path(app) -> str:
    with app.app_context():
        body = db.session.scalars(sa.select(OutboxEmail.body_text).order_by(OutboxEmail.id.desc())).first()
    return LINK.search(body).group(1)


def test_invitation_creates_the_user_and_queues_an_email_with_a_link(app, admin_client):
    response = invite(admin_client)
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "new@example.jp"))
        assert user.roles == {Role.LECTURER, Role.REVIEWER}
        assert user.time_zone == "Asia/Phnom_Penh"
        assert user.password_hash is None
        emails = db.session.scalars(sa.select(OutboxEmail)).all()
        assert [e.recipient for e in emails] == ["new@example.jp"]
        assert emails[0].language == "ja"
        token = LINK.search(emails[0].body_text).group(1).rsplit("/", 1)[1]
        stored = db.session.scalars(sa.select(UserToken.token_hash)).all()
        assert token not in stored  # only the hash is kept
        assert len(token) >= 43  # 256 bits in URL-safe base64
        actions = db.session.scalars(sa.select(AuditEntry.action)).all()
        assert "user.create" in actions and "user.invite_link" in actions


def test_invitation_link_sets_the_password_once(app, admin_client):
    invite(admin_client)
    path = set_password_path(app)
    client = app.test_client()
    assert client.get(path).status_code == 200
    response = client.post(path, data={"password": "a long enough pass", "confirm": "a long enough pass"})
    assert response.status_code == 302
    assert (
        client.post(
            "/staff/login", data={"email": "new@example.jp", "password": "a long enough pass"}
        ).status_code
        == 302
    )
    # Used once: the link is gone.
    assert app.test_client().get(path).status_code == 404


@pytest.mark.parametrize(
    ("password", "confirm", "message"),
    [("short pass", "short pass", "12文字以上"), ("a long enough pass", "a different pass!", "一致しません")],
)
def test_set_password_rules(app, admin_client, password, confirm, message):
    invite(admin_client)
    path = set_password_path(app)
    response = app.test_client().post(path, data={"password": password, "confirm": confirm})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(User.password_hash).where(User.email == "new@example.jp")) is None


def test_invitation_link_expires(app, admin_client):
    invite(admin_client)
    path = set_password_path(app)
    with time_machine.travel(utcnow() + timedelta(hours=73)):
        assert app.test_client().get(path).status_code == 404


def test_sending_a_new_link_voids_the_old_one(app, admin_client):
    invite(admin_client)
    first = set_password_path(app)
    with app.app_context():
        user_id = db.session.scalar(sa.select(User.id).where(User.email == "new@example.jp"))
    assert admin_client.post(f"/staff/users/{user_id}/send-link").status_code == 302
    second = set_password_path(app)
    assert first != second
    assert app.test_client().get(first).status_code == 404
    assert app.test_client().get(second).status_code == 200


def test_inviting_an_existing_email_is_refused_next_to_the_field(app, admin_client):
    response = invite(admin_client, email="admin@example.jp")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="email-error"' in html
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1
        assert db.session.scalar(sa.select(sa.func.count(OutboxEmail.id))) == 0


def test_invitation_needs_a_role_and_a_valid_email(app, admin_client):
    response = invite(admin_client, email="not-an-email", roles=[])
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="email-error"' in html and 'id="roles-error"' in html
    assert 'value="not-an-email"' in html  # what was typed is kept


def test_changing_roles_is_saved_and_audited(app, admin_client):
    with app.app_context():
        other_id = make_user(Role.LECTURER, email="other@example.jp").id
    response = admin_client.post(
        f"/staff/users/{other_id}",
        data={
            "name": "別の 人",
            "roles": ["coordinator", "reviewer"],
            "language": "en",
            "time_zone": "Asia/Tokyo",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        user = db.session.get(User, other_id)
        assert user.roles == {Role.COORDINATOR, Role.REVIEWER}
        assert user.language == "en"
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "user.update"))
        assert entry.details == {"roles_before": ["lecturer"], "roles_after": ["coordinator", "reviewer"]}


def test_admin_cannot_remove_their_own_admin_role(app, admin_client):
    response = admin_client.post(
        f"/staff/users/{admin_client.admin_id}",
        data={"name": "管理 花子", "roles": ["coordinator"], "language": "ja", "time_zone": "Asia/Tokyo"},
    )
    assert response.status_code == 422
    with app.app_context():
        assert Role.ADMIN in db.session.get(User, admin_client.admin_id).roles


def test_deactivating_signs_the_user_out_and_blocks_sign_in(app, admin_client, login):
    with app.app_context():
        other_id = make_user(Role.LECTURER, email="other@example.jp").id
    their_client = app.test_client()
    login(their_client, "other@example.jp")
    assert their_client.get("/staff/").status_code == 200
    assert admin_client.post(f"/staff/users/{other_id}/deactivate").status_code == 302
    assert their_client.get("/staff/").status_code == 302
    response = app.test_client().post(
        "/staff/login", data={"email": "other@example.jp", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 422
    assert admin_client.post(f"/staff/users/{other_id}/activate").status_code == 302
    login(app.test_client(), "other@example.jp")


def test_admin_cannot_deactivate_themselves(app, admin_client):
    admin_client.post(f"/staff/users/{admin_client.admin_id}/deactivate")
    with app.app_context():
        assert db.session.get(User, admin_client.admin_id).active is True


def test_forgot_password_answers_the_same_for_known_and_unknown_addresses(app, ctx, client):
    make_user(Role.LECTURER, email="known@example.jp")
    known = client.post("/staff/forgot-password", data={"email": "known@example.jp"}, follow_redirects=True)
    unknown = client.post(
        "/staff/forgot-password", data={"email": "unknown@example.jp"}, follow_redirects=True
    )
    assert known.status_code == unknown.status_code == 200

    def body(response):
        return re.sub(r'name="csrf_token" value="[^"]*"', "", response.get_data(as_text=True))

    assert body(known) == body(unknown)
    db.session.rollback()
    recipients = db.session.scalars(sa.select(OutboxEmail.recipient)).all()
    assert recipients == ["known@example.jp"]


def test_create_user_command_reads_the_password_from_stdin(app, ctx):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["create-user", "cli@example.jp", "--role", "admin", "--role", "lecturer", "--password-stdin"],
        input="a long enough pass\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.email == "cli@example.jp"))
    assert user.roles == {Role.ADMIN, Role.LECTURER}
    login = app.test_client().post(
        "/staff/login", data={"email": "cli@example.jp", "password": "a long enough pass"}
    )
    assert login.status_code == 302


def test_create_user_command_refuses_a_short_password(app, ctx):
    result = app.test_cli_runner().invoke(
        args=["create-user", "cli@example.jp", "--role", "admin", "--password-stdin"], input="short\n"
    )
    assert result.exit_code != 0
    assert "12" in result.output
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_create_user_command_prompts_for_the_password(app, ctx):
    result = app.test_cli_runner().invoke(
        args=["create-user", "prompt@example.jp", "--role", "reviewer"],
        input="a long enough pass\na long enough pass\n",
    )
    assert result.exit_code == 0, result.output
    assert db.session.scalar(sa.select(User).where(User.email == "prompt@example.jp")) is not None


def test_seed_demo_is_safe_to_run_twice_and_prints_the_logins(app, ctx):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    after_first = db.session.scalar(sa.select(sa.func.count(User.id)))
    second = runner.invoke(args=["seed-demo"])
    assert first.exit_code == second.exit_code == 0
    assert "coordinator@example.jp" in first.output and "demo-password-2026" in first.output
    roles = {r for u in db.session.scalars(sa.select(User)) for r in u.roles}
    assert roles == set(Role)
    # One account per role, plus the review's demo reviewers; none added twice.
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == after_first >= 4
    login = app.test_client().post(
        "/staff/login", data={"email": "coordinator@example.jp", "password": "demo-password-2026"}
    )
    assert login.status_code == 302


def test_error_summary_lists_problems_in_page_order(app, admin_client):
    html = invite(admin_client, email="not-an-email", name="", roles=[]).get_data(as_text=True)
    summary = html[html.index("error-summary__list") : html.index("</ul>", html.index("error-summary__list"))]
    assert summary.index("#email") < summary.index("#name") < summary.index("#roles")
