"""Who may open which staff page of study tours: coordinators and admins act; a guide reads
the tours they are booked for; lecturers and reviewers are refused; strangers sign in first.
Also the menu entries and the dashboard's to-do lines."""

from __future__ import annotations

from datetime import date

import pytest

from booking.core.auth import Role
from booking.extensions import db
from booking.visits.models import VisitStatus
from tests.factories import make_user
from tests.factories.visits import at, book_staff, make_guide, make_visit_request

EN = {"Accept-Language": "en"}

ACTION_PAGES = ["schedule", "reschedule", "propose", "decline", "cancel", "complete"]


@pytest.fixture(autouse=True)
def _clock(frozen):
    return frozen


@pytest.fixture
def visit(ctx):
    return make_visit_request()


def client_for(app, login, *roles):
    user = make_user(*roles)
    client = app.test_client()
    login(client, user.email)
    db.session.rollback()  # the sign-in wrote since this session last read
    return client, user


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        ((Role.ADMIN,), 200),
        ((Role.COORDINATOR,), 200),
        ((Role.GUIDE,), 403),
        ((Role.LECTURER,), 403),
        ((Role.REVIEWER,), 403),
    ],
)
@pytest.mark.parametrize("page", ["", "{id}", "export.csv", *[f"{{id}}/{p}" for p in ACTION_PAGES]])
def test_role_matrix(app, login, visit, roles, expected, page):
    client, _user = client_for(app, login, *roles)
    response = client.get("/staff/visits/" + page.format(id=visit.id), headers=EN)
    if expected == 200 and page.endswith(("reschedule", "complete")):
        expected = 302  # not possible in this status: back to the request with the reason
    assert response.status_code == expected


@pytest.mark.parametrize("page", ["", "{id}", "{id}/schedule", "mine"])
def test_strangers_are_sent_to_sign_in(client, visit, page):
    response = client.get("/staff/visits/" + page.format(id=visit.id))
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]


@pytest.mark.parametrize("page", ACTION_PAGES)
def test_posts_are_refused_to_a_guide(app, login, visit, page):
    client, _user = client_for(app, login, Role.GUIDE)
    assert client.post(f"/staff/visits/{visit.id}/{page}", data={"reason": "x"}).status_code == 403


def test_a_guide_reads_their_own_tour_without_the_organisers_contacts(app, login, ctx):
    visit = make_visit_request(status="scheduled", contact_email="private@example.org")
    client, guide = client_for(app, login, Role.GUIDE)
    book_staff(visit, [guide])
    html = client.get(f"/staff/visits/{visit.id}", headers=EN).get_data(as_text=True)
    assert visit.reference in html and guide.name in html
    assert "private@example.org" not in html
    assert "Record as held" not in html and "Cancel" not in html
    mine = client.get("/staff/visits/mine", headers=EN).get_data(as_text=True)
    assert visit.reference in mine


def test_a_guide_cannot_open_someone_elses_tour(app, login, ctx):
    visit = make_visit_request(status="scheduled")
    book_staff(visit, [make_guide()])
    client, _guide = client_for(app, login, Role.GUIDE)
    assert client.get(f"/staff/visits/{visit.id}", headers=EN).status_code == 403


def test_a_lecturer_booked_as_interpreter_reads_the_tour(app, login, ctx):
    visit = make_visit_request(status="scheduled")
    client, lecturer = client_for(app, login, Role.LECTURER)
    book_staff(visit, [lecturer], role="interpreter")
    assert client.get(f"/staff/visits/{visit.id}", headers=EN).status_code == 200


def test_an_unknown_request_is_not_found(coordinator_client):
    assert coordinator_client.get("/staff/visits/999999", headers=EN).status_code == 404
    assert coordinator_client.get("/staff/visits/99999999999999999999", headers=EN).status_code == 404


def test_a_coordinator_opening_a_request_is_audited(app, coordinator_client, visit):
    from booking.audit.models import AuditEntry

    coordinator_client.get(f"/staff/visits/{visit.id}", headers=EN)
    db.session.rollback()
    entry = db.session.query(AuditEntry).filter_by(action="visit.view").one()
    assert entry.subject_id == str(visit.id)


def test_the_menu_has_study_tours_for_coordinators_and_my_tours_for_guides(
    app, login, coordinator_client, ctx
):
    html = coordinator_client.get("/staff/", headers=EN).get_data(as_text=True)
    assert 'href="/staff/visits/"' in html and "Study tours" in html
    ja = coordinator_client.get("/staff/", headers={"Accept-Language": "ja"}).get_data(as_text=True)
    assert "視察・見学" in ja
    client, _guide = client_for(app, login, Role.GUIDE)
    assert 'href="/staff/visits/mine"' in client.get("/staff/", headers=EN).get_data(as_text=True)


def test_the_dashboard_lists_what_needs_doing(ctx, coordinator_client):
    make_visit_request()
    make_visit_request()
    make_visit_request(status="proposed")
    make_visit_request(status="scheduled", starts_at=at(date(2026, 10, 30), 10))
    html = coordinator_client.get("/staff/", headers=EN).get_data(as_text=True)
    assert "New study tour requests to answer: 2" in html
    assert "Study tour dates waiting for the organiser&#39;s answer: 1" in html
    assert "Study tours held but not recorded yet: 1" in html
    assert f"/staff/visits/?status={VisitStatus.SUBMITTED.value}" in html


def test_a_visit_ahead_without_a_guide_is_on_the_dashboard_and_in_the_inbox(ctx, coordinator_client):
    bare = make_visit_request(status="scheduled")
    staffed = make_visit_request(status="scheduled")
    book_staff(staffed, [make_guide()])
    html = coordinator_client.get("/staff/", headers=EN).get_data(as_text=True)
    assert "Study tours ahead without a guide: 1" in html
    listed = coordinator_client.get("/staff/visits/?no_guide=1&sort=date", headers=EN).get_data(as_text=True)
    assert bare.reference in listed and staffed.reference not in listed
