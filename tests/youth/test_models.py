"""The application workflow table, essay counting and kana, as plain functions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from booking.core.errors import InvalidTransition
from booking.youth.models import APPLICATION_WORKFLOW, Application, ApplicationStatus, Cohort, WindowState
from booking.youth.rules import essay_length, is_katakana, normalise_kana


@pytest.mark.parametrize(("frm", "to"), list(APPLICATION_WORKFLOW.moves()))
def test_allowed_moves_write_a_history_row(ctx, frm, to):
    application = Application(status=frm)
    application.history = []
    application._move(to, by="student")
    assert application.status == to
    assert (application.history[-1].from_value, application.history[-1].to_value) == (frm.value, to.value)


@pytest.mark.parametrize(("frm", "to"), list(APPLICATION_WORKFLOW.forbidden()))
def test_every_other_move_is_refused(ctx, frm, to):
    application = Application(status=frm)
    application.history = []
    with pytest.raises(InvalidTransition):
        application._move(to, by="staff")
    assert application.status == frm
    assert application.history == []


def test_a_draft_becomes_an_application_only_by_submitting():
    assert APPLICATION_WORKFLOW.targets(ApplicationStatus.DRAFT) == {ApplicationStatus.SUBMITTED}


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("", 0),
        ("水道", 2),
        ("水　道", 2),  # full-width space
        ("水 道", 2),
        ("水\n道\r\n", 2),
        ("水\t道\u3000\u3000", 2),
        ("カ\u3099", 1),  # カ + combining voiced mark is one character (ガ) after NFC
        ("ガ", 1),
        ("ＳＤＧｓ", 4),
        ("「水」。", 4),  # punctuation counts, as on 原稿用紙
        ("𠮷野家", 3),  # a character outside the BMP is one character
    ],
)
def test_essay_length_counts_as_a_japanese_essay_does(text, count):
    assert essay_length(text) == count


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("ヤマダ", "ヤマダ"),
        ("やまだ", "ヤマダ"),
        ("ﾔﾏﾀﾞ", "ヤマダ"),
        ("ｶﾞｯｺｳ", "ガッコウ"),
        (" やまだ　", "ヤマダ"),
        ("ジョン・スミス", "ジョン・スミス"),
        ("ゔぁ", "ヴァ"),
    ],
)
def test_kana_is_normalised_to_full_width_katakana(typed, stored):
    assert normalise_kana(typed) == stored
    assert is_katakana(stored)


@pytest.mark.parametrize("typed", ["山田", "yamada", "ヤマダ1", "ﾔﾏﾀﾞ太郎"])
def test_other_scripts_are_not_kana(typed):
    assert not is_katakana(normalise_kana(typed))


def test_the_window_is_open_from_its_opening_minute_until_its_closing_minute():
    cohort = Cohort(
        opens_at=datetime(2026, 11, 1, 0, 0, tzinfo=UTC), closes_at=datetime(2026, 12, 15, 8, 0, tzinfo=UTC)
    )
    assert cohort.window_state(datetime(2026, 10, 31, 23, 59, tzinfo=UTC)) == WindowState.NOT_YET_OPEN
    assert cohort.window_state(datetime(2026, 11, 1, 0, 0, tzinfo=UTC)) == WindowState.OPEN
    assert cohort.window_state(datetime(2026, 12, 15, 7, 59, 59, tzinfo=UTC)) == WindowState.OPEN
    assert cohort.window_state(datetime(2026, 12, 15, 8, 0, tzinfo=UTC)) == WindowState.CLOSED
