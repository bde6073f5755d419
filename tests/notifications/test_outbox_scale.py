"""The outbox list reads the same queries for 150 emails as for 3, on any page and filter,
and old emails are deleted in batches."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from booking.core.auth import Role
from booking.core.time import utcnow
from booking.extensions import db
from booking.notifications.models import EmailStatus, OutboxEmail
from booking.notifications.services import purge_old_emails
from tests.factories import make_user
from tests.helpers import count_queries


def add_emails(count: int, first: int = 0, **values) -> None:
    db.session.rollback()  # a request may have written since this session last read
    now = utcnow()
    rows = [
        {
            "message_id": f"<scale-{n}@booking.test>",
            "recipient": f"person{n}@example.jp",
            "language": "ja",
            "template": "staff/invite_to_user",
            "subject": f"件名 {n}",
            "body_text": "本文",
            "body_html": "<p>本文</p>",
            "status": values.get("status", "sent" if n % 3 else "failed"),
            "attempts": 1,
            "next_attempt_at": now,
            "created_at": values.get("created_at", now - timedelta(minutes=n)),
        }
        for n in range(first, first + count)
    ]
    db.session.execute(sa.insert(OutboxEmail), rows)
    db.session.commit()


@pytest.fixture
def admin_client(app, login, ctx):
    make_user(Role.ADMIN, email="outbox-admin@example.jp")
    client = app.test_client()
    login(client, "outbox-admin@example.jp")
    return client


@pytest.mark.parametrize(
    "path", ["/staff/outbox/", "/staff/outbox/?page={last}", "/staff/outbox/?status=failed"]
)
def test_the_outbox_list_runs_as_many_queries_for_150_emails_as_for_3(app, admin_client, path):
    add_emails(3)
    admin_client.get(path.format(last=1))
    with count_queries(app) as small:
        assert admin_client.get(path.format(last=1)).status_code == 200
    add_emails(147, first=3)
    with count_queries(app) as larger:
        assert admin_client.get(path.format(last=3)).status_code == 200
    assert larger.count == small.count


def test_the_last_outbox_page_shows_the_oldest_emails_newest_first(admin_client):
    add_emails(120)
    body = admin_client.get("/staff/outbox/?page=3").get_data(as_text=True)
    assert "件名 119" in body and "件名 100" in body and "件名 99<" not in body
    assert body.index("件名 100") < body.index("件名 119")


def test_old_emails_deleted_in_batches_of_two_as_in_one(ctx):
    add_emails(5, created_at=utcnow() - timedelta(days=200), status="sent")
    add_emails(2, first=5)  # recent: they stay
    assert "5 email(s) older than" in purge_old_emails(batch_size=2)
    assert db.session.scalar(sa.select(sa.func.count(OutboxEmail.id))) == 2
    assert set(db.session.scalars(sa.select(OutboxEmail.status))) <= {EmailStatus.SENT, EmailStatus.FAILED}
