"""Offers with a frozen clock: accept, decline and expiry pass the place on, reminders go once.

A place is never held by two students and never left empty while someone with consent waits.
"""

from __future__ import annotations

import contextlib
import random
import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from booking.audit.models import AuditEntry
from booking.core.auth import Role
from booking.core.errors import DomainError
from booking.extensions import db
from booking.notifications.sender import deliver_due
from booking.review.models import Review
from booking.selection import services
from booking.selection.models import Decision
from booking.youth.models import Application, ApplicationStatus, CohortEvent
from tests.factories import make_user
from tests.factories.review import AFTER, add_application
from tests.factories.selection import decide_all
from tests.helpers import attachment_names, outbox, student_link

A, W, N = ApplicationStatus.ACCEPTED, ApplicationStatus.WAITLISTED, ApplicationStatus.NOT_SELECTED
# Published at 10:00 on 21 December (Japan time): the offer ends at 23:59 on 28 December.
DEADLINE = datetime(2026, 12, 28, 14, 59, 59, tzinfo=UTC)


@pytest.fixture
def published(cohort, coordinator, applications, closed_review, after_window):
    """Two places: 001 and 002 selected, 003 then 004 waiting, the rest not selected."""
    cohort.places = 2
    db.session.commit()
    decide_all(cohort, coordinator, dict(zip(applications, [A, A, W, W, N, N], strict=True)))
    services.publish_results(cohort, coordinator)
    return applications


def _status(application_id: int) -> ApplicationStatus:
    db.session.rollback()  # a fresh read, after what other sessions wrote
    return db.session.get(Application, application_id).status


def _check_places(cohort) -> None:
    """Never more held than the places, each place one student, none empty while someone waits."""
    db.session.rollback()
    holders = db.session.scalars(
        sa.select(Decision).join(Application).where(Application.status.in_([A, ApplicationStatus.CONFIRMED]))
    ).all()
    numbers = [d.place_number for d in holders]
    assert None not in numbers and len(set(numbers)) == len(numbers) <= cohort.places
    waiting = db.session.scalar(
        sa.select(sa.func.count()).select_from(Application).where(Application.status == W)
    )
    if waiting:
        assert len(holders) == cohort.places


def test_the_selected_student_accepts_and_gets_the_calendar(app, client, cohort, published, after_window):
    link = student_link(app, "himitsu.student@example.jp")
    page = client.get(link).get_data(as_text=True)
    assert "2026年12月28日(月) 23:59" in page and "参加を承諾する" in page
    response = client.post(link, data={"action": "accept_offer"})
    assert response.status_code == 302
    assert _status(published[0].id) == ApplicationStatus.CONFIRMED
    student, guardian = (
        outbox(app, template="selection/confirmed_to_student"),
        outbox(app, template="selection/confirmed_to_guardian"),
    )
    assert len(student) == len(guardian) == 1
    assert attachment_names(student[0].id) == ["youth-training.ics"]
    # The student's page offers the calendar; one VEVENT per event, stable UID, SEQUENCE from the event.
    page = client.get(link).get_data(as_text=True)
    assert "参加が決まりました" in page and "calendar.ics" in page
    ics = client.get(link + "/calendar.ics")
    assert ics.status_code == 200 and ics.headers["Content-Type"].startswith("text/calendar")
    events = [c for c in Calendar.from_ical(ics.data).walk("VEVENT")]
    assert len(events) == len(cohort.events) == 1
    uid = str(events[0]["UID"])
    assert uid == f"youth-event-{cohort.events[0].id}@booking.test" and int(events[0]["SEQUENCE"]) == 0
    event = db.session.get(CohortEvent, cohort.events[0].id)
    event.sequence += 1
    db.session.commit()
    again = Calendar.from_ical(client.get(link + "/calendar.ics").data).walk("VEVENT")[0]
    assert str(again["UID"]) == uid and int(again["SEQUENCE"]) == 1
    # Accepting twice changes nothing.
    client.post(link, data={"action": "accept_offer"})
    assert len(outbox(app, template="selection/confirmed_to_student")) == 1
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "selection.offer.accept"))
    assert entry.subject_id == str(published[0].id) and entry.actor_id is None


def test_an_unconfirmed_decline_shows_its_error_in_the_focused_summary_like_the_cancel_form(
    app, client, published, after_window
):
    link = student_link(app, "student2@example.jp")
    for data in ({"action": "decline_offer"}, {"action": "decline_offer", "confirm_decline": ""}):
        response = client.post(link, data=data)
        page = response.get_data(as_text=True)
        assert response.status_code == 422
        summary = page[page.index('class="error-summary"') :]
        summary = summary[: summary.index("</div>")]
        assert "data-focus-on-load" in summary
        assert '<a href="#confirm_decline">' in summary and "チェックを入れてください" in summary
        assert 'id="confirm_decline-error"' in page  # beside the box too, the panel open
        assert '<details class="edit-panel decline-panel" open>' in page
    assert _status(published[1].id) == A


def test_a_decline_must_be_confirmed_then_passes_the_place_to_the_next(
    app, client, cohort, coordinator, published, after_window
):
    link = student_link(app, "student2@example.jp")
    unconfirmed = client.post(link, data={"action": "decline_offer"})
    assert unconfirmed.status_code == 422
    assert "チェックを入れてください" in unconfirmed.get_data(as_text=True)
    assert _status(published[1].id) == A
    after_window.shift(timedelta(days=2))
    assert client.post(link, data={"action": "decline_offer", "confirm_decline": "y"}).status_code == 302
    assert _status(published[1].id) == ApplicationStatus.DECLINED
    assert _status(published[2].id) == A  # the first on the waiting list
    assert _status(published[3].id) == W
    offer = db.session.scalar(sa.select(Decision).where(Decision.application_id == published[2].id))
    assert offer.place_number == 2 and offer.offered_at == AFTER + timedelta(days=2)
    assert offer.offer_deadline_at == datetime(2026, 12, 30, 14, 59, 59, tzinfo=UTC)  # 23:59 on the 30th
    assert [e.recipient for e in outbox(app, template="selection/offer_to_student")] == [
        "student3@example.jp"
    ]
    assert [e.recipient for e in outbox(app, template="selection/offer_to_guardian")] == [
        "guardian3@example.jp"
    ]
    (told,) = outbox(app, template="selection/place_passed_to_coordinator")
    assert (
        told.recipient == "coord@example.jp"
        and "Y-2026-002" in told.body_text
        and "Y-2026-003" in told.body_text
    )
    assert len(outbox(app, template="selection/declined_to_student")) == 1
    _check_places(cohort)
    actions = [e.action for e in db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id))]
    assert "selection.offer.decline" in actions and "selection.offer.promote" in actions
    # The promoted student can answer on their page.
    promoted = student_link(app, "student3@example.jp")
    assert "参加を承諾する" in client.get(promoted).get_data(as_text=True)


def test_answers_are_taken_until_the_deadline_to_the_minute(app, client, published, after_window):
    link = student_link(app, "student2@example.jp")
    after_window.move_to(DEADLINE - timedelta(minutes=1))
    assert client.get(link).status_code == 200
    after_window.move_to(DEADLINE)
    response = client.post(link, data={"action": "accept_offer"}, follow_redirects=True)
    assert "回答の期限" in response.get_data(as_text=True)
    assert _status(published[1].id) == A  # until send-reminders expires it


def test_reminders_go_once_before_the_deadline_then_expiry_passes_the_place_on(
    app, cohort, coordinator, published, after_window
):
    after_window.move_to(DEADLINE - timedelta(days=2, minutes=1))
    assert "0 offer reminder(s)" in services.send_offer_reminders()
    after_window.move_to(DEADLINE - timedelta(days=2))
    assert "2 offer reminder(s)" in services.send_offer_reminders()
    assert "0 offer reminder(s)" in services.send_offer_reminders()
    after_window.move_to(DEADLINE - timedelta(hours=1))
    assert "0 offer reminder(s)" in services.send_offer_reminders()
    reminders = outbox(app, template="selection/offer_reminder_to_student")
    assert sorted(e.recipient for e in reminders) == ["himitsu.student@example.jp", "student2@example.jp"]
    assert all(e.dedupe_key for e in reminders)
    # 002 accepts in time; 001 does not answer.
    services.answer_offer(db.session.get(Application, published[1].id), accept=True)
    after_window.move_to(DEADLINE)
    line = services.send_offer_reminders()
    assert "1 offer(s) expired" in line and "1 place(s) offered" in line
    assert _status(published[0].id) == ApplicationStatus.EXPIRED
    assert _status(published[2].id) == A
    assert [e.recipient for e in outbox(app, template="selection/expired_to_student")] == [
        "himitsu.student@example.jp"
    ]
    (told,) = outbox(app, template="selection/place_passed_to_coordinator")
    assert "期限" in told.body_text and "Y-2026-003" in told.body_text
    assert "0 offer(s) expired" in services.send_offer_reminders()
    _check_places(cohort)
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "selection.offer.expire"))
    assert entry.details == {"code": "Y-2026-001"}


def test_with_nobody_waiting_the_place_stays_empty_and_coordinators_are_told(
    app, cohort, coordinator, published, after_window
):
    for application in published[2:4]:
        services.withdraw(db.session.get(Application, application.id), coordinator)
    services.answer_offer(db.session.get(Application, published[0].id), accept=False)
    (told,) = [
        e
        for e in outbox(app, template="selection/place_passed_to_coordinator")
        if "Y-2026-001" in e.body_text
    ]
    assert "空席" in told.body_text
    _check_places(cohort)


def test_the_reminder_command_is_wired_into_send_reminders(app, published, after_window):
    after_window.move_to(DEADLINE - timedelta(days=1))
    result = app.test_cli_runner().invoke(args=["send-reminders"])
    assert "Youth selection: 2 offer reminder(s) queued" in result.output


def test_offer_emails_reach_the_smtp_server(app, client, cohort, coordinator, published, after_window, smtp):
    services.answer_offer(db.session.get(Application, published[1].id), accept=False)
    services.answer_offer(db.session.get(Application, published[0].id), accept=True)
    with app.app_context():
        report = deliver_due()
    assert report.failed == 0
    (offer,) = smtp.to("student3@example.jp")[-1:]
    assert "補欠" in offer.subject or "参加できます" in offer.subject
    confirmed = smtp.to("himitsu.student@example.jp")[-1]
    assert [name for name, _type, _data in confirmed.attachments()] == ["youth-training.ics"]


def test_staff_record_a_withdrawal_and_the_place_goes_on(
    client, login, cohort, coordinator, published, after_window
):
    services.answer_offer(db.session.get(Application, published[0].id), accept=True)
    login(client, "coord@example.jp")
    response = client.post(f"/staff/selection/applications/{published[0].id}/withdraw", follow_redirects=True)
    assert "Y-2026-003" in response.get_data(as_text=True)
    assert _status(published[0].id) == ApplicationStatus.WITHDRAWN
    assert _status(published[2].id) == A
    _check_places(cohort)


@pytest.mark.parametrize("seed", range(6))
def test_a_place_is_never_held_by_two_nor_left_empty_while_someone_waits(
    app, cohort, coordinator, schools, closed_review, after_window, seed
):
    """Random answers, expiries and withdrawals; the invariant holds after every step."""
    rng = random.Random(seed)
    cohort.places, cohort.waitlist_length = 3, 5
    db.session.commit()
    made = [add_application(cohort, n, schools["tobata"]) for n in range(1, 11)]
    plan = [A] * 3 + [W] * 5 + [N] * 2
    decide_all(cohort, coordinator, dict(zip(made, plan, strict=True)))
    services.publish_results(cohort, coordinator)
    for _step in range(12):
        db.session.expire_all()
        offered = [a for a in made if db.session.get(Application, a.id).status == A]
        action = rng.choice(["accept", "decline", "expire", "withdraw"])
        if action == "expire":
            after_window.shift(timedelta(days=8))
            services.send_offer_reminders()
        elif offered and action in ("accept", "decline"):
            target = db.session.get(Application, rng.choice(offered).id)
            with contextlib.suppress(DomainError):  # its deadline may have passed on an earlier step
                services.answer_offer(target, accept=action == "accept")
        elif action == "withdraw":
            holders = [
                a
                for a in made
                if db.session.get(Application, a.id).status in (A, ApplicationStatus.CONFIRMED, W)
            ]
            if holders:
                services.withdraw(db.session.get(Application, rng.choice(holders).id), coordinator)
        _check_places(cohort)


def test_only_coordinators_decide_and_publish(app, login, cohort, published):
    for role in (Role.REVIEWER, Role.LECTURER, Role.ADMIN):
        db.session.rollback()
        person = make_user(role)
        client = app.test_client()
        login(client, person.email)
        assert client.post(f"/staff/selection/cohorts/{cohort.id}/publish").status_code == 403
        assert client.post(f"/staff/selection/applications/{published[0].id}/withdraw").status_code == 403


def test_the_calendar_is_only_for_participants(app, client, published):
    link = student_link(app, "student4@example.jp")  # on the waiting list
    assert client.get(link + "/calendar.ics").status_code == 404
    assert client.get("/youth/applications/not-a-token/calendar.ics").status_code == 404
    assert re.search(r"calendar\.ics", client.get(link).get_data(as_text=True)) is None


def test_the_dashboards_review_card_stays_while_offers_await_an_answer(
    app, client, login, cohort, coordinator, published, reviewers
):
    db.session.add(
        Review(
            cohort_id=cohort.id, application_id=published[0].id, reviewer_id=reviewers[0].id, queue_key="q"
        )
    )
    db.session.commit()
    login(client, "coord@example.jp")
    participants = f"/staff/selection/cohorts/{cohort.id}/participants"

    def card() -> str:
        page = client.get("/staff/").get_data(as_text=True)
        start = page.find("審査と選考</h2>")
        return "" if start < 0 else page[start : page.index("</article>", start)]

    assert participants in card() and "選考通過者2人の参加の回答待ち" in card()
    for application in published[:2]:
        services.answer_offer(db.session.get(Application, application.id), accept=True)
    assert card() == ""  # every offer answered: the card goes
