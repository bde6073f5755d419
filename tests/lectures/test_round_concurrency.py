"""Many coordinators allocating one round at the same moment: it is allocated once (the
round's row is locked and its status checked; SQLite runs one writer at a time)."""

from __future__ import annotations

from datetime import time

import sqlalchemy as sa

from booking.audit.models import AuditEntry
from booking.core.auth import Role
from booking.extensions import db
from booking.lectures import services
from booking.lectures.round_models import LectureRound
from tests.factories import make_user
from tests.factories.lectures import GOOD_DAY, submit
from tests.factories.rounds import make_round
from tests.factories.schools import make_school
from tests.helpers import outbox, run_together

THREADS = 8


def test_coordinators_allocating_one_round_at_once_allocate_it_once(app, ctx, frozen, login, program):
    owner = make_user(Role.COORDINATOR, email="owner@example.jp")
    lecture_round = make_round(owner, per_day=1)
    for n in range(4):
        submit(
            program,
            school=make_school(),
            candidates=(services.Candidate(1, GOOD_DAY, time(10, 30)),),
            contact_email=f"t{n}@example.jp",
        )
    services.close_round(lecture_round.id, owner)
    round_id = lecture_round.id
    emails = [make_user(Role.COORDINATOR, email=f"c{i}@example.jp").email for i in range(THREADS)]
    db.session.remove()

    def prepare(index):
        client = app.test_client()
        login(client, emails[index])
        return client

    def act(index, client):
        return client.post(f"/staff/lectures/rounds/{round_id}/allocate").status_code

    assert run_together(THREADS, act, prepare=prepare) == [302] * THREADS
    db.session.rollback()
    entries = list(
        db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "lecture_round.allocate"))
    )
    assert len(entries) == 1
    assert db.session.get(LectureRound, round_id).seed == entries[0].details["seed"]
    told = [e for e in outbox(app) if e.template.startswith("lectures/round_")]
    assert sorted(e.recipient for e in told) == [f"t{n}@example.jp" for n in range(4)]
    assert sum(e.template == "lectures/round_allocated_to_teacher" for e in told) == 1
