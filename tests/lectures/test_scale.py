"""The inbox, its exports and the lecture batch commands stay the same shape as the rows grow:
the same SQL statements per page, downloads streamed, reminders and retention in batches."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import request_finished
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from booking.core.time import JST
from booking.extensions import db
from booking.lectures import reminders
from booking.lectures.models import LectureFormat, LectureRequest, LectureStatus
from booking.lectures.services import add_link, purge_personal_data
from tests.factories.lectures import at, make_lecturer, make_request
from tests.helpers import count_queries, outbox

SEARCH = "format=online&q=%E5%B0%8F%E5%AD%A6%E6%A0%A1"  # online, "小学校"
INBOX_PAGES = {
    "first page": "/staff/lectures/",
    "last page": "/staff/lectures/?page={last}",
    "filter and search, first page": f"/staff/lectures/?{SEARCH}",
    "filter and search, last page": f"/staff/lectures/?{SEARCH}" + "&page={last}",
}


def add_requests(program, count: int, lecturer, first: int = 0) -> None:
    """`count` requests, every third scheduled with the lecturer (on days of their own)."""
    for n in range(first, first + count):
        if n % 3 == 0:
            make_request(
                program,
                status="scheduled",
                lecturers=[lecturer],
                starts_at=at(date(2027, 1, 4), 9) + timedelta(days=n),
            )
        else:
            make_request(program, commit=False)
    db.session.commit()


def statements(app, client, path: str) -> int:
    client.get(path)  # caches warm, as on any later request
    with count_queries(app) as counter:
        response = client.get(path)
    assert response.status_code == 200, path
    return counter.count


@pytest.mark.parametrize("page", list(INBOX_PAGES))
def test_inbox_pages_run_as_many_queries_for_120_requests_as_for_6(app, coordinator_client, program, page):
    lecturer = make_lecturer()
    add_requests(program, 6, lecturer)
    small = statements(app, coordinator_client, INBOX_PAGES[page].format(last=1))
    add_requests(program, 114, lecturer, first=6)
    larger = statements(app, coordinator_client, INBOX_PAGES[page].format(last=3))
    assert larger == small


def test_the_last_inbox_page_shows_the_oldest_requests(app, coordinator_client, program):
    add_requests(program, 60, make_lecturer())
    oldest = db.session.scalars(
        sa.select(LectureRequest.reference).order_by(LectureRequest.created_at, LectureRequest.id).limit(10)
    ).all()
    body = coordinator_client.get("/staff/lectures/?page=2").get_data(as_text=True)
    assert all(reference in body for reference in oldest)
    assert "60" in body  # the total is still counted


def streamed_export(app, client, path: str):
    produced = []

    def keep(sender, response, **extra):
        produced.append(response)

    with request_finished.connected_to(keep, app):
        response = client.get(path)
    assert response.status_code == 200
    assert produced[0].is_streamed  # what the app answered, before the test client read it
    return response


def test_the_csv_export_is_streamed_with_every_request_in_it(app, coordinator_client, program):
    add_requests(program, 30, make_lecturer())
    references = set(db.session.scalars(sa.select(LectureRequest.reference)))
    response = streamed_export(app, coordinator_client, "/staff/lectures/export.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][0] == "受付番号"
    assert {row[0] for row in rows[1:]} == references
    assert len(rows) == 31


def test_the_excel_export_is_streamed_with_every_request_in_it(app, coordinator_client, program):
    add_requests(program, 30, make_lecturer())
    references = set(db.session.scalars(sa.select(LectureRequest.reference)))
    response = streamed_export(app, coordinator_client, "/staff/lectures/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert {row[0] for row in rows[1:]} == references
    assert len(rows) == 31
    assert sheet.freeze_panes == "A2"


@pytest.fixture
def commits():
    """How many times any session commits inside the test."""
    seen = []

    def count(session):
        seen.append(session)

    sa.event.listen(Session, "after_commit", count)
    yield seen
    sa.event.remove(Session, "after_commit", count)


def closed_old_requests(program, count: int) -> list[int]:
    made = []
    for n in range(count):
        lecture = make_request(
            program, status="completed", fiscal_year=2024, starts_at=at(date(2024, 10, 3 + n), 10)
        )
        add_link(lecture)
        made.append(lecture.id)
    db.session.commit()
    return made


def contacts() -> list[tuple]:
    db.session.expire_all()
    return db.session.execute(
        sa.select(LectureRequest.id, LectureRequest.contact_email).order_by(LectureRequest.id)
    ).all()


def test_purge_in_batches_of_two_clears_what_one_batch_clears(ctx, program, commits):
    closed_old_requests(program, 5)
    april_2026 = datetime(2026, 4, 1, 0, 5, tzinfo=JST)
    commits.clear()
    assert "from 5 closed" in purge_personal_data(now=april_2026, batch_size=2)
    assert len(commits) == 3  # 2 + 2 + 1, each committed
    batched = [email for _id, email in contacts()]
    assert batched == [""] * 5

    # The same data cleared in one batch ends the same.
    db.session.execute(sa.update(LectureRequest).values(contact_email="again@example.jp"))
    db.session.commit()
    commits.clear()
    assert "from 5 closed" in purge_personal_data(now=april_2026)
    assert len(commits) == 1
    assert [email for _id, email in contacts()] == batched


def test_a_purge_stopped_after_a_batch_is_finished_by_the_next_run(ctx, program, monkeypatch):
    closed_old_requests(program, 5)
    april_2026 = datetime(2026, 4, 1, 0, 5, tzinfo=JST)
    from booking.lectures.services import retention

    real = retention._purge
    calls = []

    def stop_at_the_second_batch(ids):
        calls.append(ids)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real(ids)

    monkeypatch.setattr(retention, "_purge", stop_at_the_second_batch)
    with pytest.raises(KeyboardInterrupt):
        purge_personal_data(now=april_2026, batch_size=2)
    db.session.rollback()
    assert sum(1 for _id, email in contacts() if email == "") == 2  # the first batch stayed done
    monkeypatch.setattr(retention, "_purge", real)
    assert "from 3 closed" in purge_personal_data(now=april_2026, batch_size=2)
    assert all(email == "" for _id, email in contacts())


def held_lectures(program, count: int) -> None:
    for n in range(count):
        make_request(program, status="completed", starts_at=at(date(2026, 10, 5 + n), 10))
    db.session.commit()


def test_feedback_reminders_in_batches_of_two_queue_what_one_batch_queues(ctx, program, frozen, commits):
    frozen.move_to(datetime(2026, 10, 25, 9, 0, tzinfo=JST))  # recorded as held then
    held_lectures(program, 5)
    frozen.move_to(datetime(2026, 11, 2, 9, 0, tzinfo=JST))
    commits.clear()
    assert "5 feedback reminder" in reminders.send_feedback_reminders(batch_size=2)
    assert len(commits) == 3
    queued = sorted(
        email.recipient for email in outbox(ctx) if email.template.endswith("feedback_reminder_to_teacher")
    )
    assert len(queued) == 5
    assert "0 feedback reminder" in reminders.send_feedback_reminders()  # each once, batched or not


def test_lecture_reminders_in_batches_of_two_remind_every_lecture_once(ctx, program, frozen):
    lecturer = make_lecturer()
    frozen.move_to(datetime(2026, 10, 1, 9, 0, tzinfo=JST))
    for n in range(5):
        make_request(
            program,
            status="scheduled",
            lecturers=[lecturer],
            fmt=LectureFormat.IN_PERSON,
            starts_at=at(date(2026, 11, 4), 9) + timedelta(hours=2 * n),
        )
    frozen.move_to(datetime(2026, 11, 2, 9, 0, tzinfo=JST))
    message = reminders.send_lecture_reminders(batch_size=2)
    assert "of 5 lecture(s)" in message and "5 to teachers and 5 to lecturers" in message
    assert "of 0 lecture(s)" in reminders.send_lecture_reminders(batch_size=2)
    assert (
        db.session.scalar(sa.select(sa.func.count()).where(LectureRequest.status == LectureStatus.SCHEDULED))
        == 5
    )
