"""Languages: choosing one, keeping it, and writing dates naturally in each."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from booking.core import catalogs
from booking.core.i18n import format_date, format_datetime, format_datetime_dual, format_time


def test_japanese_is_the_default(client):
    assert '<html lang="ja">' in client.get("/").get_data(as_text=True)


def test_browser_language_is_used_on_a_first_visit(client):
    html = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in html


def test_unsupported_browser_language_falls_back_to_japanese(client):
    html = client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9"}).get_data(as_text=True)
    assert '<html lang="ja">' in html


def test_switch_is_kept_in_a_cookie_and_beats_the_browser(client):
    response = client.get("/language/en?next=/privacy")
    assert response.status_code == 302
    assert response.headers["Location"] == "/privacy"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("lang=en") and "Max-Age=31536000" in cookie and "HttpOnly" in cookie
    html = client.get("/privacy", headers={"Accept-Language": "ja"}).get_data(as_text=True)
    assert '<html lang="en">' in html
    client.get("/language/ja?next=/")
    assert '<html lang="ja">' in client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_switch_never_redirects_to_another_site(client):
    response = client.get("/language/en?next=https://evil.example/")
    assert response.headers["Location"] == "/"


def test_every_page_offers_the_other_language(client):
    html = client.get("/staff/login").get_data(as_text=True)
    assert 'href="/language/en?next=/staff/login"' in html
    assert 'lang="en"' in html


def test_every_message_has_a_japanese_translation():
    problems = catalogs.missing_translations()
    assert problems == [], "\n".join(problems[:50])


def test_a_message_shared_by_features_reads_the_same_in_each():
    """Catalogs are merged at run time: one feature's wording must not change another's pages."""
    problems = catalogs.conflicting_translations()
    assert problems == [], "\n".join(problems)


MOMENT = datetime(2026, 12, 3, 1, 30, tzinfo=UTC)  # 10:30 in Japan


@pytest.mark.parametrize(
    ("language", "expected"),
    [("ja", "2026年12月3日(木) 10:30"), ("en", "Thu 3 Dec 2026, 10:30")],
)
def test_datetimes_read_naturally_in_japan_time(ctx, language, expected):
    assert format_datetime(MOMENT, language=language) == expected


def test_dates_and_times(ctx):
    assert format_date(date(2027, 1, 11), language="ja") == "2027年1月11日(月)"
    assert format_date(date(2027, 1, 11), language="en") == "Mon 11 Jan 2027"
    assert format_time(MOMENT, language="ja") == "10:30"
    assert format_time(MOMENT, "Asia/Phnom_Penh", language="en") == "08:30"
    # A datetime late in the UTC day is the next day in Japan.
    assert format_date(datetime(2026, 12, 3, 16, 0, tzinfo=UTC), language="ja") == "2026年12月4日(金)"


def test_lecturer_zone_is_shown_beside_japan_time(ctx):
    ja = format_datetime_dual(MOMENT, "Asia/Phnom_Penh", language="ja")
    en = format_datetime_dual(MOMENT, "Asia/Phnom_Penh", language="en")
    assert ja.startswith("2026年12月3日(木) 10:30(日本時間)")
    assert "8:30" in ja
    assert en.startswith("Thu 3 Dec 2026, 10:30 Japan time /")
    assert "08:30" in en
    assert format_datetime_dual(MOMENT, "Asia/Tokyo", language="ja") == "2026年12月3日(木) 10:30"


def test_naive_datetimes_are_refused(ctx):
    with pytest.raises(ValueError, match="naive"):
        format_datetime(datetime(2026, 12, 3, 10, 30))  # noqa: DTZ001


def test_remembered_formatting_keeps_each_zone_and_language_apart(ctx):
    # The same instant, asked for in turn in zones and languages: each answer is its own.
    for _ in range(2):
        assert format_time(MOMENT, language="ja") == "10:30"
        assert format_time(MOMENT, "Asia/Phnom_Penh", language="ja") == "8:30"
        assert format_time(MOMENT, "UTC", language="en") == "01:30"
        assert format_datetime(MOMENT, "America/New_York", language="en") == "Wed 2 Dec 2026, 20:30"
        assert format_datetime(MOMENT, language="ja") == "2026年12月3日(木) 10:30"
