"""The visitor list's pages: the organiser's rows and upload through the private link, the
staff export for site access, who may see what, and names kept out of URLs and logs."""

from __future__ import annotations

import io
import logging
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from werkzeug.datastructures import MultiDict

from booking.audit.models import AuditEntry
from booking.core.auth import Role
from booking.extensions import db
from booking.visits.services import visitors as service
from booking.visits.services.common import add_link
from booking.visits.visitor_forms import ROWS_ADDED
from booking.visits.visitor_models import Visitor
from booking.visits.visitors import ROW_MARGIN, VisitorRow
from tests.factories import make_user
from tests.factories.visits import book_staff, make_guide, make_visit_request

DATA = Path(__file__).parent / "data"


@pytest.fixture
def visit(ctx, coordinator):
    return make_visit_request(status="scheduled", actor=coordinator, group_size=3)


@pytest.fixture
def token(visit) -> str:
    token = add_link(visit)
    db.session.commit()
    return token


@pytest.fixture
def english(client):
    client.set_cookie("lang", "en")
    return client


def rows(*people: tuple[str, str, str], action: str = "save") -> dict[str, str]:
    data = {"action": action}
    for number, (name, organisation, nationality) in enumerate(people, start=1):
        data |= {
            f"full_name-{number}": name,
            f"organisation-{number}": organisation,
            f"nationality-{number}": nationality,
        }
    return data


def kept(visit) -> list[tuple[str, str, str]]:
    db.session.expire_all()
    return [(v.full_name, v.organisation, v.nationality) for v in service.visitors_of(visit)]


# The organiser's page -------------------------------------------------------------------


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_manage_page_says_the_list_is_awaited_and_links_to_it(client, frozen, token, language):
    client.set_cookie("lang", language)
    html = client.get(f"/visits/manage/{token}").get_data(as_text=True)
    assert 'id="visitors"' in html
    assert f"/visits/manage/{token}/visitors" in html


def test_the_manage_page_counts_the_list_without_names(english, frozen, visit, token):
    service.replace_list(visit, [VisitorRow("SOK DARA", "PPWSA", "KH"), VisitorRow("CHAN SOPHEA", "", "KH")])
    html = english.get(f"/visits/manage/{token}").get_data(as_text=True)
    assert "2 people are on the list" in html
    assert "SOK DARA" not in html


def test_the_list_page_has_a_row_per_person_of_the_group_with_labels(english, frozen, token):
    html = english.get(f"/visits/manage/{token}/visitors").get_data(as_text=True)
    for number in (1, 2, 3):
        for column in ("full_name", "organisation", "nationality"):
            assert f'id="{column}-{number}" name="{column}-{number}"' in html
            assert f'for="{column}-{number}"' in html
    assert 'name="full_name-4"' not in html
    assert 'enctype="multipart/form-data"' in html


def test_rows_typed_in_are_saved_and_the_organiser_goes_back_to_the_page(english, frozen, visit, token):
    response = english.post(
        f"/visits/manage/{token}/visitors",
        data=rows(("SOK DARA", "PPWSA", "Cambodia"), ("", "", ""), ("NGUYEN VAN AN", "", "vn")),
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/visits/manage/{token}#visitors")
    assert kept(visit) == [("SOK DARA", "PPWSA", "KH"), ("NGUYEN VAN AN", "", "VN")]


def test_the_saved_list_comes_back_in_the_form_to_change(english, frozen, visit, token):
    service.replace_list(visit, [VisitorRow("SOK DARA", "PPWSA", "KH")])
    html = english.get(f"/visits/manage/{token}/visitors").get_data(as_text=True)
    assert 'value="SOK DARA"' in html and 'value="Cambodia"' in html


def test_more_rows_are_added_without_javascript_keeping_what_was_typed(english, frozen, visit, token):
    data = rows(("SOK DARA", "PPWSA", "KH"), ("", "", ""), ("", "", ""), action="add")
    html = english.post(f"/visits/manage/{token}/visitors", data=data).get_data(as_text=True)
    assert 'value="SOK DARA"' in html
    last = min(3 + ROWS_ADDED, 3 + ROW_MARGIN)
    assert f'name="full_name-{last}"' in html and f'name="full_name-{last + 1}"' not in html
    assert kept(visit) == []


def test_errors_are_shown_by_row_next_to_the_field_and_nothing_is_saved(english, frozen, visit, token):
    service.replace_list(visit, [VisitorRow("OLD NAME", "", "KH")])
    response = english.post(
        f"/visits/manage/{token}/visitors",
        data=rows(("SOK DARA", "PPWSA", "KH"), ("CHAN SOPHEA", "", "Narnia")),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'href="#nationality-2"' in html  # the error summary links to the field
    assert 'id="nationality-2-error"' in html and "Narnia" in html
    assert 'aria-invalid="true"' in html
    assert kept(visit) == [("OLD NAME", "", "KH")]


@pytest.mark.parametrize(
    ("name", "nationality"),
    [
        ("X" * 10_000, "KH"),
        ("SOK DARA²", "KH"),
        ("SOK DARA１２", "KH"),
        ("SOK DARA", "９９９９-12-31"),
        ("SOK DARA", "0001-01-01"),
        ("", "KH"),
        ("SOK DARA", ""),
    ],
    ids=[
        "ten-thousand",
        "superscript",
        "full-width-digits",
        "a-date",
        "another-date",
        "no-name",
        "no-nationality",
    ],
)
def test_hostile_rows_get_a_message_and_change_nothing(english, frozen, visit, token, name, nationality):
    response = english.post(f"/visits/manage/{token}/visitors", data=rows((name, "PPWSA", nationality)))
    assert response.status_code == 422
    assert 'class="field__error"' in response.get_data(as_text=True)
    assert kept(visit) == []


@pytest.mark.parametrize("value", ["SOK\x00DARA", "SOK\x1bDARA"])
def test_control_characters_are_refused_before_the_view(english, frozen, visit, token, value):
    response = english.post(f"/visits/manage/{token}/visitors", data=rows((value, "", "KH")))
    assert response.status_code == 400
    assert kept(visit) == []


def test_a_field_sent_twice_is_refused(english, frozen, visit, token):
    data = MultiDict(
        [
            ("action", "save"),
            ("full_name-1", "SOK DARA"),
            ("full_name-1", "CHAN SOPHEA"),
            ("nationality-1", "KH"),
        ]
    )
    response = english.post(f"/visits/manage/{token}/visitors", data=data)
    assert response.status_code == 422
    assert "sent more than once" in response.get_data(as_text=True)
    assert kept(visit) == []


def test_rows_beyond_the_limit_are_refused(english, frozen, visit, token):
    people = [(f"PERSON {chr(65 + i)}", "", "KH") for i in range(3 + ROW_MARGIN + 1)]
    response = english.post(f"/visits/manage/{token}/visitors", data=rows(*people))
    assert response.status_code == 422
    assert "at most 8" in response.get_data(as_text=True)
    assert kept(visit) == []


@pytest.mark.parametrize("action", ["", "delete", "save\x7f"])
def test_an_unknown_action_is_a_bad_request(english, frozen, visit, token, action):
    response = english.post(f"/visits/manage/{token}/visitors", data={"action": action})
    assert response.status_code == 400


def test_a_post_without_an_action_is_a_bad_request(english, frozen, visit, token):
    response = english.post(
        f"/visits/manage/{token}/visitors", data={"full_name-1": "SOK DARA", "nationality-1": "KH"}
    )
    assert response.status_code == 400
    assert kept(visit) == []


def test_a_real_shift_jis_file_is_uploaded(english, frozen, visit, token):
    data = {
        "action": "upload",
        "file": (io.BytesIO((DATA / "visitors_shift_jis.csv").read_bytes()), "list.csv"),
    }
    response = english.post(f"/visits/manage/{token}/visitors", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    assert [person[2] for person in kept(visit)] == ["KH", "JP", "VN"]


def test_an_uploaded_file_with_errors_lists_them_by_line_and_saves_nothing(english, frozen, visit, token):
    body = b"Name,Organisation,Nationality\r\nSOK DARA,PPWSA,KH\r\n\r\nCHAN SOPHEA,PPWSA,Narnia\r\n"
    data = {"action": "upload", "file": (io.BytesIO(body), "list.csv")}
    response = english.post(f"/visits/manage/{token}/visitors", data=data, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Line 4: nationality “Narnia” is not a country" in html
    assert kept(visit) == []


@pytest.mark.parametrize(
    ("body", "filename", "message"),
    [
        ("Name\r\nJosé,ES\r\n".encode("utf-16"), "list.csv", "not text in UTF-8 or Shift_JIS"),
        (b"PK\x03\x04", "list.xlsx", "ending in .csv"),
        (b"", "list.csv", ""),
    ],
    ids=["bad-encoding", "not-a-csv", "empty"],
)
def test_a_bad_file_gets_a_message(english, frozen, visit, token, body, filename, message):
    data = {"action": "upload", "file": (io.BytesIO(body), filename)}
    response = english.post(f"/visits/manage/{token}/visitors", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert kept(visit) == []


def test_the_blank_list_downloads_in_the_page_language(client, frozen, token):
    client.set_cookie("lang", "ja")
    response = client.get(f"/visits/manage/{token}/visitors-template.csv")
    assert response.status_code == 200
    assert response.data.startswith("\ufeff".encode())
    assert "国籍" in response.data.decode("utf-8-sig")


@pytest.mark.parametrize("path", ["visitors", "visitors-template.csv"])
def test_an_unknown_link_gets_404(client, frozen, visit, path):
    assert client.get(f"/visits/manage/{'x' * 43}/{path}").status_code == 404


def test_a_visit_begun_shows_the_list_cannot_change_and_refuses_a_post(english, frozen, visit, token):
    frozen.move_to(visit.starts_at + timedelta(minutes=5))
    assert "can no longer be changed" in english.get(f"/visits/manage/{token}/visitors").get_data(
        as_text=True
    )
    response = english.post(f"/visits/manage/{token}/visitors", data=rows(("SOK DARA", "", "KH")))
    assert response.status_code == 422
    assert kept(visit) == []


def test_the_organiser_cancelling_deletes_the_list_and_keeps_the_counts(english, frozen, visit, token):
    service.replace_list(visit, [VisitorRow("SOK DARA", "", "KH"), VisitorRow("NGUYEN VAN AN", "", "VN")])
    response = english.post(
        f"/visits/manage/{token}", data={"action": "cancel", "reason": "Travel postponed."}
    )
    assert response.status_code == 302
    assert kept(visit) == []
    assert service.counts_by_nationality(visit) == {}
    db.session.expire_all()
    assert {c.country: c.visitors for c in db.session.get(type(visit), visit.id).countries} == {
        "KH": 1,
        "VN": 1,
    }


def test_names_are_never_logged_nor_put_in_a_url(english, frozen, visit, token, caplog):
    caplog.set_level(logging.DEBUG)
    response = english.post(f"/visits/manage/{token}/visitors", data=rows(("SOK DARA", "PPWSA", "KH")))
    assert "SOK" not in response.headers["Location"]
    english.post(f"/visits/manage/{token}/visitors", data=rows(("CHAN SOPHEA", "", "Narnia")))
    assert "SOK DARA" not in caplog.text and "CHAN SOPHEA" not in caplog.text


# Staff -------------------------------------------------------------------------------


@pytest.fixture
def listed(visit):
    service.replace_list(
        visit,
        [
            VisitorRow("SOK DARA", "", "KH"),
            VisitorRow('=HYPERLINK("http://x")', "+PPWSA", "VN"),
        ],
    )
    return visit


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_coordinator_exports_the_list_and_the_export_is_audited(app, login, frozen, listed, kind):
    coordinator_client = app.test_client()
    login(coordinator_client, "coord@example.jp")
    coordinator_client.set_cookie("lang", "en")
    response = coordinator_client.get(f"/staff/visits/{listed.id}/visitors.{kind}")
    assert response.status_code == 200
    if kind == "csv":
        lines = response.data.decode("utf-8-sig").splitlines()
        assert lines[0] == "No.,Full name (as in passport),Affiliation,Nationality,Nationality (code)"
        # The group's organisation stands in for an empty one; formulas are neutralised.
        assert lines[1] == "1,SOK DARA,Phnom Penh Water Supply Authority,Cambodia,KH"
        assert lines[2].startswith("2,\"'=HYPERLINK(") and ",'+PPWSA,Vietnam,VN" in lines[2]
    else:
        sheet = load_workbook(io.BytesIO(response.data)).active
        values = [[cell.value for cell in row] for row in sheet.iter_rows()]
        assert values[1] == [1, "SOK DARA", "Phnom Penh Water Supply Authority", "Cambodia", "KH"]
        assert values[2][1].startswith("'=")
    db.session.rollback()  # a fresh look at what the request committed
    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "visit.visitors.export")
    ).one()
    assert entry.details == {"format": kind, "rows": 2}


@pytest.mark.parametrize("role", [role for role in Role if role not in (Role.ADMIN, Role.COORDINATOR)])
def test_other_staff_cannot_export_the_list(app, login, frozen, listed, role):
    user = make_user(role, email=f"{role.value}@example.jp")
    staff_client = app.test_client()
    login(staff_client, user.email)
    assert staff_client.get(f"/staff/visits/{listed.id}/visitors.csv").status_code == 403
    assert (
        db.session.scalar(
            sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.action == "visit.visitors.export")
        )
        == 0
    )


def test_signed_out_visitors_are_sent_to_sign_in(client, frozen, listed):
    response = client.get(f"/staff/visits/{listed.id}/visitors.csv")
    assert response.status_code in (302, 401)
    assert "SOK DARA" not in response.get_data(as_text=True)


def test_an_export_of_an_unknown_visit_is_404(frozen, coordinator_client):
    assert coordinator_client.get("/staff/visits/999999/visitors.csv").status_code == 404


def test_the_list_is_gone_after_the_visit_is_held_and_purged(ctx, frozen, listed, coordinator):
    frozen.move_to(listed.ends_at + timedelta(days=2))
    service.purge_visitor_lists()
    assert db.session.scalar(sa.select(sa.func.count(Visitor.id))) == 0


def test_a_coordinator_sees_the_count_and_the_exports_on_the_visits_page(app, login, frozen, listed):
    staff = app.test_client()
    login(staff, "coord@example.jp")
    staff.set_cookie("lang", "en")
    html = staff.get(f"/staff/visits/{listed.id}").get_data(as_text=True)
    assert "2 people are on the list" in html
    assert (
        f"/staff/visits/{listed.id}/visitors.xlsx" in html
        and f"/staff/visits/{listed.id}/visitors.csv" in html
    )
    assert "SOK DARA" not in html


def test_a_guide_of_the_tour_sees_the_count_but_no_names_nor_exports(app, login, frozen, listed):
    guide = make_guide(email="guide@example.jp")
    book_staff(listed, [guide])
    staff = app.test_client()
    login(staff, guide.email)
    staff.set_cookie("lang", "en")
    response = staff.get(f"/staff/visits/{listed.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2 people are on the list" in html
    assert "visitors.csv" not in html and "visitors.xlsx" not in html and "SOK DARA" not in html
    assert staff.get(f"/staff/visits/{listed.id}/visitors.xlsx").status_code == 403
