"""Every email about a study tour: a text and an HTML part, in the organiser's language,
with the private link; the booked visit's calendar entry with where to meet."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from booking.extensions import db
from booking.notifications.models import OutboxAttachment
from booking.visits import notifications
from booking.visits.services import facilities as facility_services
from tests.factories.visits import GOOD_DAY, at, make_visit_request
from tests.helpers import outbox

ORGANISER_EVENTS = {
    "received": lambda v, t: notifications.received(v, t, []),
    "proposed": lambda v, t: notifications.proposed(v, t),
    "scheduled": lambda v, t: notifications.scheduled(v, t),
    "changed": lambda v, t: notifications.changed(v, t, at(GOOD_DAY, 14)),
    "declined": lambda v, t: notifications.declined(v, t),
    "cancelled": lambda v, t: notifications.cancelled(v, t, was_scheduled=v.starts_at is not None),
    "reminder": lambda v, t: notifications.reminded(v, t, f"visits:reminder:{v.id}", 3),
    "feedback_request": lambda v, t: notifications.feedback_requested(v, t),
}
STATUS_FOR = {
    "received": "submitted",
    "proposed": "proposed",
    "scheduled": "scheduled",
    "changed": "scheduled",
    "declined": "declined",
    "cancelled": "cancelled",
    "reminder": "scheduled",
    "feedback_request": "completed",
}
WORDS = {
    "ja": {"received": "受け付けました", "scheduled": "確定", "cancelled": "取り消"},
    "en": {"received": "received", "scheduled": "booked", "cancelled": "cancelled"},
}


@pytest.fixture
def facilities(ctx):
    made = facility_services.seed_default_facilities()
    db.session.commit()
    return made


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("event", ORGANISER_EVENTS)
def test_each_organiser_email_has_both_parts_in_their_language_and_the_link(
    app, facilities, coordinator, event, language
):
    visit = make_visit_request(
        facilities[:1],
        status=STATUS_FOR[event],
        actor=coordinator,
        language=language,
        starts_at=at(GOOD_DAY, 10),
    )
    ORGANISER_EVENTS[event](visit, "t0ken-" + "a" * 40)
    db.session.commit()
    [email] = outbox(app, to=visit.contact_email)
    assert email.template == f"visits/{event}_to_organiser"
    assert email.language == language
    assert visit.reference in email.subject
    assert "/visits/manage/t0ken-" in email.body_text and "/visits/manage/t0ken-" in email.body_html
    assert email.body_html.lstrip().startswith("<!doctype html>")
    assert f'<html lang="{language}">' in email.body_html
    name = facilities[0].name_ja if language == "ja" else facilities[0].name_en
    assert name in email.body_text
    word = WORDS[language].get(event)
    if word:
        assert word in email.subject + email.body_text


def test_the_scheduled_email_carries_the_calendar_entry_with_meeting_point_and_directions(app, facilities):
    visit = make_visit_request(facilities[:1], status="scheduled", language="en", starts_at=at(GOOD_DAY, 10))
    notifications.scheduled(visit, "t0ken")
    db.session.commit()
    [email] = outbox(app, to=visit.contact_email)
    assert "The reception desk on the ground floor of the Visitor Center" in email.body_text
    assert "follow the signs" in email.body_text
    assert "(Japan) · 08:00–09:00 Phnom Penh" in email.body_text
    attachment = db.session.scalar(sa.select(OutboxAttachment).where(OutboxAttachment.email_id == email.id))
    ics = attachment.data.decode()
    unfolded = ics.replace("\r\n ", "")
    assert "METHOD:REQUEST" in unfolded and f"UID:visit-{visit.reference.lower()}@" in unfolded
    assert "reception desk" in unfolded


def test_a_cancelled_booked_visit_withdraws_the_calendar_entry(app, facilities):
    visit = make_visit_request(facilities[:1], status="scheduled", language="ja")
    visit.cancel("中止", None, by_organiser=True)
    notifications.cancelled(visit, "t0ken", was_scheduled=True)
    db.session.commit()
    [email] = outbox(app, to=visit.contact_email)
    attachment = db.session.scalar(sa.select(OutboxAttachment).where(OutboxAttachment.email_id == email.id))
    ics = attachment.data.decode()
    assert "METHOD:CANCEL" in ics and "SEQUENCE:1" in ics


def test_coordinators_hear_of_a_new_request_in_their_own_language(app, facilities, coordinator):
    from booking.core.auth import Role
    from tests.factories import make_user

    english = make_user(Role.COORDINATOR, email="en-coord@example.jp", language="en")
    visit = make_visit_request(facilities[:1], language="ja")
    notifications.received(visit, "t0ken", [coordinator, english])
    db.session.commit()
    [ja] = outbox(app, to=coordinator.email)
    [en] = outbox(app, to=english.email)
    assert ja.template == en.template == "visits/new_request_to_coordinators"
    assert ja.language == "ja" and en.language == "en"
    assert "t0ken" not in ja.body_text  # staff get the staff page, never the organiser's link


def test_the_feedback_request_goes_once(app, facilities, coordinator):
    visit = make_visit_request(
        facilities[:1], status="completed", actor=coordinator, starts_at=at(GOOD_DAY, 10)
    )
    notifications.feedback_requested(visit, "a")
    notifications.feedback_requested(visit, "b")
    db.session.commit()
    assert len(outbox(app, to=visit.contact_email)) == 1


def test_the_reminder_says_how_many_days_are_left(app, facilities):
    visit = make_visit_request(facilities[:1], status="scheduled", language="en", starts_at=at(GOOD_DAY, 10))
    notifications.reminded(visit, "t0ken", "visits:reminder:x", 3)
    db.session.commit()
    [email] = outbox(app, to=visit.contact_email)
    assert "in 3 days" in email.subject
    assert "/visits/manage/t0ken/calendar.ics" in email.body_text
    assert visit.starts_at - timedelta(days=31) < visit.starts_at  # booked ahead
