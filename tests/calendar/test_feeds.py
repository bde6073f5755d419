"""Each lecturer's private calendar feed: the link on their own page, the .ics it serves (the
same UID and SEQUENCE as the emailed invitations), and making a new link or stopping it."""

from __future__ import annotations

import logging
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from booking.audit.models import AuditEntry
from booking.calendar import services as feeds
from booking.calendar.models import CalendarFeed
from booking.core.auth import Role
from booking.core.logs import TokenRedactingFilter
from booking.core.redaction import mask_private_links
from booking.core.tokens import hash_token
from booking.extensions import db
from booking.lectures import services as lectures
from booking.notifications.models import OutboxAttachment, OutboxEmail
from tests.factories import make_user
from tests.factories.lectures import GOOD_DAY, at, make_program, make_request, submit

FEED_PATH = re.compile(r"http://booking\.test(/feeds/[A-Za-z0-9_-]{43}\.ics)")


def _events(body: bytes) -> dict[str, object]:
    """The feed's VEVENTs by summary."""
    calendar = Calendar.from_ical(body)
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


def _link_on_page(client, path: str = "/staff/lectures/schedule") -> str:
    found = FEED_PATH.search(client.get(path).get_data(as_text=True))
    assert found, "no feed link on the page"
    return found.group(1)


@pytest.fixture
def mizuno_client(app, world, login):
    client = app.test_client()
    login(client, world.mizuno.email)
    db.session.rollback()
    return client


@pytest.fixture
def coordinator_web(app, world, login):
    user = make_user(Role.COORDINATOR, email="coord@example.jp")
    client = app.test_client()
    login(client, user.email)
    db.session.rollback()
    return client


def _make_link(client) -> str:
    response = client.post("/staff/calendar/feed/renew", data={"next": "/staff/lectures/schedule"})
    assert response.status_code == 302 and response.headers["Location"] == "/staff/lectures/schedule"
    db.session.rollback()
    return _link_on_page(client)


def test_a_lecturer_makes_a_link_and_subscribes_to_their_lectures_and_time_off(app, world, mizuno_client):
    page = mizuno_client.get("/staff/lectures/schedule").get_data(as_text=True)
    assert "カレンダー配信" in page and "リンクを作成する" in page and "/feeds/" not in page
    path = _make_link(mizuno_client)
    response = app.test_client().get(path)  # a calendar program: no session, no cookies
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response.headers["Cache-Control"]
    assert "Set-Cookie" not in response.headers
    calendar = Calendar.from_ical(response.data)
    assert str(calendar["X-WR-CALNAME"]) == "出前講座カレンダー：水野 健太"
    events = list(calendar.walk("VEVENT"))
    # December and January lectures, the cancelled one, and the time off; never Kitano's.
    assert len(events) == 4
    text = response.data.decode()
    assert "港小学校" in text and "山手中学校" not in text
    time_off = _events(response.data)["不在期間"]
    assert time_off.decoded("DTSTART") == at(date(2026, 12, 21), 0)
    assert "通院" not in text  # the reason is not written out


def test_the_feed_carries_the_same_uid_and_sequence_as_the_emailed_invitation(
    app, world, mizuno_client, coordinator
):
    db.session.rollback()
    lecture, _token = submit(make_program(title_ja="下水道のしくみ"))
    lectures.schedule_request(
        lecture.id, lectures.BookingData(at(GOOD_DAY, 13, 30), (world.mizuno.id,)), coordinator
    )
    lectures.reschedule_request(
        lecture.id,
        lectures.BookingData(at(GOOD_DAY + timedelta(days=1), 13, 30), (world.mizuno.id,)),
        coordinator,
    )
    emailed = _latest_invitation(world.mizuno.email)
    path = _make_link(mizuno_client)
    (fed,) = [
        e
        for e in Calendar.from_ical(app.test_client().get(path).data).walk("VEVENT")
        if str(e["UID"]) == str(emailed["UID"])
    ]
    assert int(fed["SEQUENCE"]) == int(emailed["SEQUENCE"]) == 1
    assert fed.decoded("DTSTART") == emailed.decoded("DTSTART")
    assert str(fed["SUMMARY"]) == str(emailed["SUMMARY"])


def token_of(path: str) -> str:
    return path.removeprefix("/feeds/").removesuffix(".ics")


def _latest_invitation(address: str):
    email_id = db.session.scalar(
        sa.select(OutboxEmail.id)
        .where(OutboxEmail.recipient == address)
        .order_by(OutboxEmail.id.desc())
        .limit(1)
    )
    data = db.session.scalar(sa.select(OutboxAttachment.data).where(OutboxAttachment.email_id == email_id))
    (event,) = Calendar.from_ical(data).walk("VEVENT")
    return event


def test_a_cancelled_lecture_stays_in_the_feed_as_cancelled(app, world, mizuno_client):
    path = _make_link(mizuno_client)
    events = Calendar.from_ical(app.test_client().get(path).data).walk("VEVENT")
    statuses = {("中止小学校" in str(e["SUMMARY"])): str(e["STATUS"]) for e in events}
    assert statuses == {True: "CANCELLED", False: "CONFIRMED"}


def test_lectures_from_more_than_a_year_ago_are_left_out(app, world, mizuno_client, program, frozen):
    make_request(
        program,
        status="completed",
        lecturers=[world.mizuno],
        starts_at=at(date(2025, 10, 1), 10),
        school_name="北九州市立昔小学校",
    )
    make_request(
        program,
        status="completed",
        lecturers=[world.mizuno],
        starts_at=at(date(2025, 12, 1), 10),
        school_name="北九州市立去年小学校",
    )
    path = _make_link(mizuno_client)
    text = app.test_client().get(path).data.decode()
    assert "去年小学校" in text and "昔小学校" not in text


def test_a_new_link_voids_the_old_one_with_the_same_404_as_any_unknown_link(app, world, mizuno_client):
    old = _make_link(mizuno_client)
    new = _make_link(mizuno_client)
    assert old != new
    public = app.test_client()
    assert public.get(new).status_code == 200
    unknown_path = "/feeds/" + "A" * 43 + ".ics"
    gone, unknown = public.get(old), public.get(unknown_path)
    assert gone.status_code == unknown.status_code == 404
    # The page differs only by the address it was asked at (its language links carry it).
    assert gone.data.replace(old.encode(), unknown_path.encode()) == unknown.data
    actions = db.session.scalars(
        sa.select(AuditEntry.action).where(AuditEntry.subject_id == str(world.mizuno.id))
    )
    assert list(actions).count("calendar.feed_renew") == 2


def test_the_database_keeps_only_a_salt_and_the_tokens_hash(app, world, mizuno_client):
    path = _make_link(mizuno_client)
    token = path.removeprefix("/feeds/").removesuffix(".ics")
    feed = db.session.scalar(sa.select(CalendarFeed))
    assert feed.token_hash == hash_token(token)
    assert token not in (feed.salt, feed.token_hash)
    # The link comes from the app's secret: with another secret the row opens nothing and the
    # owner is asked to make a new link.
    db.session.rollback()
    with app.test_request_context():
        assert feeds.feed_box(world.mizuno, world.mizuno).url == "http://booking.test" + path
        app.config["SECRET_KEY"] = "another-secret-" + "x" * 40
        box = feeds.feed_box(world.mizuno, world.mizuno)
    assert box.url is None and box.needs_new_link
    assert app.test_client().get(path).status_code == 200  # the link handed out still works


def test_anothers_token_gives_only_their_lectures(app, world, login):
    kitano = app.test_client()
    login(kitano, world.kitano.email)
    db.session.rollback()
    text = app.test_client().get(_make_link(kitano)).data.decode()
    assert "山手中学校" in text and "港小学校" not in text and "不在期間" not in text


def test_a_coordinator_sees_that_a_link_exists_never_the_link_and_can_stop_it(
    app, world, mizuno_client, coordinator_web
):
    path = _make_link(mizuno_client)
    diary = f"/staff/lectures/lecturers/{world.mizuno.id}"
    page = coordinator_web.get(diary).get_data(as_text=True)
    assert not FEED_PATH.search(page) and token_of(path) not in page
    assert "カレンダー配信の専用リンクがあります" in page
    assert "リンクを停止する" in page
    response = coordinator_web.post(f"/staff/calendar/feeds/{world.mizuno.id}/void", data={"next": diary})
    assert response.status_code == 302 and response.headers["Location"] == diary
    db.session.rollback()
    assert app.test_client().get(path).status_code == 404
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "calendar.feed_void"))
    assert entry.subject_id == str(world.mizuno.id) and entry.details == {}
    assert "リンクはありません" in coordinator_web.get(diary).get_data(as_text=True)


def test_the_return_address_must_stay_on_this_site(world, mizuno_client):
    response = mizuno_client.post("/staff/calendar/feed/renew", data={"next": "https://evil.example/"})
    assert response.headers["Location"] == "/staff/calendar"


def test_only_coordinators_and_admins_stop_a_link_and_only_lecturers_make_one(
    app, world, mizuno_client, login
):
    _make_link(mizuno_client)
    assert mizuno_client.post(f"/staff/calendar/feeds/{world.kitano.id}/void").status_code == 403
    reviewer = make_user(Role.REVIEWER)
    client = app.test_client()
    login(client, reviewer.email)
    assert client.post("/staff/calendar/feed/renew").status_code == 403
    assert app.test_client().post("/staff/calendar/feed/renew").status_code == 302  # to sign in
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CalendarFeed)) == 1


def test_a_deactivated_lecturer_s_feed_stops(app, world, mizuno_client):
    path = _make_link(mizuno_client)
    world.mizuno.active = False
    db.session.commit()
    assert app.test_client().get(path).status_code == 404


def test_the_token_is_masked_in_logs(app, world, mizuno_client):
    path = _make_link(mizuno_client)
    token = path.removeprefix("/feeds/").removesuffix(".ics")
    assert (
        mask_private_links(f'"GET {path} HTTP/1.1" 200', app.url_map)
        == '"GET /feeds/[token].ics HTTP/1.1" 200'
    )
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, '"GET %s HTTP/1.1" 200', (path,), None)
    log_filter = TokenRedactingFilter()
    log_filter.url_map = app.url_map
    log_filter.filter(record)
    assert token not in record.getMessage() and "/feeds/[token].ics" in record.getMessage()


def test_the_feed_is_rate_limited(app, world, mizuno_client):
    app.config["FEED_LIMIT"] = "3 per minute"
    path = _make_link(mizuno_client)
    public = app.test_client()
    assert [public.get(path).status_code for _ in range(4)] == [200, 200, 200, 429]


def test_renewing_someone_elses_feed_is_refused_by_the_service(app, world):
    coordinator = make_user(Role.COORDINATOR)
    with app.test_request_context(), pytest.raises(feeds.DomainError):
        feeds.renew_feed(world.mizuno, coordinator)


def test_the_message_says_whether_an_old_link_was_voided(world, mizuno_client):
    first = mizuno_client.post("/staff/calendar/feed/renew", follow_redirects=True).get_data(as_text=True)
    assert "カレンダー配信のリンクを作成しました" in first and "以前のリンク" not in first
    again = mizuno_client.post("/staff/calendar/feed/renew", follow_redirects=True).get_data(as_text=True)
    assert "以前のリンクは使えなくなりました" in again
