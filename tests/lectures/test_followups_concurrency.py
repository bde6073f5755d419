"""At the same moment: reminder runs that overlap, and a feedback form sent twice at once.

On SQLite the writers take turns (BEGIN IMMEDIATE); on PostgreSQL a reminder run holds an
advisory lock and a feedback answer locks its lecture's row. Either way each reminder is
queued once, each lecture keeps one answer, and nobody gets an error.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from booking.core.time import JST, utcnow
from booking.extensions import db
from booking.lectures import reminders, services
from booking.lectures.models import LectureFeedback
from tests.factories.lectures import GOOD_DAY, at, make_lecturer, make_program, make_request
from tests.helpers import outbox, run_together

RUNS = 6


def test_overlapping_reminder_runs_queue_each_reminder_once(app, ctx, frozen):
    lecturers = [make_lecturer(), make_lecturer()]
    make_request(make_program(), status="scheduled", lecturers=lecturers, starts_at=at(GOOD_DAY, 10, 30))
    db.session.remove()
    frozen.move_to(datetime.combine(date(2026, 11, 30), time(8, 0), tzinfo=JST))

    def act(_index, _prepared):
        return reminders.send_lecture_reminders()

    results = run_together(RUNS, act, app=app)
    assert sum("1 lecture(s)" in line for line in results) == 1
    sent = [e.template for e in outbox(app)]
    assert sent.count("lectures/reminder_to_teacher") == 1
    assert sent.count("lectures/reminder_to_lecturer") == 2


def test_a_feedback_form_sent_several_times_at_once_keeps_one_answer(app, ctx, frozen):
    lecture = make_request(
        make_program(),
        status="completed",
        lecturers=[make_lecturer()],
        starts_at=utcnow() - timedelta(days=1),
    )
    token = services.add_link(lecture)
    db.session.commit()
    lecture_id = lecture.id
    db.session.remove()

    def act(_index, client):
        response = client.post(
            f"/lectures/manage/{token}",
            data={"action": "feedback", "satisfaction": "5", "comments": "好評でした"},
        )
        return response.status_code

    assert run_together(RUNS, act, prepare=lambda _i: app.test_client()) == [302] * RUNS
    count = db.session.scalar(
        sa.select(sa.func.count(LectureFeedback.id)).where(LectureFeedback.request_id == lecture_id)
    )
    assert count == 1
