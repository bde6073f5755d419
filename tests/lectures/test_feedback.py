"""The teacher's feedback after a held lecture: the request for it, the form's rules, the
answers kept once, the one reminder, and what staff see of it."""

from __future__ import annotations

import csv
import io
import itertools
import re
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from booking.audit.models import AuditEntry
from booking.core.auth import Role
from booking.core.errors import DomainError
from booking.core.time import JST, utcnow
from booking.extensions import db
from booking.lectures import reminders, services
from booking.lectures.feedback import FeedbackData, Saved, give_feedback
from booking.lectures.models import LectureFeedback, LectureRequest
from booking.notifications.sender import deliver_due
from tests.factories import make_user
from tests.factories.lectures import NOW, at, make_lecturer, make_request
from tests.helpers import count_queries, outbox

FEEDBACK_REQUEST = "lectures/feedback_request_to_teacher"
FEEDBACK_REMINDER = "lectures/feedback_reminder_to_teacher"


def page(client, token, language="ja"):
    return client.get(f"/lectures/manage/{token}", headers={"Accept-Language": language})


def send(client, token, language="ja", **data):
    return client.post(
        f"/lectures/manage/{token}",
        data={"action": "feedback", **data},
        headers={"Accept-Language": language},
    )


def answers_of(lecture_id: int) -> list[LectureFeedback]:
    db.session.rollback()
    return list(
        db.session.scalars(sa.select(LectureFeedback).where(LectureFeedback.request_id == lecture_id))
    )


_days_back = itertools.count(1)


def held(program, lecturer, **overrides) -> tuple[LectureRequest, str]:
    """A lecture held on a recent day (one day further back each time), with a private link."""
    starts_at = utcnow() - timedelta(days=1, hours=next(_days_back) % 1000)
    lecture = make_request(
        program, status="completed", lecturers=[lecturer], starts_at=starts_at, **overrides
    )
    token = services.add_link(lecture)
    db.session.commit()
    return lecture, token


@pytest.fixture
def lecture(ctx, frozen, program, lecturer):
    return held(program, lecturer)


# Asking for it ---------------------------------------------------------------------------


def test_recording_the_lecture_as_held_asks_the_teacher_for_feedback(
    app, client, frozen, program, lecturer, coordinator
):
    lecture = make_request(
        program,
        status="scheduled",
        lecturers=[lecturer],
        starts_at=utcnow() - timedelta(hours=3),
        language="en",
    )
    services.complete_request(lecture.id, 58, "", coordinator)
    (email,) = outbox(app, template=FEEDBACK_REQUEST)
    assert email.recipient == lecture.contact_email and email.language == "en"
    assert email.subject == f"[{lecture.reference}] Thank you: how was the lecture?"
    link = next(w for w in email.body_text.split() if "/lectures/manage/" in w)
    assert link.endswith("#feedback")
    html = client.get(link.replace("http://booking.test", "").split("#")[0]).get_data(as_text=True)
    assert "講座はいかがでしたか" in html


def test_no_feedback_request_when_the_completion_is_refused(app, frozen, program, lecturer, coordinator):
    """The request is queued in the completion's transaction: no completion, no email."""
    future = make_request(program, status="scheduled", lecturers=[lecturer])
    with pytest.raises(DomainError):
        services.complete_request(future.id, 58, "", coordinator)
    assert outbox(app, template=FEEDBACK_REQUEST) == []


# The form --------------------------------------------------------------------------------


def test_the_form_appears_only_once_the_lecture_is_held(client, frozen, program, lecturer, lecture):
    scheduled = make_request(program, status="scheduled", lecturers=[lecturer])
    token = services.add_link(scheduled)
    db.session.commit()
    assert "講座はいかがでしたか" not in page(client, token).get_data(as_text=True)
    html = page(client, lecture[1]).get_data(as_text=True)
    assert "講座はいかがでしたか" in html and 'id="feedback"' in html
    for label in ("5：とても満足", "4：満足", "3：どちらともいえない", "2：不満", "1：とても不満"):
        assert label in html
    assert html.count('name="satisfaction"') == 5 and 'type="radio"' in html
    assert '<legend class="field__label">講座の満足度をお聞かせください' in html
    assert 'name="comments"' in html and "1,000字以内" in html


def test_the_form_reads_in_english(client, lecture):
    html = page(client, lecture[1], "en").get_data(as_text=True)
    for text in ("How was the lecture?", "5 – Very satisfied", "1 – Very dissatisfied", "Send my feedback"):
        assert text in html


def test_satisfaction_is_required_and_the_comment_is_kept(client, lecture):
    response = send(client, lecture[1], comments="とても分かりやすかったです。")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="satisfaction-error"' in html and 'href="#satisfaction"' in html
    assert "満足度を「とても満足」から「とても不満」までの中からお選びください。" in html
    assert "とても分かりやすかったです。" in html  # what was typed is kept
    assert answers_of(lecture[0].id) == []


@pytest.mark.parametrize("value", ["0", "6", "abc", "4.5", " "])
def test_satisfaction_must_be_one_of_the_five(client, lecture, value):
    response = send(client, lecture[1], satisfaction=value)
    assert response.status_code == 422
    assert 'id="satisfaction-error"' in response.get_data(as_text=True)
    assert answers_of(lecture[0].id) == []


def test_comments_are_limited_to_1000_characters(client, lecture):
    too_long = send(client, lecture[1], satisfaction="4", comments="あ" * 1001)
    html = too_long.get_data(as_text=True)
    assert too_long.status_code == 422 and 'id="comments-error"' in html
    assert "1000字以内でご記入ください（現在1001字です）" in html
    assert answers_of(lecture[0].id) == []
    # Line breaks count once, as the teacher sees them.
    exactly = "あ" * 499 + "\r\n" + "い" * 500
    assert send(client, lecture[1], satisfaction="4", comments=exactly).status_code == 302
    (answer,) = answers_of(lecture[0].id)
    assert len(answer.comments) == 1000 and "\r" not in answer.comments


def test_comments_are_optional(client, lecture):
    assert send(client, lecture[1], satisfaction="3", comments="  ").status_code == 302
    (answer,) = answers_of(lecture[0].id)
    assert (answer.satisfaction, answer.comments) == (3, "")


def test_answers_are_saved_once_and_shown_back_with_thanks(client, lecture):
    response = send(client, lecture[1], satisfaction="5", comments="児童が夢中になっていました。")
    assert response.status_code == 302 and response.headers["Location"].endswith("#feedback")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "アンケートにご回答いただき、ありがとうございました。" in html  # the flash message
    assert "アンケートへのご協力ありがとうございました" in html
    assert "5：とても満足" in html and "児童が夢中になっていました。" in html
    assert "回答を変更する（2026年11月9日(月) 9:00まで）" in html
    (answer,) = answers_of(lecture[0].id)
    assert answer.satisfaction == 5
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "lecture.feedback"))
    assert entry.details == {"satisfaction": 5}  # never the comments


def test_sending_the_form_twice_keeps_one_answer(client, lecture):
    data = {"satisfaction": "4", "comments": "ありがとうございました。"}
    first, second = send(client, lecture[1], **data), send(client, lecture[1], **data)
    assert first.status_code == second.status_code == 302
    assert "この回答はすでに受け付けています" in client.get(second.headers["Location"]).get_data(as_text=True)
    assert len(answers_of(lecture[0].id)) == 1
    assert (
        db.session.scalar(
            sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.action.like("lecture.feedback%"))
        )
        == 1
    )


def test_the_database_keeps_one_answer_per_lecture(lecture):
    db.session.add(LectureFeedback(request_id=lecture[0].id, satisfaction=4))
    db.session.commit()
    db.session.add(LectureFeedback(request_id=lecture[0].id, satisfaction=5))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


@pytest.mark.parametrize(("satisfaction", "comments"), [(0, ""), (6, ""), (3, "x" * 1001)])
def test_the_database_refuses_answers_outside_the_rules(lecture, satisfaction, comments):
    db.session.add(LectureFeedback(request_id=lecture[0].id, satisfaction=satisfaction, comments=comments))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_answers_can_be_changed_for_seven_days(client, frozen, lecture):
    send(client, lecture[1], satisfaction="3", comments="")
    frozen.shift(timedelta(days=6, hours=23))
    assert send(client, lecture[1], satisfaction="4", comments="見直しました。").status_code == 302
    (answer,) = answers_of(lecture[0].id)
    assert (answer.satisfaction, answer.comments) == (4, "見直しました。")
    html = page(client, lecture[1]).get_data(as_text=True)
    assert "に変更" in html and "4：満足" in html
    frozen.shift(timedelta(hours=1))
    html = page(client, lecture[1]).get_data(as_text=True)
    assert "回答を変更する" not in html and "訂正が必要な場合はお問い合わせください。" in html
    late = send(client, lecture[1], satisfaction="1", comments="")
    assert late.status_code == 422 and "変更の受付期間は終了しました" in late.get_data(as_text=True)
    assert answers_of(lecture[0].id)[0].satisfaction == 4
    # The same answers sent again late (a resent form) are simply thanked for.
    assert send(client, lecture[1], satisfaction="4", comments="見直しました。").status_code == 302


def test_feedback_for_a_lecture_not_held_is_refused(client, frozen, program, lecturer):
    scheduled = make_request(program, status="scheduled", lecturers=[lecturer])
    token = services.add_link(scheduled)
    db.session.commit()
    response = send(client, token, satisfaction="5")
    assert response.status_code == 422 and "講座の実施後にご回答いただけます" in response.get_data(
        as_text=True
    )
    assert answers_of(scheduled.id) == []


def test_an_unknown_link_gets_a_plain_404(client, lecture):
    token = lecture[1]
    mistyped = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert send(client, mistyped, satisfaction="5").status_code == 404
    assert client.get(f"/lectures/manage/{mistyped}").status_code == 404
    assert answers_of(lecture[0].id) == []


def test_another_requests_feedback_is_never_shown(client, frozen, program, lecturer, lecture):
    first, first_token = lecture
    second, second_token = held(program, lecturer, contact_name="二番 先生")
    send(client, first_token, satisfaction="2", comments="音声が聞き取りにくかった。")
    html = page(client, second_token).get_data(as_text=True)
    assert (
        "音声が聞き取りにくかった。" not in html and "アンケートへのご協力ありがとうございました" not in html
    )
    assert "講座はいかがでしたか" in html  # the second teacher has not answered
    send(client, second_token, satisfaction="5")
    assert [a.satisfaction for a in answers_of(first.id)] == [2]
    assert [a.satisfaction for a in answers_of(second.id)] == [5]


def test_the_service_checks_the_rules_itself(lecture):
    with pytest.raises(DomainError) as refused:
        give_feedback(lecture[0].id, FeedbackData(7))
    assert refused.value.field == "satisfaction"
    with pytest.raises(DomainError) as refused:
        give_feedback(lecture[0].id, FeedbackData(3, "x" * 1001))
    assert refused.value.field == "comments"
    assert give_feedback(lecture[0].id, FeedbackData(3)) == Saved.CREATED
    assert give_feedback(lecture[0].id, FeedbackData(3)) == Saved.UNCHANGED
    assert give_feedback(lecture[0].id, FeedbackData(4)) == Saved.CHANGED


# The one reminder --------------------------------------------------------------------------


@pytest.fixture
def completed_now(ctx, frozen, program, lecturer, coordinator):
    lecture = make_request(
        program, status="scheduled", lecturers=[lecturer], starts_at=utcnow() - timedelta(hours=2)
    )
    services.complete_request(lecture.id, 50, "", coordinator)
    return lecture


def remind(frozen, when: datetime) -> str:
    frozen.move_to(when)
    db.session.rollback()
    return reminders.send_feedback_reminders()


def test_the_teacher_is_reminded_once_five_days_later(app, client, frozen, completed_now, smtp):
    assert "0 feedback reminder" in remind(frozen, NOW + timedelta(days=5, minutes=-1))
    assert "1 feedback reminder" in remind(frozen, NOW + timedelta(days=5))
    (email,) = outbox(app, template=FEEDBACK_REMINDER)
    assert email.language == "ja" and "講座アンケートへのご協力のお願い" in email.subject
    assert "このご案内はこの1回限りです。" in email.body_text
    assert "0 feedback reminder" in remind(frozen, NOW + timedelta(days=9))
    deliver_due()
    (received,) = [m for m in smtp.to(completed_now.contact_email) if "アンケートへのご協力" in m.subject]
    link = next(w for w in received.text.split() if "/lectures/manage/" in w).split("#")[0]
    assert page(client, link.rsplit("/", 1)[1]).status_code == 200


def test_no_reminder_once_the_teacher_has_answered(app, frozen, completed_now):
    give_feedback(completed_now.id, FeedbackData(5))
    remind(frozen, NOW + timedelta(days=6))
    assert outbox(app, template=FEEDBACK_REMINDER) == []


def test_no_reminder_long_after_the_lecture(app, frozen, completed_now):
    remind(frozen, NOW + timedelta(days=31))
    assert outbox(app, template=FEEDBACK_REMINDER) == []


# What staff see -------------------------------------------------------------------------------


@pytest.fixture
def answered(ctx, frozen, program, lecturer):
    """Three held lectures of one lecturer (two answered) and one of another (answered)."""
    other = make_lecturer(name="北野 真理子", email="kitano@example.jp")
    first, _t = held(program, lecturer, contact_name="一番 先生", contact_email="ichiban@example.jp")
    second, _t = held(program, lecturer)
    held(program, lecturer)
    foreign, _t = held(program, other, contact_name="他校 先生")
    give_feedback(first.id, FeedbackData(5, "実験が好評でした。"))
    give_feedback(second.id, FeedbackData(3))
    give_feedback(foreign.id, FeedbackData(1, "ほかの講師の講座への感想"))
    return {"first": first, "second": second, "foreign": foreign, "other": other}


def test_the_request_page_shows_the_answers(frozen, coordinator_client, answered):
    html = coordinator_client.get(f"/staff/lectures/{answered['first'].id}").get_data(as_text=True)
    assert "学校からのアンケート" in html and "5：とても満足" in html and "実験が好評でした。" in html


def test_coordinators_see_every_answer_and_the_average(frozen, coordinator_client, answered):
    html = coordinator_client.get("/staff/lectures/feedback").get_data(as_text=True)
    assert re.search(r'<span class="stat__number">3\.0</span> / 5', html)
    assert re.search(
        r'<span class="stat__number">3</span> 件（実施4件中）<br><span class="muted">回答率：75%</span>', html
    )
    assert "ほかの講師の講座への感想" in html and "実験が好評でした。" in html
    assert "ichiban@example.jp" not in html and "一番 先生" not in html  # never the teacher's contacts
    db.session.rollback()
    assert (
        db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.action == "lecture.view"))
        == 0
    )


def test_a_lecturer_sees_only_their_own_lectures_without_contacts(app, login, lecturer, answered):
    client = app.test_client()
    login(client, lecturer.email)
    html = client.get("/staff/lectures/feedback").get_data(as_text=True)
    assert "担当講座のアンケート" in html and "実験が好評でした。" in html
    assert "ほかの講師の講座への感想" not in html
    assert re.search(r'<span class="stat__number">4\.0</span> / 5', html)
    assert "ichiban@example.jp" not in html and "一番 先生" not in html
    assert f'href="/staff/lectures/{answered["first"].id}"' not in html  # a page lecturers cannot open


def test_the_fiscal_year_filter(frozen, coordinator_client, answered, program, lecturer):
    old = make_request(
        program,
        status="completed",
        lecturers=[lecturer],
        starts_at=at(date(2025, 10, 1), 10),
        fiscal_year=2025,
    )
    give_feedback(old.id, FeedbackData(2, "昨年度の感想"))
    this_year = coordinator_client.get("/staff/lectures/feedback?fiscal_year=2026").get_data(as_text=True)
    assert "昨年度の感想" not in this_year and "実験が好評でした。" in this_year
    last_year = coordinator_client.get("/staff/lectures/feedback?fiscal_year=2025").get_data(as_text=True)
    assert "昨年度の感想" in last_year and "実験が好評でした。" not in last_year


def test_the_summary_page_runs_the_same_queries_for_few_or_many_answers(
    app, ctx, frozen, coordinator_client, program, lecturer
):
    def queries() -> int:
        with count_queries(app) as counter:
            assert coordinator_client.get("/staff/lectures/feedback").status_code == 200
        return counter.count

    def add(n: int) -> None:
        for i in range(n):
            lecture, _token = held(program, lecturer)
            give_feedback(lecture.id, FeedbackData(1 + i % 5, "感想"))

    add(1)
    few = queries()
    add(25)
    assert queries() == few


def test_the_dashboard_shows_this_years_average(frozen, coordinator_client, answered):
    html = coordinator_client.get("/staff/").get_data(as_text=True)
    assert "今年度の満足度：5点中3.0（回答3件）" in html


def test_the_export_has_the_feedback_columns(frozen, coordinator_client, answered):
    response = coordinator_client.get("/staff/lectures/export.csv?status=completed")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][-3:] == ["満足度（1〜5）", "ご意見・ご感想", "アンケート回答日時"]
    by_reference = {row[0]: row for row in rows[1:]}
    first = by_reference[answered["first"].reference]
    assert first[-3:-1] == ["5", "実験が好評でした。"] and first[-1].startswith("2026-11-02")
    unanswered = [row for row in rows[1:] if row[-3] == ""]
    assert len(unanswered) == 1


def test_purging_old_requests_keeps_the_score_and_drops_the_comments(ctx, program, lecturer):
    from booking.lectures.services import purge_personal_data

    lecture = make_request(
        program,
        status="completed",
        lecturers=[lecturer],
        starts_at=at(date(2024, 10, 3), 10),
        fiscal_year=2024,
    )
    db.session.add(LectureFeedback(request_id=lecture.id, satisfaction=4, comments="担当の山田です。"))
    db.session.commit()
    purge_personal_data(now=datetime(2026, 4, 1, 0, 5, tzinfo=JST))
    (answer,) = answers_of(lecture.id)
    assert (answer.satisfaction, answer.comments) == (4, "")


def test_feedback_is_not_for_every_role(app, login, answered):
    client = app.test_client()
    login(client, make_user(Role.REVIEWER).email)
    assert client.get("/staff/lectures/feedback").status_code == 403
