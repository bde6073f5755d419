"""Two senders running at once deliver every email exactly once."""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa

from booking.extensions import db
from booking.notifications.models import EmailStatus, OutboxEmail
from booking.notifications.sender import deliver_due
from booking.notifications.services import queue_email
from booking.staff.models import User
from tests.helpers import run_together

CONTEXT = {
    "user": User(name="受信 者", email="x@example.jp"),
    "link": "http://booking.test/x",
    "valid_hours": 72,
    "inviter": None,
}


def test_two_senders_at_once_send_each_email_once(app, ctx, smtp):
    for n in range(40):
        queue_email(f"r{n}@example.jp", "staff/invite_to_user", "ja", CONTEXT)
    db.session.commit()
    db.session.remove()

    def run_sender(index, _) -> None:
        # Small batches make the two senders interleave many times.
        while deliver_due(limit=5).sent:
            pass

    run_together(2, run_sender, app=app)

    ids = Counter(m.message["Message-ID"] for m in smtp.messages)
    assert len(ids) == 40
    assert max(ids.values()) == 1
    statuses = db.session.scalars(sa.select(OutboxEmail.status)).all()
    assert set(statuses) == {EmailStatus.SENT}
