"""Participants, attendance, the calendar sent to them, and the activity report on /youth/."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from booking.audit.models import AuditEntry
from booking.core.errors import DomainError
from booking.extensions import db
from booking.selection import services
from booking.selection.models import Attendance, AttendanceStatus
from booking.youth.models import Application, ApplicationStatus
from tests.factories.review import SECRETS
from tests.factories.selection import decide_all
from tests.helpers import attachment_names, outbox

A, W, N = ApplicationStatus.ACCEPTED, ApplicationStatus.WAITLISTED, ApplicationStatus.NOT_SELECTED


@pytest.fixture
def taking_part(cohort, coordinator, applications, closed_review, after_window):
    decide_all(cohort, coordinator, dict(zip(applications, [A, A, W, N, N, N], strict=True)))
    services.publish_results(cohort, coordinator)
    for application in applications[:2]:
        services.answer_offer(db.session.get(Application, application.id), accept=True)
    return applications[:2]


def test_the_participants_page_lists_those_taking_part_and_is_audited(
    client, login, cohort, coordinator, taking_part
):
    login(client, "coord@example.jp")
    body = client.get(f"/staff/selection/cohorts/{cohort.id}/participants").get_data(as_text=True)
    assert SECRETS["family_name"] in body and SECRETS["email"] in body  # coordinators need the contacts
    assert "Y-2026-003" in body  # the waiting list
    db.session.rollback()
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "selection.participants.view"))
    assert entry.actor_id == coordinator.id and entry.details == {"participants": 2}


def test_attendance_is_recorded_per_event_for_participants_only(
    client, login, cohort, coordinator, taking_part, applications
):
    event = cohort.events[0]
    login(client, "coord@example.jp")
    url = f"/staff/selection/cohorts/{cohort.id}/events/{event.id}/attendance"
    form = client.get(url).get_data(as_text=True)
    assert "Y-2026-001" in form and "Y-2026-003" not in form
    assert SECRETS["family_name"] in form  # the sheet names the participants
    response = client.post(
        url, data={f"mark_{taking_part[0].id}": "present", f"mark_{taking_part[1].id}": "excused"}
    )
    assert response.status_code == 302
    db.session.rollback()
    marks = dict(db.session.execute(sa.select(Attendance.application_id, Attendance.status)).all())
    assert marks == {taking_part[0].id: AttendanceStatus.PRESENT, taking_part[1].id: AttendanceStatus.EXCUSED}
    client.post(url, data={f"mark_{taking_part[0].id}": "absent"})
    db.session.rollback()
    marks = dict(db.session.execute(sa.select(Attendance.application_id, Attendance.status)).all())
    assert marks == {taking_part[0].id: AttendanceStatus.ABSENT}
    with pytest.raises(DomainError):
        services.record_attendance(cohort, event, {applications[2].id: AttendanceStatus.PRESENT}, coordinator)
    db.session.rollback()
    page = client.get(f"/staff/selection/cohorts/{cohort.id}/participants").get_data(as_text=True)
    assert "欠席" in page
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "selection.attendance.record")
        )
        == 2
    )


def test_the_calendar_goes_to_participants_once_per_change_of_the_dates(
    app, cohort, coordinator, taking_part
):
    assert services.send_calendar(cohort, coordinator) == 2
    assert services.send_calendar(cohort, coordinator) == 0
    event = cohort.events[0]
    event.sequence += 1
    db.session.commit()
    assert services.send_calendar(cohort, coordinator) == 2
    emails = outbox(app, template="selection/calendar_to_student")
    assert len(emails) == 4 and all(attachment_names(e.id) == ["youth-training.ics"] for e in emails)


def test_an_activity_report_is_published_on_the_youth_page(client, login, cohort, coordinator, after_window):
    login(client, "coord@example.jp")
    url = f"/staff/selection/cohorts/{cohort.id}/report"
    data = {
        "title_ja": "プノンペンで学んだこと",
        "title_en": "What we learned in Phnom Penh",
        "body_ja": "6人の高校生が浄水場を訪れました。",
        "body_en": "Six students visited the water works.",
    }
    assert client.post(url, data=data | {"action": "save"}).status_code == 302
    assert "プノンペンで学んだこと" not in client.get("/youth/").get_data(as_text=True)
    assert client.post(url, data=data | {"action": "publish"}).status_code == 302
    page = client.get("/youth/").get_data(as_text=True)
    assert "プノンペンで学んだこと" in page and "6人の高校生が浄水場を訪れました。" in page
    english = client.get("/youth/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "What we learned in Phnom Penh" in english
    client.post(url, data=data | {"action": "unpublish"})
    assert "プノンペンで学んだこと" not in client.get("/youth/").get_data(as_text=True)
    refused = client.post(url, data={"title_ja": "", "body_ja": "", "action": "publish"})
    assert refused.status_code == 422
    db.session.rollback()
    actions = list(
        db.session.scalars(
            sa.select(AuditEntry.action)
            .where(AuditEntry.action.like("selection.report.%"))
            .order_by(AuditEntry.id)
        )
    )
    assert actions == ["selection.report.update", "selection.report.publish", "selection.report.unpublish"]


def test_opening_the_attendance_sheet_is_audited(client, login, cohort, coordinator, taking_part):
    event = cohort.events[0]
    login(client, "coord@example.jp")
    assert client.get(f"/staff/selection/cohorts/{cohort.id}/events/{event.id}/attendance").status_code == 200
    db.session.rollback()
    [entry] = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "selection.attendance.view")
    )
    assert entry.actor_id == coordinator.id
    assert (entry.subject_type, entry.subject_id) == ("youth_cohort", str(cohort.id))
    assert entry.details == {"event_id": event.id}
