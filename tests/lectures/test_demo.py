"""The lecture demo: right after seeding, send-reminders has something of each kind to send."""

from __future__ import annotations

import re

import sqlalchemy as sa

from booking.extensions import db
from booking.lectures.models import LectureFeedback
from tests.helpers import outbox


def test_send_reminders_after_seeding_queues_each_kind_once(app, ctx, frozen, client):
    runner = app.test_cli_runner()
    seeded = runner.invoke(args=["seed-demo"])
    assert seeded.exit_code == 0, seeded.output
    assert db.session.scalar(sa.select(sa.func.count(LectureFeedback.id))) == 2  # held demo lectures

    first = runner.invoke(args=["send-reminders"])
    assert first.exit_code == 0, first.output
    assert (
        "Lectures: reminders of 1 lecture(s) within 3 day(s) queued, 1 to teachers and 1 to lecturers."
        in (first.output)
    )
    assert "connection-test reminders of 1 online lecture(s) queued, 1 to teachers and 1 to lecturers." in (
        first.output
    )
    assert "Lectures: 1 feedback reminder(s) to teachers queued." in first.output
    teacher = outbox(app, template="lectures/reminder_to_teacher")[0]
    assert teacher.language == "en"  # the demo's international school asked in English
    second = runner.invoke(args=["send-reminders"])
    assert "reminders of 0 lecture(s)" in second.output and "0 feedback reminder(s)" in second.output

    # The printed link opens the held lecture's page with the feedback form.
    link = re.search(r"a held lecture to give feedback on:\s+(/lectures/manage/\S+)", seeded.output).group(1)
    assert "講座はいかがでしたか" in client.get(link).get_data(as_text=True)

    again = runner.invoke(args=["seed-demo"])
    assert "(0 added now)" in again.output
    assert db.session.scalar(sa.select(sa.func.count(LectureFeedback.id))) == 2
