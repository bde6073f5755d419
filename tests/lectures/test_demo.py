"""The lecture demo: right after seeding, send-reminders has something of each kind to send."""

from __future__ import annotations

import re

import sqlalchemy as sa

from booking.core.time import JST, today_jst
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


def test_the_demo_opens_a_round_for_next_term_with_collected_requests(app, ctx, frozen, coordinator_client):
    from booking.lectures.round_models import LectureRound, RoundStatus

    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    rounds = db.session.scalars(sa.select(LectureRound)).all()
    assert len(rounds) == 1
    (lecture_round,) = rounds
    assert lecture_round.status == RoundStatus.OPEN
    assert lecture_round.closes_on > today_jst() and lecture_round.first_day > lecture_round.closes_on
    assert len(lecture_round.entries) == 3
    for entry in lecture_round.entries:
        assert lecture_round.covers(entry.request.first_choice.starts_at.astimezone(JST).date())
    page = coordinator_client.get("/staff/lectures/?round=waiting").get_data(as_text=True)
    assert set(re.findall(r"L-\d{4}-\d{4}", page)) == {
        entry.request.reference for entry in lecture_round.entries
    }
    assert coordinator_client.get(f"/staff/lectures/rounds/{lecture_round.id}").status_code == 200

    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(LectureRound.id))) == 1
    assert len(db.session.get(LectureRound, lecture_round.id).entries) == 3
