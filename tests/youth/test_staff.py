"""Staff pages: cohorts and events, the applications list with filters and exports, and the audit."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
import time_machine
from openpyxl import load_workbook

from booking.audit.models import AuditEntry
from booking.core.auth import Role
from booking.extensions import db
from booking.youth import services
from booking.youth.models import Application, Cohort, CohortEvent, ConsentStatus
from booking.youth.rules import essay_length_message
from tests.factories import make_user
from tests.factories.youth import DURING, ESSAY, make_cohort
from tests.helpers import count_queries
from tests.youth.test_codes import _data


@pytest.fixture
def coordinator(ctx):
    return make_user(Role.COORDINATOR, email="coord@example.jp")


@pytest.fixture
def staff_client(client, login, coordinator):
    login(client, "coord@example.jp")
    return client


def _applications(cohort: Cohort, school_id: int, n: int) -> list[Application]:
    made = []
    with time_machine.travel(DURING, tick=False):
        for i in range(n):
            made.append(services.submit_application(cohort, _data(i, school_id)).application)
    return made


COHORT_FORM = {
    "fiscal_year": "2027",
    "title_ja": "2027年度 上下水道ユース研修",
    "title_en": "Youth Training 2027",
    "destination_ja": "ベトナム ハイフォン市",
    "destination_en": "Hai Phong, Vietnam",
    "places": "6",
    "waitlist_length": "3",
    "opens_date": "2027-11-01",
    "opens_time": "09:00",
    "closes_date": "2027-12-15",
    "closes_time": "17:00",
    "eligible_grades": ["1", "2"],
    "essay_prompt_ja": "水と私たちの未来",
    "essay_min_chars": "600",
    "essay_max_chars": "800",
    "reviewers_per_application": "2",
    "offer_days": "7",
    "consent_reminder_days": "5",
}


def test_a_coordinator_creates_a_cohort_in_japan_time_and_adds_its_dates(staff_client, ctx):
    response = staff_client.post("/staff/youth/cohorts/new", data=COHORT_FORM)
    assert response.status_code == 302
    cohort = db.session.scalar(sa.select(Cohort))
    assert cohort.opens_at.isoformat() == "2027-11-01T00:00:00+00:00"  # 09:00 in Japan
    assert cohort.eligible_grades == [1, 2]
    event = {
        "kind": "overseas_dispatch",
        "title_ja": "現地活動",
        "start_date": "2028-03-20",
        "start_time": "08:00",
        "end_date": "2028-03-25",
        "end_time": "18:00",
        "place_ja": "ハイフォン市",
    }
    assert staff_client.post(f"/staff/youth/cohorts/{cohort.id}/events/new", data=event).status_code == 302
    page = staff_client.get(f"/staff/youth/cohorts/{cohort.id}").get_data(as_text=True)
    assert "現地活動" in page and "2028年3月20日(月) 8:00" in page
    db.session.rollback()
    event_id = db.session.scalar(sa.select(CohortEvent.id))
    edited = staff_client.post(
        f"/staff/youth/cohorts/{cohort.id}/events/{event_id}", data=event | {"place_ja": "ハノイ"}
    )
    assert edited.status_code == 302, edited.get_data(as_text=True)[:3000]
    db.session.rollback()
    assert db.session.scalar(sa.select(CohortEvent.sequence)) == 1
    staff_client.post(f"/staff/youth/cohorts/{cohort.id}/events/{event_id}/delete")
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(CohortEvent.id))) == 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"closes_date": "2027-10-01"}, "締切は募集開始より後にしてください。"),
        ({"essay_max_chars": "500"}, "上限は下限以上にしてください。"),
        ({"eligible_grades": []}, "学年を1つ以上選んでください。"),
        ({"title_ja": ""}, "タイトルを入力してください。"),
    ],
)
def test_cohort_form_refusals(staff_client, ctx, overrides, message):
    response = staff_client.post("/staff/youth/cohorts/new", data=COHORT_FORM | overrides)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Cohort.id))) == 0


def test_one_cohort_per_fiscal_year(staff_client, ctx):
    staff_client.post("/staff/youth/cohorts/new", data=COHORT_FORM)
    response = staff_client.post("/staff/youth/cohorts/new", data=COHORT_FORM)
    assert response.status_code == 422
    assert "この年度の研修はすでにあります。" in response.get_data(as_text=True)


def test_the_list_shows_code_name_school_grade_consent_status_and_length(staff_client, cohort, schools):
    _applications(cohort, schools["high"], 2)
    body = staff_client.get(f"/staff/youth/cohorts/{cohort.id}/applications").get_data(as_text=True)
    for text in (
        "Y-2026-001",
        "Y-2026-002",
        "山田 生徒0",
        "福岡県立小倉高等学校",
        "1年生",
        "保護者の回答待ち",
        "受付済み",
    ):
        assert text in body
    assert str(essay_length_message(cohort, ESSAY) or "712") in body


def test_drafts_are_not_in_the_list(staff_client, cohort, schools):
    with time_machine.travel(DURING, tick=False):
        services.save_draft(cohort, _data(5, schools["high"]))
    body = staff_client.get(f"/staff/youth/cohorts/{cohort.id}/applications").get_data(as_text=True)
    assert "山田 生徒5" not in body
    assert "未送信の下書き 1" in body


def test_filters_narrow_the_list(staff_client, cohort, schools):
    first, _second = _applications(cohort, schools["high"], 2)
    with time_machine.travel(DURING, tick=False):
        services.answer_consent(first, ConsentStatus.GIVEN, "山田 保護者")
    url = f"/staff/youth/cohorts/{cohort.id}/applications"
    given = staff_client.get(url, query_string={"consent": "given"}).get_data(as_text=True)
    assert "Y-2026-001" in given and "Y-2026-002" not in given
    searched = staff_client.get(url, query_string={"q": "生徒1"}).get_data(as_text=True)
    assert "Y-2026-002" in searched and "Y-2026-001" not in searched
    none = staff_client.get(url, query_string={"grade": "2"}).get_data(as_text=True)
    assert "該当する応募はありません。" in none


def test_the_list_runs_the_same_number_of_queries_for_3_or_30_applications(
    app, staff_client, cohort, schools
):
    url = f"/staff/youth/cohorts/{cohort.id}/applications"
    _applications(cohort, schools["high"], 3)
    staff_client.get(url)
    with count_queries(app) as few:
        staff_client.get(url)
    _applications_more = _applications
    with time_machine.travel(DURING, tick=False):
        for i in range(3, 30):
            services.submit_application(cohort, _data(i, schools["high"]))
    with count_queries(app) as many:
        staff_client.get(url)
    assert many.count == few.count
    del _applications_more


def test_opening_an_application_is_audited_without_its_text(staff_client, cohort, schools, coordinator):
    (application,) = _applications(cohort, schools["high"], 1)
    body = staff_client.get(f"/staff/youth/applications/{application.id}").get_data(as_text=True)
    assert ESSAY.splitlines()[0] in body
    assert "guardian0@example.jp" in body
    db.session.rollback()
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "youth.application.view"))
    assert entry.actor_id == coordinator.id
    assert entry.subject_id == str(application.id)
    assert entry.occurred_at is not None
    assert "水道" not in str(entry.details) and "山田" not in str(entry.details)


def test_drafts_cannot_be_opened_by_staff(staff_client, cohort, schools):
    with time_machine.travel(DURING, tick=False):
        draft = services.save_draft(cohort, _data(1, schools["high"])).application
    assert staff_client.get(f"/staff/youth/applications/{draft.id}").status_code == 404


def test_csv_export_is_utf8_with_bom_and_audited(staff_client, cohort, schools, coordinator):
    _applications(cohort, schools["high"], 2)
    response = staff_client.get(f"/staff/youth/cohorts/{cohort.id}/applications.csv?consent=pending")
    assert response.status_code == 200
    assert response.data.startswith("\ufeff".encode())
    text = response.data.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("応募番号,状態,送信日時,姓,名")
    assert "Y-2026-002" in text and "guardian1@example.jp" in text
    assert ESSAY.splitlines()[0] not in text  # the essays are not exported
    db.session.rollback()
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "youth.applications.export"))
    assert entry.actor_id == coordinator.id
    assert entry.details == {"format": "csv", "rows": 2, "consent": "pending"}


def test_excel_export_opens_with_one_row_per_application(staff_client, cohort, schools):
    _applications(cohort, schools["high"], 3)
    response = staff_client.get(f"/staff/youth/cohorts/{cohort.id}/applications.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.values)
    assert rows[0][0] == "応募番号"
    assert [r[0] for r in rows[1:]] == ["Y-2026-001", "Y-2026-002", "Y-2026-003"]
    db.session.rollback()
    assert (
        db.session.scalar(
            sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.action == "youth.applications.export")
        )
        == 1
    )


def test_the_dashboard_shows_the_cohort_to_coordinators(client, login, coordinator, cohort, schools):
    _applications(cohort, schools["high"], 2)
    with time_machine.travel(DURING, tick=False):
        login(client, "coord@example.jp")
        body = client.get("/staff/").get_data(as_text=True)
    assert "2026年度 上下水道ユース研修" in body
    assert "2件の応募" in body


def test_reviewers_and_lecturers_cannot_see_applications(client, login, cohort, schools, ctx):
    (application,) = _applications(cohort, schools["high"], 1)
    application_id, cohort_id = application.id, cohort.id
    for role in (Role.REVIEWER, Role.LECTURER, Role.ADMIN):
        db.session.rollback()
        user = make_user(role)
        other = client.application.test_client()
        login(other, user.email)
        assert other.get(f"/staff/youth/applications/{application_id}").status_code == 403
        assert other.get(f"/staff/youth/cohorts/{cohort_id}/applications.csv").status_code == 403
    db.session.rollback()
    assert (
        db.session.scalar(
            sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.action.like("youth.app%view"))
        )
        == 0
    )


def test_make_cohort_helper_is_consistent(ctx):
    assert make_cohort().fiscal_year == 2026


def test_opening_the_list_is_audited_with_its_filters_never_the_search(
    staff_client, cohort, schools, coordinator
):
    _applications(cohort, schools["high"], 2)
    url = f"/staff/youth/cohorts/{cohort.id}/applications"
    body = staff_client.get(url, query_string={"consent": "pending", "q": "山田 生徒1", "page": "1"})
    assert "山田 生徒1" in body.get_data(as_text=True)
    db.session.rollback()
    [entry] = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "youth.applications.view"))
    assert entry.actor_id == coordinator.id
    assert (entry.subject_type, entry.subject_id) == ("youth_cohort", str(cohort.id))
    assert entry.details == {"page": 1, "consent": "pending", "searched": True}


def test_text_typed_into_a_filter_never_reaches_the_audit_log(staff_client, cohort, schools):
    _applications(cohort, schools["high"], 1)
    url = f"/staff/youth/cohorts/{cohort.id}/applications"
    staff_client.get(url, query_string={"status": "山田花子", "consent": "guardian@example.jp"})
    staff_client.get(f"{url}.csv", query_string={"status": "山田花子"})
    db.session.rollback()
    details = db.session.scalars(
        sa.select(AuditEntry.details).where(AuditEntry.action.like("youth.applications.%"))
    )
    assert [d for d in details] == [{"page": 1}, {"format": "csv", "rows": 1}]
