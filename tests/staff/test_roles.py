"""Every staff route checked for every role and for anonymous visitors.

The matrix must name every route under /staff: a new route without an entry fails here.
"""

from __future__ import annotations

import pytest

from booking.core.auth import Role
from booking.extensions import db, limiter
from booking.schools.models import School, SchoolType
from tests.factories import make_user
from tests.factories.visits import make_facility
from tests.helpers import empty_tables

ALL = frozenset(Role)
ADMIN = frozenset({Role.ADMIN})
OUTBOX = frozenset({Role.ADMIN, Role.COORDINATOR})
YOUTH = frozenset({Role.COORDINATOR})
LECTURE_STAFF = frozenset({Role.ADMIN, Role.COORDINATOR})
LECTURER = frozenset({Role.LECTURER})
REVIEWING = frozenset({Role.REVIEWER})
PUBLIC = None  # open to everyone, signed in or not

# endpoint -> (GET path, roles allowed)
MATRIX: dict[str, tuple[str, frozenset[Role] | None]] = {
    "staff.login": ("/staff/login", PUBLIC),
    "staff.forgot_password": ("/staff/forgot-password", PUBLIC),
    "staff.dashboard": ("/staff/", ALL),
    "staff.account": ("/staff/account", ALL),
    "staff.users": ("/staff/users", ADMIN),
    "staff.invite_user": ("/staff/users/invite", ADMIN),
    "staff.edit_user": ("/staff/users/{admin_id}", ADMIN),
    "notifications.outbox": ("/staff/outbox/", OUTBOX),
    "notifications.show": ("/staff/outbox/{email_id}", OUTBOX),
    "notifications.show_html": ("/staff/outbox/{email_id}/html", OUTBOX),
    "audit.log": ("/staff/audit/", ADMIN),
    "schools.index": ("/staff/schools/", ADMIN),
    "schools.new": ("/staff/schools/new", ADMIN),
    "schools.edit": ("/staff/schools/{school_id}", ADMIN),
    "schools.periods": ("/staff/schools/{school_id}/periods", ADMIN),
    "schools.import_csv": ("/staff/schools/import", ADMIN),
    "schools.coverage_list": ("/staff/schools/coverage", LECTURE_STAFF),
    "schools.coverage_export": ("/staff/schools/coverage.csv", LECTURE_STAFF),
    "youth.staff_cohorts": ("/staff/youth/", YOUTH),
    "youth.new_cohort": ("/staff/youth/cohorts/new", YOUTH),
    "youth.edit_cohort": ("/staff/youth/cohorts/{cohort_id}", YOUTH),
    "youth.new_event": ("/staff/youth/cohorts/{cohort_id}/events/new", YOUTH),
    "youth.edit_event": ("/staff/youth/cohorts/{cohort_id}/events/{event_id}", YOUTH),
    "youth.staff_applications": ("/staff/youth/cohorts/{cohort_id}/applications", YOUTH),
    "youth.export_applications": ("/staff/youth/cohorts/{cohort_id}/applications.csv", YOUTH),
    "youth.staff_application": ("/staff/youth/applications/{application_id}", YOUTH),
    "youth.edit_contacts": ("/staff/youth/applications/{application_id}/contacts", YOUTH),
    "settings.edit": ("/staff/settings", ADMIN),
    # Blackout days: coordinators keep them too (adding and removing: tests/settings).
    "settings.blackout_days": ("/staff/settings/blackout-days", frozenset({Role.ADMIN, Role.COORDINATOR})),
    "lectures.inbox": ("/staff/lectures/", LECTURE_STAFF),
    "lectures.rounds": ("/staff/lectures/rounds", LECTURE_STAFF),
    "lectures.new_round": ("/staff/lectures/rounds/new", LECTURE_STAFF),
    "lectures.show_round": ("/staff/lectures/rounds/{round_id}", LECTURE_STAFF),
    "lectures.export": ("/staff/lectures/export.csv", LECTURE_STAFF),
    "lectures.show": ("/staff/lectures/{request_id}", LECTURE_STAFF),
    "lectures.schedule": ("/staff/lectures/{request_id}/schedule", LECTURE_STAFF),
    "lectures.propose": ("/staff/lectures/{request_id}/propose", LECTURE_STAFF),
    "lectures.decline": ("/staff/lectures/{request_id}/decline", LECTURE_STAFF),
    "lectures.cancel": ("/staff/lectures/{request_id}/cancel", LECTURE_STAFF),
    "lectures.reschedule": ("/staff/lectures/{scheduled_id}/reschedule", LECTURE_STAFF),
    "lectures.complete": ("/staff/lectures/{held_id}/complete", LECTURE_STAFF),
    "lectures.programs": ("/staff/lectures/programs", LECTURE_STAFF),
    "lectures.new_program": ("/staff/lectures/programs/new", LECTURE_STAFF),
    "lectures.edit_program": ("/staff/lectures/programs/{program_id}", LECTURE_STAFF),
    # The facilities groups visit on study tours, kept by the same staff.
    "visits.facilities": ("/staff/visits/facilities", LECTURE_STAFF),
    "visits.new_facility": ("/staff/visits/facilities/new", LECTURE_STAFF),
    "visits.edit_facility": ("/staff/visits/facilities/{facility_id}", LECTURE_STAFF),
    "lectures.lecturers": ("/staff/lectures/lecturers", LECTURE_STAFF),
    # Another lecturer's diary: coordinators and admins (a lecturer sees only their own).
    "lectures.lecturer": ("/staff/lectures/lecturers/{lecturer_id}", LECTURE_STAFF),
    "lectures.my_schedule": ("/staff/lectures/schedule", LECTURER),
    # A lecturer's own lecture and its report (coordinators keep lectures.show and complete).
    "lectures.my_lecture": ("/staff/lectures/schedule/{own_lecture_id}", LECTURER),
    "lectures.my_lecture_report": ("/staff/lectures/schedule/{own_held_id}/report", LECTURER),
    "lectures.meeting": ("/staff/lectures/{scheduled_id}/meeting", LECTURE_STAFF),
    # Coordinators and admins see every school's feedback; a lecturer sees their own lectures'.
    "lectures.feedback_overview": ("/staff/lectures/feedback", LECTURE_STAFF | LECTURER),
    "review.queue": ("/staff/review/", REVIEWING),
    "review.essay": ("/staff/review/essays/{application_id}", REVIEWING),
    "review.conflicts": ("/staff/review/conflicts", REVIEWING),
    "review.cohorts": ("/staff/review/cohorts/", YOUTH),
    "review.reviewers": ("/staff/review/reviewers", YOUTH),
    "review.rubric": ("/staff/review/cohorts/{cohort_id}/rubric", YOUTH),
    "review.new_criterion": ("/staff/review/cohorts/{cohort_id}/rubric/new", YOUTH),
    "review.edit_criterion": ("/staff/review/cohorts/{cohort_id}/rubric/{criterion_id}", YOUTH),
    "review.assignments": ("/staff/review/cohorts/{cohort_id}/assignments", YOUTH),
    "review.progress": ("/staff/review/cohorts/{cohort_id}/progress", YOUTH),
    "review.ranking": ("/staff/review/cohorts/{cohort_id}/ranking", YOUTH),
    "review.application_reviews": ("/staff/review/cohorts/{cohort_id}/applications/{application_id}", YOUTH),
    "review.export_ranking": ("/staff/review/cohorts/{cohort_id}/ranking.csv", YOUTH),
    "review.export_reviews": ("/staff/review/cohorts/{cohort_id}/reviews.xlsx", YOUTH),
    "review.agreement_page": ("/staff/review/cohorts/{cohort_id}/agreement", YOUTH),
    "review.calibration": ("/staff/review/cohorts/{cohort_id}/calibration", YOUTH),
    "review.calibration_references": (
        "/staff/review/cohorts/{cohort_id}/calibration/{calibration_essay_id}",
        YOUTH,
    ),
    "review.calibrate": ("/staff/review/calibration/{calibration_essay_id}", REVIEWING),
    "review.calibration_results": ("/staff/review/calibration/cohorts/{cohort_id}", REVIEWING),
    "review.masks": ("/staff/review/cohorts/{cohort_id}/masks", YOUTH),
    "review.essay_masks": ("/staff/review/cohorts/{cohort_id}/masks/{application_id}", YOUTH),
    "selection.decisions": ("/staff/selection/cohorts/{cohort_id}/decisions", YOUTH),
    "selection.preview": ("/staff/selection/cohorts/{cohort_id}/preview", YOUTH),
    "selection.feedback": ("/staff/selection/cohorts/{cohort_id}/feedback", YOUTH),
    "selection.participants": ("/staff/selection/cohorts/{cohort_id}/participants", YOUTH),
    "selection.attendance": ("/staff/selection/cohorts/{cohort_id}/events/{event_id}/attendance", YOUTH),
    "selection.report": ("/staff/selection/cohorts/{cohort_id}/report", YOUTH),
    # Interviewers are reviewers or coordinators; the round's pages are the coordinators'.
    "interview.home": ("/staff/interview/", REVIEWING | YOUTH),
    "interview.settings": ("/staff/interview/cohorts/{cohort_id}/settings", YOUTH),
    "interview.shortlist": ("/staff/interview/cohorts/{cohort_id}/shortlist", YOUTH),
    "interview.slots": ("/staff/interview/cohorts/{cohort_id}/slots", YOUTH),
    "interview.rubric": ("/staff/interview/cohorts/{cohort_id}/rubric", YOUTH),
    "interview.ranking": ("/staff/interview/cohorts/{cohort_id}/ranking", YOUTH),
    # Coordinators and admins see everyone's entries; a lecturer sees their own.
    # Lecturers and guides see their own entries (guides: their time off, and tours to come).
    "calendar.calendar": ("/staff/calendar", LECTURE_STAFF | LECTURER | {Role.GUIDE}),
    # Study tours: coordinators and admins act; a guide opens only the tours booked for them.
    "visit_staff.inbox": ("/staff/visits/", LECTURE_STAFF),
    "visit_staff.export": ("/staff/visits/export.csv", LECTURE_STAFF),
    "visit_staff.show": ("/staff/visits/{visit_id}", LECTURE_STAFF),
    "visit_staff.schedule": ("/staff/visits/{visit_id}/schedule", LECTURE_STAFF),
    "visit_staff.propose": ("/staff/visits/{visit_id}/propose", LECTURE_STAFF),
    "visit_staff.decline": ("/staff/visits/{visit_id}/decline", LECTURE_STAFF),
    "visit_staff.cancel": ("/staff/visits/{visit_id}/cancel", LECTURE_STAFF),
    "visit_staff.reschedule": ("/staff/visits/{scheduled_visit_id}/reschedule", LECTURE_STAFF),
    "visit_staff.complete": ("/staff/visits/{held_visit_id}/complete", LECTURE_STAFF),
    "visit_staff.mine": ("/staff/visits/mine", frozenset({Role.GUIDE})),
    "visits.visitor_list_export": ("/staff/visits/{scheduled_visit_id}/visitors.csv", LECTURE_STAFF),
}

# POST-only routes and routes reached by a private token: checked in their own tests.
POST_ONLY_OR_TOKEN = {
    "staff.logout",
    "staff.set_password",
    "staff.set_user_active",
    "staff.send_user_link",
    "notifications.requeue",
    "notifications.recover_stuck",
    "youth.delete_event",
    "settings.add_blackout_day",
    "settings.remove_blackout_day",
    "lectures.add_unavailability",
    "lectures.remove_unavailability",
    "lectures.add_posting",
    "lectures.remove_posting",
    "lectures.send_link",
    "youth.send_student_link",
    "youth.send_consent_link",
    "review.flag_conflict",
    "review.delete_criterion",
    "review.move_criterion",
    "review.add_reviewer",
    "review.remove_reviewer",
    "review.remove_mask",
    "review.close",
    # The discussion after the close (tests/review/test_discussion.py).
    "review.essay_note",
    "review.amend",
    "review.application_note",
    "review.end_discussion",
    "review.remove_calibration_essay",
    "selection.decide",
    "selection.decide_rest",
    "selection.move_waitlisted",
    "selection.publish",
    "selection.withdraw",
    "selection.send_calendar",
    "interview.draw_shortlist",
    "interview.invite",
    "interview.add_to_shortlist",
    "interview.remove_from_shortlist",
    "interview.delete_slot",
    "interview.slot_link",
    "interview.delete_criterion",
    # Only for the cohort's chosen interviewers (tests/interview/test_views.py).
    "interview.score",
    # A round's moves (tests/lectures/test_round_views.py).
    "lectures.close_round",
    "lectures.allocate_round",
    # Only an allocated round can be re-run.
    "lectures.rerun_round",
    # A lecturer's own feed link; a coordinator or admin stops anyone's (tests/calendar).
    "calendar.renew_feed",
    "calendar.void_feed",
}


def test_matrix_names_every_staff_route(app):
    staff_endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.rule.startswith("/staff")}
    missing = staff_endpoints - set(MATRIX) - POST_ONLY_OR_TOKEN
    assert missing == set(), f"add these routes to the role matrix: {sorted(missing)}"


@pytest.fixture(autouse=True)
def _clean_state(app):
    """Overrides the suite's: the matrix's records are built once for the module and only read,
    so a case resets the rate limits (every case signs in) but keeps the tables."""
    limiter.reset()
    yield
    limiter.reset()


@pytest.fixture(scope="module")
def records(app):
    """Everything the matrix's pages show, and one user of each role, built once; emptied after."""
    with app.app_context():
        built = _build_records()
        db.session.remove()
    yield built
    empty_tables(app)


def _build_records() -> dict:
    from booking.notifications.services import queue_email

    admin = make_user(Role.ADMIN, email="matrix-admin@example.jp")
    email = queue_email(
        "someone@example.jp",
        "staff/invite_to_user",
        "ja",
        {"user": admin, "link": "http://x/", "valid_hours": 72, "inviter": None},
    )
    school = School(name="北九州市立テスト小学校", school_type=SchoolType.ELEMENTARY)
    db.session.add(school)
    db.session.commit()
    youth = _youth_records()
    lecture_records = _lecture_records()
    lecture_records["facility_id"] = make_facility().id
    review = _review_records(youth["cohort_id"])
    users = {role: make_user(role, email=f"matrix-{role}-user@example.jp") for role in Role}
    lecture_records |= _own_lectures(users[Role.LECTURER])
    lecture_records |= _visit_records()
    _assign_essay(users[Role.REVIEWER], youth)
    return {
        "admin_id": admin.id,
        "email_id": email.id,
        "school_id": school.id,
        **youth,
        **lecture_records,
        **review,
        "emails": {role: user.email for role, user in users.items()},
    }


def _assign_essay(reviewer, youth: dict[str, int]) -> None:
    """The scoring page is the reviewer's own: the matrix's reviewer has the essay to score."""
    from booking.review.models import Review

    db.session.add(
        Review(
            cohort_id=youth["cohort_id"],
            application_id=youth["application_id"],
            reviewer_id=reviewer.id,
            queue_key="0",
        )
    )
    db.session.commit()


def _youth_records() -> dict[str, int]:
    """A cohort with an event and one submitted application."""
    from datetime import UTC, datetime

    from booking.youth.models import Applicant, Application, ApplicationStatus, Cohort, CohortEvent, EventKind

    cohort = Cohort(
        fiscal_year=2026,
        title_ja="2026年度 上下水道ユース研修",
        destination_ja="プノンペン",
        opens_at=datetime(2026, 11, 1, tzinfo=UTC),
        closes_at=datetime(2026, 12, 15, tzinfo=UTC),
        essay_prompt_ja="水と国際協力",
    )
    event = CohortEvent(
        kind=EventKind.DOMESTIC_TRAINING,
        title_ja="国内研修",
        starts_at=datetime(2027, 1, 9, 1, tzinfo=UTC),
        ends_at=datetime(2027, 1, 9, 6, tzinfo=UTC),
    )
    cohort.events.append(event)
    application = Application(
        cohort=cohort,
        status=ApplicationStatus.SUBMITTED,
        code="Y-2026-001",
        email_key="0" * 64,
        submitted_at=datetime(2026, 11, 20, tzinfo=UTC),
        applicant=Applicant(family_name="山田", given_name="花子"),
    )
    db.session.add_all([cohort, application])
    db.session.commit()
    return {"cohort_id": cohort.id, "event_id": event.id, "application_id": application.id}


def _lecture_records() -> dict[str, int]:
    from datetime import timedelta

    from booking.core.time import utcnow
    from tests.factories.lectures import make_lecturer, make_program, make_request
    from tests.factories.rounds import make_round

    program = make_program()
    lecturer = make_lecturer(email="matrix-lecturer@example.jp")
    submitted = make_request(program)
    scheduled = make_request(
        program, status="scheduled", lecturers=[lecturer], starts_at=utcnow() + timedelta(days=20)
    )
    held = make_request(
        program, status="scheduled", lecturers=[lecturer], starts_at=utcnow() - timedelta(days=2)
    )
    today = utcnow().date()
    lecture_round = make_round(
        make_user(Role.COORDINATOR, email="matrix-rounds@example.jp"),
        first_day=today + timedelta(days=60),
        last_day=today + timedelta(days=75),
        closes_on=today + timedelta(days=30),
    )
    return {
        "round_id": lecture_round.id,
        "program_id": program.id,
        "lecturer_id": lecturer.id,
        "request_id": submitted.id,
        "scheduled_id": scheduled.id,
        "held_id": held.id,
    }


def _visit_records() -> dict[str, int]:
    """Study tours: one received, one booked ahead, one started and not yet recorded."""
    from datetime import timedelta

    from booking.core.time import utcnow
    from tests.factories.visits import make_visit_request

    ahead = make_visit_request(status="scheduled", starts_at=utcnow() + timedelta(days=20))
    started = make_visit_request(status="scheduled", starts_at=utcnow() - timedelta(days=2))
    return {
        "visit_id": make_visit_request().id,
        "scheduled_visit_id": ahead.id,
        "held_visit_id": started.id,
    }


def _own_lectures(lecturer) -> dict[str, int]:
    """Lectures the matrix's lecturer gives: one ahead, one started and not yet reported."""
    from datetime import timedelta

    from booking.core.time import utcnow
    from tests.factories.lectures import make_program, make_request

    program = make_program()
    ahead = make_request(
        program, status="scheduled", lecturers=[lecturer], starts_at=utcnow() + timedelta(days=25)
    )
    started = make_request(
        program, status="scheduled", lecturers=[lecturer], starts_at=utcnow() - timedelta(days=3)
    )
    return {"own_lecture_id": ahead.id, "own_held_id": started.id}


def _review_records(cohort_id: int) -> dict[str, int]:
    """A rubric criterion for the cohort, and a sample essay in its calibration set."""
    from booking.review.calibration_models import CalibrationEssay
    from booking.review.models import Criterion

    criterion = Criterion(cohort_id=cohort_id, name_ja="動機", max_score=5)
    sample = CalibrationEssay(cohort_id=cohort_id, code="S-1", sample_text="見本の作文。")
    db.session.add_all([criterion, sample])
    db.session.commit()
    return {"criterion_id": criterion.id, "calibration_essay_id": sample.id}


CASES = [(endpoint, role) for endpoint in MATRIX for role in [None, *Role]]


@pytest.mark.parametrize(("endpoint", "role"), CASES, ids=[f"{e}-{r or 'anonymous'}" for e, r in CASES])
def test_role_matrix(app, records, login, endpoint, role):
    path, allowed = MATRIX[endpoint]
    client = app.test_client()
    if role is not None:
        login(client, records["emails"][role])
    response = client.get(path.format(**records))
    if allowed is PUBLIC:
        assert response.status_code in (200, 302)
    elif role is None:
        assert response.status_code == 302
        assert "/staff/login" in response.headers["Location"]
    elif role in allowed:
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
    else:
        assert response.status_code == 403
