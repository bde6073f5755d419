"""Hostile input sent to every form of the app never gives a server error, and is not saved.

The POST routes come from app.url_map, so a new form is covered the day it is added: its
URL is built from the demo data by `_url_args` (a new kind of path argument fails the
test until it is taught here), and its fields are read from the staff or public page that
holds the form. Each route is posted to by a user who may use it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask, url_for
from flask.testing import FlaskClient
from wtforms.fields.core import UnboundField

from booking.calendar.forms import FeedActionForm
from booking.commands import DEMO_SEEDERS
from booking.core.auth import Role
from booking.core.time import utcnow
from booking.extensions import db, limiter
from booking.interview import notifications as interview_notifications
from booking.interview import services as interview_services
from booking.interview.forms import ShortlistForm
from booking.interview.models import InterviewCriterion, InterviewSlot, ShortlistEntry
from booking.lectures.forms import CompleteForm
from booking.lectures.models import (
    LectureFormat,
    LectureRequest,
    LectureStatus,
    Program,
)
from booking.lectures.round_models import LectureRound
from booking.notifications.models import OutboxEmail
from booking.review import services as review_services
from booking.review.calibration_models import CalibrationEssay
from booking.review.forms import AmendFormBase, MaskForm, NoteForm
from booking.review.models import Criterion, EssayMask, Review
from booking.scheduling.models import Posting, TimeOff
from booking.schools.models import School
from booking.selection.forms import FeedbackNoteForm
from booking.selection.models import Attendance
from booking.settings.models import BlackoutDay
from booking.settings.services import add_blackout_day
from booking.staff import services as staff_services
from booking.staff.models import User
from booking.visits.models import Facility, VisitRequest, VisitStatus
from booking.visits.services import facilities as visit_facilities
from booking.visits.services.common import add_link as add_visit_link
from booking.visits.staff_forms import VisitCompleteForm
from booking.youth.models import Application, Cohort, CohortEvent
from booking.youth.services import new_student_link
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.factories.rounds import make_round
from tests.factories.visits import make_visit_request

DEMO_PASSWORD = "demo-password-2026"

# Refused by the input guard wherever they are: a 400 page that says why, nothing changed.
UNUSABLE = {
    "nul": b"%00",
    "nul inside text": quote("山田\x00花子").encode(),
    "vertical tab": quote("a\x0bb").encode(),
    "escape": quote("\x1b[31m").encode(),
    "delete": b"%7F",
    "c1 control": quote("\x85").encode(),
}
GUARD_MESSAGE = "characters that cannot be used"

# Malformed in some way for some field: a form refuses it with a message, or takes it.
MALFORMED = {
    "superscript digit": "²",
    "superscript number": "¹²³",
    "circled digit": "①",
    "arabic-indic digits": "٢٠٢٦",
    "full-width digits": "１２３",
    "full-width date": "２０２６－１２－０３",
    "first date": "0001-01-01",
    "last date": "9999-12-31",
    "year 10000": "10000-01-01",
    "huge number": "9" * 40,
    "negative": "-1",
    "float": "1e309",
    "words": "abc",
    "empty": "",
    "10k characters": "あ" * 10_000,
    "line breaks": "one\r\ntwo",
    "smtputf8 address": "テスト@example.jp",
    "html": "<script>alert(1)</script>",
    # Undecodable bytes (a lone surrogate in CESU-8, invalid UTF-8) reach the app as the
    # percent-escaped text itself: harmless, but tried all the same.
    "lone surrogate bytes": "\udcff",
}
# Longer than any column: every form with fields must refuse it and save nothing.
TOO_LONG = "x" * 20_001


# The demo data is the world every route is tried against ---------------------------------


@dataclass
class World:
    staff: FlaskClient
    reviewer: FlaskClient
    public: FlaskClient
    tokens: dict[str, str]
    reviewer_application: int
    fields: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # path -> [(name, type)]


def _client(app: Flask) -> FlaskClient:
    client = app.test_client()
    client.set_cookie("lang", "en")
    return client


def _sign_in(client: FlaskClient, email: str, password: str) -> None:
    response = client.post("/staff/login", data={"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]


def _link(pattern: str, texts: list[str]) -> str:
    for text in texts:
        found = re.search(pattern, text)
        if found:
            return found.group(1)
    return "no-such-token"


def _world(app: Flask) -> World:
    app.config["PUBLIC_FORM_LIMIT"] = "100000 per hour"
    with app.app_context():
        lines = [line for seeder in DEMO_SEEDERS for line in seeder()]
        everyone = make_user(Role.ADMIN, Role.COORDINATOR, Role.LECTURER, Role.REVIEWER)
        lecturer = db.session.scalar(sa.select(User).where(User.email == "lecturer@example.jp"))
        start = utcnow() + timedelta(days=300)
        db.session.add(TimeOff(person_id=lecturer.id, starts_at=start, ends_at=start + timedelta(days=1)))
        db.session.commit()
        add_blackout_day(date(2030, 12, 30), "年末", everyone)
        staff_services.request_password_reset(lecturer.email)  # a set-password link in the outbox
        bodies = list(db.session.scalars(sa.select(OutboxEmail.body_text)))
        reviewer = db.session.scalar(sa.select(User).where(User.email == "reviewer@example.jp"))
        spring = db.session.scalar(sa.select(sa.func.max(Criterion.cohort_id)))  # under review now
        reviewer_application = db.session.scalar(
            sa.select(Review.application_id)
            .where(Review.reviewer_id == reviewer.id, Review.cohort_id == spring)
            .order_by(Review.id)
            .limit(1)
        )
        # A calibration essay nobody has scored yet: its reference scores are still a form.
        cohort = db.session.get(Cohort, spring)
        references = {c.id: 1 for c in review_services.criteria_for(cohort)}
        review_services.add_calibration_essay(cohort, "", "見本の作文。", references, everyone)
        _invite_to_interviews(spring)
        if db.session.scalar(sa.select(LectureRound.id).limit(1)) is None:
            today = utcnow().date()
            make_round(
                everyone,
                first_day=today + timedelta(days=60),
                last_day=today + timedelta(days=75),
                closes_on=today + timedelta(days=30),
            )
        # A study-tour request of our own, its private link known: its page shows the organiser's forms.
        facilities = visit_facilities.seed_default_facilities()  # kept once, whatever the demo has
        visit_token = add_visit_link(make_visit_request(facilities[:1], commit=False))
        db.session.commit()
        email = everyone.email
    tokens = {
        "lectures.manage": _link(r"/lectures/manage/([\w-]+)", lines),
        "youth.application": _link(r"/youth/applications/([\w-]+)", bodies),
        "youth.consent": _link(r"/youth/consent/([\w-]+)", bodies),
        "staff.set_password": _link(r"/staff/set-password/([\w-]+)", bodies),
        "visits.manage": visit_token,
    }
    staff, reviewer_client, public = _client(app), _client(app), _client(app)
    _sign_in(staff, email, DEFAULT_PASSWORD)
    _sign_in(reviewer_client, "reviewer@example.jp", DEMO_PASSWORD)
    return World(staff, reviewer_client, public, tokens, reviewer_application)


def _invite_to_interviews(cohort_id: int) -> None:
    """Six students shortlisted and invited, three with a time: the interview's pages and forms."""
    slots = list(
        db.session.scalars(
            sa.select(InterviewSlot).where(InterviewSlot.cohort_id == cohort_id).order_by(InterviewSlot.id)
        )
    )
    applications = list(
        db.session.scalars(
            sa.select(Application)
            .where(Application.cohort_id == cohort_id, Application.code.is_not(None))
            .order_by(Application.code)
            .limit(6)
        )
    )
    for application in applications:
        db.session.add(
            ShortlistEntry(
                cohort_id=cohort_id, application_id=application.id, by_hand=True, invited_at=utcnow()
            )
        )
        interview_notifications.invitation(application, slots, new_student_link(application))
    db.session.commit()
    for application, slot in zip(applications[:3], slots, strict=False):
        interview_services.pick_slot(application, slot.id)


def _first(query) -> int:
    value = db.session.scalar(query.limit(1))
    assert value is not None, f"the demo data has nothing for {query}"
    return value


def _url_args(endpoint: str, arguments: set[str], world: World) -> dict[str, object]:
    """Values for a route's path arguments, taken from the demo data."""
    spring = _first(sa.select(Criterion.cohort_id).order_by(Criterion.cohort_id.desc()))
    # An event whose participants' attendance is kept (the demo's complete history).
    event = _first(sa.select(Attendance.event_id))
    values: dict[str, object] = {}
    for name in arguments:
        if name == "cohort_id":
            if "event_id" in arguments:
                values[name] = _first(sa.select(CohortEvent.cohort_id).where(CohortEvent.id == event))
            elif endpoint.startswith(("review.", "selection.")):
                values[name] = spring
            else:
                values[name] = _first(sa.select(Cohort.id).order_by(Cohort.id.desc()))
        elif name == "event_id":
            values[name] = event
        elif name == "criterion_id" and endpoint.startswith("interview."):
            values[name] = _first(sa.select(InterviewCriterion.id).order_by(InterviewCriterion.id))
        elif name == "criterion_id":
            values[name] = _first(sa.select(Criterion.id).where(Criterion.cohort_id == spring))
        elif name == "application_id":
            if endpoint == "interview.score":
                values[name] = _first(sa.select(ShortlistEntry.application_id).order_by(ShortlistEntry.id))
            elif endpoint.startswith("review."):
                values[name] = world.reviewer_application
            else:
                values[name] = _first(sa.select(Application.id).where(Application.cohort_id == spring))
        elif name == "mask_id":
            values[name] = _first(sa.select(EssayMask.id))
        elif name == "review_id":
            values[name] = _first(sa.select(Review.id).where(Review.cohort_id == spring))
        elif name == "essay_id":  # the one nobody scored yet (see _world)
            values[name] = _first(
                sa.select(CalibrationEssay.id)
                .where(CalibrationEssay.cohort_id == spring)
                .order_by(CalibrationEssay.id.desc())
            )
        elif name == "request_id" and endpoint == "lectures.meeting":
            values[name] = _first(
                sa.select(LectureRequest.id).where(
                    LectureRequest.status == LectureStatus.SCHEDULED,
                    LectureRequest.format == LectureFormat.ONLINE,
                )
            )
        elif name == "request_id" and endpoint.startswith(("visit_staff.", "visits.")):
            booked = ("visit_staff.reschedule", "visit_staff.complete", "visits.visitor_list_export")
            wanted = VisitStatus.SCHEDULED if endpoint in booked else VisitStatus.SUBMITTED
            values[name] = _first(sa.select(VisitRequest.id).where(VisitRequest.status == wanted))
        elif name == "request_id":
            wanted = (
                LectureStatus.SCHEDULED
                if endpoint in ("lectures.reschedule", "lectures.complete")
                else LectureStatus.SUBMITTED
            )
            values[name] = _first(sa.select(LectureRequest.id).where(LectureRequest.status == wanted))
        elif name == "lecturer_id":
            values[name] = _first(sa.select(TimeOff.person_id))
        elif name == "period_id":
            values[name] = _first(sa.select(TimeOff.id))
        elif name == "posting_id":
            values[name] = _first(sa.select(Posting.id))
        elif name == "round_id":
            values[name] = _first(sa.select(LectureRound.id))
        elif name == "program_id":
            values[name] = _first(sa.select(Program.id))
        elif name == "school_id":
            values[name] = _first(sa.select(School.id))
        elif name == "email_id":
            values[name] = _first(sa.select(OutboxEmail.id))
        elif name == "blackout_id":
            values[name] = _first(sa.select(BlackoutDay.id))
        elif name == "user_id":
            values[name] = _first(sa.select(User.id).where(User.email == "lecturer@example.jp"))
        elif name == "slot_id":
            online = endpoint == "interview.slot_link"  # only an online time has a link form
            values[name] = _first(
                sa.select(InterviewSlot.id).where(InterviewSlot.online.is_(online)).order_by(InterviewSlot.id)
            )
        elif name == "facility_id":
            values[name] = _first(sa.select(Facility.id).order_by(Facility.id))
        elif name == "action":
            values[name] = "activate"
        elif name in ("fmt", "kind"):
            values[name] = "csv"
        elif name == "code":
            values[name] = "en"
        elif name == "token":
            values[name] = world.tokens.get(endpoint) or _token_for_download(endpoint, world)
        else:
            raise AssertionError(f"teach _url_args how to fill <{name}> of {endpoint}")
    return values


def _token_for_download(endpoint: str, world: World) -> str:
    for feature in ("lectures", "visits"):
        if endpoint.startswith(f"{feature}."):
            return world.tokens[f"{feature}.manage"]
    return "no-such-token"


# Staff routes anyone may open signed out; every other /staff route needs a signed-in user.
SIGNED_OUT_STAFF_ROUTES = {"staff.login", "staff.forgot_password", "staff.set_password"}


def _client_for(route: Route, world: World) -> FlaskClient:
    if route.endpoint in (
        "review.essay",
        "review.flag_conflict",
        "review.essay_note",
        "review.amend",
        "review.calibrate",
        "review.calibration_results",
        "interview.score",
    ):
        return world.reviewer  # the essay is assigned to this reviewer, who also interviews
    if route.path.startswith("/staff") and route.endpoint not in SIGNED_OUT_STAFF_ROUTES:
        return world.staff
    return world.public


@dataclass
class Route:
    endpoint: str
    path: str
    methods: set[str]


def _routes(app: Flask, world: World, method: str) -> list[Route]:
    routes = []
    with app.test_request_context():
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            if method not in rule.methods or rule.endpoint == "static":
                continue
            path = url_for(rule.endpoint, **_url_args(rule.endpoint, set(rule.arguments), world))
            routes.append(Route(rule.endpoint, path, set(rule.methods)))
    return routes


class _Forms(HTMLParser):
    """The POST forms of a page: their action and their fields' names and types."""

    def __init__(self, page_path: str) -> None:
        super().__init__()
        self.page_path = page_path
        self.forms: dict[str, list[tuple[str, str]]] = {}
        self._current: list[tuple[str, str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form":
            if attributes.get("method", "get").lower() == "post":
                action = urlsplit(attributes.get("action") or self.page_path).path
                self._current = self.forms.setdefault(action, [])
            else:
                self._current = None
        elif tag in ("input", "select", "textarea") and self._current is not None and attributes.get("name"):
            kind = attributes.get("type", tag) if tag == "input" else tag
            if (attributes["name"], kind) not in self._current and kind != "submit":
                self._current.append((attributes["name"], kind))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def _scrape_forms(app: Flask, world: World) -> None:
    """Read every POST form on every page the test users can open."""
    with app.app_context():
        get_routes = _routes(app, world, "GET")
    for route in get_routes:
        if route.endpoint in ("staff.logout", "home.set_language") or route.path.endswith((".csv", ".ics")):
            continue
        client = _client_for(route, world)
        response = client.get(route.path)
        if response.status_code == 200 and response.mimetype == "text/html":
            parser = _Forms(route.path)
            parser.feed(response.get_data(as_text=True))
            for action, fields in parser.forms.items():
                known = world.fields.setdefault(action, [])
                known += [f for f in fields if f not in known]


def _body(pairs: list[tuple[str, bytes]]) -> bytes:
    return b"&".join(quote(name).encode() + b"=" + value for name, value in pairs)


def _post(client: FlaskClient, path: str, pairs: list[tuple[str, bytes]]):
    limiter.reset()
    return client.post(path, data=_body(pairs), content_type="application/x-www-form-urlencoded")


def _row_counts(app: Flask, skip: tuple[str, ...] = ()) -> dict[str, int]:
    with app.app_context(), db.engine.connect() as conn:
        return {
            table.name: conn.scalar(sa.select(sa.func.count()).select_from(table))
            for table in db.metadata.sorted_tables
            if table.name not in skip
        }


def _table_contents(app: Flask) -> dict[str, list[str]]:
    with app.app_context(), db.engine.connect() as conn:
        return {
            table.name: sorted(repr(tuple(row)) for row in conn.execute(sa.select(table)))
            for table in db.metadata.sorted_tables
        }


def _shows_a_message(response) -> bool:
    text = response.get_data(as_text=True)
    return "error-summary" in text or 'class="field-error' in text or "flash" in text or "error" in text


# Pure action buttons: their form has no field but the CSRF token.
ACTIONS_WITHOUT_FIELDS = {
    "staff.logout",
    "staff.send_user_link",
    "staff.set_user_active",
    "notifications.requeue",
    "notifications.recover_stuck",
    "lectures.send_link",
    "youth.send_student_link",
    "youth.send_consent_link",
    "lectures.remove_unavailability",
    "lectures.remove_posting",
    "settings.remove_blackout_day",
    "youth.delete_event",
    "review.close",
    "review.delete_criterion",
    "review.move_criterion",
    "review.flag_conflict",
    "review.remove_reviewer",
    "review.end_discussion",
    "review.remove_calibration_essay",
    "review.remove_mask",
    "selection.publish",
    "selection.decide_rest",
    "selection.send_calendar",
    "selection.withdraw",
    "selection.move_waitlisted",
    "interview.draw_shortlist",
    "interview.invite",
    "interview.delete_slot",
    "interview.delete_criterion",
    "lectures.close_round",
    "lectures.allocate_round",
}


@pytest.fixture
def world(app: Flask) -> World:
    world = _world(app)
    _scrape_forms(app, world)
    return world


# Forms no page of the demo data shows (a lecture can be recorded as held only once it is past).
# Nor the button that stops a lecturer's calendar feed (no feed link exists in the demo data),
# nor the lecturer's report, on their own lecture's page, which this test's staff user does not give.
# Nor a feedback note, written only to students not selected (the spring cohort has no decision).
FORMS_NO_PAGE_SHOWS = {
    "lectures.complete": CompleteForm,
    "selection.feedback": FeedbackNoteForm,
    "calendar.void_feed": FeedActionForm,
    "lectures.my_lecture_report": CompleteForm,
    # The discussion's forms show once a review is closed; the demo's spring review is open.
    "review.essay_note": NoteForm,
    "review.application_note": NoteForm,
    "review.amend": AmendFormBase,
    # The demo's cohort under review has its reviewers: its masks no longer change.
    "review.essay_masks": MaskForm,
    # The shortlisted students are all invited (see _world): they stay on it, so no page offers "Remove".
    "interview.remove_from_shortlist": ShortlistForm,
    # The demo's study tour to come has not started: it cannot be recorded as held yet.
    "visit_staff.complete": VisitCompleteForm,
}


def _fields_of(route: Route, world: World) -> list[tuple[str, str]]:
    fields = [f for f in world.fields.get(route.path, []) if f[0] != "csrf_token"]
    if not fields and route.endpoint in FORMS_NO_PAGE_SHOWS:
        form = FORMS_NO_PAGE_SHOWS[route.endpoint]
        fields = [(name, "text") for name in dir(form) if isinstance(getattr(form, name), UnboundField)]
    if not fields and route.endpoint not in ACTIONS_WITHOUT_FIELDS:
        raise AssertionError(
            f"{route.endpoint}: no page shows its form; add the page's route or list it as an action"
        )
    return fields


def test_unusable_characters_are_refused_on_every_route_and_nothing_changes(app: Flask, world: World):
    with app.app_context():
        routes = _routes(app, world, "POST")
    before = _table_contents(app)
    problems = []
    for route in routes:
        client = _client_for(route, world)
        fields = _fields_of(route, world) or [("anything", "text")]
        for label, value in UNUSABLE.items():
            for name, _kind in fields:
                response = _post(client, route.path, [(name, value)])
                if response.status_code != 400 or GUARD_MESSAGE not in response.get_data(as_text=True):
                    problems.append(f"{route.endpoint} {name}={label}: {response.status_code}")
                    break
    assert problems == []
    # Nothing at all changed: not even an audit entry or an email.
    assert _table_contents(app) == before


def test_unusable_characters_in_a_query_string_are_refused(app: Flask, world: World):
    for path in ("/lectures/", "/staff/lectures/?q=%00", "/staff/schools/?q=a%0Bb", "/youth/?x=%C2%85"):
        client = world.staff if path.startswith("/staff") else world.public
        response = client.get(path if "?" in path else path + "?q=%00")
        assert response.status_code == 400, path
        assert GUARD_MESSAGE in response.get_data(as_text=True)


def test_a_path_id_beyond_the_database_is_not_found(app: Flask, world: World):
    for path in ("/staff/lectures/99999999999999999999/schedule", "/staff/schools/2147483648"):
        assert world.staff.get(path).status_code == 404


def _encoded(value: str) -> bytes:
    if value == "\udcff":
        return b"%ED%A0%80%FF%FE"
    return quote(value).encode()


def _hostile_payloads(fields: list[tuple[str, str]]) -> dict[str, list[tuple[str, bytes]]]:
    payloads = {label: [(name, _encoded(value)) for name, _ in fields] for label, value in MALFORMED.items()}
    payloads["missing fields"] = []
    payloads["duplicated fields"] = [
        pair for name, _ in fields for pair in ((name, b"1"), (name, quote("０００１-０１-０１").encode()))
    ]
    payloads["wrong types"] = [(name, b"true&" + quote(name).encode() + b"[]=1") for name, _ in fields]
    return payloads


def test_malformed_values_never_give_a_server_error(app: Flask, world: World):
    """Every field of every form filled with each malformed value (and none, and twice)."""
    with app.app_context():
        routes = _routes(app, world, "POST")
    problems = []
    for route in routes:
        client = _client_for(route, world)
        fields = _fields_of(route, world)
        for label, pairs in _hostile_payloads(fields).items():
            response = _post(client, route.path, pairs)
            if response.status_code >= 500:
                problems.append(f"{route.endpoint} {label}: {response.status_code}")
            elif response.status_code == 200 and fields and not _shows_a_message(response):
                problems.append(f"{route.endpoint} {label}: 200 without a message")
    assert problems == []


def test_text_longer_than_any_column_is_refused_and_nothing_is_saved(app: Flask, world: World):
    with app.app_context():
        routes = _routes(app, world, "POST")
    problems = []
    for route in routes:
        fields = [(n, k) for n, k in _fields_of(route, world) if k not in ("checkbox", "radio", "hidden")]
        if not fields:
            continue
        client = _client_for(route, world)
        before = _row_counts(app, skip=("audit_entries",))
        response = _post(client, route.path, [(name, TOO_LONG.encode()) for name, _ in fields])
        # A form on another page answers with a redirect back and a flashed message.
        if response.status_code >= 500:
            problems.append(f"{route.endpoint}: {response.status_code}")
        elif response.status_code == 200 and not _shows_a_message(response):
            problems.append(f"{route.endpoint}: no message")
        if _row_counts(app, skip=("audit_entries",)) != before:
            problems.append(f"{route.endpoint}: rows changed")
    assert problems == []


# The public forms, filled in right but for one hostile field ----------------------------------


def _valid_request(app: Flask) -> list[tuple[str, str]]:
    from tests.factories.lectures import form_data

    with app.app_context():
        program = db.session.scalar(sa.select(Program).where(Program.active.is_(True)).limit(1))
        school = db.session.scalar(sa.select(School).limit(1))
        data = form_data(program, school)
    return list(data.items())


def _valid_application(app: Flask) -> list[tuple[str, str]]:
    from tests.factories.youth import form_data

    with app.app_context():
        cohort = db.session.scalar(sa.select(Cohort).order_by(Cohort.id.desc()).limit(1))
        school = db.session.scalar(sa.select(School.id).limit(1))
        data = form_data(school, grade=str(sorted(cohort.eligible_grades)[0]))
    return list(data.items())


ONE_FIELD_VALUES = {
    "superscript digit": "²",
    "circled digit": "①",
    "first date": "0001-01-01",
    "last date": "9999-12-31",
    "huge number": "9" * 40,
    "10k characters": "あ" * 10_001,
    "smtputf8 address": "テスト@example.jp",
    "65-character key": "k" * 65,
}


@pytest.mark.parametrize("action", ["send", "draft"])
def test_one_hostile_field_in_an_application_never_gives_a_server_error(app: Flask, world: World, action):
    base = [(k, v) for k, v in _valid_application(app) if k != "action"] + [("action", action)]
    _one_field_at_a_time(app, world.public, "/youth/apply", base)


def test_one_hostile_field_in_a_lecture_request_never_gives_a_server_error(app: Flask, world: World):
    _one_field_at_a_time(app, world.public, "/lectures/request", _valid_request(app))


def _one_field_at_a_time(app: Flask, client: FlaskClient, path: str, base: list[tuple[str, str]]) -> None:
    problems = []
    for index, (name, _value) in enumerate(base):
        if name == "action":
            continue
        for label, value in ONE_FIELD_VALUES.items():
            pairs = [(k, quote(v).encode()) for k, v in base]
            pairs[index] = (name, quote(value).encode())
            response = _post(client, path, pairs)
            if response.status_code >= 500:
                problems.append(f"{name}={label}: {response.status_code}")
    assert problems == []
