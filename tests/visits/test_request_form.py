"""The study-tour request form: every rule with a message next to its field, and hostile
input of every kind answered with a message, nothing saved, never a server error."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from booking.extensions import db
from booking.visits.models import VisitRequest
from booking.visits.services import facilities as facility_services
from tests.factories.visits import GOOD_DAY, form_data, make_facility


@pytest.fixture
def facilities(ctx):
    made = facility_services.seed_default_facilities()
    db.session.commit()
    return made


def _post(client, data, language="en"):
    client.set_cookie("lang", language)
    response = client.post("/visits/request", data=data)
    db.session.rollback()
    return response, response.get_data(as_text=True)


def _error(html: str, field: str) -> str:
    found = re.search(rf'<p class="field__error" id="{field}-error">(.*?)</p>', html, re.S)
    assert found, f"no error next to {field}"
    return " ".join(re.sub(r"<[^>]+>", "", found.group(1)).split())


def _nothing_saved() -> None:
    assert db.session.scalar(sa.select(sa.func.count(VisitRequest.id))) == 0


def _refused(client, data, field, language="en") -> str:
    response, html = _post(client, data, language)
    assert response.status_code == 422, html[:400]
    _nothing_saved()
    assert f'href="#{field}' in html  # the error summary links to the field
    return _error(html, field)


def test_a_date_inside_the_lead_time_is_refused(client, frozen, facilities):
    soon = date(2026, 11, 20)  # a Friday, 18 days ahead
    message = _refused(
        client, form_data(facilities[:1], candidate_1_date=soon.isoformat()), "candidate_1_date"
    )
    assert "at least 21 days ahead" in message


def test_the_lead_time_follows_the_setting(client, frozen, facilities, ctx):
    from booking.settings.models import BureauSettings

    db.session.add(BureauSettings(id=1, visit_lead_days=10))
    db.session.commit()
    response, _html = _post(
        client,
        form_data(facilities[:1], candidate_1_date="2026-11-20", candidate_2_date="", candidate_2_time=""),
    )
    assert response.status_code == 302


def test_a_day_the_facility_is_closed_is_refused(client, frozen, facilities):
    saturday = date(2026, 12, 5)
    message = _refused(
        client, form_data(facilities[:1], candidate_1_date=saturday.isoformat()), "candidate_1_date"
    )
    assert "Visitor Center is closed on that day of the week" in message


def test_a_national_holiday_is_refused(client, frozen, facilities):
    data = form_data(facilities[:1], candidate_1_date="2027-02-11")  # National Foundation Day, a Thursday
    assert "national holidays" in _refused(client, data, "candidate_1_date")


def test_the_year_end_closing_is_refused(client, frozen, facilities):
    message = _refused(client, form_data(facilities[:1], candidate_1_date="2026-12-29"), "candidate_1_date")
    assert "29 December to 3 January" in message


@pytest.mark.parametrize(
    ("start", "ok"), [("09:30", True), ("15:30", True), ("15:31", False), ("09:00", False)]
)
def test_the_whole_visit_fits_the_opening_hours(client, frozen, facilities, start, ok):
    # The Visitor Center is open 9:30 to 16:30 and a visit lasts 60 minutes.
    data = form_data(facilities[:1], candidate_1_time=start, candidate_2_date="", candidate_2_time="")
    if ok:
        assert _post(client, data)[0].status_code == 302
    else:
        assert "open from 09:30 to 16:30" in _refused(client, data, "candidate_1_time")


def test_every_chosen_facility_must_be_open_for_the_whole_visit(client, frozen, facilities):
    # Visitor Center (60 min, to 16:30) then the Water Plaza (45 min, to 16:00): 14:30 ends 16:15.
    data = form_data(facilities[:2], candidate_1_time="14:30", candidate_2_date="", candidate_2_time="")
    message = _refused(client, data, "candidate_1_time")
    assert "Water Plaza is open from 09:30 to 16:00" in message and "105 minutes" in message


def test_the_group_must_fit_the_smallest_facility(client, frozen, facilities):
    # The purification centre tour takes 20 at once.
    message = _refused(client, form_data(facilities, group_size="21"), "group_size")
    assert "up to 20 visitors" in message


def test_the_same_candidate_twice_is_refused(client, frozen, facilities):
    data = form_data(
        facilities[:1], candidate_2_date=GOOD_DAY.isoformat(), candidate_2_time="10:00", candidate_3_date=""
    )
    assert "same as choice 1" in _refused(client, data, "candidate_2_date")


def test_a_time_zone_of_another_country_is_refused(client, frozen, facilities):
    data = form_data(facilities[:1], country="US", time_zone="Asia/Phnom_Penh")
    assert "time zone of the country" in _refused(client, data, "time_zone")


def test_a_country_with_several_zones_keeps_the_one_chosen(client, frozen, facilities):
    response, _html = _post(client, form_data(facilities[:1], country="US", time_zone="America/Chicago"))
    assert response.status_code == 302
    assert db.session.scalar(sa.select(VisitRequest.time_zone)) == "America/Chicago"


def test_an_inactive_facility_cannot_be_chosen(client, frozen, facilities, ctx):
    closed = make_facility(active=False)
    assert "from the list" in _refused(client, form_data([closed]), "facilities")


HOSTILE = {
    "NUL in the organisation": ({"organisation": "Water\x00Authority"}, None),
    "10,000 characters of purpose": ({"purpose": "x" * 10_000}, "purpose"),
    "10,000 characters of name": ({"contact_name": "x" * 10_000}, "contact_name"),
    "a superscript group size": ({"group_size": "1²"}, "group_size"),
    "a group of none": ({"group_size": "0"}, "group_size"),
    "a group of 99999": ({"group_size": "99999"}, "group_size"),
    "a negative group": ({"group_size": "-5"}, "group_size"),
    "the last day of 9999": ({"candidate_1_date": "9999-12-31"}, "candidate_1_date"),
    "the first day of year 1": ({"candidate_1_date": "0001-01-01"}, "candidate_1_date"),
    "a superscript date": ({"candidate_1_date": "2026-12-0³"}, "candidate_1_date"),
    "a time of 25:00": ({"candidate_1_time": "25:00"}, "candidate_1_time"),
    "an unknown country": ({"country": "XX"}, "country"),
    "a lower-case country": ({"country": "kh"}, "country"),
    "an unknown facility id": ({"facilities": ["999999"]}, "facilities"),
    "a huge facility id": ({"facilities": ["9" * 40]}, "facilities"),
    "a facility id in words": ({"facilities": ["abc"]}, "facilities"),
    "no facility": ({"facilities": []}, "facilities"),
    "an unknown interpretation": ({"interpretation": "sometimes"}, "interpretation"),
    "a phone in letters": ({"contact_phone": "call me"}, "contact_phone"),
    "a line break in the name": ({"contact_name": "Sok\nDara"}, "contact_name"),
    "no consent": ({"privacy_consent": None}, "privacy_consent"),
    "no email": ({"contact_email": None}, "contact_email"),
    "no first choice": ({"candidate_1_date": None, "candidate_1_time": None}, "candidate_1_date"),
}


@pytest.mark.parametrize(("changes", "field"), HOSTILE.values(), ids=HOSTILE.keys())
@pytest.mark.parametrize("language", ["en", "ja"])
def test_hostile_input_gets_a_message_and_saves_nothing(client, frozen, facilities, changes, field, language):
    data = form_data(facilities[:1])
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    response, html = _post(client, data, language)
    assert response.status_code in (400, 422)
    assert response.status_code < 500
    _nothing_saved()
    if field is not None:
        assert _error(html, field)


def test_full_width_digits_are_read_as_digits(client, frozen, facilities):
    data = form_data(
        facilities[:1], group_size="１２", candidate_1_date="２０２６-１２-０３", candidate_1_time="１０:００"
    )
    response, _html = _post(client, data)
    assert response.status_code == 302
    assert db.session.scalar(sa.select(VisitRequest.group_size)) == 12


def test_a_field_sent_twice_is_read_once(client, frozen, facilities):
    data = list(form_data(facilities[:1]).items())
    flat = []
    for key, value in data:
        for one in value if isinstance(value, list) else [value]:
            flat.append((key, one))
    flat.append(("group_size", "99999"))  # a second value: only the first counts
    client.set_cookie("lang", "en")
    from werkzeug.datastructures import MultiDict

    response = client.post("/visits/request", data=MultiDict(flat))
    db.session.rollback()
    assert response.status_code == 302
    assert db.session.scalar(sa.select(VisitRequest.group_size)) == 12


def test_the_same_facility_ticked_twice_counts_once(client, frozen, facilities):
    data = form_data(facilities[:1])
    data["facilities"] = [str(facilities[0].id), str(facilities[0].id)]
    response, _html = _post(client, data)
    assert response.status_code == 302
    visit = db.session.scalar(sa.select(VisitRequest))
    assert [f.id for f in visit.facilities] == [facilities[0].id]


def test_a_third_candidate_far_ahead_is_refused(client, frozen, facilities):
    later = (GOOD_DAY + timedelta(days=400)).isoformat()
    data = form_data(facilities[:1], candidate_3_date=later, candidate_3_time="10:00")
    assert "within one year" in _refused(client, data, "candidate_3_date")
