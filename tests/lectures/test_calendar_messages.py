"""The calendar rules' messages: which weekend day, the last day really open, holidays in the
reader's language, and each candidate's message named after its choice."""

from __future__ import annotations

import re
from datetime import date

import jpholiday
import pytest

from booking.lectures.holidays import HOLIDAY_NAMES, translated_name
from booking.lectures.rules import day_problems, holiday_name, last_lecture_day
from booking.settings.services import Settings, add_blackout_day
from tests.factories import make_user
from tests.factories.lectures import form_data

TODAY = date(2026, 11, 2)  # the frozen clock's day; 180 days on is Saturday 1 May 2027


def messages(day: date, settings: Settings | None = None) -> list[str]:
    return [p.message for p in day_problems(day, settings or Settings(), TODAY)]


def post(client, data, language="en"):
    return client.post("/lectures/request", data=data, headers={"Accept-Language": language})


def error_next_to(html: str, field: str) -> str:
    match = re.search(rf'<p class="field__error" id="{field}-error">(.*?)</p>', html, re.S)
    assert match, f"no error next to {field}"
    return " ".join(match.group(1).split())


# Weekends -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "language", "words"),
    [
        (date(2026, 11, 21), "en", "is a Saturday"),
        (date(2026, 11, 22), "en", "is a Sunday"),
        (date(2026, 11, 21), "ja", "土曜日です"),
        (date(2026, 11, 22), "ja", "日曜日です"),
    ],
)
def test_the_weekend_message_names_the_day(app, day, language, words):
    with app.test_request_context(headers={"Accept-Language": language}):
        [message] = messages(day)
    assert words in message and "土日" not in message and "weekend" not in message


# The horizon ------------------------------------------------------------------------------


def test_the_horizon_message_names_the_last_school_day_not_a_saturday(app):
    assert Settings().latest_day(TODAY) == date(2027, 5, 1)  # a Saturday
    with app.test_request_context(headers={"Accept-Language": "ja"}):
        [message] = messages(date(2027, 5, 10))
    assert "2027年4月30日(金)以前" in message
    assert "5月1日" not in message


@pytest.mark.parametrize(
    ("horizon_days", "last"),
    [
        (180, date(2027, 4, 30)),  # Saturday 1 May: back to Friday
        (178, date(2027, 4, 28)),  # Thursday 29 April is Showa Day: back to Wednesday
        (60, date(2026, 12, 28)),  # Friday 1 January: past the year-end closing to Monday 28 December
        (66, date(2027, 1, 7)),  # Thursday 7 January: a school day, kept
    ],
)
def test_the_last_lecture_day_skips_weekends_holidays_and_the_closing(horizon_days, last):
    assert last_lecture_day(Settings(horizon_days=horizon_days), TODAY) == last


def test_the_last_lecture_day_skips_blackout_days(app, ctx):
    add_blackout_day(date(2027, 4, 30), "点検", make_user())
    add_blackout_day(date(2027, 4, 28), "点検", make_user(email="other@example.jp"))
    from booking.settings.services import current_settings

    assert last_lecture_day(current_settings(), TODAY) == date(2027, 4, 27)


# Holidays in English -----------------------------------------------------------------------


def every_holiday_name(first_year: int, last_year: int) -> set[str]:
    return {name for year in range(first_year, last_year + 1) for _day, name in jpholiday.year_holidays(year)}


def test_every_holiday_jpholiday_gives_has_an_english_name(app):
    names = every_holiday_name(2024, 2030)
    assert "国民の休日" in names and any(n.endswith("振替休日") for n in names)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        for name in names | every_holiday_name(1948, 2023):
            english = translated_name(name)
            assert english != name and english.isascii(), name


def test_the_japanese_page_keeps_jpholidays_own_names(app):
    with app.test_request_context(headers={"Accept-Language": "ja"}):
        for name in every_holiday_name(1948, 2030):
            assert translated_name(name) == name


@pytest.mark.parametrize(
    ("day", "english"),
    [
        (date(2027, 1, 11), "Coming of Age Day"),
        (date(2026, 11, 23), "Labour Thanksgiving Day"),
        (date(2026, 9, 22), "Citizens' Holiday"),  # between Respect for the Aged Day and the equinox
        (date(2027, 3, 22), "Substitute holiday for Vernal Equinox Day"),
    ],
)
def test_an_english_page_names_the_holiday_in_english(app, day, english):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert holiday_name(day) == english
        if day > TODAY:
            [message] = messages(day, Settings(lead_time_days=0, horizon_days=365))
            assert f"national holiday ({english})" in message


def test_an_unknown_holiday_name_is_shown_as_it_comes(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert translated_name("新しい祝日") == "新しい祝日"
        assert translated_name("新しい祝日 振替休日") == "新しい祝日 振替休日"
    assert len(HOLIDAY_NAMES) == len(set(map(str, HOLIDAY_NAMES.values())))


# Each candidate's message names its choice ----------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "english", "japanese"),
    [
        (
            {"candidate_2_time": "08:00"},
            "candidate_2_time",
            "Choice 2: Please choose a start time",
            "第2希望：開始時刻は",
        ),
        ({"candidate_2_date": "2026-11-21"}, "candidate_2_date", "Choice 2: ", "第2希望："),
        ({"candidate_1_date": "2027-01-11"}, "candidate_1_date", "Choice 1: ", "第1希望："),
        ({"candidate_2_time": ""}, "candidate_2_time", "Choice 2: Enter a start time", "第2希望："),
        ({"candidate_1_date": "3 Dec"}, "candidate_1_date", "Choice 1: ", "第1希望："),
    ],
)
def test_each_candidate_message_names_its_choice(client, frozen, program, changes, field, english, japanese):
    for language, words in (("en", english), ("ja", japanese)):
        response = post(client, form_data(program, **changes), language=language)
        assert response.status_code == 422
        assert words in error_next_to(response.get_data(as_text=True), field)


def test_the_third_choices_time_is_named_in_the_summary(client, frozen, program):
    changes = {"candidate_3_date": "2026-12-07", "candidate_3_time": "17:00"}
    html = post(client, form_data(program, **changes), language="ja").get_data(as_text=True)
    assert re.search(r'<a href="#candidate_3_time">第3希望：開始時刻は', html)


def test_the_rule_is_named_when_the_form_has_other_mistakes_too(client, frozen, program):
    html = post(client, form_data(program, candidate_2_time="17:00", contact_name="")).get_data(as_text=True)
    assert "Choice 2: Please choose a start time" in error_next_to(html, "candidate_2_time")
