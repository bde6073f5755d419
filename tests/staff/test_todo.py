"""The dashboard as a to-do list: what needs a person today, most urgent first, each line
leading to a page that shows exactly those items, in a fixed number of queries."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
import sqlalchemy as sa

from booking.core.auth import Role
from booking.core.navigation import TodoItem, Urgency, register_todo, todos_for
from booking.core.time import utcnow
from booking.extensions import db
from booking.lectures.models import (
    LectureFormat,
)
from booking.lectures.services.todo import reports_due, todo_counts
from booking.notifications.models import EmailStatus, OutboxEmail
from booking.notifications.todo import problem_counts
from booking.scheduling.models import TimeOff
from booking.youth.models import Application, ApplicationStatus, ConsentStatus
from booking.youth.services.todo import todo_by_cohort
from tests.factories import make_user
from tests.factories.lectures import make_lecturer, make_program, make_request
from tests.factories.review import add_application
from tests.factories.youth import make_cohort
from tests.helpers import count_queries

DONE = "Nothing to do: everything is up to date."


def _email(status: EmailStatus, claimed_minutes_ago: int | None = None) -> OutboxEmail:
    email = OutboxEmail(
        message_id=f"<{uuid.uuid4().hex}@booking.test>",
        recipient="someone@example.jp",
        language="ja",
        template="lectures/submitted_to_teacher",
        subject="件名",
        body_text="本文",
        body_html="<p>本文</p>",
        status=status,
        claimed_at=None if claimed_minutes_ago is None else utcnow() - timedelta(minutes=claimed_minutes_ago),
    )
    db.session.add(email)
    return email


def _busy(lecturer, coordinator, scale: int = 1) -> dict:
    """Some of everything that needs a person, `scale` times over, and things that do not."""
    program = make_program()
    now = utcnow()
    made: dict[str, list] = {
        "new": [],
        "proposed": [],
        "unrecorded": [],
        "future": [],
        "held": [],
        "clash": [],
        "no_link": [],
    }
    away = make_lecturer()
    booked = partial(make_request, program, status="scheduled", actor=coordinator)
    for i in range(scale):
        made["new"].append(make_request(program, status="submitted"))
        made["proposed"].append(make_request(program, status="proposed", actor=coordinator))
        made["unrecorded"].append(
            booked(
                lecturers=[lecturer],
                starts_at=now - timedelta(days=2 + i),
            )
        )
        made["future"].append(
            booked(
                lecturers=[lecturer],
                starts_at=now + timedelta(days=10 + i),
                fmt=LectureFormat.IN_PERSON,
            )
        )
        # Online and soon, with its link: nothing to do; without one: to do; far ahead: not yet.
        made["future"].append(
            booked(
                lecturers=[lecturer],
                starts_at=now + timedelta(days=8, hours=2 * i),
                meeting_url="https://example.zoom.us/j/1",
            )
        )
        made["no_link"].append(
            booked(
                lecturers=[lecturer],
                starts_at=now + timedelta(days=8, hours=1 + 2 * i),
            )
        )
        made["future"].append(
            booked(
                lecturers=[lecturer],
                starts_at=now + timedelta(days=40 + i),
            )
        )
        # A lecturer on time off over one of their lectures ahead (and not over another).
        clash = booked(
            lecturers=[away],
            starts_at=now + timedelta(days=20 + i),
            fmt=LectureFormat.IN_PERSON,
        )
        made["clash"].append(clash)
        made["future"].append(
            booked(
                lecturers=[away],
                starts_at=now + timedelta(days=30 + i),
                fmt=LectureFormat.IN_PERSON,
            )
        )
        db.session.add(
            TimeOff(
                person_id=away.id,
                starts_at=clash.starts_at - timedelta(hours=3),
                ends_at=clash.starts_at + timedelta(hours=3),
            )
        )
        made["held"].append(
            make_request(program, status="completed", actor=coordinator, starts_at=now - timedelta(days=9))
        )
        _email(EmailStatus.FAILED)
        _email(EmailStatus.SENDING, claimed_minutes_ago=30)  # stuck
        _email(EmailStatus.SENDING, claimed_minutes_ago=1)  # still going: not a problem
        _email(EmailStatus.SENT)
    db.session.commit()
    return made


@pytest.fixture
def youth_busy(ctx, schools):
    """A cohort under selection with guardians to hear from, and a published one with open offers."""
    open_cohort = make_cohort(fiscal_year=2026)
    add_application(open_cohort, 1, schools["tobata"], consent=ConsentStatus.PENDING)
    add_application(open_cohort, 2, schools["tobata"], consent=ConsentStatus.PENDING)
    add_application(open_cohort, 3, schools["tobata"])  # consent given: nothing to chase
    published = make_cohort(
        fiscal_year=2025,
        title_ja="2025年度 研修",
        title_en="Youth Training 2025",
        results_published_at=datetime(2025, 7, 7, tzinfo=UTC),
    )
    for n, status in ((4, ApplicationStatus.ACCEPTED), (5, ApplicationStatus.CONFIRMED)):
        application = add_application(published, n, schools["tobata"])
        application.status = status
    db.session.commit()
    return open_cohort, published


# Services -------------------------------------------------------------------------------


def test_lecture_counts_come_from_one_query_and_say_how_long_the_oldest_proposal_waited(
    app, ctx, coordinator, lecturer, frozen
):
    _busy(lecturer, coordinator)
    frozen.shift(timedelta(days=6, hours=1))
    with count_queries(app) as queries:
        counts = todo_counts(utcnow())
    assert queries.count == 1
    assert (counts.new_requests, counts.proposals, counts.to_record) == (1, 1, 1)
    assert (utcnow() - counts.oldest_proposal_at).days == 6


def test_lecture_counts_are_zero_without_requests(ctx):
    counts = todo_counts(utcnow())
    assert (counts.new_requests, counts.proposals, counts.oldest_proposal_at, counts.to_record) == (
        0,
        0,
        None,
        0,
    )


def test_a_lecture_is_due_for_recording_once_it_has_started(ctx, coordinator, lecturer, frozen):
    program = make_program()
    make_request(
        program,
        status="scheduled",
        lecturers=[lecturer],
        actor=coordinator,
        starts_at=utcnow() + timedelta(minutes=5),
    )
    assert todo_counts(utcnow()).to_record == 0
    frozen.shift(timedelta(minutes=5))
    assert todo_counts(utcnow()).to_record == 1


def test_failed_and_stuck_emails_are_counted_in_one_query(app, ctx, coordinator, lecturer):
    _busy(lecturer, coordinator, scale=2)
    with count_queries(app) as queries:
        assert problem_counts() == (2, 2)
    assert queries.count == 1


def test_consents_and_offers_awaiting_an_answer_are_counted_per_cohort(ctx, youth_busy):
    open_cohort, published = youth_busy
    rows = {row.cohort.id: (row.consents, row.offers) for row in todo_by_cohort()}
    assert rows == {open_cohort.id: (2, 0), published.id: (0, 1)}


def test_a_lecturer_s_reports_due_are_their_own_started_lectures_only(ctx, coordinator, lecturer):
    other = make_lecturer()
    program = make_program()
    past = utcnow() - timedelta(days=1)
    mine = make_request(program, status="scheduled", lecturers=[lecturer], actor=coordinator, starts_at=past)
    make_request(
        program, status="scheduled", lecturers=[other], actor=coordinator, starts_at=past - timedelta(days=1)
    )
    make_request(
        program,
        status="completed",
        lecturers=[lecturer],
        actor=coordinator,
        starts_at=past - timedelta(days=3),
    )
    make_request(
        program,
        status="scheduled",
        lecturers=[lecturer],
        actor=coordinator,
        starts_at=utcnow() + timedelta(days=3),
    )
    assert [a.request_id for a in reports_due(lecturer, utcnow())] == [mine.id]


def test_the_list_is_sorted_by_urgency_and_leaves_out_zero_counts(app, ctx):
    def lines(user):
        yield TodoItem("later", 2, "/b", Urgency.LECTURES_TO_RECORD)
        yield TodoItem("nothing", 0, "/c", Urgency.TIME_OFF_CLASH)
        yield TodoItem("first", 1, "/a", Urgency.FAILED_EMAILS)

    register_todo("test.sorting", (Role.REVIEWER,), lines)
    try:
        reviewer = make_user(Role.REVIEWER)
        with app.test_request_context():
            todos = todos_for(reviewer)
        assert [item.label for item in todos.items] == ["first", "later"]
        assert not todos.all_done
    finally:
        from booking.core import navigation

        navigation._todos.pop("test.sorting")


# The page -------------------------------------------------------------------------------


def _todo_section(html: str) -> str:
    match = re.search(r'<section class="todo".*?</section>', html, re.S)
    return match.group(0) if match else ""


def test_the_dashboard_says_plainly_when_everything_is_done(coordinator_client):
    coordinator_client.set_cookie("lang", "en")
    section = _todo_section(coordinator_client.get("/staff/").get_data(as_text=True))
    assert DONE in section


def test_the_dashboard_lists_what_needs_doing_most_urgent_first_above_the_panels(
    app, client, login, coordinator, lecturer, youth_busy, frozen
):
    _busy(lecturer, coordinator)
    frozen.shift(timedelta(days=6, hours=1))
    coordinator_client = client
    login(coordinator_client, coordinator.email)
    coordinator_client.set_cookie("lang", "en")
    html = coordinator_client.get("/staff/").get_data(as_text=True)
    section = _todo_section(html)
    assert html.index('class="todo"') < html.index('class="card-grid"')
    expected = [
        "Lectures with a lecturer on time off: 1",
        "Online lectures in the next 14 days without a meeting link: 1",
        "Emails that could not be delivered: 1",
        "Emails stuck while sending: 2",  # six days on, the one still going has stalled too
        "New requests to answer: 1",
        "Proposed dates waiting for the teacher&#39;s answer: 1",
        "guardians&#39; consent not yet given: 2",
        "offered places not yet answered: 1",
        "Lectures held but not recorded yet: 1",
    ]
    missing = [text for text in expected if text not in section]
    assert missing == [], section
    positions = [section.index(text) for text in expected]
    assert positions == sorted(positions)
    assert "the oldest has waited 6 days" in section
    assert DONE not in section


def _links(section: str) -> list[str]:
    return [
        link.replace("&amp;", "&")
        for link in re.findall(r'<li class="todo__item">\s*<a href="([^"]+)"', section)
    ]


def test_each_line_leads_to_a_page_showing_exactly_those_items(
    app, coordinator_client, coordinator, lecturer, youth_busy
):
    made = _busy(lecturer, coordinator)
    db.session.rollback()
    references = {key: [lecture.reference for lecture in rows] for key, rows in made.items()}
    all_references = {ref for refs in references.values() for ref in refs}
    codes = set(db.session.scalars(sa.select(Application.code)))
    section = _todo_section(coordinator_client.get("/staff/").get_data(as_text=True))
    links = _links(section)
    assert len(links) == 9
    for link in links:
        page = coordinator_client.get(link)
        assert page.status_code == 200, link
        text = page.get_data(as_text=True)
        shown_refs = {ref for ref in all_references if ref in text}
        shown_codes = {code for code in codes if code in text}
        if "status=submitted" in link and "/lectures/" in link:
            assert shown_refs == set(references["new"])
        elif "status=proposed" in link:
            assert shown_refs == set(references["proposed"])
        elif "unrecorded=1" in link:
            assert shown_refs == set(references["unrecorded"])
        elif "clash=1" in link:
            assert shown_refs == set(references["clash"])
        elif "no_link=1" in link:
            assert shown_refs == set(references["no_link"])
        elif "consent=pending" in link:
            assert shown_codes == {"Y-2026-001", "Y-2026-002"}
        elif "status=accepted" in link:
            assert shown_codes == {"Y-2025-004"}
        elif "status=failed" in link:
            assert text.count("<tr") - 1 == 1  # one failed email (and the header row)
        elif "status=stuck" in link:
            assert text.count("<tr") - 1 == 1
        else:
            raise AssertionError(f"unexpected link {link}")


def test_the_dashboard_runs_as_many_queries_for_busy_data_as_for_none(
    app, coordinator_client, coordinator, lecturer, schools
):
    coordinator_client.get("/staff/")
    with count_queries(app) as empty:
        coordinator_client.get("/staff/")
    db.session.rollback()
    _busy(lecturer, coordinator, scale=3)
    for year, published in (
        (2026, None),
        (2025, datetime(2025, 7, 7, tzinfo=UTC)),
        (2024, datetime(2024, 7, 7, tzinfo=UTC)),
    ):
        cohort = make_cohort(fiscal_year=year, results_published_at=published)
        for n in range(1, 4):
            application = add_application(
                cohort,
                n,
                schools["tobata"],
                consent=ConsentStatus.PENDING if published is None else ConsentStatus.GIVEN,
            )
            if published is not None:
                application.status = ApplicationStatus.ACCEPTED
        db.session.commit()
    db.session.rollback()
    with count_queries(app) as busy:
        html = coordinator_client.get("/staff/").get_data(as_text=True)
    assert DONE not in html and "todo__item" in html
    assert busy.count == empty.count, (empty.count, busy.count)


def test_a_lecturer_sees_their_own_reports_due(app, client, login, coordinator, lecturer):
    program = make_program()
    past = utcnow() - timedelta(days=1)
    mine = make_request(program, status="scheduled", lecturers=[lecturer], actor=coordinator, starts_at=past)
    other = make_request(
        program, status="scheduled", lecturers=[make_lecturer()], actor=coordinator, starts_at=past
    )
    make_request(program, status="submitted")
    login(client, lecturer.email)
    client.set_cookie("lang", "en")
    section = _todo_section(client.get("/staff/").get_data(as_text=True))
    assert "My lectures to report on: 1" in section
    assert mine.reference in section and other.reference not in section
    assert "New requests" not in section  # the coordinators' lines are not a lecturer's


def test_a_lecturer_with_no_reports_due_is_told_everything_is_done(app, client, login, lecturer):
    login(client, lecturer.email)
    client.set_cookie("lang", "en")
    assert DONE in _todo_section(client.get("/staff/").get_data(as_text=True))


def test_a_reviewer_keeps_the_dashboard_they_had(app, client, login, ctx):
    reviewer = make_user(Role.REVIEWER)
    login(client, reviewer.email)
    html = client.get("/staff/").get_data(as_text=True)
    assert _todo_section(html) == ""


def test_the_inbox_filter_for_lectures_held_but_not_recorded(coordinator_client, coordinator, lecturer):
    made = _busy(lecturer, coordinator)
    db.session.rollback()
    coordinator_client.set_cookie("lang", "en")
    text = coordinator_client.get("/staff/lectures/?unrecorded=1").get_data(as_text=True)
    assert made["unrecorded"][0].reference in text
    for key in ("new", "proposed", "future", "held"):
        assert made[key][0].reference not in text
    assert "not recorded as held yet" in text
    assert 'name="unrecorded" value="1"' in text  # the filter stays on when others change
